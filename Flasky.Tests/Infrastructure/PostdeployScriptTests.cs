namespace Flasky.Tests.Infrastructure;

/// <summary>
/// infra/azure/scripts/postdeploy.sh run against stand-ins for az, curl and dotnet: it must fail the deployment on
/// every failure and never print the function key.
/// </summary>
public sealed class PostdeployScriptTests : IDisposable
{
    private const string FunctionKey = "test-function-key-4f1c9d";
    private static readonly string Script = RepositoryRoot.Combine("infra", "azure", "scripts", "postdeploy.sh");

    private readonly string _stubs = Directory.CreateTempSubdirectory("flasky-postdeploy-").FullName;

    public PostdeployScriptTests()
    {
        // az prints the key; curl prints the status the test chose; dotnet records its arguments and exits as told.
        WriteStub("az", $"printf '%s\\n' '{FunctionKey}'");
        WriteStub("curl", "printf '%s' \"$STUB_ANONYMOUS_STATUS\"");
        WriteStub("dotnet", "printf '%s\\n' \"$@\" > \"$STUB_DIR/dotnet-args\"\nexit \"$STUB_CHECK_EXIT\"");
    }

    public void Dispose() => Directory.Delete(_stubs, recursive: true);

    [Fact]
    public async Task Passes_the_key_to_the_contract_check_and_succeeds_when_everything_passes()
    {
        var run = await RunAsync(anonymousStatus: "401", checkExit: 0);

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        var args = await File.ReadAllLinesAsync(Path.Combine(_stubs, "dotnet-args"));
        Assert.Equal(
            ["run", "--project", RepositoryRoot.Combine("Flasky.Check"), "--", "https://flasky.example", "--function-key", FunctionKey],
            args);
        AssertKeyNotPrinted(run);
    }

    [Fact]
    public async Task Fails_when_the_api_answers_without_a_key()
    {
        var run = await RunAsync(anonymousStatus: "200", checkExit: 0);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("anonymously", run.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_stubs, "dotnet-args")), "the contract check must not run");
    }

    [Fact]
    public async Task Fails_when_the_contract_check_fails()
    {
        var run = await RunAsync(anonymousStatus: "401", checkExit: 3);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("contract check failed", run.StandardError, StringComparison.Ordinal);
        AssertKeyNotPrinted(run);
    }

    [Fact]
    public async Task Fails_when_azd_did_not_provide_the_api_url()
    {
        var run = await RunAsync(anonymousStatus: "401", checkExit: 0, apiUrl: null);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("API_URL", run.StandardError, StringComparison.Ordinal);
    }

    private static void AssertKeyNotPrinted(ToolRun run)
    {
        Assert.DoesNotContain(FunctionKey, run.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(FunctionKey, run.StandardError, StringComparison.Ordinal);
    }

    private void WriteStub(string name, string body)
    {
        var path = Path.Combine(_stubs, name);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private Task<ToolRun> RunAsync(string anonymousStatus, int checkExit, string? apiUrl = "https://flasky.example/")
    {
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = $"{_stubs}{Path.PathSeparator}{Environment.GetEnvironmentVariable("PATH")}",
            ["STUB_DIR"] = _stubs,
            ["STUB_ANONYMOUS_STATUS"] = anonymousStatus,
            ["STUB_CHECK_EXIT"] = checkExit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AZURE_RESOURCE_GROUP"] = "rg-test",
            ["AZURE_FUNCTION_APP_NAME"] = "func-test",
            ["API_URL"] = apiUrl ?? "",
        };
        return ExternalTool.RunAsync("bash", [Script], environment);
    }
}
