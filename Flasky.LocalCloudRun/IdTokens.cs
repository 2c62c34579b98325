using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Flasky.LocalCloudRun;

/// <summary>The claims of a Google-signed ID token, as <c>gcloud auth print-identity-token --audiences=URL</c> returns one.</summary>
public static class IdTokens
{
    /// <summary>The issuer Google puts in ID tokens; Google documents the scheme-less form as valid too.</summary>
    public const string Issuer = "https://accounts.google.com";

    public static readonly IReadOnlyList<string> ValidIssuers = [Issuer, "accounts.google.com"];

    /// <summary>Google's ID tokens live one hour.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    public const string LocalDeveloper = "developer@flasky.local";

    /// <summary>Mints an RS256 ID token for <paramref name="audience"/>, valid from <paramref name="issuedAt"/>.</summary>
    public static string Create(SigningKey key, string audience, DateTimeOffset issuedAt, TimeSpan lifetime, string email = LocalDeveloper)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = issuedAt.UtcDateTime,
            Expires = (issuedAt + lifetime).UtcDateTime,

            // Google's ID tokens carry no nbf.
            NotBefore = null,
            Subject = new ClaimsIdentity(
            [
                new Claim("sub", "local-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(email)))[..21]),
                new Claim("email", email),
                new Claim("email_verified", "true", ClaimValueTypes.Boolean),
            ]),
            SigningCredentials = new SigningCredentials(key.PrivateKey, SecurityAlgorithms.RsaSha256),
        };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(descriptor);
    }
}
