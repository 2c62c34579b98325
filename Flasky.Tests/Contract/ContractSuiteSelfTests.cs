using Flasky.Check;
using Flasky.Check.Auth;
using Flasky.Core.Http;
using Flasky.Core.Names;
using Flasky.Core.Storage;
using Flasky.Tests.Azure;

using CheckCli = Flasky.Check.Program;

namespace Flasky.Tests.Contract;

/// <summary>The suite is only worth something if it fails a host that breaks a rule, and says which rule.</summary>
public sealed class ContractSuiteSelfTests
{
    // Generous: a loaded shared machine must not turn into a failed check (a timeout is a bound, not an assertion).
    private static readonly ContractRunOptions FastOptions = new() { RequestTimeout = TimeSpan.FromSeconds(30), WriteEdgeNames = true };

    /// <summary>The checks that a rejected body (400/413) is refused and leaves nothing behind.</summary>
    private static readonly string[] BodyRejectionChecks =
    [
        "body: JSON that is not an object is 400",
        "body: a lone surrogate is 400, or round-trips without breaking reads",
        "body: a rejected POST changes nothing",
        "body: malformed JSON is 400",
        "body: nesting depth 9 is 400",
        "body: numbers are doubles (2^53+1 and 1e400 are 400; -0 reads back as 0, 1e20 as 1E+20)",
        "body: over 16384 bytes is 413",
        "body: reserved members (id, _x) are 400",
    ];

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
    public async Task A_host_dropping_the_next_link_fails_the_paging_rules()
    {
        // The seed's defect: the first store page only, and nothing to say there is more.
        await using var host = await InProcessCoreHost.StartAsync(new InProcessCoreHostOptions
        {
            Tamper = (request, response) => request.RawTarget.StartsWith("/candidates", StringComparison.Ordinal)
                ? response with { Headers = [.. response.Headers.Where(h => h.Key != "Link")] }
                : response,
        });

        var failed = await FailedChecksAsync(new ContractTarget(host.BaseAddress, NoAuthentication.Instance));

        AssertFailedExactly(failed, "candidates: limit pages follow Link rel=next to the end, without repeats", "candidates: limit=1 and limit=1000 are accepted");
        Assert.StartsWith("paging with limit=2 never listed", failed.Single(f => f.Name.Contains("follow Link", StringComparison.Ordinal)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_leaking_an_exception_in_a_413_body_fails_every_check_that_provokes_a_413()
    {
        // The seed's own defect: str(e) in the response.
        await using var host = await InProcessCoreHost.StartAsync(new InProcessCoreHostOptions
        {
            Tamper = (_, response) => response.StatusCode == 413
                ? response with
                {
                    Body = """{"type":"about:blank","title":"Payload Too Large","status":413,"detail":"System.IO.InvalidDataException: Request body too large.\n   at Flasky.Core.Http.CandidateBody.ReadAsync()"}"""u8.ToArray(),
                }
                : response,
        });

        var failed = await FailedChecksAsync(new ContractTarget(host.BaseAddress, NoAuthentication.Instance));

        AssertFailedExactly(failed, "body: a rejected POST changes nothing", "body: over 16384 bytes is 413", "errors: bodies never leak internals");
        Assert.All(failed, f => Assert.Contains("error response body carry internals", f.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_leaking_an_exception_in_a_header_fails_every_check_that_provokes_that_error()
    {
        await using var host = await InProcessCoreHost.StartAsync(new InProcessCoreHostOptions
        {
            Tamper = (_, response) => response.StatusCode == 405
                ? response with { Headers = [.. response.Headers, new("X-Error-Detail", "System.InvalidOperationException: no route for the method")] }
                : response,
        });

        var failed = await FailedChecksAsync(new ContractTarget(host.BaseAddress, NoAuthentication.Instance));

        AssertFailedExactly(failed, "errors: bodies never leak internals", "routing: a wrong method is 405 with an Allow header");
        Assert.All(failed, f => Assert.Contains("error response headers carry internals", f.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_that_skips_authentication_fails_exactly_the_credential_checks()
    {
        // The checks send a function key; the host never looks at it.
        await using var host = await InProcessCoreHost.StartAsync();

        var failed = await FailedChecksAsync(new ContractTarget(host.BaseAddress, FunctionKeyAuthenticator.WithKey("a-key-the-host-ignores")));

        AssertFailedExactly(
            failed,
            "auth: /health and /alive without credentials are rejected",
            "auth: a POST with wrong credentials writes nothing",
            "auth: no credentials are rejected on every route",
            "auth: wrong credentials are rejected on every route");
        Assert.All(failed, f => Assert.Contains("expected 401 with an empty body, got", f.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_answering_problems_as_plain_json_fails_every_check_that_expects_a_problem()
    {
        await using var host = await InProcessCoreHost.StartAsync(new InProcessCoreHostOptions
        {
            Tamper = (_, response) => response.ContentType == ApiResponse.ProblemJson ? response with { ContentType = ApiResponse.Json } : response,
        });

        var failed = await FailedChecksAsync(new ContractTarget(host.BaseAddress, NoAuthentication.Instance));

        AssertFailedExactly(
            failed,
            [
                .. BodyRejectionChecks,
                "candidates: a bad next token is 400",
                "candidates: limit outside 1-1000 or not a number is 400",
                "name: / and \\ are 400",
                "name: 129 characters is 400",
                "name: control characters (C0, DEL, C1) are 400",
                "name: invalid UTF-8 is 400",
                "name: invisible formatting characters (U+200B, U+202E, U+2066, U+FEFF …) are 400 on POST and write nothing",
                "name: leading or trailing whitespace is 400",
                "routing: a wrong method is 405 with an Allow header",
            ]);
        Assert.All(failed, f => Assert.Contains("expected Content-Type application/problem+json, got", f.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_that_stores_rejected_writes_fails_every_check_that_reads_a_rejected_name_back()
    {
        // Answers 400/413 correctly, but has already written the candidate (without attributes) behind the API's back.
        await using var host = await InProcessCoreHost.StartAsync(new InProcessCoreHostOptions
        {
            AfterApi = async (request, response, store, cancellationToken) =>
            {
                if (request.Method == "POST" && response.StatusCode is 400 or 413
                    && ApiRoutes.Match(request.RawTarget.Split('?')[0], out var rawName) == ApiRoute.Candidate
                    && CandidateName.FromPathSegment(rawName!) is { IsValid: true } parsed)
                {
                    await store.UpsertAsync(Candidate.WithoutAttributes(parsed.Name!), cancellationToken);
                }
            },
        });

        var failed = await FailedChecksAsync(new ContractTarget(host.BaseAddress, NoAuthentication.Instance));

        AssertFailedExactly(failed, [.. BodyRejectionChecks, "name: invisible formatting characters (U+200B, U+202E, U+2066, U+FEFF …) are 400 on POST and write nothing"]);
    }

    private static void AssertFailedExactly(List<(string Name, string Reason)> failed, params string[] expected)
    {
        foreach (var name in expected)
        {
            Assert.Contains(ContractSuite.All, c => c.Name == name);
        }

        var actual = failed.Select(f => f.Name).Order(StringComparer.Ordinal).ToList();
        Assert.True(
            expected.Order(StringComparer.Ordinal).SequenceEqual(actual, StringComparer.Ordinal),
            $"expected exactly these checks to fail:\n  {string.Join("\n  ", expected.Order(StringComparer.Ordinal))}\n"
            + $"failed:\n  {string.Join("\n  ", failed.OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => $"{f.Name} — {f.Reason}"))}");
    }

    [Fact]
    public async Task The_cli_with_a_wrong_function_key_fails_every_check_and_exits_non_zero()
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

        // Every check fails but one: the rejection checks read back with the run's key to prove that a rejected POST
        // wrote nothing, and a wrong key can't read anything. The health-endpoint check sends no credentials at all.
        const string healthCheck = "auth: /health and /alive without credentials are rejected";
        var results = lines.Where(l => l.StartsWith('✓') || l.StartsWith('✗')).ToList();
        Assert.Equal(ContractSuite.All.Count, results.Count);
        Assert.All(results.Where(r => r != "✓ " + healthCheck), result =>
        {
            Assert.StartsWith("✗ ", result, StringComparison.Ordinal);
            Assert.Contains("401", result, StringComparison.Ordinal);
        });
        Assert.Contains("✓ " + healthCheck, results);

        Assert.Equal($"1 passed, {ContractSuite.All.Count - 1} failed", lines[^1]);
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
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
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
