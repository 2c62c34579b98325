using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Flasky.Tests.Emulators;

namespace Flasky.Tests.Azure;

/// <summary>
/// <c>dotnet Flasky.Functions.dll</c> as its own process, configured only by environment variables, on a port it picks
/// itself (<c>ASPNETCORE_URLS=http://127.0.0.1:0</c>, read back from its "Now listening on" line), stopped by its PID.
/// </summary>
internal sealed partial class LocalFunctionsProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;
    private bool _disposed;

    private LocalFunctionsProcess(Process process, StringBuilder output)
    {
        _process = process;
        _output = output;
    }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public int ProcessId => _process.Id;

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

    /// <summary>The app as the test run built it (the test project references it, so it is built first).</summary>
    public static string AppPath
    {
        get
        {
            var configuration = typeof(LocalFunctionsProcess).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var path = Path.Combine(RepositoryRoot.Path, "Flasky.Functions", "bin", configuration, "net10.0", "Flasky.Functions.dll");
            Assert.True(File.Exists(path), $"{path} is missing: build Flasky.Functions ({configuration}) first");
            return path;
        }
    }

    /// <summary>Starts the app with exactly these settings (the test run's own Functions or OTLP settings removed).</summary>
    public static LocalFunctionsProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AppPath);
        foreach (var inherited in start.Environment.Keys.ToList())
        {
            if (inherited.StartsWith("FUNCTIONS_", StringComparison.OrdinalIgnoreCase)
                || inherited.StartsWith("Functions__", StringComparison.OrdinalIgnoreCase)
                || inherited.StartsWith("FunctionKeys", StringComparison.OrdinalIgnoreCase)
                || inherited.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)
                || inherited.StartsWith("ConnectionStrings", StringComparison.OrdinalIgnoreCase)
                || inherited.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || inherited.StartsWith("WEBSITE_", StringComparison.OrdinalIgnoreCase)
                || inherited is "CandidateStore" or "AZURE_FUNCTIONS_ENVIRONMENT")
            {
                start.Environment.Remove(inherited);
            }
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new LocalFunctionsProcess(process, output);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups["url"].Value));
            }
        }

        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the process exited"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        host.Listening = listening.Task;
        return host;
    }

    private Task<Uri> Listening { get; set; } = Task.FromException<Uri>(new InvalidOperationException("not started"));

    /// <summary>Waits for the "Now listening on" line; fails with the process's output when it doesn't come.</summary>
    public async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        try
        {
            BaseAddress = await Listening.WaitAsync(timeout);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            Assert.Fail($"Flasky.Functions did not start listening within {timeout} ({ex.Message}). Its output:\n{Output}");
        }
    }

    /// <summary>Waits for the process to exit by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"Flasky.Functions (PID {ProcessId}) did not exit within {timeout}. Its output:\n{Output}");
        }

        return _process.ExitCode;
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
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
