using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Flasky.Core.Http;
using Flasky.Cosmos;
using Flasky.Emulators;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Flasky.Tests.Azure;

/// <summary>
/// Cosmos DB's 429 with a retry hint, end to end below the host: the SDK's retries run out, the store reports the store
/// unavailable with Cosmos's hint, and the API answers 503 with that hint as <c>Retry-After</c>. The local server's
/// throttling switch stands in for a container out of RU/s; a server of its own, so no other test is throttled. Runs
/// alone (it once spent 20 s per request in the SDK's retries, which coincided with other tests timing out).
/// </summary>
[Collection(nameof(CosmosThrottlingTests))]
[CollectionDefinition(nameof(CosmosThrottlingTests), DisableParallelization = true)]
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
        // (A long operation timeout: the first call of a process builds the SDK's state, slowly on a busy machine.)
        var options = new CosmosStoreOptions { ConnectionString = _server!.ConnectionString, OperationTimeout = TimeSpan.FromSeconds(30) };
        using var client = CosmosClientFactory.Create(options);
        var store = new CosmosCandidateStore(client.GetContainer(options.DatabaseName, options.ContainerName), options.OperationTimeout);
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(logs));
        var api = new CandidateApi(store, new CandidateApiOptions { InstanceId = "throttling-test" }, loggerFactory.CreateLogger<CandidateApi>());
        Assert.Equal(200, (await SendAsync(api, "POST", "/candidate/before", ct)).StatusCode);

        using var control = ControlClient();
        await SetThrottleAsync(control, RetryAfterMs, ct);
        try
        {
            // Every answer first, then one assertion that shows them all (and what the API logged about each).
            var answers = new List<string>();
            foreach (var (method, target) in new[] { ("POST", "/candidate/during"), ("GET", "/candidate/before"), ("GET", "/candidates"), ("GET", "/candidates?limit=5") })
            {
                var response = await SendAsync(api, method, target, ct);
                var logged = logs.Lines.LastOrDefault() ?? "nothing";
                answers.Add($"{method} {target} → {response.StatusCode} {response.ContentType} Retry-After {response.Header("Retry-After")}"
                    + $" {(method == "POST" ? response.BodyText() : "")}; logged: {logged[..Math.Min(logged.Length, 400)]}");
            }

            // Every answer carries Cosmos's own hint: the SDK retries a 429 only when Cosmos asks for at most 1 s, so a
            // longer hint comes straight back (before, reads and queries spent 20 s in the SDK's retry loop, hit the
            // store's timeout and lost the hint to the API's default of 5).
            string[] expected =
            [
                "POST /candidate/during → 503 text/plain; charset=utf-8 Retry-After 3 Unable to update",
                "GET /candidate/before → 503 application/problem+json Retry-After 3",
                "GET /candidates → 503 application/problem+json Retry-After 3",
                "GET /candidates?limit=5 → 503 application/problem+json Retry-After 3",
            ];
            Assert.True(
                expected.Zip(answers).All(pair => pair.Second.StartsWith(pair.First, StringComparison.Ordinal)),
                $"expected:\n  {string.Join("\n  ", expected)}\ngot:\n  {string.Join("\n  ", answers)}");

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
