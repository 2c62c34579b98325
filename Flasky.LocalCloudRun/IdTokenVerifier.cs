using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Flasky.LocalCloudRun;

/// <summary>How the invoker check ends for one request.</summary>
public enum InvokerVerdict
{
    Accepted,

    /// <summary>No bearer token at all: Cloud Run answers 403.</summary>
    Missing,

    /// <summary>A token that is malformed, badly signed, expired, not yet valid, or for another audience or issuer: 401.</summary>
    Invalid,
}

/// <summary>The outcome and, for logs, which rule refused the token (never the token itself).</summary>
public sealed record InvokerCheckResult(InvokerVerdict Verdict, string? Reason = null, string? Email = null);

/// <summary>
/// Verifies Google ID tokens as Cloud Run's IAM invoker check does (issuer, audience = service URL, RS256 signature by
/// a published key, expiry and issued-at with a clock-skew allowance), using Microsoft.IdentityModel for every
/// cryptographic step. Only RS256 over a key of the JWKS with the token's exact kid is accepted: alg:none, HS256 keyed
/// with the public key, and unknown kids are refused.
/// </summary>
public sealed class IdTokenVerifier
{
    /// <summary>
    /// Google's Java client (<c>IdTokenVerifier.DEFAULT_TIME_SKEW_SECONDS</c>) allows 300 s; Cloud Run does not publish
    /// its own allowance, so this is the documented figure closest to it.
    /// </summary>
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromMinutes(5);

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;
    private readonly TimeProvider _time;
    private readonly TimeSpan _clockSkew;

    public IdTokenVerifier(IEnumerable<SecurityKey> keys, IEnumerable<string> audiences, TimeProvider? time = null, TimeSpan? clockSkew = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(audiences);
        _time = time ?? TimeProvider.System;
        _clockSkew = clockSkew ?? DefaultClockSkew;
        var validAudiences = audiences.ToList();
        if (validAudiences.Count == 0)
        {
            throw new ArgumentException("At least one audience (the service URL) is required.", nameof(audiences));
        }

        _parameters = new TokenValidationParameters
        {
            ValidIssuers = IdTokens.ValidIssuers,
            ValidAudiences = validAudiences,
            IssuerSigningKeys = keys.ToList(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            RequireAudience = true,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ClockSkew = _clockSkew,

            // A kid that names no published key is refused outright, never retried against every key.
            TryAllIssuerSigningKeys = false,
            LifetimeValidator = ValidateLifetime,
        };
    }

    /// <summary>Checks the request's token: <c>X-Serverless-Authorization</c> when present (Cloud Run prefers it), else <c>Authorization</c>.</summary>
    public async Task<InvokerCheckResult> CheckAsync(string? serverlessAuthorization, string? authorization)
    {
        var header = string.IsNullOrEmpty(serverlessAuthorization) ? authorization : serverlessAuthorization;
        if (string.IsNullOrWhiteSpace(header))
        {
            return new InvokerCheckResult(InvokerVerdict.Missing, "no bearer token");
        }

        const string Bearer = "Bearer ";
        if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            // Cloud Run treats an Authorization header it cannot use as no credentials.
            return new InvokerCheckResult(InvokerVerdict.Missing, "not a bearer token");
        }

        return await VerifyAsync(header[Bearer.Length..].Trim()).ConfigureAwait(false);
    }

    public async Task<InvokerCheckResult> VerifyAsync(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length == 0)
        {
            return new InvokerCheckResult(InvokerVerdict.Missing, "empty bearer token");
        }

        var result = await _handler.ValidateTokenAsync(token, _parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return new InvokerCheckResult(InvokerVerdict.Invalid, Describe(result.Exception));
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        return jwt.TryGetPayloadValue<string>("email", out var email)
            ? new InvokerCheckResult(InvokerVerdict.Accepted, Email: email)
            : new InvokerCheckResult(InvokerVerdict.Accepted);
    }

    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("The token has no exp.");
        }

        if (now > expires.Value + _clockSkew)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = expires.Value };
        }

        if (notBefore is not null && now + _clockSkew < notBefore.Value)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet (nbf).") { NotBefore = notBefore.Value };
        }

        // Google's verifiers also refuse a token issued in the future; Microsoft.IdentityModel does not check iat.
        var issuedAt = ((JsonWebToken)token).IssuedAt;
        if (issuedAt == DateTime.MinValue)
        {
            throw new SecurityTokenInvalidLifetimeException("The token has no iat.");
        }

        if (now + _clockSkew < issuedAt)
        {
            throw new SecurityTokenNotYetValidException("The token is issued in the future (iat).") { NotBefore = issuedAt };
        }

        return true;
    }

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "expired",
        SecurityTokenNotYetValidException => "not yet valid",
        SecurityTokenInvalidLifetimeException or SecurityTokenNoExpirationException => "lifetime claims missing or invalid",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenInvalidAlgorithmException => "algorithm not allowed",
        SecurityTokenSignatureKeyNotFoundException => "unknown signing key",
        SecurityTokenInvalidSignatureException => "bad signature",
        SecurityTokenMalformedException or ArgumentException => "malformed token",
        null => "invalid token",
        _ => "invalid token (" + exception.GetType().Name + ")",
    };
}
