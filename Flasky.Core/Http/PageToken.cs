namespace Flasky.Core.Http;

/// <summary>
/// The opaque <c>next</c> token of <c>GET /candidates</c>: the store's continuation, versioned and base64url-encoded
/// so that it is safe in a URL and a malformed one is told apart from one the store rejects.
/// </summary>
internal static class PageToken
{
    private const string Version = "1.";

    public static string Encode(string storeContinuation) => Version + Base64UrlText.Encode(storeContinuation);

    public static string? TryDecode(string token) =>
        token.StartsWith(Version, StringComparison.Ordinal) ? Base64UrlText.TryDecode(token.AsSpan(Version.Length)) : null;
}
