using System.Globalization;

namespace Flasky.Load;

/// <summary>Runs what the options ask for and prints the tables.</summary>
public static class Harness
{
    public static async Task<int> RunAsync(HarnessOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (options.Separate.Any)
        {
            return await SeparateRuns.RunAsync(options, output, cancellationToken).ConfigureAwait(false);
        }

        var settings = options.Settings;
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Closed loop, {settings.Connections} connections, {settings.Warmup.TotalSeconds:0.#} s warm-up + {settings.Duration.TotalSeconds:0.#} s measured per route and target, {settings.Rounds} round(s), targets interleaved.")).ConfigureAwait(false);
        await output.WriteLineAsync("Load average before: " + LoadAverage()).ConfigureAwait(false);

        if (options.Remote.Count > 0)
        {
            var rows = await LoadHarness.RunAsync(options.Remote, LoadRoute.All, settings, output, cancellationToken).ConfigureAwait(false);
            await WriteLoadAsync(output, rows).ConfigureAwait(false);
            return rows.Any(r => r.Errors > 0) ? 1 : 0;
        }

        var stack = new LocalHosts(Flasky.Emulators.EmulatorPaths.RepositoryRoot, options.Configuration, options.Published);
        if (options.Emulators is { } clouds)
        {
            var status = await EmulatorBench.RunAsync(stack, clouds, settings, output, cancellationToken, lambdaEnvironments: options.LambdaEnvironments).ConfigureAwait(false);
            await output.WriteLineAsync("Load average after: " + LoadAverage()).ConfigureAwait(false);
            return status;
        }

        var failed = false;
        if (options.Load)
        {
            var hosts = await stack.StartAllAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var rows = await LoadHarness.RunAsync([.. hosts.Select(h => h.Target)], LoadRoute.All, settings, output, cancellationToken).ConfigureAwait(false);
                await WriteLoadAsync(output, rows).ConfigureAwait(false);
                failed = rows.Any(r => r.Errors > 0);
            }
            finally
            {
                foreach (var host in hosts)
                {
                    await host.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        if (settings.ColdStartRuns > 0)
        {
            var rows = await ColdStart.RunAsync(stack, settings.ColdStartRuns, output, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync().ConfigureAwait(false);
            var source = options.Published is null
                ? $"{options.Configuration} build output"
                : $"published output in {options.Published}";
            await output.WriteLineAsync($"Cold start ({source}, `dotnet <host>.dll`, in-memory store):").ConfigureAwait(false);
            await output.WriteLineAsync(Report.ColdStartTable(rows)).ConfigureAwait(false);
        }

        await output.WriteLineAsync("Load average after: " + LoadAverage()).ConfigureAwait(false);
        return failed ? 1 : 0;
    }

    private static async Task WriteLoadAsync(TextWriter output, IReadOnlyList<LoadRow> rows)
    {
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("Load (req/s: median of the rounds; p50/p99: all rounds' requests together):").ConfigureAwait(false);
        await output.WriteLineAsync(Report.LoadTable(rows)).ConfigureAwait(false);
    }

    /// <summary>The machine's 1/5/15-minute load averages (Linux), since every figure shares the CPUs with whatever else runs.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) + $" ({Environment.ProcessorCount} CPUs)" : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
