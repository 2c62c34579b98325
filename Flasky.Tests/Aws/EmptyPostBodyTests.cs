using System.Net;
using Aspire.Hosting;
using Flasky.Tests.Integration;

namespace Flasky.Tests.Aws;

/// <summary>
/// A signed POST with no body through the local API Gateway into Flasky.Lambda, in each form a client can send one:
/// no content at all, <c>Content-Length: 0</c>, and a chunked body with no chunks. The contract: a body is read only
/// when <c>Content-Type</c> is <c>application/json</c>, so an empty one is ignored (200, a candidate without
/// attributes), and an empty body that claims to be JSON is not a JSON object (400 problem).
/// </summary>
public abstract class EmptyPostBodyTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>A client that signs every request with valid credentials.</summary>
    protected abstract HttpClient CreateSignedClient();

    [Fact]
    public async Task A_signed_post_without_content_is_200_and_stores_the_candidate() =>
        await PostAndExpectStoredAsync(content: null);

    [Fact]
    public async Task A_signed_post_with_content_length_0_is_200_and_stores_the_candidate()
    {
        var content = new ByteArrayContent([]);
        Assert.Equal(0, content.Headers.ContentLength);
        await PostAndExpectStoredAsync(content);
    }

    [Fact]
    public async Task A_signed_post_with_an_empty_chunked_body_is_200_and_stores_the_candidate() =>
        await PostAndExpectStoredAsync(new ByteArrayContent([]), chunked: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_empty_body_that_claims_to_be_json_is_a_400_problem_and_writes_nothing(bool chunked)
    {
        var name = "empty-json-" + Guid.NewGuid().ToString("N")[..8];
        var content = new ByteArrayContent([]);
        content.Headers.ContentType = new("application/json");
        using var client = CreateSignedClient();
        using var timeout = new CancellationTokenSource(Bound);
        using var response = await client.SendAsync(Post(name, content, chunked), timeout.Token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var read = await client.GetAsync(new Uri("/candidate/" + name, UriKind.Relative), timeout.Token);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    private async Task PostAndExpectStoredAsync(HttpContent? content, bool chunked = false)
    {
        var name = "empty-post-" + Guid.NewGuid().ToString("N")[..8];
        using var client = CreateSignedClient();
        using var timeout = new CancellationTokenSource(Bound);
        using var response = await client.SendAsync(Post(name, content, chunked), timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {body}");
        Assert.Equal($$"""{"CandidateName":"{{name}}"}""", body);

        using var read = await client.GetAsync(new Uri("/candidate/" + name, UriKind.Relative), timeout.Token);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal($$"""[{"CandidateName":"{{name}}"}]""", await read.Content.ReadAsStringAsync(timeout.Token));
    }

    /// <summary>
    /// The POST as a client sends it. Chunked: announced before signing and with no Content-Length, as a streaming
    /// client signs it (the SDK signs Content-Length when there is one, so dropping it afterwards would be a forgery).
    /// </summary>
    private static HttpRequestMessage Post(string name, HttpContent? content, bool chunked)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/candidate/" + name, UriKind.Relative)) { Content = content };
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
            content!.Headers.ContentLength = null;
        }

        return request;
    }
}

/// <summary>The front in-process and Flasky.Lambda in its own process (in-memory store).</summary>
public sealed class InProcessEmptyPostBodyTests(LambdaFrontFixture fixture) : EmptyPostBodyTests, IClassFixture<LambdaFrontFixture>
{
    protected override HttpClient CreateSignedClient() =>
        SigV4Clients.Create(
            fixture.Front.BaseAddress,
            SigV4Clients.Parameters(LocalApiGatewayHost.AccessKeyId, LocalApiGatewayHost.SecretAccessKey, LocalApiGatewayHost.Region),
            TimeSpan.FromSeconds(60));
}

/// <summary>Through the AppHost: the apigateway resource, the lambda resource and DynamoDB Local.</summary>
[Collection(AppHostTestGroup.Name)]
public sealed class AppHostEmptyPostBodyTests(AppHostFixture fixture) : EmptyPostBodyTests
{
    protected override HttpClient CreateSignedClient() =>
        SigV4Clients.Create(
            fixture.ApiGatewayEndpoint,
            SigV4Clients.Parameters(fixture.AwsAccessKeyId, fixture.AwsSecretAccessKey, LocalApiGatewayExtensions.Region),
            TimeSpan.FromSeconds(60));
}
