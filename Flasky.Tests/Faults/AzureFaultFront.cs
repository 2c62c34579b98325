using System.Net;
using System.Net.Http.Json;
using Flasky.Cosmos;
using Flasky.Emulators;
using Flasky.Tests.Azure;

namespace Flasky.Tests.Faults;

/// <summary>Azure: the Functions app's local host (function keys) → fault proxy → the local Cosmos server.</summary>
internal sealed class AzureFaultFront : FaultFront
{
    /// <summary>Cosmos's hint under throttling: 2.3 s, which a 503 must pass on as Retry-After 3.</summary>
    public const int ThrottleRetryAfterMs = 2300;

    private CosmosServer _cosmos = null!;
    private FaultProxy _proxy = null!;
    private LocalFunctionsApp _app = null!;
    private HttpClient _control = null!;

    public override string Name => "Azure";

    public override string ThrottlingAnswer => $"the Cosmos server's switch: 429 with x-ms-retry-after-ms {ThrottleRetryAfterMs}";

    public override string Diagnostics => string.Join('\n', _app.Logs.Lines
        .Where(line => line.Contains("Exception", StringComparison.Ordinal) && !line.Contains("CandidateStoreUnavailable", StringComparison.Ordinal))
        .TakeLast(5));

    public static async Task<AzureFaultFront> StartAsync()
    {
        var front = new AzureFaultFront();
        front._cosmos = await CosmosServer.StartAsync(
            ["--database", CosmosStoreOptions.DefaultDatabaseName, "--container", $"{CosmosStoreOptions.DefaultContainerName}=/CandidateName"],
            TimeSpan.FromSeconds(60));
        front._proxy = new FaultProxy(new IPEndPoint(IPAddress.Loopback, front._cosmos.Endpoint.Port));
        var throughProxy = front._cosmos.ConnectionString.Replace($":{front._cosmos.Endpoint.Port}/", $":{front._proxy.Port}/", StringComparison.Ordinal);
        front._app = await LocalFunctionsApp.StartAsync("--CandidateStore=Cosmos", $"--ConnectionStrings:cosmos={throughProxy}");

        // The local server's own self-signed certificate, on loopback; never anything else.
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        front._control = new HttpClient(handler) { BaseAddress = front._cosmos.Endpoint, Timeout = TimeSpan.FromSeconds(10) };
        return front;
    }

    public override HttpClient CreateClient(TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = _app.BaseAddress, Timeout = timeout };
        client.DefaultRequestHeaders.Add("x-functions-key", LocalFunctionsApp.HostKey);
        return client;
    }

    protected override FaultProxy Proxy => _proxy;

    protected override IReadOnlyList<int> DatabaseProcesses() => [_cosmos.ProcessId];

    /// <summary>The Cosmos server's own switch: 429 with <c>x-ms-retry-after-ms</c>.</summary>
    protected override async Task SetThrottlingAsync(bool on, CancellationToken cancellationToken)
    {
        using var response = on
            ? await _control.PutAsJsonAsync("/_emulator/throttle", new { retryAfterMs = ThrottleRetryAfterMs }, cancellationToken)
            : await _control.DeleteAsync(new Uri("/_emulator/throttle", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public override async ValueTask DisposeAsync()
    {
        _control?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (_cosmos is not null)
        {
            // A frozen server would ignore SIGTERM until the stop timeout.
            await SignalAsync("CONT", [_cosmos.ProcessId]);
            await _cosmos.DisposeAsync();
        }
    }
}
