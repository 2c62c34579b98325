namespace Flasky.Check.Auth;

/// <summary>An anonymous host: nothing is added, and there is no rejection to check.</summary>
public sealed class NoAuthentication : IRequestAuthenticator
{
    public static NoAuthentication Instance { get; } = new();

    private NoAuthentication()
    {
    }

    public AuthScheme Scheme => AuthScheme.None;

    public AuthRejection? Rejection => null;

    public Task AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.CompletedTask;

    public IRequestAuthenticator WithWrongCredentials() => this;

    public IRequestAuthenticator WithoutCredentials() => this;

    public string Redact(string text) => text;
}
