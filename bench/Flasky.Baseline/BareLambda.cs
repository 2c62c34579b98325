using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flasky.Baseline;

/// <summary>
/// The least a Lambda function behind an HTTP API can do: poll the Runtime API, parse the payload 2.0 event, answer
/// <c>GET /gtg</c> with 200 and anything else with the same JSON a candidate read returns. No DI, no logging, no store:
/// what Flasky.Lambda's cold start is compared with.
/// </summary>
internal static class BareLambda
{
    private const string Version = "2018-06-01";

    public static async Task<int> RunAsync(string runtimeApi)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{runtimeApi}/{Version}/runtime/"), Timeout = Timeout.InfiniteTimeSpan };
        while (true)
        {
            using var next = await http.GetAsync("invocation/next");
            if (!next.IsSuccessStatusCode)
            {
                return 1;
            }

            var requestId = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").First();
            using var payload = await JsonDocument.ParseAsync(await next.Content.ReadAsStreamAsync());
            var path = payload.RootElement.TryGetProperty("rawPath", out var p) ? p.GetString() : "/";
            var body = path == "/gtg"
                ? ""
                : new JsonArray(new JsonObject { ["CandidateName"] = path, ["Role"] = "Engineer" }).ToJsonString();
            var response = new JsonObject
            {
                ["statusCode"] = 200,
                ["headers"] = new JsonObject { ["content-type"] = "application/json" },
                ["body"] = body,
                ["isBase64Encoded"] = false,
            };
            using var content = new StringContent(response.ToJsonString());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var posted = await http.PostAsync($"invocation/{requestId}/response", content);
        }
    }
}
