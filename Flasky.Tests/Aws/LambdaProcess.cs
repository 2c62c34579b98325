using System.Collections.Concurrent;
using System.Diagnostics;

namespace Flasky.Tests.Aws;

/// <summary>
/// Flasky.Lambda in its local mode, in a process of its own (as Lambda runs a function), polling the given Runtime
/// API. Killed by its PID on dispose, also when a test failed.
/// </summary>
internal sealed class LambdaProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private LambdaProcess(Process process) => _process = process;

    public string Output => string.Join('\n', _output);

    public bool HasExited => _process.HasExited;

    public static LambdaProcess Start(string runtimeApi, IReadOnlyDictionary<string, string>? environment = null)
    {
        var assembly = Path.Combine(AppContext.BaseDirectory, "Flasky.Lambda.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal) || k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi;
        start.Environment["AWS_LAMBDA_LOG_STREAM_NAME"] = "2026/11/30/[$LATEST]" + Guid.NewGuid().ToString("N");
        start.Environment["CandidateStore"] = "InMemory";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var lambda = new LambdaProcess(process);
        process.OutputDataReceived += (_, e) => Keep(lambda._output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(lambda._output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return lambda;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null && output.Count < 2000)
        {
            output.Enqueue(line);
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

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
