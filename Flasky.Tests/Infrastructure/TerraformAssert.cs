using System.Text.RegularExpressions;

namespace Flasky.Tests.Infrastructure;

/// <summary>
/// What <c>terraform validate</c> would catch without provider schemas, checked over the parsed module: references to
/// undeclared objects and unused variables; plus what must hold for every module: no output carries a secret.
/// </summary>
internal static partial class TerraformAssert
{
    public static void EveryReferenceIsDeclared(TerraformModule module)
    {
        var declared = module.Declarations();
        var references = module.References().ToList();
        Assert.NotEmpty(references);
        var undeclared = references.Where(r => !declared.Contains(r.Address)).Select(r => $"{r.Address} (in {r.UsedIn})").ToList();
        Assert.True(undeclared.Count == 0, $"references to undeclared objects:\n{string.Join('\n', undeclared)}");
    }

    public static void EveryVariableIsUsed(TerraformModule module)
    {
        // A variable's own validation block doesn't count as a use.
        var used = module.References()
            .Where(r => !r.UsedIn.StartsWith("/variable/", StringComparison.Ordinal))
            .Select(r => r.Address)
            .ToHashSet(StringComparer.Ordinal);
        Assert.All(module.VariableNames(), name => Assert.True(used.Contains($"var.{name}"), $"variable {name} is never used"));
    }

    public static void NoOutputIsSensitive(TerraformModule module)
    {
        foreach (var output in module.Root.GetProperty("output").EnumerateObject())
        {
            var body = module.Output(output.Name);
            Assert.False(body.TryGetProperty("sensitive", out _), $"output {output.Name} is marked sensitive: outputs carry no secrets");
            Assert.DoesNotMatch(SecretAttribute(), TerraformModule.Value(body, "value") ?? "");
        }
    }

    [GeneratedRegex(@"(?i)secret|password|private_key|access_key|\.token|\.key\b")]
    private static partial Regex SecretAttribute();
}
