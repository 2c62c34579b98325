namespace Flasky.Tests.Infrastructure;

/// <summary>
/// What every <c>infra/&lt;cloud&gt;/deploy.sh</c> does the same way (they share <c>infra/lib/deploy-common.sh</c>), run
/// against stand-ins for its tools: it is executable bash in the shellcheck gate, anything but <c>up</c> or <c>down</c>
/// prints the usage, and a failed destroy stops <c>down</c> with a clear message. Each cloud adopts it with its stubs and
/// its environment.
/// </summary>
public abstract class DeployScriptTests : IDisposable
{
    private protected DeployScriptTests(string cloud, SystemPathWithoutCloudTools systemPath)
    {
        Script = RepositoryRoot.Combine("infra", cloud, "deploy.sh");
        TerraformDir = RepositoryRoot.Combine("infra", cloud);
        Stubs = new ToolStubs(systemPath);
    }

    protected string Script { get; }

    protected string TerraformDir { get; }

    private protected ToolStubs Stubs { get; }

    /// <summary>The variables a successful run needs (the cloud's project or region, cleared credentials, ...).</summary>
    private protected abstract Dictionary<string, string> Environment();

    [Fact]
    public void Script_is_executable_bash_and_in_the_shellcheck_gate()
    {
        Assert.StartsWith("#!/usr/bin/env bash\n", File.ReadAllText(Script), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.True(File.GetUnixFileMode(Script).HasFlag(UnixFileMode.UserExecute), $"{Script} is not executable");
        }

        Assert.Contains(Script, ShellScriptTests.ShellScripts(RepositoryRoot.Path));
    }

    [Theory]
    [InlineData("")]
    [InlineData("deploy")]
    [InlineData("up now")]
    public async Task Anything_but_up_or_down_prints_the_usage(string arguments)
    {
        var run = await Stubs.RunAsync(Script, arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), Environment());

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("usage:", run.StandardError, StringComparison.Ordinal);
        Assert.Empty(Stubs.Calls());
    }

    [Fact]
    public async Task Down_stops_when_destroy_fails()
    {
        var run = await RunAsync("down", new() { ["STUB_FAIL"] = "terraform * destroy *" });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("deploy.sh: terraform destroy failed", run.StandardError, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Stubs.Dispose();
        }
    }

    private protected Task<ToolRun> RunAsync(string action, Dictionary<string, string>? overrides = null) =>
        Stubs.RunAsync(Script, [action], Environment(), overrides);

    /// <summary>Runs the script with <paramref name="tool"/> missing: it must stop before calling anything, saying so.</summary>
    private protected async Task AssertStopsWithoutAsync(string tool, string message)
    {
        Stubs.Remove(tool);

        var run = await RunAsync("up");

        Stubs.AssertStoppedBeforeAnyCall(run, message);
    }
}
