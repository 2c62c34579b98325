using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Flasky.Core.Http;
using Flasky.Cosmos;
using Flasky.Tests.Emulators;
using Flasky.Tests.Functions;
using Microsoft.Extensions.Logging;

namespace Flasky.Tests.Storage;

/// <summary>
/// Cosmos DB's 429 with a retry hint, end to end below the host: the SDK's retries run out, the store reports the store
/// unavailable with Cosmos's hint, and the API answers 503 with that hint as <c>Retry-After</c>. The local server's
/// throttling switch stands in for a container out of RU/s; a server of its own, so no other test is throttled.
/// </summary>
public sealed class CosmosThrottlingTests : IAsyncLifetime
{
    // 2.3 s: rounds up to a Retry-After of 3, unlike the API's own default of 5.
    private const int RetryAfterMs = 2300;

    private CosmosServer? _server;

    public async Task InitializeAsync() =>
        _server = await CosmosServer.StartAsync(
            ["--database", CosmosStoreOptions.DefaultDatabaseName, "--container", $"{CosmosStoreOptions.DefaultContainerName}=/CandidateName"],
            TimeSpan.FromSeconds(30));

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_throttled_store_gives_503_with_the_retry_after_cosmos_asked_for_and_writes_nothing()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;

        // The app's own options: its retry budget for 429s, its timeouts.
        var options = new CosmosStoreOptions { ConnectionString = _server!.ConnectionString };
        using var client = CosmosClientFactory.Create(options);
        var store = new CosmosCandidateStore(client.GetContainer(options.DatabaseName, options.ContainerName), options.OperationTimeout);
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(logs));
        var api = new CandidateApi(store, new CandidateApiOptions { InstanceId = "throttling-test" }, loggerFactory.CreateLogger<CandidateApi>());
        Assert.Equal(200, (await SendAsync(api, "POST", "/candidate/before", ct)).StatusCode);

        using var control = ControlClient();
        await SetThrottleAsync(control, RetryAfterMs, ct);
        try
        {
            var post = await SendAsync(api, "POST", "/candidate/during", ct);
            Assert.Equal(503, post.StatusCode);
            Assert.Equal("Unable to update", post.BodyText());
            Assert.Equal("3", post.Header("Retry-After"));

            foreach (var target in new[] { "/candidate/before", "/candidates", "/candidates?limit=5" })
            {
                var read = await SendAsync(api, "GET", target, ct);
                var why = $"GET {target} → {read.StatusCode} Retry-After {read.Header("Retry-After")}; the API logged:\n{string.Join("\n", logs.Lines.TakeLast(3))}";
                Assert.True(read.StatusCode == 503 && read.ContentType == ApiResponse.ProblemJson, why);
                Assert.True(read.Header("Retry-After") == "3", why);
            }

            // /gtg?details reports the store as not connected, with the API's own Retry-After.
            Assert.Equal(503, (await SendAsync(api, "GET", "/gtg?details", ct)).StatusCode);

            // The answers came from throttling, not from an unreachable server.
            var state = await control.GetFromJsonAsync<JsonElement>("/_emulator/throttle", ct);
            Assert.True(state.GetProperty("throttled").GetInt32() >= 5, state.GetRawText());
        }
        finally
        {
            using var _ = await control.DeleteAsync(new Uri("/_emulator/throttle", UriKind.Relative), CancellationToken.None);
        }

        // Nothing acknowledged was lost, and nothing refused was written.
        Assert.Equal(200, (await SendAsync(api, "GET", "/candidate/before", ct)).StatusCode);
        Assert.Equal(404, (await SendAsync(api, "GET", "/candidate/during", ct)).StatusCode);
    }

    private static async Task<ApiResponse> SendAsync(CandidateApi api, string method, string target, CancellationToken ct)
    {
        var body = method == "POST" ? """{"state":"written"}""" : "";
        return await api.HandleAsync(new ApiRequest(method, target, "application/json", new MemoryStream(Encoding.UTF8.GetBytes(body))), ct);
    }

    private HttpClient ControlClient()
    {
        // The local server's own self-signed certificate, on loopback; never anything else.
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        return new HttpClient(handler) { BaseAddress = _server!.Endpoint, Timeout = TimeSpan.FromSeconds(10) };
    }

    private static async Task SetThrottleAsync(HttpClient control, int retryAfterMs, CancellationToken ct)
    {
        using var response = await control.PutAsJsonAsync("/_emulator/throttle", new { retryAfterMs }, ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
    }
}
