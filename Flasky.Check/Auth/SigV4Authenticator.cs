using System.Security.Cryptography;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Flasky.Check.Auth;

/// <summary>
/// API Gateway <c>AWS_IAM</c> routes: each request signed with AWS Signature Version 4 for service
/// <c>execute-api</c>, by AWSSDK.Core's own signer. Credentials come from the caller (usually the standard
/// <c>AWS_ACCESS_KEY_ID</c> / <c>AWS_SECRET_ACCESS_KEY</c> / <c>AWS_SESSION_TOKEN</c> variables).
/// </summary>
public sealed class SigV4Authenticator : IRequestAuthenticator
{
    public const string Service = "execute-api";

    private const string Redacted = "***";

    private readonly KeyPair? _credentials;
    private readonly RegionEndpoint _region;

    private SigV4Authenticator(KeyPair? credentials, RegionEndpoint region)
    {
        _credentials = credentials;
        _region = region;
    }

    public static SigV4Authenticator WithCredentials(string region, string accessKeyId, string secretAccessKey, string? sessionToken = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentException.ThrowIfNullOrWhiteSpace(accessKeyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(secretAccessKey);
        return new SigV4Authenticator(
            new KeyPair(accessKeyId, secretAccessKey, string.IsNullOrEmpty(sessionToken) ? null : sessionToken),
            RegionEndpoint.GetBySystemName(region));
    }

    /// <summary>Reads <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c> and, if set, <c>AWS_SESSION_TOKEN</c>.</summary>
    public static SigV4Authenticator FromEnvironment(string region, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var accessKeyId = environment("AWS_ACCESS_KEY_ID");
        var secret = environment("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrWhiteSpace(accessKeyId) || string.IsNullOrWhiteSpace(secret))
        {
            throw new InvalidOperationException("--sigv4 needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment.");
        }

        return WithCredentials(region, accessKeyId, secret, environment("AWS_SESSION_TOKEN"));
    }

    public AuthScheme Scheme => AuthScheme.AwsSigV4;

    public AuthRejection? Rejection => AuthRejection.AwsApiGateway;

    public async Task AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_credentials is null)
        {
            return;
        }

        var signing = new AWSSigningRequest
        {
            HttpMethod = request.Method,
            RequestUri = request.RequestUri!,
        };
        if (request.Content is not null)
        {
            // The body is signed too (its SHA-256 is part of the canonical request).
            signing.Content = await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (request.Content.Headers.ContentType is { } contentType)
            {
                signing.Headers["Content-Type"] = contentType.ToString();
            }
        }

        var parameters = new AWSSigV4Parameters
        {
            Credentials = _credentials.SessionToken is null
                ? new BasicAWSCredentials(_credentials.AccessKeyId, _credentials.SecretAccessKey)
                : new SessionAWSCredentials(_credentials.AccessKeyId, _credentials.SecretAccessKey, _credentials.SessionToken),
            Region = _region,
            Service = Service,
        };

        var result = await AWSSigV4Signer.SignAsync(signing, parameters, cancellationToken).ConfigureAwait(false);
        foreach (var (name, value) in result.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }

    public IRequestAuthenticator WithWrongCredentials()
    {
        // Shaped like a real key pair (AKIA + 16, 40-character secret), so only its values can be why it is refused.
        var accessKeyId = "AKIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        return new SigV4Authenticator(new KeyPair(accessKeyId, secret, null), _region);
    }

    public IRequestAuthenticator WithoutCredentials() => new SigV4Authenticator(null, _region);

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_credentials is null)
        {
            return text;
        }

        text = text.Replace(_credentials.SecretAccessKey, Redacted, StringComparison.Ordinal);
        return _credentials.SessionToken is { } token ? text.Replace(token, Redacted, StringComparison.Ordinal) : text;
    }

    private sealed record KeyPair(string AccessKeyId, string SecretAccessKey, string? SessionToken)
    {
        public override string ToString() => $"KeyPair {{ AccessKeyId = {AccessKeyId} }}";
    }

    public override string ToString() => $"SigV4 ({Service}, {_region.SystemName})";
}
