using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Flasky.Tests.Infrastructure;

/// <summary>
/// The azd postdeploy hook, run for real against a fake function app on loopback (<see cref="FakeFunctionApp"/>) with
/// stand-ins for <c>az</c> and <c>dotnet</c> that record their arguments. Every case runs against both variants:
/// infra/azure/scripts/postdeploy.sh (posix, bash) and postdeploy.ps1 (windows, pwsh).
/// </summary>
public abstract class PostdeployHookTests : IAsyncLifetime
{
    private const string FunctionKey = "test-function-key-4f1c9d";
    private const string Subscription = "00000000-1111-2222-3333-444444444444";

    private readonly string _stubs = Directory.CreateTempSubdirectory("flasky-postdeploy-").FullName;
    private FakeFunctionApp _app = null!;

    private string AzArgsFile => Path.Combine(_stubs, "az-args");

    private string DotnetArgsFile => Path.Combine(_stubs, "dotnet-args");

    private string DotnetKeyFile => Path.Combine(_stubs, "dotnet-key");

    private IEnumerable<RecordedRequest> DetailsRequests => _app.Requests.Where(r => r.Query == "?details");

    public async Task InitializeAsync()
    {
        // az records its arguments and prints the key (tsv) or fails as told; dotnet records its arguments, exits as told.
        WriteStub("az", "printf '%s\\n' \"$@\" > \"$STUB_DIR/az-args\"\n[ \"$STUB_AZ_EXIT\" = 0 ] || exit \"$STUB_AZ_EXIT\"\nprintf '%s\\n' \"$STUB_KEY\"");
        WriteStub("dotnet", "printf '%s\\n' \"$@\" > \"$STUB_DIR/dotnet-args\"\nprintf '%s' \"${FLASKY_FUNCTION_KEY:-}\" > \"$STUB_DIR/dotnet-key\"\nexit \"$STUB_CHECK_EXIT\"");
        _app = await FakeFunctionApp.StartAsync(FunctionKey);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_stubs, recursive: true);
    }

    /// <summary>A bound for one hook run: seconds normally, but pwsh starts slowly on a loaded 2-core machine.</summary>
    private protected static readonly TimeSpan HookTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs the hook's script with this environment (PATH already leads to the stubs).</summary>
    private protected abstract Task<ToolRun> RunScriptAsync(IReadOnlyDictionary<string, string> environment);

    [Fact]
    public async Task Reads_the_key_in_azds_subscription_and_hands_it_only_to_the_contract_check()
    {
        var run = await RunAsync();

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        Assert.Equal(
            ["functionapp", "keys", "list", "--subscription", Subscription, "--resource-group", "rg-test", "--name", "func-test",
                "--query", "functionKeys.default", "--output", "tsv"],
            await File.ReadAllLinesAsync(AzArgsFile));
        // The key reaches the check in its environment, never on its command line (`ps` shows arguments); the check
        // runs with its default of fixed names, so each deployment overwrites the same candidates.
        Assert.Equal(
            ["run", "--project", RepositoryRoot.Combine("Flasky.Check"), "--", BaseUrl],
            await File.ReadAllLinesAsync(DotnetArgsFile));
        Assert.Equal(FunctionKey, await File.ReadAllTextAsync(DotnetKeyFile));

        // First the anonymous probe, then the keyed access check; the key travels only in the header.
        Assert.Equal(
            [new RecordedRequest("GET", "/gtg", "", ""), new RecordedRequest("GET", "/gtg", "?details", FunctionKey)],
            _app.Requests);
        AssertKeyNotPrinted(run);
    }

    [Fact]
    public async Task Fails_clearly_and_calls_nothing_when_azd_did_not_pass_the_subscription()
    {
        var run = await RunAsync(subscription: "");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("AZURE_SUBSCRIPTION_ID is not set", run.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(AzArgsFile), "az must not run without the subscription");
        Assert.False(File.Exists(DotnetArgsFile), "the contract check must not run");
    }

    [Fact]
    public async Task Waits_with_progress_until_the_app_reaches_cosmos_then_runs_the_check()
    {
        // Role assignments still propagating: the store answers 503, then the host is up but not yet connected.
        _app.ScriptDetails((StatusCodes.Status503ServiceUnavailable, false), (StatusCodes.Status503ServiceUnavailable, false),
            (StatusCodes.Status500InternalServerError, false));

        var run = await RunAsync(accessAttempts: 5);

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        Assert.Equal(4, DetailsRequests.Count());
        Assert.All(DetailsRequests, r => Assert.Equal(FunctionKey, r.FunctionKey));
        Assert.Contains("GET /gtg?details returned '503' (attempt 1 of 5)", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("GET /gtg?details returned '500' (attempt 3 of 5)", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("the app reaches Cosmos DB", run.StandardOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(DotnetArgsFile), "the contract check runs once access is confirmed");
        AssertKeyNotPrinted(run);
    }

    [Fact]
    public async Task Gives_up_after_its_bounded_wait_when_access_never_arrives()
    {
        _app.DetailsAfterScript = (StatusCodes.Status503ServiceUnavailable, false);

        var run = await RunAsync(accessAttempts: 3);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal(3, DetailsRequests.Count());
        Assert.Contains("never reported \"connected\":\"true\" after 3 attempts", run.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(DotnetArgsFile), "the contract check must not run");
        AssertKeyNotPrinted(run);
    }

    [Fact]
    public async Task A_connected_false_answer_is_not_access()
    {
        _app.DetailsAfterScript = (StatusCodes.Status200OK, false);

        var run = await RunAsync(accessAttempts: 2);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal(2, DetailsRequests.Count());
        Assert.False(File.Exists(DotnetArgsFile), "the contract check must not run");
    }

    [Fact]
    public async Task Fails_when_the_api_answers_without_a_key()
    {
        _app.AnonymousStatus = StatusCodes.Status200OK;

        var run = await RunAsync();

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("anonymously", run.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(AzArgsFile), "no key is read for an open API");
        Assert.False(File.Exists(DotnetArgsFile), "the contract check must not run");
    }

    [Fact]
    public async Task Fails_naming_the_subscription_when_the_azure_cli_cannot_read_the_key()
    {
        var run = await RunAsync(azExit: 3);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains($"could not read the default function key with the Azure CLI (subscription {Subscription})",
            run.StandardError, StringComparison.Ordinal);
        Assert.Empty(DetailsRequests);
        Assert.False(File.Exists(DotnetArgsFile), "the contract check must not run");
    }

    [Fact]
    public async Task Fails_when_the_contract_check_fails()
    {
        var run = await RunAsync(checkExit: 3);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("contract check failed", run.StandardError, StringComparison.Ordinal);
        AssertKeyNotPrinted(run);
    }

    [Fact]
    public async Task Fails_when_azd_did_not_provide_the_api_url()
    {
        var run = await RunAsync(apiUrl: "");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("API_URL is not set", run.StandardError, StringComparison.Ordinal);
        Assert.Empty(_app.Requests);
    }

    private string BaseUrl => _app.BaseAddress.AbsoluteUri.TrimEnd('/');

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

    private Task<ToolRun> RunAsync(
        string subscription = Subscription,
        string? apiUrl = null,
        int accessAttempts = 3,
        int azExit = 0,
        int checkExit = 0)
    {
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = $"{_stubs}{Path.PathSeparator}{Environment.GetEnvironmentVariable("PATH")}",
            ["STUB_DIR"] = _stubs,
            ["STUB_KEY"] = FunctionKey,
            ["STUB_AZ_EXIT"] = azExit.ToString(CultureInfo.InvariantCulture),
            ["STUB_CHECK_EXIT"] = checkExit.ToString(CultureInfo.InvariantCulture),
            ["AZURE_SUBSCRIPTION_ID"] = subscription,
            ["AZURE_RESOURCE_GROUP"] = "rg-test",
            ["AZURE_FUNCTION_APP_NAME"] = "func-test",
            ["API_URL"] = apiUrl ?? _app.BaseAddress.AbsoluteUri,
            // Bounded waits with no sleeping: the tests count attempts, never time.
            ["POSTDEPLOY_WARMUP_ATTEMPTS"] = "2",
            ["POSTDEPLOY_ACCESS_ATTEMPTS"] = accessAttempts.ToString(CultureInfo.InvariantCulture),
            ["POSTDEPLOY_POLL_INTERVAL_SECONDS"] = "0",
        };
        return RunScriptAsync(environment);
    }
}

/// <summary>azure.yaml's <c>posix</c> hook.</summary>
public sealed class BashPostdeployHookTests : PostdeployHookTests
{
    private static readonly string Script = RepositoryRoot.Combine("infra", "azure", "scripts", "postdeploy.sh");

    private protected override Task<ToolRun> RunScriptAsync(IReadOnlyDictionary<string, string> environment) =>
        ExternalTool.RunAsync("bash", [Script], environment, timeout: HookTimeout);
}

/// <summary>
/// azure.yaml's <c>windows</c> hook, run by PowerShell 7 on this machine: pwsh is the repository's local .NET tool
/// (.config/dotnet-tools.json), which ./test.sh restores.
/// </summary>
public sealed class PwshPostdeployHookTests : PostdeployHookTests
{
    private static readonly string Script = RepositoryRoot.Combine("infra", "azure", "scripts", "postdeploy.ps1");

    private protected override async Task<ToolRun> RunScriptAsync(IReadOnlyDictionary<string, string> environment)
    {
        // The real dotnet by its full path: PATH leads to the stub for the script's own `dotnet run`.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : ExternalTool.FindOnPath("dotnet");
        Assert.True(dotnet is not null, "dotnet is not on PATH");
        var pwshEnvironment = new Dictionary<string, string>(environment)
        {
            ["POWERSHELL_TELEMETRY_OPTOUT"] = "1",
            ["POWERSHELL_UPDATECHECK"] = "Off",
        };
        var run = await ExternalTool.RunAsync(dotnet, ["tool", "run", "pwsh", "--", "-NoProfile", "-NonInteractive", "-File", Script],
            pwshEnvironment, timeout: HookTimeout);

        // Deliberately a failure, not a skip: without pwsh the Windows hook would go untested.
        Assert.False(run.StandardError.Contains("dotnet tool restore", StringComparison.Ordinal),
            $"pwsh is not available: run 'dotnet tool restore' (./test.sh does) to install PowerShell from .config/dotnet-tools.json.\n{run.Diagnostics}");
        return run;
    }
}
