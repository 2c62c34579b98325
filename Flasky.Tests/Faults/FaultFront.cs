using System.Diagnostics;
using System.Globalization;

namespace Flasky.Tests.Faults;

/// <summary>The faults a run injects between a host and its database.</summary>
public enum DatabaseFault
{
    /// <summary>SIGSTOP of the database process (and its children) the test started, SIGCONT to thaw it.</summary>
    Frozen,

    /// <summary>The fault proxy between host and database resets every connection and refuses new ones.</summary>
    CutOff,

    /// <summary>The fault proxy keeps connections open but passes nothing: a dead route.</summary>
    Blackholed,

    /// <summary>The database answers every request with its throttling answer (429, or DynamoDB's 400 throughput error).</summary>
    Throttling,
}

/// <summary>
/// One cloud's local request path — front, host, database — started for a fault run, with a fault proxy between the
/// host and the database. Each cloud is one small subclass.
/// </summary>
internal abstract class FaultFront : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>A client that passes the front's authentication.</summary>
    public abstract HttpClient CreateClient(TimeSpan timeout);

    /// <summary>The processes that make up the database, frozen under <see cref="DatabaseFault.Frozen"/>.</summary>
    protected abstract IReadOnlyList<int> DatabaseProcesses();

    /// <summary>The proxy between host and database.</summary>
    protected abstract FaultProxy Proxy { get; }

    /// <summary>The processes frozen now, thawed by <see cref="LiftAsync"/> (and on dispose, so a stop is not ignored).</summary>
    protected IReadOnlyList<int> Frozen { get; private set; } = [];

    /// <summary>Throttling through the proxy's canned answer, unless the database has a switch of its own.</summary>
    protected virtual Task SetThrottlingAsync(bool on, CancellationToken cancellationToken)
    {
        Proxy.Set(on ? ProxyFault.Throttle : ProxyFault.None);
        return Task.CompletedTask;
    }

    public async Task ApplyAsync(DatabaseFault fault, CancellationToken cancellationToken)
    {
        switch (fault)
        {
            case DatabaseFault.Frozen:
                Frozen = DatabaseProcesses();
                await SignalAsync("STOP", Frozen);
                break;
            case DatabaseFault.CutOff:
                Proxy.Set(ProxyFault.Refuse);
                break;
            case DatabaseFault.Blackholed:
                Proxy.Set(ProxyFault.Blackhole);
                break;
            case DatabaseFault.Throttling:
                await SetThrottlingAsync(true, cancellationToken);
                break;
        }
    }

    public async Task LiftAsync(DatabaseFault fault, CancellationToken cancellationToken)
    {
        switch (fault)
        {
            case DatabaseFault.Frozen:
                await ThawAsync();
                break;
            case DatabaseFault.Throttling:
                await SetThrottlingAsync(false, cancellationToken);
                break;
            default:
                Proxy.Set(ProxyFault.None);
                break;
        }
    }

    /// <summary>Thaws whatever is frozen (a frozen process would ignore SIGTERM until its stop timeout).</summary>
    protected async Task ThawAsync()
    {
        if (Frozen.Count > 0)
        {
            await SignalAsync("CONT", Frozen);
            Frozen = [];
        }
    }

    /// <summary>What the database answers under <see cref="DatabaseFault.Throttling"/>, for the report.</summary>
    public abstract string ThrottlingAnswer { get; }

    /// <summary>
    /// True when one process serves every request, so its <c>/gtg?details</c> instance id must not change; false where
    /// several do (Lambda's execution environments), which <see cref="NothingRestarted"/> then checks instead.
    /// </summary>
    public virtual bool HasOneInstance => true;

    /// <summary>Every process the front started still runs.</summary>
    public virtual bool NothingRestarted => true;

    /// <summary>What the host and database said, for a failure message.</summary>
    public virtual string Diagnostics => "";

    public abstract ValueTask DisposeAsync();

    /// <summary>Sends a signal to the given processes (by PID: only processes this test started).</summary>
    protected static async Task SignalAsync(string signal, IEnumerable<int> pids)
    {
        foreach (var pid in pids)
        {
            var start = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
            start.ArgumentList.Add("-s");
            start.ArgumentList.Add(signal);
            start.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
            using var kill = Process.Start(start) ?? throw new InvalidOperationException("kill did not start.");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await kill.WaitForExitAsync(timeout.Token);
            if (kill.ExitCode != 0)
            {
                throw new InvalidOperationException($"kill -s {signal} {pid} failed: {await kill.StandardError.ReadToEndAsync(timeout.Token)}");
            }
        }
    }

    /// <summary>A process and every descendant of it, read from /proc (the emulators start Java from a script).</summary>
    protected static IReadOnlyList<int> ProcessTree(int root)
    {
        var result = new List<int> { root };
        for (var i = 0; i < result.Count; i++)
        {
            var taskDirectory = $"/proc/{result[i]}/task";
            if (!Directory.Exists(taskDirectory))
            {
                continue;
            }

            foreach (var task in Directory.EnumerateDirectories(taskDirectory))
            {
                var children = Path.Combine(task, "children");
                if (File.Exists(children))
                {
                    result.AddRange(File.ReadAllText(children)
                        .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                        .Select(pid => int.Parse(pid, CultureInfo.InvariantCulture))
                        .Where(pid => !result.Contains(pid)));
                }
            }
        }

        return result;
    }
}
