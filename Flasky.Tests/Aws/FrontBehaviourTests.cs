using System.Net;
using System.Text;
using System.Text.Json;
using Flasky.Lambda.LocalRuntime;

namespace Flasky.Tests.Aws;

/// <summary>
/// What the local API Gateway answers when the function misbehaves, is slow, is missing or the payload is too big —
/// with a scripted function on the real Runtime API in place of Flasky.Lambda.
/// </summary>
public sealed class FrontBehaviourTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_function_error_is_500_internal_server_error()
    {
        await using var call = await GtgCall.SendAsync();
        await call.Runtime.ReportErrorAsync(call.Invocation.RequestId, new InvalidOperationException("secret detail"), call.Token);

        await AssertGatewayAnswerAsync(await call.Response, HttpStatusCode.InternalServerError, "Internal Server Error");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"statusCode":"200"}""")]
    [InlineData("""{"statusCode":200,"body":42}""")]
    [InlineData("""{"statusCode":200,"headers":["a"]}""")]
    [InlineData("""{"statusCode":200,"body":"%%%","isBase64Encoded":true}""")]
    public async Task A_malformed_response_is_500_internal_server_error(string output)
    {
        var response = await InvokeAsync(output);
        await AssertGatewayAnswerAsync(response, HttpStatusCode.InternalServerError, "Internal Server Error");
    }

    [Fact]
    public async Task Valid_json_without_a_status_code_is_the_body_of_a_200()
    {
        var response = await InvokeAsync("""{"hello":"world"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"hello":"world"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_format_2_response_becomes_the_http_response()
    {
        var body = Convert.ToBase64String([0, 1, 2, 255]);
        var response = await InvokeAsync($$"""
            {"statusCode":418,"headers":{"Content-Type":"application/octet-stream","X-Two":"a, b"},
             "cookies":["a=1; Path=/","b=2"],"body":"{{body}}","isBase64Encoded":true}
            """);
        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("a, b", string.Join(", ", response.Headers.GetValues("X-Two")));
        Assert.Equal(["a=1; Path=/", "b=2"], response.Headers.GetValues("Set-Cookie"));
    }

    [Fact]
    public async Task No_answer_within_the_integration_timeout_is_503_service_unavailable_and_a_late_answer_is_dropped()
    {
        await using var call = await GtgCall.SendAsync("--ApiGateway:IntegrationTimeoutSeconds=1");
        await AssertGatewayAnswerAsync(await call.Response, HttpStatusCode.ServiceUnavailable, "Service Unavailable");

        using var late = await call.PostResponseAsync("""{"statusCode":200}""");
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
    }

    [Fact]
    public async Task No_function_polling_is_503_service_unavailable()
    {
        await using var front = await LocalApiGatewayHost.StartAsync("--ApiGateway:IntegrationTimeoutSeconds=1");
        using var client = front.CreateSignedClient(Bound);
        await AssertGatewayAnswerAsync(await client.GetAsync(new Uri("/gtg", UriKind.Relative)), HttpStatusCode.ServiceUnavailable, "Service Unavailable");
    }

    [Fact]
    public async Task A_function_that_failed_to_initialise_gives_500()
    {
        await using var front = await LocalApiGatewayHost.StartAsync();
        using var runtime = RuntimeApiClient.ForEndpoint(front.RuntimeApi);
        using var timeout = new CancellationTokenSource(Bound);
        await runtime.ReportInitErrorAsync(new InvalidOperationException("no store"), timeout.Token);

        using var client = front.CreateSignedClient(Bound);
        await AssertGatewayAnswerAsync(await client.GetAsync(new Uri("/gtg", UriKind.Relative), timeout.Token), HttpStatusCode.InternalServerError, "Internal Server Error");
    }

    [Fact]
    public async Task A_response_over_the_lambda_payload_limit_is_refused_to_the_function_and_500_to_the_caller()
    {
        await using var call = await GtgCall.SendAsync("--ApiGateway:MaxInvocationPayloadBytes=4096");
        using var posted = await call.PostResponseAsync($$"""{"statusCode":200,"body":"{{new string('x', 5000)}}"}""");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, posted.StatusCode);

        await AssertGatewayAnswerAsync(await call.Response, HttpStatusCode.InternalServerError, "Internal Server Error");
    }

    [Fact]
    public Task A_request_over_the_lambda_payload_limit_is_500_and_never_reaches_the_function() =>
        AssertOversizedPostAsync("--ApiGateway:MaxInvocationPayloadBytes=4096", 5000, HttpStatusCode.InternalServerError, "Internal Server Error");

    [Fact]
    public Task A_request_body_over_the_api_gateway_limit_is_413() =>
        AssertOversizedPostAsync("--ApiGateway:MaxRequestBodyBytes=1024", 2000, HttpStatusCode.RequestEntityTooLarge, "Request Entity Too Large");

    [Fact]
    public async Task Unsigned_and_badly_signed_requests_are_403_and_never_reach_the_function()
    {
        await using var front = await LocalApiGatewayHost.StartAsync();
        using var runtime = RuntimeApiClient.ForEndpoint(front.RuntimeApi);
        using var timeout = new CancellationTokenSource(Bound);
        using var unsigned = front.CreateUnsignedClient(Bound);
        using var wrongSecret = front.CreateSignedClient(Bound, secret: "not-the-secret");
        using var wrongRegion = front.CreateSignedClient(Bound, region: "us-east-1");
        using var wrongService = front.CreateSignedClient(Bound, service: "lambda");

        await AssertGatewayAnswerAsync(await unsigned.PostAsync(new Uri("/candidate/a", UriKind.Relative), null, timeout.Token), HttpStatusCode.Forbidden, "Forbidden");
        await AssertGatewayAnswerAsync(await wrongSecret.PostAsync(new Uri("/candidate/b", UriKind.Relative), null, timeout.Token), HttpStatusCode.Forbidden, "Forbidden");
        await AssertGatewayAnswerAsync(await wrongRegion.GetAsync(new Uri("/gtg", UriKind.Relative), timeout.Token), HttpStatusCode.Forbidden, "Forbidden");
        await AssertGatewayAnswerAsync(await wrongService.GetAsync(new Uri("/gtg", UriKind.Relative), timeout.Token), HttpStatusCode.Forbidden, "Forbidden");

        // The first event the function ever sees is the signed request that follows.
        using var client = front.CreateSignedClient(Bound);
        var call = client.GetAsync(new Uri("/candidate/signed", UriKind.Relative), timeout.Token);
        var invocation = await runtime.NextAsync(timeout.Token);
        using var httpEvent = JsonDocument.Parse(invocation.Payload);
        Assert.Equal("/candidate/signed", httpEvent.RootElement.GetProperty("rawPath").GetString());
        await runtime.RespondAsync(invocation.RequestId, new MemoryStream("""{"statusCode":204}"""u8.ToArray()), timeout.Token);
        Assert.Equal(HttpStatusCode.NoContent, (await call).StatusCode);
    }

    [Fact]
    public async Task The_event_is_payload_format_2_0()
    {
        await using var front = await LocalApiGatewayHost.StartAsync("--ApiGateway:Stage=prod");
        using var runtime = RuntimeApiClient.ForEndpoint(front.RuntimeApi);
        using var timeout = new CancellationTokenSource(Bound);
        using var client = front.CreateSignedClient(Bound);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/prod/candidate/Jos%C3%A9%20M%C3%BCller%3F?limit=2&x=a%20b&x=c", UriKind.Relative))
        {
            Content = new ByteArrayContent([0, 159, 146, 150]),
        };
        request.Content.Headers.ContentType = new("application/octet-stream");
        request.Headers.Add("Cookie", "a=1; b=2");
        request.Headers.Add("X-Multi", ["one", "two"]);

        var call = client.SendAsync(request, timeout.Token);
        var invocation = await runtime.NextAsync(timeout.Token);
        await runtime.RespondAsync(invocation.RequestId, new MemoryStream("""{"statusCode":200}"""u8.ToArray()), timeout.Token);
        Assert.Equal(HttpStatusCode.OK, (await call).StatusCode);

        var root = JsonDocument.Parse(invocation.Payload).RootElement;
        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.Equal("$default", root.GetProperty("routeKey").GetString());
        Assert.Equal("/prod/candidate/José Müller?", root.GetProperty("rawPath").GetString());
        Assert.Equal("limit=2&x=a%20b&x=c", root.GetProperty("rawQueryString").GetString());
        Assert.Equal("a b,c", root.GetProperty("queryStringParameters").GetProperty("x").GetString());
        Assert.Equal(["a=1", "b=2"], root.GetProperty("cookies").EnumerateArray().Select(c => c.GetString()));
        Assert.False(root.GetProperty("headers").TryGetProperty("cookie", out _));
        Assert.Equal("one, two", root.GetProperty("headers").GetProperty("x-multi").GetString());
        Assert.True(root.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(new byte[] { 0, 159, 146, 150 }, Convert.FromBase64String(root.GetProperty("body").GetString()!));
        var context = root.GetProperty("requestContext");
        Assert.Equal("prod", context.GetProperty("stage").GetString());
        Assert.Equal("POST", context.GetProperty("http").GetProperty("method").GetString());
        Assert.Equal(LocalApiGatewayHost.AccessKeyId, context.GetProperty("authorizer").GetProperty("iam").GetProperty("accessKey").GetString());
    }

    [Fact]
    public async Task A_path_outside_the_stage_is_404_from_api_gateway()
    {
        await using var front = await LocalApiGatewayHost.StartAsync("--ApiGateway:Stage=prod");
        using var client = front.CreateSignedClient(Bound);
        await AssertGatewayAnswerAsync(await client.GetAsync(new Uri("/gtg", UriKind.Relative)), HttpStatusCode.NotFound, "Not Found");
    }

    private static async Task<HttpResponseMessage> InvokeAsync(string output)
    {
        await using var front = await LocalApiGatewayHost.StartAsync();
        using var runtime = RuntimeApiClient.ForEndpoint(front.RuntimeApi);
        using var client = front.CreateSignedClient(Bound);
        using var timeout = new CancellationTokenSource(Bound);
        var call = client.GetAsync(new Uri("/gtg", UriKind.Relative), timeout.Token);
        var invocation = await runtime.NextAsync(timeout.Token);
        await runtime.RespondAsync(invocation.RequestId, new MemoryStream(Encoding.UTF8.GetBytes(output)), timeout.Token);
        var response = await call;
        await response.Content.LoadIntoBufferAsync(timeout.Token);
        return response;
    }

    /// <summary>A signed POST of <paramref name="bodyLength"/> bytes to a front started with <paramref name="limitSetting"/>.</summary>
    private static async Task AssertOversizedPostAsync(string limitSetting, int bodyLength, HttpStatusCode status, string message)
    {
        await using var front = await LocalApiGatewayHost.StartAsync(limitSetting);
        using var client = front.CreateSignedClient(Bound);
        using var response = await client.PostAsync(
            new Uri("/candidate/big", UriKind.Relative),
            new StringContent(new string('x', bodyLength), Encoding.UTF8, "text/plain"));
        await AssertGatewayAnswerAsync(response, status, message);
    }

    private static async Task AssertGatewayAnswerAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($$"""{"message":"{{message}}"}""", await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// A front started with <c>frontArguments</c>, a signed <c>GET /gtg</c> sent through it, and that invocation as the
    /// scripted function received it from the Runtime API; the test decides what the function answers.
    /// </summary>
    private sealed class GtgCall : IAsyncDisposable
    {
        private readonly HttpClient _client;
        private readonly CancellationTokenSource _timeout = new(Bound);

        private GtgCall(LocalApiGatewayHost front)
        {
            Front = front;
            Runtime = RuntimeApiClient.ForEndpoint(front.RuntimeApi);
            _client = front.CreateSignedClient(Bound);
        }

        public LocalApiGatewayHost Front { get; }

        public RuntimeApiClient Runtime { get; }

        public CancellationToken Token => _timeout.Token;

        /// <summary>The caller's answer (it completes once the function answered, or the front gave up).</summary>
        public Task<HttpResponseMessage> Response { get; private set; } = Task.FromException<HttpResponseMessage>(new InvalidOperationException("not sent"));

        public Invocation Invocation { get; private set; } = null!;

        public static async Task<GtgCall> SendAsync(params string[] frontArguments)
        {
            var call = new GtgCall(await LocalApiGatewayHost.StartAsync(frontArguments));
            try
            {
                call.Response = call._client.GetAsync(new Uri("/gtg", UriKind.Relative), call.Token);
                call.Invocation = await call.Runtime.NextAsync(call.Token);
                return call;
            }
            catch
            {
                await call.DisposeAsync();
                throw;
            }
        }

        /// <summary>Posts <paramref name="payload"/> as the function's response, unchecked (the Runtime API decides).</summary>
        public async Task<HttpResponseMessage> PostResponseAsync(string payload)
        {
            using var raw = new HttpClient { Timeout = Bound };
            return await raw.PostAsync(
                new Uri($"http://{Front.RuntimeApi}/2018-06-01/runtime/invocation/{Invocation.RequestId}/response"),
                new StringContent(payload),
                Token);
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            Runtime.Dispose();
            _timeout.Dispose();
            await Front.DisposeAsync();
        }
    }
}
