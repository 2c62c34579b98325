using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Flasky.LocalCloudRun;
using Flasky.Tests.Security;

namespace Flasky.Tests.Gcp;

/// <summary>
/// The auth attack matrix against the local Cloud Run front, with the Cloud Run host behind it (in-memory store).
/// Cloud Run's invoker check answers a request without a bearer token 403 and a token that fails verification 401
/// (sources in Flasky.LocalCloudRun's CloudRunRejection); Verifier-level cases are in IdTokenVerifierTests, these go
/// through HTTP and prove nothing was written.
/// </summary>
public sealed class IdTokenAttackTests(InProcessCloudRun cloudRun) : AuthAttackTests, IClassFixture<InProcessCloudRun>
{
    private static readonly TimeSpan BeyondSkew = IdTokenVerifier.DefaultClockSkew + TimeSpan.FromMinutes(5);

    protected override HttpClient CreateAuthorizedClient() => WithBearer(cloudRun.MintToken());

    /// <summary>A token that fails verification: 401 with Google's "Unauthorized" page and an invalid_token challenge.</summary>
    protected override async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("Error: Unauthorized", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task AssertForbiddenAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Error: Forbidden", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_token_is_403_and_writes_nothing()
    {
        using var none = Client();
        await AssertAttackRefusedAsync(none, name => AttackWrite(name), AssertForbiddenAsync);

        // Credentials that are not a bearer token count as none.
        using var basic = Client();
        basic.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String("a:b"u8.ToArray()));
        await AssertAttackRefusedAsync(basic, name => AttackWrite(name), AssertForbiddenAsync);

        using var empty = Client();
        empty.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer ");
        await AssertAttackRefusedAsync(empty, name => AttackWrite(name), AssertForbiddenAsync);
    }

    [Fact]
    public async Task A_token_with_a_bad_signature_is_401_and_writes_nothing()
    {
        var token = cloudRun.MintToken();
        var flipped = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
        await AttackWithTokenAsync(flipped);

        // Our kid, but signed by another key.
        using var attacker = RSA.Create(2048);
        await AttackWithTokenAsync(TestTokens.SignRs256(Header(), Claims(), attacker));
    }

    [Fact]
    public Task An_expired_token_is_401_and_writes_nothing() =>
        AttackWithTokenAsync(IdTokens.Create(cloudRun.Front.Key, InProcessCloudRun.Audience, DateTimeOffset.UtcNow - IdTokens.DefaultLifetime - BeyondSkew, IdTokens.DefaultLifetime));

    [Fact]
    public async Task A_token_not_yet_valid_is_401_and_writes_nothing()
    {
        // Issued in the future beyond the clock-skew allowance ...
        await AttackWithTokenAsync(IdTokens.Create(cloudRun.Front.Key, InProcessCloudRun.Audience, DateTimeOffset.UtcNow + BeyondSkew, IdTokens.DefaultLifetime));

        // ... or with a not-before in the future.
        var nbf = (DateTimeOffset.UtcNow + BeyondSkew).ToUnixTimeSeconds();
        await AttackWithTokenAsync(TestTokens.SignRs256(Header(), Claims().With("nbf", nbf), OurKey));
    }

    [Fact]
    public async Task A_token_for_another_audience_is_401_and_writes_nothing()
    {
        await AttackWithTokenAsync(IdTokens.Create(cloudRun.Front.Key, "https://flasky-other-abc123-ew.a.run.app", DateTimeOffset.UtcNow, IdTokens.DefaultLifetime));
        await AttackWithTokenAsync(IdTokens.Create(cloudRun.Front.Key, "http://localhost:7074", DateTimeOffset.UtcNow, IdTokens.DefaultLifetime));
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_401_and_writes_nothing()
    {
        await AttackWithTokenAsync(TestTokens.SignRs256(Header(), Claims(issuer: "https://evil.example.com"), OurKey));
        await AttackWithTokenAsync(TestTokens.SignRs256(Header(), Claims(issuer: "https://securetoken.google.com/flasky"), OurKey));
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_401_and_writes_nothing()
    {
        await AttackWithTokenAsync(TestTokens.Unsigned(Header("none"), Claims()));
        await AttackWithTokenAsync(TestTokens.Unsigned(Header("None"), Claims()));
    }

    [Fact]
    public async Task An_hs256_token_keyed_with_the_public_key_is_401_and_writes_nothing()
    {
        using var rsa = RSA.Create(cloudRun.Front.Key.PublicKey.Parameters);
        byte[][] publicKeys =
        [
            Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()),
            Encoding.ASCII.GetBytes(rsa.ExportRSAPublicKeyPem()),
            rsa.ExportSubjectPublicKeyInfo(),
            rsa.ExportRSAPublicKey(),
        ];
        foreach (var secret in publicKeys)
        {
            await AttackWithTokenAsync(TestTokens.SignHs256(Header("HS256"), Claims(), secret));
        }
    }

    [Fact]
    public async Task A_token_from_an_unknown_key_id_is_401_and_writes_nothing()
    {
        // Signed with the real key, but naming a kid the JWKS does not publish: refused, not tried against every key.
        await AttackWithTokenAsync(TestTokens.SignRs256(Header().With("kid", "0123456789abcdef"), Claims(), OurKey));

        // An attacker's own key under its own kid.
        using var attacker = RSA.Create(2048);
        await AttackWithTokenAsync(TestTokens.SignRs256(Header().With("kid", "attacker-key"), Claims(), attacker));
        await AttackWithTokenAsync(TestTokens.SignRs256(Header().Without("kid"), Claims(), attacker));
    }

    private RSA OurKey => cloudRun.Front.Key.PrivateKey.Rsa;

    private JsonObject Header(string alg = "RS256") => TestTokens.Header(cloudRun.Front.Key, alg);

    private static JsonObject Claims(string issuer = IdTokens.Issuer) =>
        TestTokens.Claims(DateTimeOffset.UtcNow, InProcessCloudRun.Audience, issuer);

    private async Task AttackWithTokenAsync(string token)
    {
        using var client = WithBearer(token);
        await AssertAttackRefusedAsync(client, name => AttackWrite(name));
    }

    private HttpClient Client() => new() { BaseAddress = cloudRun.Front.ApiAddress, Timeout = Bound };

    private HttpClient WithBearer(string token)
    {
        var client = Client();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return client;
    }
}
