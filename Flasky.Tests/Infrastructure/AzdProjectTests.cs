using System.Text.Json;
using System.Text.RegularExpressions;

namespace Flasky.Tests.Infrastructure;

/// <summary>azure.yaml and the parameters file: what azd reads before it ever reaches Bicep.</summary>
[Collection(SharedAzureTemplate.Name)]
public sealed partial class AzdProjectTests(AzureTemplateFixture template)
{
    private static readonly string AzureYaml = File.ReadAllText(RepositoryRoot.Combine("azure.yaml"));

    [Theory]
    [InlineData("name: flasky")]
    [InlineData("    project: ./Flasky.Functions")]
    [InlineData("    language: dotnet")]
    [InlineData("    host: function")]
    [InlineData("  provider: bicep")]
    [InlineData("  path: infra/azure")]
    public void Azure_yaml_declares(string line) =>
        Assert.Contains(line, AzureYaml.Split('\n'));

    [Fact]
    public void Hook_scripts_exist_and_are_executable()
    {
        // Hooks run their script with bash explicitly; the execute bit (git keeps it) also lets it run on its own.
        var scripts = HookRun().Matches(AzureYaml).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            var path = RepositoryRoot.Combine(script.Split('/'));
            Assert.True(File.Exists(path), $"{script} (from azure.yaml) does not exist");
            if (!OperatingSystem.IsWindows())
            {
                Assert.True(File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute), $"{script} is not executable");
            }

            Assert.StartsWith("#!/usr/bin/env bash\n", File.ReadAllText(path), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Postdeploy_hook_has_a_windows_variant_run_by_pwsh()
    {
        // azd picks `windows` on Windows and `posix` elsewhere; a hook with only one of them silently does nothing on the
        // other, so Windows users would get no contract check at all.
        var lines = AzureYaml.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var windows = lines.IndexOf("    windows:");
        var posix = lines.IndexOf("    posix:");
        Assert.True(windows > 0 && posix > 0, "postdeploy needs both a windows and a posix hook");
        var windowsBlock = lines.Skip(windows + 1).TakeWhile(l => l.StartsWith("      ", StringComparison.Ordinal)).ToList();
        Assert.Contains("      shell: pwsh", windowsBlock);
        Assert.Contains("      run: ./infra/azure/scripts/postdeploy.ps1", windowsBlock);
        Assert.Contains("      continueOnError: false", windowsBlock);
        Assert.True(File.Exists(RepositoryRoot.Combine("infra", "azure", "scripts", "postdeploy.ps1")));
    }

    [Fact]
    public void Parameters_file_supplies_every_required_parameter_from_azd()
    {
        using var parameters = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("infra", "azure", "main.parameters.json")));
        var supplied = parameters.RootElement.GetProperty("parameters").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("value").GetString());
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["environmentName"] = "${AZURE_ENV_NAME}",
                ["location"] = "${AZURE_LOCATION}",
                ["principalId"] = "${AZURE_PRINCIPAL_ID}",
                ["vnetEnabled"] = "${VNET_ENABLED=false}",
            },
            supplied);

        var declared = template.Root.GetProperty("parameters").EnumerateObject().ToList();
        Assert.All(declared.Where(p => !p.Value.TryGetProperty("defaultValue", out _)),
            p => Assert.Contains(p.Name, supplied.Keys));
        Assert.All(supplied.Keys, name => Assert.Contains(declared, p => p.Name == name));
    }

    [GeneratedRegex(@"^\s*run:\s*bash \./(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex HookRun();
}
