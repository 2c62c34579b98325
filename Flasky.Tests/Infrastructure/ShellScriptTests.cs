namespace Flasky.Tests.Infrastructure;

/// <summary>Every shell script in the repository passes shellcheck.</summary>
public sealed class ShellScriptTests
{
    private static readonly string[] SkippedDirectories = ["node_modules", "bin", "obj", ".git", "artifacts", "TestResults"];

    internal static IEnumerable<string> ShellScripts(string directory) =>
        Directory.EnumerateFiles(directory, "*.sh")
            .Concat(Directory.EnumerateDirectories(directory)
                .Where(d => !SkippedDirectories.Contains(Path.GetFileName(d), StringComparer.Ordinal))
                .SelectMany(ShellScripts));

    [Fact]
    public async Task Every_shell_script_passes_shellcheck()
    {
        // Deliberately a failure, not a skip: a gate that quietly doesn't run is no gate. CI installs it.
        var shellcheck = ExternalTool.FindOnPath("shellcheck");
        Assert.True(shellcheck is not null, "shellcheck is not on PATH: install shellcheck (apt-get install shellcheck)");

        var scripts = ShellScripts(RepositoryRoot.Path).Order(StringComparer.Ordinal).ToList();
        Assert.Contains(scripts, s => s.EndsWith(Path.Combine("infra", "azure", "scripts", "postdeploy.sh"), StringComparison.Ordinal));

        var run = await ExternalTool.RunAsync(shellcheck, ["--format=gcc", "--severity=style", .. scripts]);
        Assert.True(run.ExitCode == 0, $"shellcheck {string.Join(' ', scripts)}:\n{run.Diagnostics}");
    }
}
