using System.Globalization;
using Flasky.Emulators;

namespace Flasky.Load;

/// <summary>
/// One host's cold starts: process spawn → first 200 from <c>GET /gtg</c>, every run, and the CPU time the host's
/// process had used by then (the start-up work itself, which machine load stretches far less than wall-clock time).
/// </summary>
public sealed record ColdStartRow(string Host, string? Baseline, IReadOnlyList<double> Milliseconds, IReadOnlyList<double> CpuMilliseconds)
{
    public double MedianMs => Statistics.Median(Milliseconds);

    public double MedianCpuMs => Statistics.Median(CpuMilliseconds);
}

/// <summary>
/// Spawns each host afresh, round-robin (so machine load drifts over all hosts alike), and times spawn → first 200.
/// For Lambda, the gateway is started and answering first (it plays AWS's part, which is not the function's cold
/// start); then the function process is spawned and a signed request waits at the gateway until the function's
/// static init, runtime loop and first invoke have answered it. The bare handler goes through the same gateway.
/// </summary>
public static class ColdStart
{
    public static async Task<IReadOnlyList<ColdStartRow>> RunAsync(LocalHosts stack, int runs, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(progress);
        var kinds = new (string Host, string? Baseline)[]
        {
            (LocalHosts.BareKestrel, null),
            (LocalHosts.Functions, LocalHosts.BareKestrel),
            (LocalHosts.CloudRun, LocalHosts.BareKestrel),
            (LocalHosts.BareLambda, null),
            (LocalHosts.Lambda, LocalHosts.BareLambda),
        };
        var times = kinds.ToDictionary(k => k.Host, _ => new List<double>());
        var cpu = kinds.ToDictionary(k => k.Host, _ => new List<double>());
        for (var run = 1; run <= runs; run++)
        {
            foreach (var (host, _) in kinds)
            {
                var (elapsed, cpuTime) = await OnceAsync(stack, host, cancellationToken).ConfigureAwait(false);
                times[host].Add(elapsed.TotalMilliseconds);
                cpu[host].Add(cpuTime.TotalMilliseconds);
                await progress.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  cold start {run}/{runs}  {host,-34} {elapsed.TotalMilliseconds,7:F0} ms  (CPU {cpuTime.TotalMilliseconds,5:F0} ms)")).ConfigureAwait(false);
            }
        }

        return [.. kinds.Select(k => new ColdStartRow(k.Host, k.Baseline, times[k.Host], cpu[k.Host]))];
    }

    private static async Task<(TimeSpan Elapsed, TimeSpan Cpu)> OnceAsync(LocalHosts stack, string host, CancellationToken cancellationToken)
    {
        var port = FreePorts.Loopback();
        switch (host)
        {
            case LocalHosts.BareKestrel:
            case LocalHosts.Functions:
            case LocalHosts.CloudRun:
                {
                    var process = host switch
                    {
                        LocalHosts.BareKestrel => stack.SpawnBareKestrel(port),
                        LocalHosts.Functions => stack.SpawnFunctions(port),
                        _ => stack.SpawnCloudRun(port),
                    };
                    await using (process.ConfigureAwait(false))
                    {
                        var auth = host == LocalHosts.CloudRun ? Check.Auth.NoAuthentication.Instance : stack.FunctionKeyAuth;
                        var elapsed = await LocalHosts.WaitUntilServingAsync(LocalHosts.Target(host, port, auth, null), [process], cancellationToken).ConfigureAwait(false);
                        return (elapsed, process.CpuTime);
                    }
                }

            default:
                {
                    var runtimePort = FreePorts.Loopback();
                    var target = LocalHosts.Target(host, port, stack.SigV4Auth, null);
                    var gateway = stack.SpawnGateway(host, port, runtimePort);
                    await using (gateway.ConfigureAwait(false))
                    {
                        await LocalHosts.WaitForGatewayAsync(target, gateway, cancellationToken).ConfigureAwait(false);
                        var function = stack.SpawnLambda(runtimePort, bare: host == LocalHosts.BareLambda);
                        await using (function.ConfigureAwait(false))
                        {
                            // The function's process only: the gateway plays AWS's part.
                            var elapsed = await LocalHosts.WaitUntilServingAsync(target, [gateway, function], cancellationToken).ConfigureAwait(false);
                            return (elapsed, function.CpuTime);
                        }
                    }
                }
        }
    }
}
