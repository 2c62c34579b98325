using System.Text.Json;
using System.Text.RegularExpressions;

namespace Flasky.Tests.Infrastructure;

/// <summary>
/// Compiles and lints infra/azure/main.bicep once for every test in the "Azure template" collection, and answers
/// questions about the compiled ARM JSON: the subscription-level template plus one nested template per module.
/// </summary>
public sealed partial class AzureTemplateFixture : IAsyncLifetime
{
    public static readonly string MainBicep = RepositoryRoot.Combine("infra", "azure", "main.bicep");

    private JsonDocument? _document;

    internal ToolRun Build { get; private set; } = new(-1, "", "not run");

    internal ToolRun Lint { get; private set; } = new(-1, "", "not run");

    /// <summary>The compiled template; fails the calling test with Bicep's diagnostics when the build failed.</summary>
    public JsonElement Root => _document?.RootElement
        ?? throw new InvalidOperationException($"bicep build failed:\n{Build.Diagnostics}");

    public async Task InitializeAsync()
    {
        var build = BicepCli.RunAsync("build", MainBicep, "--stdout");
        var lint = BicepCli.RunAsync("lint", MainBicep);
        Build = await build;
        Lint = await lint;
        if (Build.ExitCode == 0)
        {
            _document = JsonDocument.Parse(Build.StandardOutput);
        }
    }

    public Task DisposeAsync()
    {
        _document?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The nested deployment that <c>module &lt;name&gt;</c> in main.bicep compiles to.</summary>
    public JsonElement Module(string name) =>
        Root.GetProperty("resources").EnumerateArray()
            .Single(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                && r.GetProperty("name").GetString() == name);

    public JsonElement ModuleTemplate(string name) => Module(name).GetProperty("properties").GetProperty("template");

    /// <summary>Every template in the file: the root (module "") and each module's.</summary>
    public IEnumerable<(string Module, JsonElement Template)> Templates()
    {
        yield return ("", Root);
        foreach (var deployment in Root.GetProperty("resources").EnumerateArray()
            .Where(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments"))
        {
            yield return (deployment.GetProperty("name").GetString()!, deployment.GetProperty("properties").GetProperty("template"));
        }
    }

    /// <summary>Resources of one type, from whichever template declares them.</summary>
    public IReadOnlyList<(string Module, JsonElement Resource)> Resources(string type) =>
        [.. Templates().SelectMany(t => t.Template.GetProperty("resources").EnumerateArray()
            .Where(r => r.GetProperty("type").GetString() == type)
            .Select(r => (t.Module, r)))];

    public (string Module, JsonElement Resource) SingleResource(string type) => Assert.Single(Resources(type));

    /// <summary>
    /// Follows <c>[parameters('x')]</c> (a module parameter, to the value main.bicep passes) and
    /// <c>[variables('x')]</c> until it reaches a literal or any other expression.
    /// </summary>
    public JsonElement Resolve(string module, JsonElement value)
    {
        while (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!;
            if (VariableReference().Match(text) is { Success: true } variable)
            {
                var template = module == "" ? Root : ModuleTemplate(module);
                value = template.GetProperty("variables").GetProperty(variable.Groups[1].Value);
            }
            else if (module != "" && ParameterReference().Match(text) is { Success: true } parameter)
            {
                value = Module(module).GetProperty("properties").GetProperty("parameters")
                    .GetProperty(parameter.Groups[1].Value).GetProperty("value");
                module = "";
            }
            else
            {
                break;
            }
        }

        return value;
    }

    public string? ResolveString(string module, JsonElement value) => Resolve(module, value).GetString();

    public string? ResolveString(string module, string expression) =>
        ResolveString(module, JsonSerializer.SerializeToElement(expression));

    [GeneratedRegex(@"^\[variables\('([^']+)'\)\]$")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^\[parameters\('([^']+)'\)\]$")]
    private static partial Regex ParameterReference();
}

[CollectionDefinition(Name)]
public sealed class SharedAzureTemplate : ICollectionFixture<AzureTemplateFixture>
{
    public const string Name = "Azure template";
}
