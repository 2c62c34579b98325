using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Flasky.Load;

/// <summary>One row of the load table: a route on a target, all rounds together.</summary>
public sealed record LoadRow(string Route, LoadTarget Target, double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Errors, string? FirstError);

/// <summary>
/// Seeds every target, then measures every route on every target, round after round, the targets interleaved within
/// each round so that a burst of load from elsewhere on the machine hits all of them alike.
/// </summary>
public static class LoadHarness
{
    public static async Task SeedAsync(LoadTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        for (var i = 0; i < LoadRoute.SeededCandidates; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Resolve($"/candidate/{LoadRoute.SeededName(i)}"))
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(LoadRoute.AttributesJson)),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            await target.Authenticator.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Seeding {target.Name} failed: POST {request.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}.");
            }
        }
    }

    public static async Task<IReadOnlyList<LoadRow>> RunAsync(
        IReadOnlyList<LoadTarget> targets,
        IReadOnlyList<LoadRoute> routes,
        LoadSettings settings,
        TextWriter progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        foreach (var target in targets)
        {
            await SeedAsync(target, cancellationToken).ConfigureAwait(false);
        }

        var results = new Dictionary<(string Route, string Target), List<RunResult>>();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            foreach (var route in routes)
            {
                // Alternate the order each round, so no target always runs right after another's burst.
                var ordered = round % 2 == 1 ? targets : targets.Reverse().ToList();
                foreach (var target in ordered)
                {
                    var result = await LoadRunner.RunAsync(target, route, settings, cancellationToken).ConfigureAwait(false);
                    var key = (route.Name, target.Name);
                    if (!results.TryGetValue(key, out var list))
                    {
                        results[key] = list = [];
                    }

                    list.Add(result);
                    await progress.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"  round {round}/{settings.Rounds}  {route.Name,-26} {target.Name,-28} {result.RequestsPerSecond,9:F0} req/s  {result.Errors} errors")).ConfigureAwait(false);
                }
            }
        }

        return [.. from route in routes
                   from target in targets
                   let runs = results[(route.Name, target.Name)]
                   select Aggregate(route.Name, target, runs)];
    }

    private static LoadRow Aggregate(string route, LoadTarget target, List<RunResult> runs)
    {
        var m = Measurement.Of(route, runs);
        return new LoadRow(route, target, m.RequestsPerSecond, m.P50Ms, m.P99Ms, m.Requests, m.Errors, m.FirstError);
    }
}

public static class Statistics
{
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Nearest-rank percentile of sorted <see cref="Stopwatch"/> ticks, in milliseconds.</summary>
    public static double PercentileMs(long[] sortedTicks, double percentile)
    {
        ArgumentNullException.ThrowIfNull(sortedTicks);
        if (sortedTicks.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile * sortedTicks.Length) - 1;
        return sortedTicks[Math.Clamp(rank, 0, sortedTicks.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}
