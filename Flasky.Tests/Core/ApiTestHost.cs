using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Flasky.Core.Http;
using Flasky.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flasky.Tests.Core;

/// <summary>Drives <see cref="CandidateApi"/> directly, the way every host adapter does.</summary>
internal sealed partial class ApiTestHost(ICandidateStore? store = null, string instanceId = "test-instance", long? responseByteBudget = null)
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

    /// <summary>The target of a <c>Link: &lt;…&gt;; rel="next"</c> header (null without one), checked to carry <paramref name="limit"/>.</summary>
    public static string? NextLink(string? header, int limit)
    {
        if (header is null)
        {
            return null;
        }

        var match = LinkPattern().Match(header);
        Assert.True(match.Success, $"malformed Link header: {header}");
        Assert.Equal(limit.ToString(System.Globalization.CultureInfo.InvariantCulture), match.Groups["limit"].Value);
        return match.Groups["target"].Value;
    }

    [GeneratedRegex("""^<(?<target>/candidates\?limit=(?<limit>\d+)&next=[A-Za-z0-9_.-]+)>; rel="next"$""")]
    private static partial Regex LinkPattern();
}
