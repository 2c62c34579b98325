using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Flasky.Emulators;

/// <summary>
/// One run of the official Firestore emulator (<c>gcloud emulators firestore start</c>), in memory, with a private
/// gcloud configuration directory, on the shared <see cref="EmulatorProcess"/>: gcloud starts a shell script that
/// starts Java, and the process group is what gets stopped.
/// </summary>
public sealed partial class FirestoreEmulator : IAsyncDisposable
{
    private static readonly TimeSpan GoneTimeout = TimeSpan.FromSeconds(10);

    private readonly EmulatorProcess _process;
    private readonly string _configDirectory;
    private bool _disposed;

    private FirestoreEmulator(EmulatorProcess process, string configDirectory, int port)
    {
        _process = process;
        _configDirectory = configDirectory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The process group of gcloud and everything it starts (its id is gcloud's pid).</summary>
    public int ProcessGroup => _process.Id;

    /// <summary>The value of <c>FIRESTORE_EMULATOR_HOST</c> for this emulator.</summary>
    public string HostAndPort => $"127.0.0.1:{Port}";

    public Uri Endpoint => new($"http://{HostAndPort}/");

    /// <summary>How long the start took, from launching gcloud to the first answered read.</summary>
    public TimeSpan StartDuration { get; private set; }

    public string Output => _process.Output;

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

        var gcloud = FirestoreEmulatorCommand.FindGcloud(path)!;
        var stopwatch = Stopwatch.StartNew();

        // The emulator can't report a port it chose itself, so it gets a free one; another process may take it first.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePorts.Loopback();
            var configDirectory = Directory.CreateTempSubdirectory("flasky-gcloud-").FullName;
            EmulatorProcess process;
            try
            {
                process = await EmulatorProcess.StartAsync(new EmulatorProcessOptions
                {
                    DisplayName = "The Firestore emulator",
                    Executable = gcloud,
                    InstallHint = FirestoreEmulatorCommand.InstallHint,
                    Arguments = [.. FirestoreEmulatorCommand.StartArguments, $"{FirestoreEmulatorCommand.HostPortOption}127.0.0.1:{port}"],
                    Environment = FirestoreEmulatorCommand.Environment(configDirectory),
                    ReadyLine = ReadyLine(),
                    StartTimeout = timeout,
                });
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("already in use", StringComparison.OrdinalIgnoreCase))
            {
                DeleteDirectory(configDirectory);
                continue;
            }
            catch
            {
                DeleteDirectory(configDirectory);
                throw;
            }

            var emulator = new FirestoreEmulator(process, configDirectory, port);
            try
            {
                await emulator.WaitUntilAnswersAsync(timeout - stopwatch.Elapsed);
                emulator.StartDuration = stopwatch.Elapsed;
                return emulator;
            }
            catch (Exception ex)
            {
                var output = emulator.Output;
                await emulator.DisposeAsync();
                throw new InvalidOperationException($"The Firestore emulator did not answer within {timeout}. Its output:\n{output}", ex);
            }
        }
    }

    /// <summary>
    /// Waits for a real Firestore read to answer: the first request after the ready line can take many seconds on a
    /// busy machine (the JVM is still warming up), and a test's own short request timeout must not be spent on that.
    /// </summary>
    private async Task WaitUntilAnswersAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout > TimeSpan.Zero ? timeout : TimeSpan.FromSeconds(1));
        using var client = new HttpClient();
        var probe = new Uri(Endpoint, "v1/projects/warm-up/databases/(default)/documents/warm-up?pageSize=1");
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(probe, deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException("The emulator exited before it answered.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var group = _process.Id;
        await _process.DisposeAsync();

        // A killed process lingers until the kernel has torn it down: return only once the group is gone (bounded).
        var gone = Stopwatch.StartNew();
        while (await GroupIsAliveAsync(group) && gone.Elapsed < GoneTimeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        DeleteDirectory(_configDirectory);
    }

    private static async Task<bool> GroupIsAliveAsync(int group)
    {
        var start = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in (string[])["-0", "--", $"-{group}"])
        {
            start.ArgumentList.Add(argument);
        }

        using var kill = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(GoneTimeout);
        await kill.WaitForExitAsync(timeout.Token);
        return kill.ExitCode == 0;
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A log file still being closed: the directory is under the temp path anyway.
        }
    }

    [GeneratedRegex(FirestoreEmulatorCommand.ReadyLine)]
    private static partial Regex ReadyLine();
}
