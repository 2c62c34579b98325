using System.Text;
using System.Text.Json;
using Flasky.Lambda;
using Microsoft.Extensions.Configuration;

namespace Flasky.Tests.Aws;

/// <summary>
/// Flasky.Lambda's handler with events shaped as HTTP APIs send them: names decoded exactly once whether the
/// platform decoded <c>rawPath</c> or not, the stage's path base, base64 bodies, and the response format.
/// </summary>
public sealed class LambdaFunctionTests
{
    [Theory]
    [InlineData("/candidate/José Müller", "José Müller")]
    [InlineData("/candidate/Jos%C3%A9%20M%C3%BCller", "José Müller")]
    [InlineData("/candidate/a?b", "a?b")]
    [InlineData("/candidate/a#b", "a#b")]
    [InlineData("/candidate/100%", "100%")]
    [InlineData("/candidate/李雷", "李雷")]
    [InlineData("/candidate/Jose\u0301", "Jos\u00e9")]
    public async Task A_name_is_decoded_once_whichever_form_rawPath_has(string rawPath, string expectedName)
    {
        var function = CreateFunction();
        var post = await InvokeAsync(function, Event("POST", rawPath));
        Assert.Equal(200, post.GetProperty("statusCode").GetInt32());
        using var body = JsonDocument.Parse(post.GetProperty("body").GetString()!);
        Assert.Equal(expectedName, body.RootElement.GetProperty("CandidateName").GetString());

        var get = await InvokeAsync(function, Event("GET", rawPath));
        Assert.Equal(200, get.GetProperty("statusCode").GetInt32());
    }

    [Theory]
    [InlineData("/candidate/a%2Fb")]
    [InlineData("/candidate/a\\b")]
    [InlineData("/candidate/bad%FF")]
    [InlineData("/candidate/ctl\u0001")]
    public async Task A_name_core_refuses_stays_refused(string rawPath) =>
        Assert.Equal(400, (await InvokeAsync(CreateFunction(), Event("POST", rawPath))).GetProperty("statusCode").GetInt32());

    [Fact]
    public async Task A_named_stage_is_the_path_base_of_routes_and_links()
    {
        var function = CreateFunction();
        for (var i = 0; i < 3; i++)
        {
            await InvokeAsync(function, Event("POST", $"/prod/candidate/c{i}", stage: "prod"));
        }

        var page = await InvokeAsync(function, Event("GET", "/prod/candidates", "limit=1", stage: "prod"));
        Assert.Equal(200, page.GetProperty("statusCode").GetInt32());
        var link = page.GetProperty("headers").GetProperty("Link").GetString();
        Assert.StartsWith("</prod/candidates?limit=1&next=", link, StringComparison.Ordinal);

        var defaultStage = await InvokeAsync(function, Event("GET", "/candidates", "limit=1"));
        Assert.StartsWith("</candidates?limit=1&next=", defaultStage.GetProperty("headers").GetProperty("Link").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unpaged_listing_fits_lambdas_payload_cap_and_links_to_the_rest_until_every_candidate_is_seen()
    {
        // ~14 MB of candidates (each quote is written as \u0022): one response would break the 6 MB cap many times over.
        var function = CreateFunction();
        var attributes = JsonSerializer.Serialize(new { quotes = new string('"', 600) });
        const int count = 4000;
        for (var i = 0; i < count; i++)
        {
            var post = await InvokeAsync(function, Event("POST", $"/candidate/big{i}", body: attributes, contentType: "application/json"));
            Assert.Equal(200, post.GetProperty("statusCode").GetInt32());
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var (path, query) = ("/candidates", "");
        for (var pages = 1; ; pages++)
        {
            Assert.True(pages <= 40, $"the listing keeps linking: {seen.Count} seen after {pages - 1} pages, next {path}?{query}");
            var payload = await InvokeRawAsync(function, Event("GET", path, query));
            Assert.True(payload.Length < 6_291_456, $"a {payload.Length}-byte response breaks Lambda's 6 MB cap");
            using var document = JsonDocument.Parse(payload);
            var response = document.RootElement;
            Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
            var body = response.GetProperty("body").GetString()!;
            Assert.True(Encoding.UTF8.GetByteCount(body) <= LambdaApplication.ListingBodyBudget);
            using var array = JsonDocument.Parse(body);
            foreach (var candidate in array.RootElement.EnumerateArray())
            {
                Assert.True(seen.Add(candidate.GetProperty("CandidateName").GetString()!), "a candidate was listed twice");
            }

            if (!response.GetProperty("headers").TryGetProperty("Link", out var link))
            {
                break;
            }

            var target = link.GetString()![1..link.GetString()!.IndexOf('>', StringComparison.Ordinal)];
            (path, query) = (target[..target.IndexOf('?', StringComparison.Ordinal)], target[(target.IndexOf('?', StringComparison.Ordinal) + 1)..]);
        }

        Assert.Equal(count, seen.Count);
    }

    [Fact]
    public async Task A_base64_body_is_decoded_and_json_comes_back_as_text()
    {
        var function = CreateFunction();
        var body = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"Role":"Engineer"}"""));
        var post = await InvokeAsync(function, Event("POST", "/candidate/b64", body: body, base64: true, contentType: "application/json"));
        Assert.Equal(200, post.GetProperty("statusCode").GetInt32());

        var get = await InvokeAsync(function, Event("GET", "/candidate/b64"));
        Assert.False(get.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal("application/json", get.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal("""[{"CandidateName":"b64","Role":"Engineer"}]""", get.GetProperty("body").GetString());
    }

    [Fact]
    public async Task The_instance_id_is_the_log_stream_of_the_execution_environment()
    {
        var function = CreateFunction(new() { ["AWS_LAMBDA_LOG_STREAM_NAME"] = "2026/11/30/[$LATEST]abc" });
        var details = await InvokeAsync(function, Event("GET", "/gtg", "details"));
        using var body = JsonDocument.Parse(details.GetProperty("body").GetString()!);
        Assert.Equal("2026/11/30/[$LATEST]abc", body.RootElement.GetProperty("instance-id").GetString());
    }

    [Fact]
    public void Without_a_store_the_function_does_not_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CreateFunction(new() { ["CandidateStore"] = null }));
        Assert.Contains("CandidateStore=InMemory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_store_is_chosen_by_the_hosting_layer_as_in_every_host()
    {
        var unknown = Assert.Throws<InvalidOperationException>(() => CreateFunction(new() { ["CandidateStore"] = "Cosmos" }));
        Assert.Contains("Valid values: InMemory, DynamoDb.", unknown.Message, StringComparison.Ordinal);

        var unconfigured = Assert.Throws<InvalidOperationException>(() => CreateFunction(new() { ["CandidateStore"] = "DynamoDb" }));
        Assert.Contains("CandidateStore=DynamoDb, but that store is not configured: set DynamoDb:TableName", unconfigured.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_that_is_not_an_http_api_event_is_a_function_error() =>
        await Assert.ThrowsAsync<InvalidDataException>(() => CreateFunction().HandleAsync(new MemoryStream("""{"foo":1}"""u8.ToArray())));

    private static Function CreateFunction(Dictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?> { ["CandidateStore"] = "InMemory" };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        return new Function(LambdaApplication.Create(new ConfigurationBuilder().AddInMemoryCollection(values).Build()));
    }

    private static async Task<byte[]> InvokeRawAsync(Function function, string httpEvent)
    {
        await using var output = await function.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(httpEvent)));
        using var copy = new MemoryStream();
        await output.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task<JsonElement> InvokeAsync(Function function, string httpEvent)
    {
        await using var output = await function.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(httpEvent)));
        using var document = await JsonDocument.ParseAsync(output);
        return document.RootElement.Clone();
    }

    private static string Event(string method, string rawPath, string query = "", string stage = "$default",
        string? body = null, bool base64 = false, string? contentType = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("version", "2.0");
            writer.WriteString("routeKey", "$default");
            writer.WriteString("rawPath", rawPath);
            writer.WriteString("rawQueryString", query);
            writer.WriteStartObject("headers");
            if (contentType is not null)
            {
                writer.WriteString("content-type", contentType);
            }

            writer.WriteEndObject();
            writer.WriteStartObject("requestContext");
            writer.WriteString("stage", stage);
            writer.WriteString("requestId", Guid.NewGuid().ToString());
            writer.WriteStartObject("http");
            writer.WriteString("method", method);
            writer.WriteString("path", rawPath);
            writer.WriteEndObject();
            writer.WriteEndObject();
            if (body is not null)
            {
                writer.WriteString("body", body);
            }

            writer.WriteBoolean("isBase64Encoded", base64);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
