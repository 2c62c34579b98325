using System.Text;
using System.Text.Json;
using Flasky.Core.Http;
using Flasky.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flasky.Tests.Core;

/// <summary>Drives <see cref="CandidateApi"/> directly, the way every host adapter does.</summary>
internal sealed class ApiTestHost(ICandidateStore? store = null, string instanceId = "test-instance", long? responseByteBudget = null)
{
    public ICandidateStore Store { get; } = store ?? new InMemoryCandidateStore();

    public CandidateApi Api => new(
        Store,
        new CandidateApiOptions { InstanceId = instanceId, ResponseByteBudget = responseByteBudget },
        NullLogger<CandidateApi>.Instance);

    public Task<ApiResponse> SendAsync(string method, string target, string? contentType = null, string? body = null) =>
        SendAsync(method, target, contentType, body is null ? [] : Encoding.UTF8.GetBytes(body));

    public async Task<ApiResponse> SendAsync(string method, string target, string? contentType, byte[] body)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var response = await Api.HandleAsync(new ApiRequest(method, target, contentType, new MemoryStream(body)), cts.Token);
        return await response.BufferAsync(cts.Token);
    }

    public Task<ApiResponse> GetAsync(string target) => SendAsync("GET", target);

    public Task<ApiResponse> PostJsonAsync(string target, string json) => SendAsync("POST", target, "application/json", json);

    public static JsonElement Json(ApiResponse response) => JsonDocument.Parse(response.Body).RootElement.Clone();
}
