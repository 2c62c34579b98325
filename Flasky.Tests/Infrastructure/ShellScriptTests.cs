namespace Flasky.Tests.Infrastructure;

/// <summary>Every shell script in the repository passes shellcheck.</summary>
public sealed partial class ShellScriptTests
{
    private static readonly string[] SkippedDirectories = ["node_modules", "bin", "obj", ".git", "artifacts", "TestResults"];

    /// <summary>Files named *.sh, and any other file whose first line is a sh or bash shebang (like <c>.ci/run</c>).</summary>
    internal static IEnumerable<string> ShellScripts(string directory) =>
        Directory.EnumerateFiles(directory)
            .Where(f => f.EndsWith(".sh", StringComparison.Ordinal) || HasShellShebang(f))
            .Concat(Directory.EnumerateDirectories(directory)
                .Where(d => !SkippedDirectories.Contains(Path.GetFileName(d), StringComparer.Ordinal))
                .SelectMany(ShellScripts));

    private static bool HasShellShebang(string file)
    {
        using var reader = new StreamReader(file);
        var first = reader.ReadLine();
        return first is not null && ShellShebang().IsMatch(first);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^#!\s*/(usr/)?bin/(env\s+)?(ba)?sh\b")]
    private static partial System.Text.RegularExpressions.Regex ShellShebang();

    [Fact]
    public async Task Every_shell_script_passes_shellcheck()
    {
        // Deliberately a failure, not a skip: a gate that quietly doesn't run is no gate. CI installs it.
        var shellcheck = ExternalTool.FindOnPath("shellcheck");
        Assert.True(shellcheck is not null, "shellcheck is not on PATH: install shellcheck (apt-get install shellcheck)");

        var scripts = ShellScripts(RepositoryRoot.Path).Order(StringComparer.Ordinal).ToList();
        Assert.Contains(scripts, s => s.EndsWith(Path.Combine("infra", "azure", "scripts", "postdeploy.sh"), StringComparison.Ordinal));
        Assert.Contains(scripts, s => s.EndsWith(Path.Combine(".ci", "run"), StringComparison.Ordinal));
        Assert.Contains(scripts, s => s.EndsWith(Path.DirectorySeparatorChar + "test.sh", StringComparison.Ordinal));

        var run = await ExternalTool.RunAsync(shellcheck, ["--format=gcc", "--severity=style", .. scripts]);
        Assert.True(run.ExitCode == 0, $"shellcheck {string.Join(' ', scripts)}:\n{run.Diagnostics}");
    }
}
