using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Flasky.Tests.Emulators;

/// <summary>
/// One run of <c>emulators/cosmos/server.mjs</c> (in memory, HTTPS, self-signed). It picks its own free port
/// (<c>--port 0</c>, reported in its ready line), which unlike probing a port first cannot race other processes.
/// </summary>
internal sealed partial class CosmosServer : IAsyncDisposable
{
    /// <summary>The server checks no keys; the SDK only needs something base64.</summary>
    private static readonly string AnyKey = Convert.ToBase64String(Encoding.UTF8.GetBytes("the local cosmos server checks no keys"));

    private readonly Process _process;
    private readonly StringBuilder _output;
    private bool _disposed;

    private CosmosServer(Process process, StringBuilder output)
    {
        _process = process;
        _output = output;
    }

    public Uri Endpoint { get; private set; } = new("https://127.0.0.1/");

    /// <summary>A key connection string whose certificate bypass the SDK applies itself (local server only).</summary>
    public string ConnectionString => $"AccountEndpoint={Endpoint};AccountKey={AnyKey};DisableServerCertificateValidation=True;";

    public static async Task<CosmosServer> StartAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var script = Path.Combine(RepositoryRoot.Path, "emulators", "cosmos", "server.mjs");
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[script, "--port", "0", "--exit-with-stdin", .. arguments])
        {
            start.ArgumentList.Add(argument);
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

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (ReadyLine().Match(e.Data) is { Success: true } match)
            {
                ready.TrySetResult(new Uri(match.Groups["url"].Value));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("The Cosmos server exited before it was ready."));

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new CosmosServer(process, output);
        try
        {
            server.Endpoint = await ready.Task.WaitAsync(timeout);
            return server;
        }
        catch (Exception ex)
        {
            var log = server.Output;
            await server.DisposeAsync();
            throw new InvalidOperationException($"The Cosmos server did not start within {timeout}. Its output:\n{log}", ex);
        }
    }

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

    [GeneratedRegex(@"^cosmos server listening on (?<url>https://\S+)$")]
    private static partial Regex ReadyLine();
}
