using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Flasky.LocalApiGateway.SigV4;

namespace Flasky.Tests.Aws;

/// <summary>
/// The verifier against requests signed by AWSSDK.Core's own signer at a fixed time: what passes, and that each
/// kind of tampering, a skewed clock, another service or region, an unknown key or a wrong secret is refused.
/// </summary>
public sealed class SigV4VerifierTests
{
    private const string Key = "AKIAVERIFIERTEST0001";
    private const string Secret = "verifier-secret/0123456789abcdefghijklmno";
    private const string Region = "eu-west-1";
    private const string Origin = "http://localhost:7072";
    private static readonly DateTime SignedAt = new(2026, 11, 30, 6, 0, 0, DateTimeKind.Utc);
    private static readonly DateTimeOffset Now = new(SignedAt);

    private static readonly SigV4Verifier Verifier = new(new SigV4VerifierOptions
    {
        Region = Region,
        Credentials = [new SigV4Credentials(Key, Secret)],
    });

    [Theory]
    [InlineData("GET", "/gtg")]
    [InlineData("GET", "/gtg?details=")]
    [InlineData("GET", "/candidates?limit=2&next=abc%2Bdef")]
    [InlineData("GET", "/candidate/Jos%C3%A9%20M%C3%BCller")]
    [InlineData("GET", "/candidate/a%3Fb%23c")]
    [InlineData("GET", "/candidates?limit=2&next=%FF%FE")]
    [InlineData("DELETE", "/candidate/x")]
    public void A_request_the_sdk_signed_passes(string method, string target) =>
        Assert.Equal(SigV4Outcome.Valid, Verifier.Verify(Sign(method, target), Now));

    [Fact]
    public void A_signed_body_passes_and_a_changed_body_does_not()
    {
        var request = Sign("POST", "/candidate/John%20Smith", """{"Role":"Engineer"}""", "application/json");
        Assert.Equal(SigV4Outcome.Valid, Verifier.Verify(request, Now));
        Assert.Equal(SigV4Outcome.SignatureMismatch, Verifier.Verify(request with { Body = Encoding.UTF8.GetBytes("""{"Role":"Admin!!!"}""") }, Now));
    }

    [Fact]
    public void A_body_whose_declared_hash_is_kept_but_whose_bytes_changed_is_refused()
    {
        // x-amz-content-sha256 still says the original hash; the front hashes what it received.
        var request = Sign("POST", "/candidate/x", "{}", "application/json");
        Assert.Equal(SigV4Outcome.SignatureMismatch, Verifier.Verify(request with { Body = "{ }"u8.ToArray() }, Now));
    }

    [Fact]
    public void A_changed_method_is_refused() =>
        Assert.Equal(SigV4Outcome.SignatureMismatch, Verifier.Verify(Sign("GET", "/candidate/x") with { Method = "POST" }, Now));

    [Theory]
    [InlineData("/candidate/y")]
    [InlineData("/candidate/X")]
    [InlineData("/candidate/x/")]
    public void A_changed_path_is_refused(string path) =>
        Assert.Equal(SigV4Outcome.SignatureMismatch, Verifier.Verify(Sign("GET", "/candidate/x") with { RawPath = path }, Now));

    [Theory]
    [InlineData("limit=3")]
    [InlineData("limit=2&next=x")]
    [InlineData("")]
    public void A_changed_query_is_refused(string query) =>
        Assert.Equal(SigV4Outcome.SignatureMismatch, Verifier.Verify(Sign("GET", "/candidates?limit=2") with { RawQuery = query }, Now));

    [Fact]
    public void A_changed_signed_header_is_refused()
    {
        var request = Sign("POST", "/candidate/x", "{}", "application/json");
        var headers = request.Headers.Select(h => h.Key == "Content-Type" ? new KeyValuePair<string, string>(h.Key, "text/plain") : h).ToList();
        Assert.Equal(SigV4Outcome.SignatureMismatch, Verifier.Verify(request with { Headers = headers }, Now));
    }

    [Fact]
    public void Another_host_is_refused()
    {
        var request = Sign("GET", "/gtg");
        var headers = request.Headers.Select(h => h.Key == "Host" ? new KeyValuePair<string, string>("Host", "localhost:7073") : h).ToList();
        Assert.Equal(SigV4Outcome.SignatureMismatch, Verifier.Verify(request with { Headers = headers }, Now));
    }

    [Fact]
    public void A_changed_signature_is_refused()
    {
        var request = Sign("GET", "/gtg");
        var headers = request.Headers.Select(h => h.Key == "Authorization"
            ? new KeyValuePair<string, string>(h.Key, h.Value[..^1] + (h.Value[^1] == '0' ? '1' : '0'))
            : h).ToList();
        Assert.Equal(SigV4Outcome.SignatureMismatch, Verifier.Verify(request with { Headers = headers }, Now));
    }

    [Fact]
    public void A_changed_date_is_refused()
    {
        var request = Sign("GET", "/gtg");
        var headers = request.Headers.Select(h => h.Key == "X-Amz-Date" ? new KeyValuePair<string, string>(h.Key, "20261130T060100Z") : h).ToList();
        Assert.Equal(SigV4Outcome.SignatureMismatch, Verifier.Verify(request with { Headers = headers }, Now));
    }

    [Theory]
    [InlineData(-6 * 60, SigV4Outcome.Expired)]
    [InlineData(6 * 60, SigV4Outcome.Expired)]
    [InlineData(-4 * 60, SigV4Outcome.Valid)]
    [InlineData(4 * 60, SigV4Outcome.Valid)]
    public void The_clock_may_be_five_minutes_off_either_way(int secondsFromSigning, SigV4Outcome expected) =>
        Assert.Equal(expected, Verifier.Verify(Sign("GET", "/gtg"), Now.AddSeconds(secondsFromSigning)));

    [Theory]
    [InlineData("eu-west-1", "lambda")]
    [InlineData("eu-west-1", "s3")]
    [InlineData("us-east-1", "execute-api")]
    public void Another_service_or_region_is_refused(string region, string service) =>
        Assert.Equal(SigV4Outcome.WrongScope, Verifier.Verify(Sign("GET", "/gtg", region: region, service: service), Now));

    [Fact]
    public void An_unknown_key_is_refused() =>
        Assert.Equal(SigV4Outcome.UnknownAccessKey, Verifier.Verify(Sign("GET", "/gtg", key: "AKIAUNKNOWN000000000"), Now));

    [Fact]
    public void A_wrong_secret_is_refused() =>
        Assert.Equal(SigV4Outcome.SignatureMismatch, Verifier.Verify(Sign("GET", "/gtg", secret: Secret + "x"), Now));

    [Fact]
    public void No_credentials_at_all_is_refused() =>
        Assert.Equal(SigV4Outcome.Missing, Verifier.Verify(new SigV4Request("GET", "/gtg", "", [new("Host", "localhost:7072")], ReadOnlyMemory<byte>.Empty), Now));

    [Fact]
    public void A_session_token_must_match_the_configured_one()
    {
        var withToken = new SigV4Verifier(new SigV4VerifierOptions { Region = Region, Credentials = [new SigV4Credentials(Key, Secret, "session-token-1")] });
        Assert.Equal(SigV4Outcome.Valid, withToken.Verify(Sign("GET", "/gtg", token: "session-token-1"), Now));
        Assert.Equal(SigV4Outcome.InvalidSecurityToken, withToken.Verify(Sign("GET", "/gtg", token: "session-token-2"), Now));
        Assert.Equal(SigV4Outcome.InvalidSecurityToken, withToken.Verify(Sign("GET", "/gtg"), Now));
        Assert.Equal(SigV4Outcome.InvalidSecurityToken, Verifier.Verify(Sign("GET", "/gtg", token: "session-token-1"), Now));
    }

    [Fact]
    public void A_presigned_url_passes_until_it_expires()
    {
        var presigned = AWSSigV4Signer.Presign(
            new AWSSigningRequest { HttpMethod = HttpMethod.Get, RequestUri = new Uri(Origin + "/candidates?limit=1") },
            Parameters(Key, Secret, Region, "execute-api", null),
            TimeSpan.FromMinutes(15));
        var request = new SigV4Request("GET", presigned.Uri.AbsolutePath, presigned.Uri.Query.TrimStart('?'), [new("Host", "localhost:7072")], ReadOnlyMemory<byte>.Empty);
        Assert.Equal(SigV4Outcome.Valid, Verifier.Verify(request, Now.AddMinutes(10)));
        Assert.Equal(SigV4Outcome.Expired, Verifier.Verify(request, Now.AddMinutes(16)));
        Assert.Equal(SigV4Outcome.SignatureMismatch, Verifier.Verify(request with { RawQuery = request.RawQuery.Replace("limit=1", "limit=2", StringComparison.Ordinal) }, Now));
    }

    [Fact]
    public void The_canonical_path_is_the_received_path_encoded_once_more()
    {
        // The API Gateway example of github.com/brendanhay/amazonka/issues/529: every service but S3 double-encodes.
        Assert.Equal("/prod/%2540connections/R0oXAdfD0kwCH6w%253D", SigV4Verifier.CanonicalPath("/prod/%40connections/R0oXAdfD0kwCH6w%3D"));
        Assert.Equal("/documents%2520and%2520settings/", SigV4Verifier.CanonicalPath("/documents%20and%20settings/"));
    }

    private static SigV4Request Sign(
        string method, string target, string? body = null, string? contentType = null,
        string key = Key, string secret = Secret, string region = Region, string service = "execute-api", string? token = null)
    {
        var bytes = body is null ? null : Encoding.UTF8.GetBytes(body);
        var signing = new AWSSigningRequest
        {
            HttpMethod = new HttpMethod(method),
            RequestUri = new Uri(Origin + target, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }),
            Content = bytes,
        };
        if (contentType is not null)
        {
            signing.Headers["Content-Type"] = contentType;
        }

        var result = AWSSigV4Signer.Sign(signing, Parameters(key, secret, region, service, token));
        List<KeyValuePair<string, string>> headers = [new("Host", "localhost:7072")];
        if (contentType is not null)
        {
            headers.Add(new("Content-Type", contentType));
        }

        headers.AddRange(result.Headers.Where(h => !h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)));
        var queryStart = target.IndexOf('?', StringComparison.Ordinal);
        return new SigV4Request(
            method,
            queryStart < 0 ? target : target[..queryStart],
            queryStart < 0 ? "" : target[(queryStart + 1)..],
            headers,
            bytes ?? ReadOnlyMemory<byte>.Empty);
    }

    private static AWSSigV4Parameters Parameters(string key, string secret, string region, string service, string? token) => new()
    {
        Credentials = token is null ? new BasicAWSCredentials(key, secret) : new SessionAWSCredentials(key, secret, token),
        Region = RegionEndpoint.GetBySystemName(region),
        Service = service,
        SignedAt = SignedAt,
    };
}
