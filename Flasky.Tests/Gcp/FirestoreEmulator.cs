using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Aspire.Hosting;

namespace Flasky.Tests.Gcp;

/// <summary>
/// One run of the official Firestore emulator (<c>gcloud emulators firestore start</c>), in memory, with a private
/// gcloud configuration directory. gcloud starts a shell script that starts Java, so the emulator runs in a process
/// group of its own (<c>setsid</c>) and is stopped by signalling the whole group.
/// </summary>
internal sealed class FirestoreEmulator : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly string _configDirectory;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    private FirestoreEmulator(Process process, StringBuilder output, string configDirectory, int port)
    {
        _process = process;
        _output = output;
        _configDirectory = configDirectory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The process group of gcloud and everything it starts (its id is gcloud's pid, by <c>setsid</c>).</summary>
    public int ProcessGroup => _process.Id;

    /// <summary>The value of <c>FIRESTORE_EMULATOR_HOST</c> for this emulator.</summary>
    public string HostAndPort => $"127.0.0.1:{Port}";

    public Uri Endpoint => new($"http://{HostAndPort}/");

    /// <summary>How long the start took, from launching gcloud to the first answered read.</summary>
    public TimeSpan StartDuration { get; private set; }

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

    /// <summary>
    /// Starts an emulator and waits (bounded) until it serves requests. Fails with what to install when gcloud or its
    /// emulator component is missing from <paramref name="path"/> (default: this process's PATH).
    /// </summary>
    public static async Task<FirestoreEmulator> StartAsync(TimeSpan timeout, string? path = null)
    {
        path ??= Environment.GetEnvironmentVariable("PATH");
        if (FirestoreEmulatorCommand.FindPrerequisiteProblem(path) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        // The emulator can't report a port it chose itself, so it gets a free one; another process may take it first.
        for (var attempt = 1; ; attempt++)
        {
            var emulator = Launch(FirestoreEmulatorCommand.FindGcloud(path)!, path!, FreePort());
            try
            {
                await emulator.WaitUntilReadyAsync(timeout);
                return emulator;
            }
            catch (Exception ex)
            {
                var log = emulator.Output;
                await emulator.DisposeAsync();
                if (attempt < 3 && log.Contains("already in use", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                throw new InvalidOperationException($"The Firestore emulator did not start within {timeout}. Its output:\n{log}", ex);
            }
        }
    }

    private static FirestoreEmulator Launch(string gcloud, string path, int port)
    {
        var configDirectory = Directory.CreateTempSubdirectory("flasky-gcloud-").FullName;
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(gcloud);
        foreach (var argument in FirestoreEmulatorCommand.StartArguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add($"{FirestoreEmulatorCommand.HostPortOption}127.0.0.1:{port}");
        foreach (var (key, value) in FirestoreEmulatorCommand.Environment(configDirectory))
        {
            start.Environment[key] = value;
        }

        start.Environment["PATH"] = path;
        var output = new StringBuilder();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var emulator = new FirestoreEmulator(process, output, configDirectory, port);
        process.OutputDataReceived += (_, e) => emulator.Append(e.Data);
        process.ErrorDataReceived += (_, e) => emulator.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return emulator;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains(FirestoreEmulatorCommand.ReadyLine, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    /// <summary>
    /// Waits for the ready line, then for a real Firestore read to answer: the first request after the ready line
    /// can take many seconds on a busy machine (the JVM is still warming up), and a test's own short request timeout
    /// must not be spent on that.
    /// </summary>
    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(timeout);
        var exited = _process.WaitForExitAsync(deadline.Token);
        var first = await Task.WhenAny(_ready.Task, exited).WaitAsync(deadline.Token);
        if (first != _ready.Task)
        {
            throw new InvalidOperationException($"The emulator exited with code {_process.ExitCode} before it was ready.");
        }

        using var client = new HttpClient();
        var probe = new Uri(Endpoint, "v1/projects/warm-up/databases/(default)/documents/warm-up?pageSize=1");
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(probe, deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The emulator exited with code {_process.ExitCode} before it answered.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }

        StartDuration = stopwatch.Elapsed;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            // gcloud, the script and Java share the group whose id is gcloud's pid (setsid). SIGTERM lets gcloud stop
            // its child; whatever is left after the bounded wait is killed.
            await SignalGroupAsync("TERM");
            using (var timeout = new CancellationTokenSource(StopTimeout))
            {
                try
                {
                    await _process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    // Escalate below.
                }
            }

            await SignalGroupAsync("KILL");
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(StopTimeout);
                await _process.WaitForExitAsync(timeout.Token);
            }

            // A killed process lingers until the kernel has torn it down: return only once the group is gone.
            var gone = Stopwatch.StartNew();
            while (await SignalGroupAsync("0") && gone.Elapsed < StopTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_configDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A log file still being closed: the directory is under the temp path anyway.
            }
        }
    }

    /// <summary>Sends a signal to the emulator's process group; false when no process of the group is left.</summary>
    private async Task<bool> SignalGroupAsync(string signal)
    {
        var start = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in (string[])[$"-{signal}", "--", $"-{_process.Id}"])
        {
            start.ArgumentList.Add(argument);
        }

        using var kill = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(StopTimeout);
        await kill.WaitForExitAsync(timeout.Token);
        return kill.ExitCode == 0;
    }
}
