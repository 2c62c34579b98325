namespace Flasky.Tests.Infrastructure;

/// <summary>
/// What every <c>infra/&lt;cloud&gt;</c> Terraform module must hold, over the parsed HCL: exactly the expected files,
/// each parsing, every reference declared, every variable used, and the cloud's provider pinned.
/// </summary>
public abstract class TerraformModuleTests(TerraformModule module)
{
    /// <summary>The parsed module.</summary>
    protected TerraformModule Module => module;

    /// <summary>The module's <c>.tf</c> files, in ordinal order.</summary>
    protected abstract IReadOnlyList<string> Files { get; }

    /// <summary>The cloud's provider: its local name, source and version constraint.</summary>
    protected abstract (string Name, string Source, string Version) Provider { get; }

    [Fact]
    public void Every_file_parses_and_every_reference_is_declared()
    {
        Assert.Equal(Files, TerraformModule.List(module.Root, "files"));
        TerraformAssert.EveryReferenceIsDeclared(module);
        TerraformAssert.EveryVariableIsUsed(module);
    }

    [Fact]
    public void The_provider_is_pinned()
    {
        var provider = module.RequiredProvider(Provider.Name);
        Assert.Equal(Provider.Source, TerraformModule.Value(provider, "source"));
        Assert.Equal(Provider.Version, TerraformModule.Value(provider, "version"));
    }
}
