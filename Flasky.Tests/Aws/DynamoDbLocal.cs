using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Flasky.Tests.Emulators;

namespace Flasky.Tests.Aws;

/// <summary>
/// One run of <c>emulators/dynamodb/start.mjs</c>: DynamoDB Local in memory, with the declared tables created, on a
/// free port. DynamoDB Local cannot pick its own port, so a free one is chosen first; if another process takes it in
/// between, the script exits with code 3 and the next port is tried.
/// </summary>
internal sealed class DynamoDbLocal : IAsyncDisposable
{
    private const int PortInUseExitCode = 3;
    private const string ReadyLinePrefix = "dynamodb local listening on ";

    private readonly Process _process;
    private readonly StringBuilder _output;
    private bool _disposed;

    private DynamoDbLocal(Process process, StringBuilder output, Uri endpoint)
    {
        _process = process;
        _output = output;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public int ProcessId => _process.Id;

    public static string ScriptPath => Path.Combine(RepositoryRoot.Path, "emulators", "dynamodb", "start.mjs");

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

    /// <param name="tables">Tables to create on start, as <c>Name=HashKeyAttribute</c>.</param>
    /// <param name="timeout">How long DynamoDB Local may take to answer (it is a JVM: seconds, more on a busy machine).</param>
    /// <param name="environment">Variables to set (or, with a null value, remove) for the script.</param>
    public static async Task<DynamoDbLocal> StartAsync(
        IEnumerable<string> tables, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var tableList = tables.ToList();
        for (var attempt = 1; ; attempt++)
        {
            var (server, exitCode, output) = await TryStartAsync(FreePort(), tableList, timeout, environment);
            if (server is not null)
            {
                return server;
            }

            if (exitCode != PortInUseExitCode || attempt == 3)
            {
                throw new InvalidOperationException($"DynamoDB Local did not start (exit code {exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}). Its output:\n{output}");
            }
        }
    }

    private static async Task<(DynamoDbLocal? Server, int? ExitCode, string Output)> TryStartAsync(
        int port, List<string> tables, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ScriptPath);
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--exit-with-stdin");
        start.ArgumentList.Add("--start-timeout");
        start.ArgumentList.Add(((int)timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var table in tables)
        {
            start.ArgumentList.Add("--table");
            start.ArgumentList.Add(table);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var output = new StringBuilder();
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            Append(output, e.Data);
            if (e.Data.StartsWith(ReadyLinePrefix, StringComparison.Ordinal))
            {
                ready.TrySetResult(new Uri(e.Data[ReadyLinePrefix.Length..]));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Append(output, e.Data);
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("DynamoDB Local exited before it was ready."));

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new DynamoDbLocal(process, output, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            // The script bounds its own wait; this one covers a script that hangs before it gets there.
            await ready.Task.WaitAsync(timeout + TimeSpan.FromSeconds(30));
            return (server, null, server.Output);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            int? exitCode = null;
            if (process.HasExited)
            {
                // Drains the redirected output too, so the failure message is complete.
                using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(drain.Token);
                exitCode = process.ExitCode;
            }

            var log = server.Output;
            await server.DisposeAsync();
            return (null, exitCode, log);
        }
    }

    private static void Append(StringBuilder output, string line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        // DynamoDB Local binds every interface, so the port must be free on all of them.
        using var listener = new TcpListener(IPAddress.Any, 0);
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
            if (!_process.HasExited)
            {
                // The script and its JVM: the whole tree, by the script's PID.
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
}
