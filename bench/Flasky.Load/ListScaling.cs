using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Flasky.Check.Auth;
using Flasky.Emulators;

namespace Flasky.Load;

/// <summary>One listing walk: a host holding <paramref name="Candidates"/> candidates, listed page by page.</summary>
/// <param name="Host">The host's row label.</param>
/// <param name="Candidates">How many were seeded.</param>
/// <param name="Pages">How many pages the walk took.</param>
/// <param name="Listed">How many candidates the pages held together.</param>
/// <param name="Milliseconds">The whole walk, first request to last page read.</param>
/// <param name="ResidentBeforeKiB">The host process's VmRSS after seeding, just before the walk.</param>
/// <param name="ResidentAfterKiB">Its VmRSS just after the last page.</param>
public sealed record ListScalingRow(string Host, int Candidates, int Pages, int Listed, double Milliseconds, long? ResidentBeforeKiB, long? ResidentAfterKiB)
{
    public double MillisecondsPer1000 => Candidates == 0 ? double.NaN : Milliseconds * 1000 / Candidates;
}

/// <summary>
/// List scaling on the in-memory store: for each size, a fresh host process (Functions local host, Cloud Run host,
/// Lambda behind the local API Gateway) is seeded with that many candidates (POSTs, 16 at a time), then (after one unmeasured page) the whole
/// listing is walked through its <c>Link: rel="next"</c> pages and timed, and the host's resident memory is read from
/// /proc before and after the walk: linear time shows as a constant ms per 1k, streamed listing as flat memory.
/// </summary>
public static class ListScaling
{
    public const string NamePrefix = "flasky-list-";

    private const int SeedConcurrency = 16;

    public static readonly string[] Hosts = [LocalHosts.Functions, LocalHosts.CloudRun, LocalHosts.Lambda];

    public static async Task<IReadOnlyList<ListScalingRow>> RunAsync(
        LocalHosts stack, IReadOnlyList<int> sizes, int pageSize, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(progress);
        var rows = new List<ListScalingRow>();
        foreach (var size in sizes)
        {
            foreach (var host in Hosts)
            {
                var row = await OnceAsync(stack, host, size, pageSize, progress, cancellationToken).ConfigureAwait(false);
                rows.Add(row);
                await progress.WriteLineAsync(Invariant(
                    $"  list {host,-28} {size,7} candidates: {row.Pages} pages, {row.Milliseconds:F0} ms, RSS {Mib(row.ResidentBeforeKiB)} → {Mib(row.ResidentAfterKiB)} MiB")).ConfigureAwait(false);
            }
        }

        return rows;
    }

    public static string Table(IReadOnlyList<ListScalingRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        text.AppendLine("| Host | candidates | pages | walk ms | ms per 1k | host RSS before walk, MiB | after, MiB | growth, MiB |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var growth = row.ResidentBeforeKiB is { } before && row.ResidentAfterKiB is { } after ? ((after - before) / 1024.0).ToString("F1", CultureInfo.InvariantCulture) : "—";
            text.AppendLine(Invariant(
                $"| {row.Host} | {row.Candidates} | {row.Pages} | {row.Milliseconds:F0} | {row.MillisecondsPer1000:F1} | {Mib(row.ResidentBeforeKiB)} | {Mib(row.ResidentAfterKiB)} | {growth} |"));
        }

        return text.ToString();
    }

    private static async Task<ListScalingRow> OnceAsync(
        LocalHosts stack, string host, int size, int pageSize, TextWriter progress, CancellationToken cancellationToken)
    {
        var processes = new List<HostProcess>();
        try
        {
            var port = FreePorts.Loopback();
            LoadTarget target;
            switch (host)
            {
                case LocalHosts.Functions:
                    target = LocalHosts.Target(host, port, stack.FunctionKeyAuth, null);
                    processes.Add(stack.SpawnFunctions(port));
                    break;
                case LocalHosts.CloudRun:
                    target = LocalHosts.Target(host, port, NoAuthentication.Instance, null);
                    processes.Add(stack.SpawnCloudRun(port));
                    break;
                default:
                    var runtimePort = FreePorts.Loopback();
                    target = LocalHosts.Target(host, port, stack.SigV4Auth, null);
                    processes.Add(stack.SpawnGateway(host, port, runtimePort));
                    await LocalHosts.WaitForGatewayAsync(target, processes[0], cancellationToken).ConfigureAwait(false);
                    processes.Add(stack.SpawnLambda(runtimePort, bare: false));
                    break;
            }

            await LocalHosts.WaitUntilServingAsync(target, processes, cancellationToken).ConfigureAwait(false);
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = SeedConcurrency })
            {
                Timeout = TimeSpan.FromMinutes(2),
            };
            var seeding = Stopwatch.StartNew();
            await SeedAsync(client, target, size, cancellationToken).ConfigureAwait(false);
            await progress.WriteLineAsync(Invariant($"  seeded {host} with {size} candidates in {seeding.Elapsed.TotalSeconds:F1} s")).ConfigureAwait(false);

            // One unmeasured page first, so the walk's figure is the listing's cost, not the listing path's JIT.
            using (var warmup = new HttpRequestMessage(HttpMethod.Get, target.Resolve(Invariant($"/candidates?limit={pageSize}"))))
            {
                await target.Authenticator.AuthenticateAsync(warmup, cancellationToken).ConfigureAwait(false);
                using var response = await client.SendAsync(warmup, cancellationToken).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
            }

            var measured = processes[^1];
            var before = ProcFs.ResidentKiB(measured.Id);
            var walk = Stopwatch.StartNew();
            var (pages, listed) = await WalkAsync(client, target, pageSize, cancellationToken).ConfigureAwait(false);
            walk.Stop();
            var after = ProcFs.ResidentKiB(measured.Id);
            if (listed != size)
            {
                throw new InvalidOperationException($"{host}: the walk listed {listed} candidates, {size} were seeded.");
            }

            return new ListScalingRow(host, size, pages, listed, walk.Elapsed.TotalMilliseconds, before, after);
        }
        finally
        {
            foreach (var process in Enumerable.Reverse(processes))
            {
                await process.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>POSTs <paramref name="count"/> candidates, <see cref="SeedConcurrency"/> at a time.</summary>
    public static async Task SeedAsync(HttpClient client, LoadTarget target, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(target);
        var next = -1;
        async Task WorkerAsync()
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, target.Resolve($"/candidate/{NamePrefix}{i:D7}"))
                {
                    Content = new StringContent(LoadRoute.AttributesJson, Encoding.UTF8, "application/json"),
                };
                await target.Authenticator.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
                using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"Seeding {target.Name}: POST {request.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}.");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, SeedConcurrency).Select(_ => WorkerAsync())).ConfigureAwait(false);
    }

    /// <summary>Follows <c>/candidates?limit=</c><paramref name="pageSize"/> and every <c>rel="next"</c> link; returns pages and candidates.</summary>
    public static async Task<(int Pages, int Candidates)> WalkAsync(HttpClient client, LoadTarget target, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(target);
        string? path = Invariant($"/candidates?limit={pageSize}");
        int pages = 0, candidates = 0;
        while (path is not null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, target.Resolve(path));
            await target.Authenticator.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{target.Name}: GET {path} answered {(int)response.StatusCode} after {pages} pages.");
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
                candidates += document.RootElement.GetArrayLength();
            }

            pages++;
            path = NextLink(response.Headers);
        }

        return (pages, candidates);
    }

    /// <summary>The target of <c>Link: &lt;…&gt;; rel="next"</c>, or null on the last page.</summary>
    public static string? NextLink(HttpResponseHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (!headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var link in values.SelectMany(v => v.Split(',')))
        {
            var open = link.IndexOf('<', StringComparison.Ordinal);
            var close = link.IndexOf('>', StringComparison.Ordinal);
            if (open >= 0 && close > open && link[close..].Contains("rel=\"next\"", StringComparison.Ordinal))
            {
                var next = link[(open + 1)..close];
                return Uri.TryCreate(next, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal) ? absolute.PathAndQuery : next;
            }
        }

        return null;
    }

    private static string Mib(long? kib) => kib is { } k ? (k / 1024.0).ToString("F1", CultureInfo.InvariantCulture) : "—";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
