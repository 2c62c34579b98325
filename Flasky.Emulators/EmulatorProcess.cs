using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Flasky.Emulators;

/// <summary>How to start one emulator (or any long-running tool a test needs) and how to tell it is ready.</summary>
public sealed record EmulatorProcessOptions
{
    /// <summary>What it is, for messages: "the local Cosmos DB server", "DynamoDB Local".</summary>
    public required string DisplayName { get; init; }

    /// <summary>The program: a name looked up on PATH (<c>node</c>, <c>java</c>, <c>gcloud</c>) or a full path.</summary>
    public required string Executable { get; init; }

    /// <summary>What to install when <see cref="Executable"/> is missing: "Install Node.js 20+ (apt-get install nodejs)".</summary>
    public required string InstallHint { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Inherited variables to leave out (the test run's own settings that must not leak in); null keeps all.</summary>
    public Func<string, bool>? RemoveInherited { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// Ready when a line of standard output or error matches; <see cref="EmulatorProcess.ReadyMatch"/> keeps the match.
    /// With neither this nor <see cref="ReadyPort"/>, the process is ready as soon as it runs.
    /// </summary>
    public Regex? ReadyLine { get; init; }

    /// <summary>Ready when this loopback TCP port accepts a connection (checked after <see cref="ReadyLine"/>, if both are set).</summary>
    public int? ReadyPort { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a polite stop (SIGTERM) may take before the whole process group is killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Keep standard input open: emulators started with an exit-when-stdin-closes switch outlive no test run.</summary>
    public bool RedirectStandardInput { get; init; }
}

/// <summary>
/// One emulator process for a test fixture: started in a process group of its own (<c>setsid</c>), so that stopping it
/// also stops whatever it started (the gcloud wrapper's Java, npm's node); ready when its ready line or port says so,
/// within a timeout; its output kept for failure messages; stopped by PID and process group in
/// <see cref="DisposeAsync"/> — never by name, since other test runs share the machine.
/// </summary>
public sealed class EmulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly EmulatorProcessOptions _options;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Match?> _readyLine = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    private EmulatorProcess(Process process, EmulatorProcessOptions options)
    {
        _process = process;
        _options = options;
    }

    /// <summary>The PID, which is also the process group id.</summary>
    public int Id { get; private set; }

    /// <summary>The ready line's match (null when readiness was only a port).</summary>
    public Match? ReadyMatch { get; private set; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything it printed so far, standard output and error interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public StreamWriter StandardInput => _process.StandardInput;

    /// <summary>Starts the process and waits until it is ready; throws with its output when it is not.</summary>
    public static async Task<EmulatorProcess> StartAsync(EmulatorProcessOptions options, CancellationToken cancellationToken = default)
    {
        var emulator = Launch(options);
        await emulator.WaitUntilReadyAsync(cancellationToken: cancellationToken);
        return emulator;
    }

    /// <summary>
    /// Starts the process without waiting for it to be ready (for a test that expects it to exit instead); follow with
    /// <see cref="WaitUntilReadyAsync"/> or <see cref="WaitForExitAsync"/>, and dispose it in any case.
    /// </summary>
    public static EmulatorProcess Launch(EmulatorProcessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var executable = Resolve(options.Executable) ?? throw new InvalidOperationException(
            $"{options.DisplayName} needs '{options.Executable}', which is not installed (not found on PATH). {options.InstallHint}");

        // setsid makes the program the leader of a new process group (it execs in place, so the PID is the program's).
        var setsid = Resolve("setsid");
        var start = new ProcessStartInfo(setsid ?? executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = options.RedirectStandardInput,
            UseShellExecute = false,
            WorkingDirectory = options.WorkingDirectory ?? EmulatorPaths.RepositoryRoot,
        };
        if (setsid is not null)
        {
            start.ArgumentList.Add(executable);
        }

        foreach (var argument in options.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (options.RemoveInherited is { } remove)
        {
            foreach (var inherited in start.Environment.Keys.Where(remove).ToList())
            {
                start.Environment.Remove(inherited);
            }
        }

        foreach (var (name, value) in options.Environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var emulator = new EmulatorProcess(process, options);
        if (options.ReadyLine is null)
        {
            emulator._readyLine.SetResult(null);
        }

        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (emulator._output)
            {
                emulator._output.AppendLine(e.Data);
            }

            if (options.ReadyLine?.Match(e.Data) is { Success: true } match)
            {
                emulator._readyLine.TrySetResult(match);
            }
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.Exited += (_, _) => emulator._readyLine.TrySetException(
            new InvalidOperationException($"{options.DisplayName} exited with exit code {SafeExitCode(process)} before it was ready."));

        process.Start();
        emulator.Id = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return emulator;
    }

    /// <summary>
    /// Waits until the ready line (and port) say so, within <paramref name="timeout"/> (default: the options' start
    /// timeout). When it is not ready, stops the process and throws an <see cref="EmulatorStartException"/> with its
    /// output and, if it exited, its exit code.
    /// </summary>
    public async Task WaitUntilReadyAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? _options.StartTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            ReadyMatch = await _readyLine.Task.WaitAsync(deadline.Token);
            if (_options.ReadyPort is { } port)
            {
                await WaitForPortAsync(_process, port, deadline.Token);
            }
        }
        catch (Exception ex)
        {
            int? exitCode = null;
            if (_process.HasExited)
            {
                // Drains the redirected output too, so the failure message is complete.
                using var drain = new CancellationTokenSource(_options.StopTimeout);
                await _process.WaitForExitAsync(drain.Token);
                exitCode = _process.ExitCode;
            }

            await DisposeAsync();
            var reason = ex is OperationCanceledException && !cancellationToken.IsCancellationRequested
                ? $"was not ready within {limit}"
                : $"failed to start ({ex.Message})";
            throw new EmulatorStartException(
                $"{_options.DisplayName} ({_options.Executable} {string.Join(' ', _options.Arguments)}) {reason}. Its output:\n{Output}", exitCode, ex);
        }
    }

    /// <summary>Waits for the process to exit by itself; returns its exit code, or throws with its output after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException ex)
        {
            throw new TimeoutException($"{_options.DisplayName} (PID {Id}) did not exit within {timeout}. Its output:\n{Output}", ex);
        }

        return _process.ExitCode;
    }

    /// <summary>SIGTERM to the process group, then SIGKILL to the group and the process tree if it does not stop in time.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (Id == 0)
            {
                return;
            }

            if (_options.RedirectStandardInput)
            {
                try
                {
                    _process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // Already gone.
                }
            }

            await SignalGroupAsync("TERM");
            using var stop = new CancellationTokenSource(_options.StopTimeout);
            try
            {
                await _process.WaitForExitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopping politely took too long.
            }

            // Children that ignored SIGTERM, or outlived the leader, go too.
            await SignalGroupAsync("KILL");
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var kill = new CancellationTokenSource(_options.StopTimeout);
                await _process.WaitForExitAsync(kill.Token);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task SignalGroupAsync(string signal)
    {
        if (Resolve("setsid") is null || Resolve("kill") is not { } kill)
        {
            return;
        }

        var start = new ProcessStartInfo(kill) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["-s", signal, "--", $"-{Id}"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start);
        if (process is not null)
        {
            // Fails harmlessly (ESRCH) when the group is already gone.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await process.WaitForExitAsync(timeout.Token);
        }
    }

    private static async Task WaitForPortAsync(Process process, int port, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The process exited (code {SafeExitCode(process)}) before port {port} opened.");
            }

            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
        }
    }

    private static string SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "unknown";
        }
    }

    private static string? Resolve(string executable)
    {
        if (Path.IsPathRooted(executable))
        {
            return File.Exists(executable) ? executable : null;
        }

        return (System.Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, executable))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>An emulator that did not become ready: the message holds its output; <see cref="ExitCode"/> is set when it exited.</summary>
public sealed class EmulatorStartException(string message, int? exitCode, Exception innerException)
    : InvalidOperationException(message, innerException)
{
    public int? ExitCode { get; } = exitCode;
}
