using System.Security.Cryptography;
using System.Text;
using Flasky.LocalCloudRun;

namespace Flasky.Tests.Gcp;

/// <summary>
/// The local invoker check against every way a token can be wrong. Each attack token is otherwise valid (right
/// issuer, audience, lifetime), so only the one thing it gets wrong can be why it is refused.
/// </summary>
public sealed class IdTokenVerifierTests : IDisposable
{
    private static readonly TimeSpan Skew = IdTokenVerifier.DefaultClockSkew;
    private readonly string _pkcs8 = SigningKey.GeneratePkcs8Base64();
    private readonly SigningKey _key;
    private readonly RSA _rsa;
    private readonly IdTokenVerifier _verifier;

    public IdTokenVerifierTests()
    {
        _key = SigningKey.FromPkcs8Base64(_pkcs8);
        _rsa = TestTokens.ImportPrivate(_pkcs8);
        _verifier = new IdTokenVerifier([_key.PublicKey], new FrontOptions { Audience = TestTokens.Audience }.ResolveAudiences(), new FixedTimeProvider(TestTokens.Now));
    }

    public void Dispose()
    {
        _key.Dispose();
        _rsa.Dispose();
    }

    [Fact]
    public async Task A_token_minted_by_the_token_command_code_is_accepted()
    {
        var token = IdTokens.Create(_key, TestTokens.Audience, TestTokens.Now, IdTokens.DefaultLifetime);
        var result = await _verifier.CheckAsync(null, "Bearer " + token);
        Assert.Equal(InvokerVerdict.Accepted, result.Verdict);
        Assert.Equal(IdTokens.LocalDeveloper, result.Email);
    }

    [Fact]
    public async Task A_hand_built_rs256_token_signed_by_the_key_is_accepted_so_the_attack_tokens_differ_only_in_their_flaw()
    {
        var token = TestTokens.SignRs256(TestTokens.Header(_key), TestTokens.Claims(), _rsa);
        Assert.Equal(InvokerVerdict.Accepted, (await _verifier.VerifyAsync(token)).Verdict);
    }

    [Theory]
    [InlineData("http://localhost:7073")]
    [InlineData("http://localhost:7073/")]
    public async Task The_service_url_with_or_without_a_trailing_slash_is_the_audience(string audience)
    {
        var token = TestTokens.SignRs256(TestTokens.Header(_key), TestTokens.Claims(audience: audience), _rsa);
        Assert.Equal(InvokerVerdict.Accepted, (await _verifier.VerifyAsync(token)).Verdict);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(null, "")]
    [InlineData(null, "Basic dXNlcjpwYXNz")]
    [InlineData(null, "Bearer ")]
    [InlineData("", "")]
    public async Task No_bearer_token_is_missing_403(string? serverless, string? authorization)
    {
        Assert.Equal(InvokerVerdict.Missing, (await _verifier.CheckAsync(serverless, authorization)).Verdict);
    }

    [Fact]
    public async Task X_serverless_authorization_is_preferred_over_authorization()
    {
        var good = IdTokens.Create(_key, TestTokens.Audience, TestTokens.Now, IdTokens.DefaultLifetime);
        Assert.Equal(InvokerVerdict.Accepted, (await _verifier.CheckAsync("Bearer " + good, "Bearer garbage")).Verdict);
        Assert.Equal(InvokerVerdict.Invalid, (await _verifier.CheckAsync("Bearer garbage", "Bearer " + good)).Verdict);
    }

    [Fact]
    public async Task A_changed_signature_is_refused()
    {
        var token = TestTokens.SignRs256(TestTokens.Header(_key), TestTokens.Claims(), _rsa);
        var signature = Convert.FromBase64String(Pad(token[(token.LastIndexOf('.') + 1)..]));
        signature[0] ^= 0x80;
        var tampered = token[..(token.LastIndexOf('.') + 1)] + TestTokens.Base64Url(signature);
        await AssertInvalidAsync(tampered, "bad signature");
    }

    [Fact]
    public async Task Changed_claims_under_a_valid_signature_are_refused()
    {
        var token = TestTokens.SignRs256(TestTokens.Header(_key), TestTokens.Claims(audience: "https://other.example"), _rsa);
        var parts = token.Split('.');
        var forged = $"{parts[0]}.{TestTokens.Encode(TestTokens.Claims())}.{parts[2]}";
        await AssertInvalidAsync(forged, "bad signature");
    }

    [Fact]
    public async Task A_token_signed_by_another_key_under_our_kid_is_refused()
    {
        using var attacker = RSA.Create(2048);
        await AssertInvalidAsync(TestTokens.SignRs256(TestTokens.Header(_key), TestTokens.Claims(), attacker), "bad signature");
    }

    [Fact]
    public async Task An_unknown_kid_is_refused_even_when_our_key_signed_it()
    {
        // Without TryAllIssuerSigningKeys = false, the library would fall back to trying every key and accept this.
        var header = TestTokens.Header(_key).With("kid", "not-a-published-key");
        await AssertInvalidAsync(TestTokens.SignRs256(header, TestTokens.Claims(), _rsa), "unknown signing key");
    }

    [Fact]
    public async Task A_token_without_a_kid_is_refused()
    {
        await AssertInvalidAsync(TestTokens.SignRs256(TestTokens.Header(_key).Without("kid"), TestTokens.Claims(), _rsa));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    public async Task Alg_none_is_refused(string alg)
    {
        await AssertInvalidAsync(TestTokens.Unsigned(TestTokens.Header(_key, alg), TestTokens.Claims()));
    }

    [Fact]
    public async Task Hs256_keyed_with_the_public_key_is_refused_in_every_encoding_of_that_key()
    {
        string[] publicKeyForms =
        [
            _rsa.ExportSubjectPublicKeyInfoPem(),
            _rsa.ExportRSAPublicKeyPem(),
        ];
        var secrets = publicKeyForms.Select(Encoding.ASCII.GetBytes)
            .Append(_rsa.ExportSubjectPublicKeyInfo())
            .Append(_rsa.ExportRSAPublicKey())
            .Append(_rsa.ExportParameters(false).Modulus!)
            .Append(Encoding.ASCII.GetBytes(System.Text.Json.JsonSerializer.Serialize(_key.ToJwks())));
        foreach (var secret in secrets)
        {
            // Microsoft.IdentityModel reports an algorithm outside ValidAlgorithms as a signature failure.
            await AssertInvalidAsync(TestTokens.SignHs256(TestTokens.Header(_key, "HS256"), TestTokens.Claims(), secret), "bad signature");
        }
    }

    [Fact]
    public async Task Rs512_by_the_right_key_is_refused_because_google_signs_rs256()
    {
        var header = TestTokens.Header(_key, "RS512");
        var input = TestTokens.Encode(header) + "." + TestTokens.Encode(TestTokens.Claims());
        var token = input + "." + TestTokens.Base64Url(_rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1));
        await AssertInvalidAsync(token, "bad signature");
    }

    [Fact]
    public async Task An_expired_token_is_refused_once_past_the_clock_skew()
    {
        var claims = TestTokens.Claims(issuedAt: TestTokens.Now - TimeSpan.FromHours(1) - Skew - TimeSpan.FromSeconds(1));
        await AssertInvalidAsync(TestTokens.SignRs256(TestTokens.Header(_key), claims, _rsa), "expired");
    }

    [Fact]
    public async Task A_token_expired_by_less_than_the_clock_skew_is_accepted()
    {
        var claims = TestTokens.Claims(issuedAt: TestTokens.Now - TimeSpan.FromHours(1) - Skew + TimeSpan.FromSeconds(1));
        Assert.Equal(InvokerVerdict.Accepted, (await _verifier.VerifyAsync(TestTokens.SignRs256(TestTokens.Header(_key), claims, _rsa))).Verdict);
    }

    [Fact]
    public async Task A_token_issued_in_the_future_beyond_the_clock_skew_is_not_yet_valid()
    {
        var claims = TestTokens.Claims(issuedAt: TestTokens.Now + Skew + TimeSpan.FromSeconds(1));
        await AssertInvalidAsync(TestTokens.SignRs256(TestTokens.Header(_key), claims, _rsa), "not yet valid");
    }

    [Fact]
    public async Task A_token_issued_within_the_clock_skew_ahead_is_accepted()
    {
        var claims = TestTokens.Claims(issuedAt: TestTokens.Now + Skew - TimeSpan.FromSeconds(1));
        Assert.Equal(InvokerVerdict.Accepted, (await _verifier.VerifyAsync(TestTokens.SignRs256(TestTokens.Header(_key), claims, _rsa))).Verdict);
    }

    [Fact]
    public async Task An_nbf_in_the_future_is_not_yet_valid()
    {
        var claims = TestTokens.Claims().With("nbf", (TestTokens.Now + Skew + TimeSpan.FromMinutes(1)).ToUnixTimeSeconds());
        await AssertInvalidAsync(TestTokens.SignRs256(TestTokens.Header(_key), claims, _rsa), "not yet valid");
    }

    [Theory]
    [InlineData("exp")]
    [InlineData("iat")]
    public async Task A_token_without_a_lifetime_claim_is_refused(string claim)
    {
        await AssertInvalidAsync(TestTokens.SignRs256(TestTokens.Header(_key), TestTokens.Claims().Without(claim), _rsa));
    }

    [Theory]
    [InlineData("http://localhost:7074")]
    [InlineData("http://localhost:7073/candidates")]
    [InlineData("https://localhost:7073")]
    [InlineData("32555940559.apps.googleusercontent.com")]
    public async Task Another_audience_is_refused(string audience)
    {
        await AssertInvalidAsync(TestTokens.SignRs256(TestTokens.Header(_key), TestTokens.Claims(audience: audience), _rsa), "wrong audience");
    }

    [Fact]
    public async Task No_audience_is_refused()
    {
        await AssertInvalidAsync(TestTokens.SignRs256(TestTokens.Header(_key), TestTokens.Claims().Without("aud"), _rsa));
    }

    [Theory]
    [InlineData("https://securetoken.google.com/project")]
    [InlineData("https://accounts.google.com.evil.example")]
    [InlineData("http://accounts.google.com")]
    public async Task Another_issuer_is_refused(string issuer)
    {
        await AssertInvalidAsync(TestTokens.SignRs256(TestTokens.Header(_key), TestTokens.Claims(issuer: issuer), _rsa), "wrong issuer");
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9..")]
    public async Task Garbage_is_invalid_401_not_missing(string token)
    {
        Assert.Equal(InvokerVerdict.Invalid, (await _verifier.CheckAsync(null, "Bearer " + token)).Verdict);
    }

    [Fact]
    public void A_signing_key_that_is_not_pkcs8_rsa_is_refused_without_quoting_it()
    {
        var notAKey = Convert.ToBase64String(Encoding.ASCII.GetBytes("secret-material-that-must-not-leak"));
        var ex = Assert.Throws<FormatException>(() => SigningKey.FromPkcs8Base64(notAKey));
        Assert.DoesNotContain(notAKey, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_key_id_is_stable_for_a_key_and_differs_between_keys()
    {
        using var again = SigningKey.FromPkcs8Base64(_pkcs8);
        using var other = SigningKey.FromPkcs8Base64(SigningKey.GeneratePkcs8Base64());
        Assert.Equal(_key.KeyId, again.KeyId);
        Assert.NotEqual(_key.KeyId, other.KeyId);
    }

    [Fact]
    public async Task The_same_key_loaded_again_after_the_first_copy_is_disposed_still_signs_and_verifies()
    {
        // The library caches signature providers by kid: a reloaded key must not be handed the disposed one's RSA.
        var first = SigningKey.FromPkcs8Base64(_pkcs8);
        _ = IdTokens.Create(first, TestTokens.Audience, TestTokens.Now, IdTokens.DefaultLifetime);
        first.Dispose();
        using var again = SigningKey.FromPkcs8Base64(_pkcs8);
        var token = IdTokens.Create(again, TestTokens.Audience, TestTokens.Now, IdTokens.DefaultLifetime);
        Assert.Equal(InvokerVerdict.Accepted, (await _verifier.VerifyAsync(token)).Verdict);
    }

    private async Task AssertInvalidAsync(string token, string? reason = null)
    {
        var result = await _verifier.CheckAsync(null, "Bearer " + token);
        Assert.Equal(InvokerVerdict.Invalid, result.Verdict);
        if (reason is not null)
        {
            Assert.Equal(reason, result.Reason);
        }
    }

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}
