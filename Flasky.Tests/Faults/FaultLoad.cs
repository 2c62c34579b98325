using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flasky.Tests.Faults;

/// <summary>How long each phase of a fault run lasts, and how many clients drive it.</summary>
internal sealed record FaultRunPlan(int Clients, TimeSpan Healthy, TimeSpan Faulted, TimeSpan Recovered)
{
    /// <summary>
    /// The short form CI runs (a few seconds per fault), or the long form when <c>FLASKY_FAULT_SECONDS</c> says how
    /// long each fault lasts (scripts/fault-run.sh sets it).
    /// </summary>
    public static FaultRunPlan FromEnvironment()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("FLASKY_FAULT_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0
            ? s
            : 0;
        return seconds == 0
            ? new FaultRunPlan(4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1.5))
            : new FaultRunPlan(8, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(5));
    }

    public bool IsLong => Faulted > TimeSpan.FromSeconds(3);
}

/// <summary>What a fault run measured; the figures the issue asks for, and every broken promise seen.</summary>
internal sealed record FaultRunResult
{
    public required string Front { get; init; }

    public required DatabaseFault Fault { get; init; }

    public int Requests { get; init; }

    public int WritesAttempted { get; init; }

    public int WritesAcknowledged { get; init; }

    public int WritesVerified { get; init; }

    public int Responses503 { get; init; }

    public int FaultedRequests { get; init; }

    public double FaultedP99Ms { get; init; }

    public double FaultedMaxMs { get; init; }

    public double GtgDetailsFaultedMaxMs { get; init; }

    public double? RecoveryMs { get; init; }

    public bool SameInstance { get; init; }

    public IReadOnlyList<string> Violations { get; init; } = [];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Front,-6} {Fault,-10} requests {Requests,6}  writes acked {WritesAcknowledged,5}/{WritesAttempted,-5} verified {WritesVerified,5}  " +
        $"503s {Responses503,5}  faulted: {FaultedRequests,5} req, p99 {FaultedP99Ms,6:F0} ms, max {FaultedMaxMs,6:F0} ms, " +
        $"/gtg?details max {GtgDetailsFaultedMaxMs,5:F0} ms  recovery {(RecoveryMs is { } r ? $"{r:F0} ms" : "none"),8}  " +
        $"same instance {(SameInstance ? "yes" : "NO")}  violations {Violations.Count}");
}

/// <summary>
/// N clients writing and reading distinct candidates through a front while the database is faulted, then every
/// acknowledged write read back. Every response is checked as it arrives: no 5xx but 503, every 503 with Retry-After,
/// no internals in any body, no acknowledged candidate missing.
/// </summary>
internal static class FaultLoad
{
    private static readonly string[] Leaks =
        ["Exception", "   at ", "AccountKey", "AccountEndpoint", "Microsoft.", "Amazon.", "Google.", "System.", "stack trace", "127.0.0.1"];

    public static async Task<FaultRunResult> RunAsync(FaultFront front, DatabaseFault fault, FaultRunPlan plan, CancellationToken cancellationToken)
    {
        using var client = front.CreateClient(TimeSpan.FromSeconds(60));
        var run = Guid.NewGuid().ToString("N")[..8];
        var clock = Stopwatch.StartNew();
        var samples = new ConcurrentQueue<Sample>();
        var violations = new ConcurrentQueue<string>();
        var acknowledged = new ConcurrentDictionary<string, JsonObject>();
        var writes = 0;

        // A candidate every phase can read, and the instance that serves before the fault.
        var seed = $"fault-{run}-seed";
        await UntilAsync(async () => (await client.PostAsync(Path(seed), Json("""{"seed":true}"""), cancellationToken)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "the seed write never succeeded before the fault", cancellationToken);
        var instanceBefore = await InstanceIdAsync(client, cancellationToken);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var faultStart = double.MaxValue;
        var faultEnd = double.MaxValue;
        var loops = Enumerable.Range(0, plan.Clients).Select(c => Task.Run(() => ClientLoopAsync(c), CancellationToken.None)).ToList();
        loops.Add(Task.Run(GtgLoopAsync, CancellationToken.None));

        await Task.Delay(plan.Healthy, cancellationToken);
        Volatile.Write(ref faultStart, clock.Elapsed.TotalMilliseconds);
        await front.ApplyAsync(fault, cancellationToken);
        await Task.Delay(plan.Faulted, cancellationToken);
        Volatile.Write(ref faultEnd, clock.Elapsed.TotalMilliseconds);
        await front.LiftAsync(fault, cancellationToken);

        // Recovery: from the lift to the first 200 of a read of the seed.
        double? recovery = null;
        var recoveryLimit = TimeSpan.FromSeconds(30);
        var liftedAt = clock.Elapsed;
        while (clock.Elapsed - liftedAt < recoveryLimit)
        {
            using var probe = await SendAsync(() => client.GetAsync(Path(seed), cancellationToken), "recovery", null);
            if (probe?.StatusCode == HttpStatusCode.OK)
            {
                recovery = (clock.Elapsed - liftedAt).TotalMilliseconds;
                break;
            }

            await Task.Delay(20, cancellationToken);
        }

        await Task.Delay(plan.Recovered, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(loops);

        // Every write that was acknowledged is there, with its body.
        var verified = 0;
        foreach (var (name, body) in acknowledged)
        {
            JsonNode? stored = null;
            await UntilAsync(async () =>
            {
                using var response = await client.GetAsync(Path(name), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    stored = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                    return true;
                }

                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    violations.Enqueue($"acknowledged write {name} read back as {(int)response.StatusCode}");
                    return true;
                }

                return false;
            }, TimeSpan.FromSeconds(30), $"acknowledged write {name} could not be read back", cancellationToken);
            if (stored is JsonArray { Count: 1 } array && JsonNode.DeepEquals(array[0], body))
            {
                verified++;
            }
            else if (stored is not null)
            {
                violations.Enqueue($"acknowledged write {name} read back as {stored.ToJsonString()}, not {body.ToJsonString()}");
            }
        }

        var instanceAfter = await InstanceIdAsync(client, cancellationToken);
        var all = samples.ToList();
        var faulted = all.Where(s => s.Kind != "gtg" && s.StartMs >= faultStart && s.StartMs < faultEnd).Select(s => s.Ms).Order().ToList();
        var gtg = all.Where(s => s.Kind == "gtg" && s.StartMs >= faultStart && s.StartMs < faultEnd).Select(s => s.Ms).ToList();
        return new FaultRunResult
        {
            Front = front.Name,
            Fault = fault,
            Requests = all.Count,
            WritesAttempted = writes,
            WritesAcknowledged = acknowledged.Count,
            WritesVerified = verified,
            Responses503 = all.Count(s => s.Status == 503),
            FaultedRequests = faulted.Count,
            FaultedP99Ms = Percentile(faulted, 0.99),
            FaultedMaxMs = faulted.Count == 0 ? 0 : faulted[^1],
            GtgDetailsFaultedMaxMs = gtg.Count == 0 ? 0 : gtg.Max(),
            RecoveryMs = recovery,
            SameInstance = (!front.HasOneInstance || instanceBefore == instanceAfter) && front.NothingRestarted,
            Violations = [.. violations],
        };

        async Task ClientLoopAsync(int clientNumber)
        {
            var mine = new List<string>();
            var random = new Random(clientNumber);
            for (var seq = 0; !stop.IsCancellationRequested; seq++)
            {
                var name = $"fault-{run}-{clientNumber}-{seq}";
                var body = new JsonObject { ["client"] = clientNumber, ["seq"] = seq, ["run"] = run, ["note"] = "José ✓" };
                Interlocked.Increment(ref writes);
                using (var post = await SendAsync(() => client.PostAsync(Path(name), Json(body.ToJsonString()), stop.Token), "post", name))
                {
                    if (post?.StatusCode == HttpStatusCode.OK)
                    {
                        var expected = new JsonObject { ["CandidateName"] = name };
                        foreach (var (key, value) in body)
                        {
                            expected[key] = value?.DeepClone();
                        }

                        acknowledged[name] = expected;
                        mine.Add(name);
                    }
                }

                if (mine.Count > 0)
                {
                    var read = mine[random.Next(mine.Count)];
                    using var get = await SendAsync(() => client.GetAsync(Path(read), stop.Token), "get", read);
                    if (get?.StatusCode == HttpStatusCode.NotFound)
                    {
                        violations.Enqueue($"acknowledged write {read} answered 404 during the run");
                    }
                }

                if (seq % 10 == 9)
                {
                    using var _ = await SendAsync(() => client.GetAsync(new Uri("/candidates?limit=5", UriKind.Relative), stop.Token), "list", null);
                }
            }
        }

        async Task GtgLoopAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                using var _ = await SendAsync(() => client.GetAsync(new Uri("/gtg?details", UriKind.Relative), stop.Token), "gtg", null);
                try
                {
                    await Task.Delay(200, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        // One request: timed, checked, recorded. Null when the run stopped it.
        async Task<HttpResponseMessage?> SendAsync(Func<Task<HttpResponseMessage>> send, string kind, string? name)
        {
            var start = clock.Elapsed.TotalMilliseconds;
            HttpResponseMessage response;
            string body;
            try
            {
                response = await send();
                body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception ex)
            {
                violations.Enqueue($"{kind} {name}: the request failed without an HTTP answer ({ex.GetType().Name}: {ex.Message})");
                return null;
            }

            var ms = clock.Elapsed.TotalMilliseconds - start;
            var status = (int)response.StatusCode;
            samples.Enqueue(new Sample(kind, start, ms, status));
            if (status >= 500 && status != 503)
            {
                violations.Enqueue($"{kind} {name}: {status} {Truncate(body)}");
            }

            if (status == 503 && response.Headers.RetryAfter is null)
            {
                violations.Enqueue($"{kind} {name}: 503 without Retry-After");
            }

            if (status != 200 && Leaks.FirstOrDefault(leak => body.Contains(leak, StringComparison.OrdinalIgnoreCase)) is { } leaked)
            {
                violations.Enqueue($"{kind} {name}: {status} body leaks '{leaked}': {Truncate(body)}");
            }

            if (status == 503 && kind != "recovery")
            {
                // A real client would wait Retry-After; a short pause keeps the load up without spinning.
                try
                {
                    await Task.Delay(50, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }

            return response;
        }
    }

    private static async Task<string?> InstanceIdAsync(HttpClient client, CancellationToken cancellationToken)
    {
        string? id = null;
        await UntilAsync(async () =>
        {
            using var response = await client.GetAsync(new Uri("/gtg?details", UriKind.Relative), cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            id = document.RootElement.GetProperty("instance-id").GetString();
            return true;
        }, TimeSpan.FromSeconds(60), "/gtg?details never answered 200", cancellationToken);
        return id;
    }

    private static async Task UntilAsync(Func<Task<bool>> attempt, TimeSpan limit, string failure, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await attempt())
                {
                    return;
                }
            }
            catch (HttpRequestException) when (clock.Elapsed < limit)
            {
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"{failure} within {limit.TotalSeconds:F0} s.");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static Uri Path(string name) => new("/candidate/" + Uri.EscapeDataString(name), UriKind.Relative);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private sealed record Sample(string Kind, double StartMs, double Ms, int Status);
}
