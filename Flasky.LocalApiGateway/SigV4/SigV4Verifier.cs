using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Flasky.LocalApiGateway.SigV4;

/// <summary>
/// Verifies AWS Signature Version 4 the way API Gateway does for an <c>AWS_IAM</c> route
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html): it rebuilds the
/// canonical request from what was received — method, path, query, the headers the client says it signed, the hash
/// of the body — signs it again with the secret of the presented access key, and compares the signatures in constant
/// time. Both forms are accepted: the <c>Authorization</c> header and a presigned query string.
/// </summary>
/// <remarks>
/// AWSSDK.Core's <c>AWSSigV4Signer</c> is a client: it chooses which headers to sign itself (it always adds
/// <c>x-amz-content-sha256</c>), so it cannot re-sign a request that curl signed over <c>host;x-amz-date</c> only.
/// A verifier must sign exactly the headers the client listed; that is this class. The tests sign with the SDK
/// and with curl, and check that both pass.
/// </remarks>
public sealed class SigV4Verifier
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    private const string Terminator = "aws4_request";
    private const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";
    private static readonly TimeSpan MaxPresignedLifetime = TimeSpan.FromDays(7);

    private readonly SigV4VerifierOptions _options;
    private readonly Dictionary<string, SigV4Credentials> _credentials;

    public SigV4Verifier(SigV4VerifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Credentials.Count == 0)
        {
            throw new ArgumentException("At least one access key is needed; an AWS_IAM route without one would be anonymous.", nameof(options));
        }

        _options = options;
        _credentials = options.Credentials.ToDictionary(c => c.AccessKeyId, StringComparer.Ordinal);
    }

    public SigV4Outcome Verify(SigV4Request request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authorization = request.Header("authorization");
        var query = ParseQuery(request.RawQuery);
        if (query is null)
        {
            return SigV4Outcome.Malformed;
        }

        SignedParts? parts;
        if (authorization is not null)
        {
            parts = FromAuthorizationHeader(authorization, request);
        }
        else if (query.Exists(p => p.Name == "X-Amz-Signature"))
        {
            parts = FromPresignedQuery(query);
        }
        else
        {
            return SigV4Outcome.Missing;
        }

        if (parts is null)
        {
            return SigV4Outcome.Malformed;
        }

        if (!DateTimeOffset.TryParseExact(parts.AmzDate, DateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
        {
            return SigV4Outcome.Malformed;
        }

        var scope = parts.Credential.Split('/');
        if (scope.Length != 5 || scope[1] != parts.AmzDate[..8] || scope[4] != Terminator)
        {
            return SigV4Outcome.Malformed;
        }

        if (scope[2] != _options.Region || scope[3] != _options.Service)
        {
            return SigV4Outcome.WrongScope;
        }

        if (parts.Expires is { } expires)
        {
            if (now < signedAt - _options.ClockSkew || now > signedAt + expires)
            {
                return SigV4Outcome.Expired;
            }
        }
        else if ((now - signedAt).Duration() > _options.ClockSkew)
        {
            return SigV4Outcome.Expired;
        }

        if (!_credentials.TryGetValue(scope[0], out var credentials))
        {
            return SigV4Outcome.UnknownAccessKey;
        }

        if (!SameSecret(credentials.SessionToken, parts.SecurityToken))
        {
            return SigV4Outcome.InvalidSecurityToken;
        }

        var signedHeaders = parts.SignedHeaders.Split(';');
        if (!signedHeaders.Contains("host") || signedHeaders.Any(h => h.Length == 0 || h.Any(char.IsAsciiLetterUpper)))
        {
            return SigV4Outcome.Malformed;
        }

        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(request.Body.Span));
        var claimedHash = request.Header("x-amz-content-sha256");
        if (claimedHash is not null && claimedHash != payloadHash)
        {
            return SigV4Outcome.SignatureMismatch;
        }

        var canonicalHeaders = new StringBuilder();
        foreach (var name in signedHeaders)
        {
            var values = request.HeaderValues(name);
            if (values.Count == 0)
            {
                return SigV4Outcome.SignatureMismatch;
            }

            canonicalHeaders.Append(name).Append(':').Append(string.Join(',', values.Select(TrimHeaderValue))).Append('\n');
        }

        var canonicalRequest = string.Join('\n',
            request.Method.ToUpperInvariant(),
            CanonicalPath(request.RawPath),
            CanonicalQuery(query, parts.Expires is not null),
            canonicalHeaders.ToString(),
            parts.SignedHeaders,
            payloadHash);
        var credentialScope = string.Join('/', scope[1], scope[2], scope[3], Terminator);
        var stringToSign = string.Join('\n',
            Algorithm,
            parts.AmzDate,
            credentialScope,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var key = SigningKey(credentials.SecretAccessKey, scope[1], scope[2], scope[3]);
        var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign))));
        var presented = Encoding.ASCII.GetBytes(parts.Signature);
        return CryptographicOperations.FixedTimeEquals(expected, presented) ? SigV4Outcome.Valid : SigV4Outcome.SignatureMismatch;
    }

    /// <summary>
    /// Each segment of the path as received (already percent-encoded) is URI-encoded once more: the double encoding
    /// every service but S3 uses.
    /// </summary>
    internal static string CanonicalPath(string rawPath)
    {
        if (string.IsNullOrEmpty(rawPath))
        {
            return "/";
        }

        return string.Join('/', rawPath.Split('/').Select(UriEncode));
    }

    /// <summary>Parameters decoded, re-encoded strictly, sorted by name then value; the signature itself excluded.</summary>
    private static string CanonicalQuery(List<QueryParameter> query, bool presigned) =>
        string.Join('&', query
            .Where(p => !(presigned && p.Name == "X-Amz-Signature"))
            .Select(p => (Name: UriEncode(p.Name), Value: UriEncode(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));

    private static SignedParts? FromAuthorizationHeader(string authorization, SigV4Request request)
    {
        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return null;
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in authorization[(Algorithm.Length + 1)..].Split(','))
        {
            var pair = part.Trim().Split('=', 2);
            if (pair.Length != 2)
            {
                return null;
            }

            switch (pair[0])
            {
                case "Credential": credential = pair[1]; break;
                case "SignedHeaders": signedHeaders = pair[1]; break;
                case "Signature": signature = pair[1]; break;
                default: return null;
            }
        }

        var amzDate = request.Header("x-amz-date");
        return credential is null || signedHeaders is null || signature is null || amzDate is null
            ? null
            : new SignedParts(credential, signedHeaders, signature, amzDate, request.Header("x-amz-security-token"), null);
    }

    private static SignedParts? FromPresignedQuery(List<QueryParameter> query)
    {
        string? Get(string name) => query.Find(p => p.Name == name)?.Value;
        if (Get("X-Amz-Algorithm") != Algorithm
            || Get("X-Amz-Credential") is not { } credential
            || Get("X-Amz-SignedHeaders") is not { } signedHeaders
            || Get("X-Amz-Signature") is not { } signature
            || Get("X-Amz-Date") is not { } amzDate
            || !int.TryParse(Get("X-Amz-Expires"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || TimeSpan.FromSeconds(seconds) > MaxPresignedLifetime)
        {
            return null;
        }

        return new SignedParts(credential, signedHeaders, signature, amzDate, Get("X-Amz-Security-Token"), TimeSpan.FromSeconds(seconds));
    }

    private static bool SameSecret(string? expected, string? presented)
    {
        if (expected is null || presented is null)
        {
            return expected is null && presented is null;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
    }

    private static byte[] SigningKey(string secret, string date, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Terminator));
    }

    /// <summary>Leading and trailing spaces removed, runs of spaces collapsed to one.</summary>
    private static string TrimHeaderValue(string value) =>
        string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>SigV4's URI encoding: unreserved characters as they are, every other UTF-8 byte as <c>%XX</c> (upper case).</summary>
    internal static string UriEncode(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var builder = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>The query's parameters; null when an escape is malformed.</summary>
    private static List<QueryParameter>? ParseQuery(string rawQuery)
    {
        var parameters = new List<QueryParameter>();
        foreach (var part in rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? part : part[..equals]);
            var value = Decode(equals < 0 ? "" : part[(equals + 1)..]);
            if (name is null || value is null)
            {
                return null;
            }

            parameters.Add(new QueryParameter(Encoding.UTF8.GetString(name), Encoding.UTF8.GetString(value)));
        }

        return parameters;
    }

    /// <summary>
    /// Percent-decodes to bytes (so an escape that is not UTF-8 survives), <c>+</c> being a space; null when an
    /// escape is malformed.
    /// </summary>
    private static byte[]? Decode(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
                {
                    return null;
                }

                bytes.Add(byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c == '+' ? " " : c.ToString()));
            }
        }

        return [.. bytes];
    }

    /// <summary>
    /// A decoded parameter. Bytes that are not UTF-8 become U+FFFD each, as AWSSDK.Core's signer decodes them
    /// (checked: <c>next=%FF%FE</c> is signed as <c>next=%EF%BF%BD%EF%BF%BD</c>).
    /// </summary>
    private sealed record QueryParameter(string Name, string Value);

    private sealed record SignedParts(string Credential, string SignedHeaders, string Signature, string AmzDate, string? SecurityToken, TimeSpan? Expires);
}

/// <summary>An access key the front accepts: the AppHost's generated <c>aws-access-key-id</c> / <c>aws-secret-access-key</c>.</summary>
public sealed record SigV4Credentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    public override string ToString() => $"SigV4Credentials {{ AccessKeyId = {AccessKeyId} }}";
}

public sealed record SigV4VerifierOptions
{
    public required string Region { get; init; }

    public string Service { get; init; } = "execute-api";

    public required IReadOnlyList<SigV4Credentials> Credentials { get; init; }

    /// <summary>How far <c>X-Amz-Date</c> may be from now: five minutes, as AWS allows.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>The request as received: the raw path and query (still encoded), every header, the body.</summary>
public sealed record SigV4Request(string Method, string RawPath, string RawQuery, IReadOnlyList<KeyValuePair<string, string>> Headers, ReadOnlyMemory<byte> Body)
{
    public string? Header(string name)
    {
        var values = HeaderValues(name);
        return values.Count == 0 ? null : string.Join(',', values);
    }

    public IReadOnlyList<string> HeaderValues(string name) =>
        [.. Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value)];
}

/// <summary>Why a request passed or failed; only logged, never told to the caller (who always gets 403 Forbidden).</summary>
public enum SigV4Outcome
{
    Valid,
    Missing,
    Malformed,
    WrongScope,
    Expired,
    UnknownAccessKey,
    InvalidSecurityToken,
    SignatureMismatch,
}
