using Flasky.Check;
using Flasky.Check.Auth;
using Flasky.Core.Http;
using Flasky.Tests.Functions;

using CheckCli = Flasky.Check.Program;

namespace Flasky.Tests.Contract;

/// <summary>The suite is only worth something if it fails a host that breaks a rule, and says which rule.</summary>
public sealed class ContractSuiteSelfTests
{
    private static readonly ContractRunOptions FastOptions = new() { RequestTimeout = TimeSpan.FromSeconds(5), WriteEdgeNames = true };

    [Fact]
    public void Every_check_has_a_unique_name()
    {
        var names = ContractSuite.All.Select(c => c.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task A_host_answering_500_for_unknown_paths_fails_exactly_the_rules_about_unknown_paths()
    {
        await using var host = await InProcessCoreHost.StartAsync(new InProcessCoreHostOptions
        {
            Tamper = (request, response) => IsUnknownPath(request) ? response with { StatusCode = 500 } : response,
        });

        var failed = await FailedChecksAsync(new ContractTarget(host.BaseAddress, NoAuthentication.Instance));

        // The routing rule, and the error-body check, which provokes a 404 on an unknown path among its errors.
        Assert.Equal(
            ["errors: bodies never leak internals", "routing: /health and /alive are not API paths (404)", "routing: unknown paths are 404 text/plain Not Found"],
            failed.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(failed, f => Assert.Matches(@"^expected 404, got GET /\S* → 500 text/plain ""Not Found""$", f.Reason));

        static bool IsUnknownPath(ApiRequest request) =>
            ApiRoutes.Match(request.RawTarget.Split('?')[0], out _) == ApiRoute.None;
    }

    [Fact]
    public async Task A_host_returning_the_candidate_without_the_array_fails_the_round_trip_rule()
    {
        await using var host = await InProcessCoreHost.StartAsync(new InProcessCoreHostOptions
        {
            Tamper = (request, response) => request.Method == "GET" && request.RawTarget.StartsWith("/candidate/", StringComparison.Ordinal)
                && response.StatusCode == 200
                ? response with { Body = response.Body[1..^1] }
                : response,
        });

        var failed = await FailedChecksAsync(new ContractTarget(host.BaseAddress, NoAuthentication.Instance));

        var roundTrip = Assert.Single(failed, f => f.Name == "candidate: POST then GET round-trips as a one-element JSON array");
        Assert.Contains("expected a JSON array holding one candidate object", roundTrip.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(failed, f => f.Name.StartsWith("gtg", StringComparison.Ordinal) || f.Name.StartsWith("routing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_dropping_the_next_link_fails_the_paging_rule()
    {
        // The seed's defect: the first store page only, and nothing to say there is more.
        await using var host = await InProcessCoreHost.StartAsync(new InProcessCoreHostOptions
        {
            Tamper = (request, response) => request.RawTarget.StartsWith("/candidates", StringComparison.Ordinal)
                ? response with { Headers = [.. response.Headers.Where(h => h.Key != "Link")] }
                : response,
        });

        var failed = await FailedChecksAsync(new ContractTarget(host.BaseAddress, NoAuthentication.Instance));

        var (name, reason) = Assert.Single(failed);
        Assert.Equal("candidates: limit pages follow Link rel=next to the end, without repeats", name);
        Assert.StartsWith("paging with limit=2 never listed", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_with_a_wrong_function_key_passes_only_the_rejection_checks_and_exits_non_zero()
    {
        const string wrongKey = "a-wrong-key-that-must-never-be-printed";
        await using var host = await LocalFunctionsApp.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = new StringWriter();

        var exitCode = await CheckCli.RunAsync([host.BaseAddress.ToString(), "--function-key", wrongKey, "--timeout", "5"], output, timeout.Token);

        var text = output.ToString();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(CheckCli.SomeFailed, exitCode);
        Assert.DoesNotContain(wrongKey, text, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("Writes only candidates named flasky-check-", StringComparison.Ordinal));

        string[] rejectionChecks =
        [
            "auth: no credentials are rejected on every route",
            "auth: wrong credentials are rejected on every route",
            "auth: /health and /alive without credentials are rejected",
        ];
        var results = lines.Where(l => l.StartsWith('✓') || l.StartsWith('✗')).ToList();
        Assert.Equal(ContractSuite.All.Count, results.Count);
        foreach (var result in results)
        {
            if (rejectionChecks.Any(c => result == "✓ " + c))
            {
                continue;
            }

            Assert.StartsWith("✗ ", result, StringComparison.Ordinal);
            Assert.Contains("401", result, StringComparison.Ordinal);
        }

        Assert.Equal($"{rejectionChecks.Length} passed, {ContractSuite.All.Count - rejectionChecks.Length} failed", lines[^1]);
    }

    [Fact]
    public async Task The_cli_passes_a_healthy_keyed_host_and_exits_zero()
    {
        const string key = LocalFunctionsApp.HostKey;
        await using var host = await LocalFunctionsApp.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = new StringWriter();

        var exitCode = await CheckCli.RunAsync([host.BaseAddress.ToString(), "--function-key", key], output, timeout.Token);

        Assert.True(exitCode == CheckCli.AllPassed, output.ToString());
        var lastLine = output.ToString().TrimEnd().Split('\n')[^1];
        Assert.Equal($"{ContractSuite.All.Count} passed, 0 failed", lastLine);
    }

    [Theory]
    [InlineData]
    [InlineData("not a url")]
    [InlineData("http://localhost:1", "--timeout", "soon")]
    [InlineData("http://localhost:1", "--function-key")]
    [InlineData("http://localhost:1", "--check", "no such check")]
    [InlineData("http://localhost:1", "--bogus")]
    public async Task The_cli_rejects_bad_usage_with_exit_code_2(params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(CheckCli.UsageError, await CheckCli.RunAsync(args, output));
        Assert.Contains("Usage:", output.ToString(), StringComparison.Ordinal);
    }

    private static async Task<List<(string Name, string Reason)>> FailedChecksAsync(ContractTarget target)
    {
        using var runner = new ContractRunner(target, FastOptions);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var failed = new List<(string, string)>();
        foreach (var check in ContractSuite.All.Where(c => c.AppliesTo(target)))
        {
            var outcome = await runner.RunAsync(check, timeout.Token);
            if (!outcome.Passed)
            {
                failed.Add((outcome.Name, outcome.Reason!));
            }
        }

        return failed;
    }
}
