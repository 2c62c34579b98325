using System.Security.Cryptography;

namespace Flasky.Check.Auth;

/// <summary>
/// Azure Functions keys: the header <c>x-functions-key</c> (the host also reads the query <c>code</c>, but a header
/// keeps the key out of URLs and logs). A function key, a host key or the master key all pass.
/// </summary>
public sealed class FunctionKeyAuthenticator : IRequestAuthenticator
{
    public const string HeaderName = "x-functions-key";

    private const string Redacted = "***";

    private readonly string? _key;

    private FunctionKeyAuthenticator(string? key) => _key = key;

    /// <summary>Sends <paramref name="key"/>: a function key, a host key or the master key.</summary>
    public static FunctionKeyAuthenticator WithKey(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return new FunctionKeyAuthenticator(key);
    }

    public AuthScheme Scheme => AuthScheme.FunctionKey;

    public AuthRejection? Rejection => AuthRejection.AzureFunctions;

    public Task AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_key is not null)
        {
            request.Headers.TryAddWithoutValidation(HeaderName, _key);
        }

        return Task.CompletedTask;
    }

    public IRequestAuthenticator WithWrongCredentials()
    {
        // Shaped like a real key (base64, 56 characters) so that only its value can be why it is refused.
        string wrong;
        do
        {
            wrong = Convert.ToBase64String(RandomNumberGenerator.GetBytes(42));
        }
        while (wrong == _key);

        return new FunctionKeyAuthenticator(wrong);
    }

    public IRequestAuthenticator WithoutCredentials() => new FunctionKeyAuthenticator(null);

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _key is null ? text : text.Replace(_key, Redacted, StringComparison.Ordinal);
    }

    public override string ToString() => "function key";
}
