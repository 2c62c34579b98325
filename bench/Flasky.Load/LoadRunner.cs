using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Flasky.Load;

/// <summary>What one timed run of one route against one target gave.</summary>
/// <param name="Requests">Answered requests, whatever their status.</param>
/// <param name="Errors">Requests that failed or answered another status than the route expects.</param>
/// <param name="Elapsed">The measured window.</param>
/// <param name="LatencyTicks">Every answered request's latency, in <see cref="Stopwatch"/> ticks.</param>
/// <param name="FirstError">What the first error was, for the table's footnote.</param>
public sealed record RunResult(long Requests, long Errors, TimeSpan Elapsed, long[] LatencyTicks, string? FirstError)
{
    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;
}

/// <summary>One subject's figures over all its measured runs: req/s the median of the runs, p50/p99 over every request.</summary>
public sealed record Measurement(string Subject, double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Errors, string? FirstError)
{
    public static Measurement Of(string subject, IReadOnlyList<RunResult> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var latencies = runs.SelectMany(r => r.LatencyTicks).Order().ToArray();
        return new Measurement(
            subject,
            Statistics.Median([.. runs.Select(r => r.RequestsPerSecond)]),
            Statistics.PercentileMs(latencies, 0.50),
            Statistics.PercentileMs(latencies, 0.99),
            runs.Sum(r => r.Requests),
            runs.Sum(r => r.Errors),
            runs.Select(r => r.FirstError).FirstOrDefault(e => e is not null));
    }
}

/// <summary>
/// A closed-loop HTTP load generator: N workers on N kept-alive connections, each sending its next request as soon as
/// the previous answer's body is read. Latency is measured per request from before signing to the last body byte, so
/// it includes the client's own signing (SigV4 costs the client about as much as the gateway's check).
/// </summary>
public static class LoadRunner
{
    public static async Task<RunResult> RunAsync(LoadTarget target, LoadRoute route, LoadSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(settings);
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = settings.Connections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            AllowAutoRedirect = false,
            UseProxy = false,
        };
        using var client = new HttpClient(handler) { Timeout = settings.RequestTimeout };
        return await RunClosedLoopAsync(settings, async (n, token) =>
        {
            using var request = new HttpRequestMessage(route.Method, target.Resolve(route.Path(n)));
            if (route.JsonBody is not null)
            {
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(route.JsonBody));
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }

            await target.Authenticator.AuthenticateAsync(request, token).ConfigureAwait(false);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
            return (int)response.StatusCode == route.ExpectedStatus ? null : $"{(int)response.StatusCode} from {request.RequestUri?.AbsolutePath}";
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The closed loop itself, for any operation (an HTTP request, a store call): <see cref="LoadSettings.Connections"/>
    /// workers, each starting its next operation when the last one completed, for the warm-up and then the measured
    /// window. The operation gets a sequence number and returns null when it succeeded, else what went wrong; one that
    /// throws counts as an error too (its latency is not kept).
    /// </summary>
    public static async Task<RunResult> RunClosedLoopAsync(
        LoadSettings settings, Func<long, CancellationToken, Task<string?>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(operation);
        long sequence = 0;

        async Task<RunResult> PhaseAsync(TimeSpan length)
        {
            var latencies = new List<long>[settings.Connections];
            long errors = 0;
            string? firstError = null;
            var started = Stopwatch.GetTimestamp();
            var deadline = started + (long)(length.TotalSeconds * Stopwatch.Frequency);
            var workers = Enumerable.Range(0, settings.Connections).Select(async worker =>
            {
                var mine = latencies[worker] = new List<long>(4096);
                while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
                {
                    var n = Interlocked.Increment(ref sequence);
                    var sent = Stopwatch.GetTimestamp();
                    try
                    {
                        var error = await operation(n, cancellationToken).ConfigureAwait(false);
                        mine.Add(Stopwatch.GetTimestamp() - sent);
                        if (error is not null)
                        {
                            Interlocked.Increment(ref errors);
                            Interlocked.CompareExchange(ref firstError, error, null);
                        }
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref errors);
                        Interlocked.CompareExchange(ref firstError, ex.GetType().Name + ": " + ex.Message, null);
                    }
                }
            }).ToList();
            await Task.WhenAll(workers).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var all = latencies.SelectMany(l => l).ToArray();
            return new RunResult(all.Length, errors, elapsed, all, firstError);
        }

        if (settings.Warmup > TimeSpan.Zero)
        {
            await PhaseAsync(settings.Warmup).ConfigureAwait(false);
        }

        return await PhaseAsync(settings.Duration).ConfigureAwait(false);
    }
}
