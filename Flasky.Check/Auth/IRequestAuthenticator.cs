namespace Flasky.Check.Auth;

/// <summary>
/// Puts a cloud's credentials on a request. Each cloud has one implementation, and each knows how that cloud
/// rejects a request whose credentials are missing or wrong, so the suite can check the rejection too.
/// </summary>
public interface IRequestAuthenticator
{
    AuthScheme Scheme { get; }

    /// <summary>How the host answers missing or wrong credentials; null when the host is anonymous.</summary>
    AuthRejection? Rejection { get; }

    Task AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken);

    /// <summary>The same scheme with credentials that look real but that the host must reject.</summary>
    IRequestAuthenticator WithWrongCredentials();

    /// <summary>The same scheme sending no credentials at all.</summary>
    IRequestAuthenticator WithoutCredentials();

    /// <summary>Every kind of wrong credentials the suite should see refused, each with what it is; by default one.</summary>
    IReadOnlyList<(string What, IRequestAuthenticator Credentials)> WrongCredentialVariants() => [("wrong credentials", WithWrongCredentials())];

    /// <summary>Removes every secret this authenticator holds from <paramref name="text"/>, so a reason never shows one.</summary>
    string Redact(string text);
}

/// <summary>The authentication each cloud puts in front of the API (see api-contract.md, "Authentication").</summary>
public enum AuthScheme
{
    /// <summary>Anonymous: an explicit opt-in at deploy time, and the local hosts' default.</summary>
    None,

    /// <summary>Azure Functions function keys: header <c>x-functions-key</c>. See <see cref="FunctionKeyAuthenticator"/>.</summary>
    FunctionKey,

    /// <summary>
    /// AWS API Gateway <c>AWS_IAM</c>: SigV4-signed requests, service <c>execute-api</c>.
    /// See <see cref="SigV4Authenticator"/>; rejected as <see cref="AuthRejection.AwsApiGateway"/>.
    /// </summary>
    AwsSigV4,

    /// <summary>
    /// GCP Cloud Run IAM invoker: <c>Authorization: Bearer</c> with a Google-signed ID token for the service URL.
    /// See <see cref="IdTokenAuthenticator"/>: a missing token is 403, a token that fails verification 401.
    /// </summary>
    GoogleIdToken,
}
