using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Flasky.LocalCloudRun;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Flasky.Tests.Gcp;

/// <summary>
/// The front in-process before a recording backend: what is refused never reaches the backend, what is accepted
/// arrives with its request target byte for byte, and the JWKS is served only on the management port.
/// </summary>
public sealed class LocalCloudRunFrontTests : IAsyncLifetime
{
    private readonly string _pkcs8 = SigningKey.GeneratePkcs8Base64();
    private readonly ConcurrentQueue<string> _received = new();
    private WebApplication? _backend;
    private LocalCloudRunFront? _front;
    private static readonly HttpClient SharedHttp = new() { Timeout = TimeSpan.FromSeconds(30) };

    private LocalCloudRunFront Front => _front!;

    private static HttpClient Http => SharedHttp;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var backend = WebApplication.CreateBuilder();
        backend.Logging.ClearProviders();
        backend.WebHost.UseSetting("urls", "http://127.0.0.1:0");
        _backend = backend.Build();
        _backend.Run(async context =>
        {
            var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            _received.Enqueue(rawTarget);
            await context.Response.WriteAsJsonAsync(new { rawTarget, method = context.Request.Method, body }, context.RequestAborted);
        });
        await _backend.StartAsync(timeout.Token);
        var backendAddress = _backend.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        _front = LocalCloudRunFront.Build([], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LocalCloudRun:Destination"] = backendAddress,
                ["LocalCloudRun:Port"] = "0",
                ["LocalCloudRun:ManagementPort"] = "0",
                ["LocalCloudRun:Audience"] = TestTokens.Audience,
                ["LocalCloudRun:SigningKey"] = _pkcs8,
            });
        });
        await _front.StartAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_front is not null)
        {
            await _front.DisposeAsync();
        }

        if (_backend is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _backend.StopAsync(stop.Token);
            await _backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task No_token_is_403_and_never_reaches_the_host()
    {
        using var response = await Http.GetAsync(new Uri(Front.ApiAddress, "/candidates"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Error: Forbidden", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_received);
    }

    [Fact]
    public async Task A_bad_token_is_401_and_never_reaches_the_host_even_for_a_post()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Front.ApiAddress, "/candidate/x"))
        {
            Content = new StringContent("""{"a":1}""", System.Text.Encoding.UTF8, "application/json"),
        };
        var expired = IdTokens.Create(Front.Key, TestTokens.Audience, DateTimeOffset.UtcNow - TimeSpan.FromHours(3), IdTokens.DefaultLifetime);
        request.Headers.Authorization = new("Bearer", expired);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Error: Unauthorized", body, StringComparison.Ordinal);
        Assert.DoesNotContain(expired, body, StringComparison.Ordinal);
        Assert.Empty(_received);
    }

    [Theory]
    [InlineData("/candidate/%2E")]
    [InlineData("/candidate/%2E%2E")]
    [InlineData("/candidate/a%2Fb")]
    [InlineData("/candidate/Jos%C3%A9%20M%C3%BCller")]
    [InlineData("/candidate/%3F%23?limit=%31&next=a%2Bb")]
    [InlineData("/candidate/%25252F")]
    public async Task An_accepted_request_reaches_the_host_with_its_target_byte_for_byte(string rawTarget)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Front.ApiAddress + rawTarget.TrimStart('/'), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }));
        request.Headers.Authorization = new("Bearer", IdTokens.Create(Front.Key, TestTokens.Audience, DateTimeOffset.UtcNow, IdTokens.DefaultLifetime));
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(rawTarget, echo.RootElement.GetProperty("rawTarget").GetString());
    }

    [Fact]
    public async Task A_post_body_is_forwarded_unchanged()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Front.ApiAddress, "/candidate/x"))
        {
            Content = new StringContent("""{"Role":"Engineer","n":[1,2.5]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", IdTokens.Create(Front.Key, TestTokens.Audience, DateTimeOffset.UtcNow, IdTokens.DefaultLifetime));
        using var response = await Http.SendAsync(request);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("POST", echo.RootElement.GetProperty("method").GetString());
        Assert.Equal("""{"Role":"Engineer","n":[1,2.5]}""", echo.RootElement.GetProperty("body").GetString());
    }

    [Fact]
    public async Task The_jwks_is_served_on_the_management_port_only_and_verifies_the_fronts_tokens()
    {
        using var jwksResponse = await Http.GetAsync(new Uri(Front.ManagementAddress, LocalCloudRunFront.JwksPath));
        Assert.Equal(HttpStatusCode.OK, jwksResponse.StatusCode);
        var jwks = new JsonWebKeySet(await jwksResponse.Content.ReadAsStringAsync());
        var published = Assert.Single(jwks.Keys);
        Assert.Equal(Front.Key.KeyId, published.Kid);
        Assert.Equal("RSA", published.Kty);
        Assert.True(string.IsNullOrEmpty(published.D), "the JWKS must not carry the private exponent");

        // A verifier that knows only the published JWKS accepts the front's tokens: it is the real public key.
        var verifier = new IdTokenVerifier(jwks.GetSigningKeys(), [TestTokens.Audience]);
        var token = IdTokens.Create(Front.Key, TestTokens.Audience, DateTimeOffset.UtcNow, IdTokens.DefaultLifetime);
        Assert.Equal(InvokerVerdict.Accepted, (await verifier.VerifyAsync(token)).Verdict);

        // On the API port the same path is an API path like any other: no token, no answer.
        using var onApi = await Http.GetAsync(new Uri(Front.ApiAddress, LocalCloudRunFront.JwksPath));
        Assert.Equal(HttpStatusCode.Forbidden, onApi.StatusCode);
        using var health = await Http.GetAsync(new Uri(Front.ApiAddress, "/health"));
        Assert.Equal(HttpStatusCode.Forbidden, health.StatusCode);
    }

    [Fact]
    public async Task The_management_port_forwards_nothing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Front.ManagementAddress, "/candidates"));
        request.Headers.Authorization = new("Bearer", IdTokens.Create(Front.Key, TestTokens.Audience, DateTimeOffset.UtcNow, IdTokens.DefaultLifetime));
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(_received);
        using var health = await Http.GetAsync(new Uri(Front.ManagementAddress, "/health"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task The_token_command_prints_a_token_the_front_accepts()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LocalCloudRun:SigningKey"] = _pkcs8,
        }).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = TokenCommand.Run(["--audience", TestTokens.Audience, "--lifetime", "600"], configuration, output, error, new FixedTimeProvider(TestTokens.Now));
        Assert.Equal(0, exit);
        Assert.Equal("", error.ToString());
        var token = output.ToString().Trim();
        var verifier = new IdTokenVerifier([Front.Key.PublicKey], [TestTokens.Audience], new FixedTimeProvider(TestTokens.Now + TimeSpan.FromMinutes(9)));
        Assert.Equal(InvokerVerdict.Accepted, (await verifier.VerifyAsync(token)).Verdict);
        var later = new IdTokenVerifier([Front.Key.PublicKey], [TestTokens.Audience], new FixedTimeProvider(TestTokens.Now + TimeSpan.FromMinutes(16)), TimeSpan.FromMinutes(5));
        Assert.Equal(InvokerVerdict.Invalid, (await later.VerifyAsync(token)).Verdict);
    }

    [Fact]
    public void The_token_command_refuses_a_bad_key_without_printing_it()
    {
        var bad = Convert.ToBase64String("not a key but maybe a secret"u8.ToArray());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["LocalCloudRun:SigningKey"] = bad }).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(1, TokenCommand.Run([], configuration, output, error, TimeProvider.System));
        Assert.Equal("", output.ToString());
        Assert.DoesNotContain(bad, error.ToString(), StringComparison.Ordinal);
    }
}
