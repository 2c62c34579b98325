using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flasky.LocalCloudRun;

namespace Flasky.Tests.Gcp;

/// <summary>Builds the tokens an attacker or a broken client would send, byte by byte, to prove the verifier refuses them.</summary>
internal static class TestTokens
{
    public const string Audience = "http://localhost:7073";

    public static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    public static JsonObject Header(SigningKey key, string alg = "RS256") => new() { ["alg"] = alg, ["kid"] = key.KeyId, ["typ"] = "JWT" };

    public static JsonObject Claims(DateTimeOffset? issuedAt = null, string audience = Audience, string issuer = IdTokens.Issuer)
    {
        var iat = (issuedAt ?? Now).ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = issuer,
            ["aud"] = audience,
            ["sub"] = "1234567890",
            ["email"] = "someone@example.com",
            ["iat"] = iat,
            ["exp"] = iat + 3600,
        };
    }

    /// <summary>header.payload signed RS256 with <paramref name="rsa"/> (any key: ours, or an attacker's).</summary>
    public static string SignRs256(JsonObject header, JsonObject claims, RSA rsa)
    {
        var input = Encode(header) + "." + Encode(claims);
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64Url(signature);
    }

    public static string SignHs256(JsonObject header, JsonObject claims, byte[] secret)
    {
        var input = Encode(header) + "." + Encode(claims);
        return input + "." + Base64Url(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
    }

    public static string Unsigned(JsonObject header, JsonObject claims) => Encode(header) + "." + Encode(claims) + ".";

    public static RSA ImportPrivate(string pkcs8Base64)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8Base64), out _);
        return rsa;
    }

    public static string Encode(JsonNode node) => Base64Url(Encoding.UTF8.GetBytes(node.ToJsonString()));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static JsonObject With(this JsonObject node, string name, JsonNode? value)
    {
        var copy = (JsonObject)JsonNode.Parse(node.ToJsonString())!;
        copy[name] = value;
        return copy;
    }

    public static JsonObject Without(this JsonObject node, string name)
    {
        var copy = (JsonObject)JsonNode.Parse(node.ToJsonString())!;
        copy.Remove(name);
        return copy;
    }

    public static string Describe(JsonObject node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}

/// <summary>A clock that stands still, so no test depends on when it runs.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
