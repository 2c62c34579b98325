using System.Collections.Concurrent;
using System.Diagnostics;

namespace Flasky.Load;

/// <summary>
/// A host as a process of its own (<c>dotnet &lt;Project&gt;.dll</c> from the project's build output), so that each host
/// runs as it would in production and its start-up can be timed from the spawn. Killed by its own PID on dispose.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();

    private HostProcess(string name, Process process, long spawnedTimestamp)
    {
        Name = name;
        _process = process;
        SpawnedTimestamp = spawnedTimestamp;
    }

    public string Name { get; }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> just before the spawn.</summary>
    public long SpawnedTimestamp { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The CPU time the process has used so far (user + system, all threads): unlike wall-clock time, barely
    /// moved by what else the machine runs.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The process id (for /proc: its resident memory).</summary>
    public int Id => _process.Id;

    /// <summary>The last lines the process wrote, for error messages.</summary>
    public string Tail => string.Join('\n', _tail);

    public static HostProcess Start(string name, string assembly, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{assembly} does not exist: build the solution in this configuration first (./bench.sh does).", assembly);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        start.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Nothing from the caller's environment may pick a store, an exporter or another port for the host.
        foreach (var key in start.Environment.Keys.Where(IsInherited).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var spawned = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var host = new HostProcess(name, process, spawned);
        process.OutputDataReceived += (_, e) => host.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    private static bool IsInherited(string key) =>
        key.StartsWith("OTEL_", StringComparison.Ordinal) || key.StartsWith("AWS_", StringComparison.Ordinal)
        || key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || key.StartsWith("ConnectionStrings", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("FunctionKeys", StringComparison.OrdinalIgnoreCase) || key.StartsWith("FIRESTORE_", StringComparison.Ordinal)
        || key.StartsWith("GOOGLE_", StringComparison.Ordinal) || key.StartsWith("DynamoDb", StringComparison.OrdinalIgnoreCase)
        || key is "PORT" or "CandidateStore" or "FUNCTIONS_WORKER_RUNTIME" or "K_REVISION";

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _tail.Enqueue(line);
        while (_tail.Count > 40)
        {
            _tail.TryDequeue(out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or will be reaped by the OS.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
