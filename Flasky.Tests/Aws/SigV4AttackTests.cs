using System.Net;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Flasky.Tests.Security;

namespace Flasky.Tests.Aws;

/// <summary>
/// The auth attack matrix against the local API Gateway (every route <c>AWS_IAM</c>), with Flasky.Lambda behind it
/// in its own process. Requests are signed by AWSSDK.Core's own signer and changed afterwards where the attack says
/// so. Every refusal is HTTP APIs' single answer for a failed IAM check, <c>403 {"message":"Forbidden"}</c>
/// (sources in Flasky.LocalApiGateway's GatewayResponses): HTTP APIs do not tell a missing signature from a wrong one.
/// </summary>
public sealed class SigV4AttackTests(LambdaFrontFixture fixture) : AuthAttackTests, IClassFixture<LambdaFrontFixture>
{
    private const string UnknownAccessKeyId = "AKIAFLASKYUNKNOWN001";

    protected override HttpClient CreateAuthorizedClient() => Signed();

    protected override async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"message":"Forbidden"}""", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.Contains("apigw-requestid"), "API Gateway names every answer with apigw-requestid");
    }

    [Fact]
    public async Task An_unsigned_request_is_403_and_writes_nothing()
    {
        using var client = fixture.Front.CreateUnsignedClient(Bound);
        await AssertAttackRefusedAsync(client, name => AttackWrite(name));
    }

    [Fact]
    public async Task A_signature_made_with_the_wrong_secret_is_403_and_writes_nothing()
    {
        using var client = Signed(secret: LocalApiGatewayHost.SecretAccessKey + "x");
        await AssertAttackRefusedAsync(client, name => AttackWrite(name));
    }

    [Fact]
    public async Task An_unknown_access_key_is_403_and_writes_nothing()
    {
        using var client = Signed(accessKeyId: UnknownAccessKeyId);
        await AssertAttackRefusedAsync(client, name => AttackWrite(name));
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    [InlineData(-60 * 24)]
    public async Task An_x_amz_date_beyond_five_minutes_is_403_and_writes_nothing(int minutes)
    {
        using var client = Signed(signedAt: DateTime.UtcNow.AddMinutes(minutes));
        await AssertAttackRefusedAsync(client, name => AttackWrite(name));
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_403_and_writes_nothing()
    {
        using var client = Signed(tamper: request =>
            request.Content = new StringContent("""{"attack":"changed"}""", Encoding.UTF8, "application/json"));
        await AssertAttackRefusedAsync(client, name => AttackWrite(name));

        // The same change without the claimed body hash: the signature itself covers the body.
        using var withoutHash = Signed(tamper: request =>
        {
            request.Headers.Remove("x-amz-content-sha256");
            request.Content = new StringContent("""{"attack":"changed"}""", Encoding.UTF8, "application/json");
        });
        await AssertAttackRefusedAsync(withoutHash, name => AttackWrite(name));
    }

    [Fact]
    public async Task A_query_changed_after_signing_is_403_and_writes_nothing()
    {
        using var changed = Signed(tamper: request => request.RequestUri = new Uri(request.RequestUri!.ToString().Replace("a=1", "a=2", StringComparison.Ordinal)));
        await AssertAttackRefusedAsync(changed, name => AttackWrite(name, "a=1"));

        using var added = Signed(tamper: request => request.RequestUri = new Uri(request.RequestUri + "?a=1"));
        await AssertAttackRefusedAsync(added, name => AttackWrite(name));
    }

    [Fact]
    public async Task A_path_changed_after_signing_is_403_and_writes_nothing()
    {
        var signedFor = FreshName();
        string? victim = null;
        using var client = Signed(tamper: request => request.RequestUri = new Uri(request.RequestUri!.ToString().Replace(signedFor, victim, StringComparison.Ordinal)));
        await AssertAttackRefusedAsync(client, name =>
        {
            victim = name;
            return AttackWrite(signedFor);
        });
        await AssertNotWrittenAsync(signedFor);
    }

    [Fact]
    public async Task A_signed_header_changed_after_signing_is_403_and_writes_nothing()
    {
        // X-Amz-Date is always among the signed headers; one second later is still inside the five-minute window.
        using var client = Signed(tamper: request =>
        {
            var signedAt = DateTime.ParseExact(request.Headers.GetValues("X-Amz-Date").Single(), "yyyyMMdd'T'HHmmss'Z'",
                System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
            request.Headers.Remove("X-Amz-Date");
            request.Headers.TryAddWithoutValidation("X-Amz-Date", signedAt.AddSeconds(1).ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        });
        await AssertAttackRefusedAsync(client, name => AttackWrite(name));
    }

    [Theory]
    [InlineData("lambda", LocalApiGatewayHost.Region)]
    [InlineData("execute-api", "us-east-1")]
    [InlineData("s3", "us-east-1")]
    public async Task A_credential_scope_for_another_service_or_region_is_403_and_writes_nothing(string service, string region)
    {
        using var client = Signed(service: service, region: region);
        await AssertAttackRefusedAsync(client, name => AttackWrite(name));
    }

    [Fact]
    public async Task A_signed_request_replayed_on_another_route_is_403_and_writes_nothing()
    {
        // A genuine signature for GET /gtg, captured without sending it, then replayed as a write.
        var captured = new CapturingHandler();
        using (var signer = new HttpClient(new SigV4SigningHandler(Credentials(), RegionEndpoint.GetBySystemName(LocalApiGatewayHost.Region), "execute-api", captured))
        {
            BaseAddress = fixture.Front.BaseAddress,
        })
        {
            await signer.GetAsync(new Uri("/gtg", UriKind.Relative));
        }

        using var client = fixture.Front.CreateUnsignedClient(Bound);
        await AssertAttackRefusedAsync(client, name =>
        {
            var request = AttackWrite(name);
            foreach (var (header, value) in captured.SigningHeaders)
            {
                request.Headers.TryAddWithoutValidation(header, value);
            }

            return request;
        });

        // Replayed as-is on its own route it is still accepted: the refusal above is about the route.
        using var replay = new HttpRequestMessage(HttpMethod.Get, new Uri("/gtg", UriKind.Relative));
        foreach (var (header, value) in captured.SigningHeaders)
        {
            replay.Headers.TryAddWithoutValidation(header, value);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(replay)).StatusCode);
    }

    private static BasicAWSCredentials Credentials() => new(LocalApiGatewayHost.AccessKeyId, LocalApiGatewayHost.SecretAccessKey);

    private HttpClient Signed(
        string? accessKeyId = null,
        string? secret = null,
        string service = "execute-api",
        string? region = null,
        DateTime? signedAt = null,
        Action<HttpRequestMessage>? tamper = null) =>
        SigV4Clients.Create(
            fixture.Front.BaseAddress,
            SigV4Clients.Parameters(
                accessKeyId ?? LocalApiGatewayHost.AccessKeyId,
                secret ?? LocalApiGatewayHost.SecretAccessKey,
                region ?? LocalApiGatewayHost.Region,
                service,
                signedAt),
            Bound,
            tamper);

    /// <summary>Keeps the headers a signer added and sends nothing.</summary>
    private sealed class CapturingHandler : HttpMessageHandler
    {
        public List<(string Name, string Value)> SigningHeaders { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            foreach (var (name, values) in request.Headers)
            {
                if (name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase) || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
                {
                    SigningHeaders.Add((name, string.Join(',', values)));
                }
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
        }
    }
}
