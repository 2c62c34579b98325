using System.Text.Json;
using Flasky.Check;
using Flasky.Check.Auth;
using Flasky.Tests.Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

using CheckCli = Flasky.Check.Program;

namespace Flasky.Tests.Contract;

/// <summary>
/// The Check's command line (System.CommandLine): help, credentials from the environment, and the fixed set of names a
/// run writes, which docs/contract-check.md lists and every run overwrites.
/// </summary>
public sealed class CheckCliTests
{
    private const string FixedNamesStart = "<!-- fixed-names:start -->";
    private const string FixedNamesEnd = "<!-- fixed-names:end -->";

    [Fact]
    public async Task Help_lists_every_option_and_an_example_per_cloud()
    {
        var output = new StringWriter();

        Assert.Equal(CheckCli.AllPassed, await CheckCli.RunAsync(["--help"], output, _ => null));

        var help = output.ToString();
        foreach (var option in new[] { "--function-key", "--sigv4", "--id-token", "--id-token-command", "--timeout", "--edge-names", "--unique-names", "--check", "<base-url>" })
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
        }

        Assert.Contains("FLASKY_FUNCTION_KEY=... Flasky.Check https://<app>.azurewebsites.net", help, StringComparison.Ordinal);
        Assert.Contains("Flasky.Check https://<api-id>.execute-api.us-east-1.amazonaws.com --sigv4 us-east-1", help, StringComparison.Ordinal);
        Assert.Contains("Flasky.Check https://<service>.run.app --id-token-command", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_function_key_can_come_from_the_environment_and_is_never_printed()
    {
        await using var host = await LocalFunctionsApp.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = new StringWriter();
        var environment = new Dictionary<string, string> { [CheckCli.FunctionKeyVariable] = LocalFunctionsApp.HostKey };

        var exitCode = await CheckCli.RunAsync([host.BaseAddress.ToString(), "--timeout", "30"], output, environment.GetValueOrDefault, timeout.Token);

        var text = output.ToString();
        Assert.True(exitCode == CheckCli.AllPassed, text);
        Assert.Contains("with function key", text, StringComparison.Ordinal);
        Assert.DoesNotContain(LocalFunctionsApp.HostKey, text, StringComparison.Ordinal);
        Assert.EndsWith($"{ContractSuite.All.Count} passed, 0 failed", text.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_runs_write_exactly_the_documented_fixed_names_and_the_second_adds_nothing()
    {
        await using var host = await LocalFunctionsApp.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var environment = new Dictionary<string, string> { [CheckCli.FunctionKeyVariable] = LocalFunctionsApp.HostKey };

        var first = await RunAndListAsync(host, environment, timeout.Token);
        var second = await RunAndListAsync(host, environment, timeout.Token);

        Assert.Equal(first, second);
        var documented = DocumentedFixedNames();
        Assert.True(
            documented.SetEquals(first),
            "docs/contract-check.md must list exactly the names a run writes.\n"
            + $"written, not documented:\n  {string.Join("\n  ", first.Except(documented).Select(n => JsonSerializer.Serialize(n)))}\n"
            + $"documented, not written:\n  {string.Join("\n  ", documented.Except(first).Select(n => JsonSerializer.Serialize(n)))}");
    }

    [Fact]
    public async Task A_run_logs_each_passed_check_as_information_each_failure_as_an_error_and_ends_with_the_totals()
    {
        await using var host = await InProcessCoreHost.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var log = new FakeLogger();
        var checks = new[] { ContractSuite.Get("gtg: 200 with an empty body"), new ContractCheck("a check that always fails", _ => throw new CheckFailedException("as it should")) };

        var summary = await ContractRun.RunAsync(
            new ContractTarget(host.BaseAddress, NoAuthentication.Instance), new ContractRunOptions { FixedNames = true }, checks, log, timeout.Token);

        Assert.Equal((1, 1), (summary.Passed, summary.Failed));
        var records = log.Collector.GetSnapshot();
        Assert.Equal($"Checking {host.BaseAddress} with no authentication (the auth checks don't apply).", records[0].Message);
        Assert.Equal("Writes only candidates named flasky-check-…", records[1].Message);
        Assert.Equal((LogLevel.Information, "✓ gtg: 200 with an empty body"), (records[2].Level, records[2].Message));
        Assert.Equal((LogLevel.Error, "✗ a check that always fails — as it should"), (records[3].Level, records[3].Message));
        Assert.Equal((LogLevel.Information, "1 passed, 1 failed"), (records[^1].Level, records[^1].Message));
    }

    [Fact]
    public async Task Unique_names_put_a_random_prefix_of_the_run_in_front()
    {
        await using var host = await InProcessCoreHost.StartAsync();
        var output = new StringWriter();

        await CheckCli.RunAsync([host.BaseAddress.ToString(), "--unique-names", "--check", "gtg: 200 with an empty body"], output, _ => null);

        Assert.Matches(@"Writes only candidates named flasky-check-[0-9a-f]{8}-…", output.ToString());
    }

    private static async Task<HashSet<string>> RunAndListAsync(LocalFunctionsApp host, Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var output = new StringWriter();
        var exitCode = await CheckCli.RunAsync([host.BaseAddress.ToString(), "--timeout", "30"], output, environment.GetValueOrDefault, cancellationToken);
        Assert.True(exitCode == CheckCli.AllPassed, output.ToString());

        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Add(FunctionKeyAuthenticator.HeaderName, LocalFunctionsApp.HostKey);
        using var listing = JsonDocument.Parse(await client.GetStringAsync(new Uri("/candidates", UriKind.Relative), cancellationToken));
        return listing.RootElement.EnumerateArray().Select(c => c.GetProperty("CandidateName").GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The names between the fixed-names markers of docs/contract-check.md, one JSON string per line.</summary>
    private static HashSet<string> DocumentedFixedNames()
    {
        var doc = File.ReadAllText(RepositoryRoot.Combine("docs", "contract-check.md"));
        var start = doc.IndexOf(FixedNamesStart, StringComparison.Ordinal);
        var end = doc.IndexOf(FixedNamesEnd, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"docs/contract-check.md has no {FixedNamesStart} … {FixedNamesEnd} section");
        return doc[(start + FixedNamesStart.Length)..end]
            .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith('"'))
            .Select(l => JsonSerializer.Deserialize<string>(l)!)
            .ToHashSet(StringComparer.Ordinal);
    }
}
