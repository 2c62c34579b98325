using System.Buffers.Text;
using System.Text;

namespace Flasky.Core.Http;

/// <summary>
/// The opaque <c>next</c> token of <c>GET /candidates</c>: the store's continuation, versioned and base64url-encoded
/// so that it is safe in a URL and a malformed one is told apart from one the store rejects.
/// </summary>
internal static class PageToken
{
    private const string Version = "1.";

    public static string Encode(string storeContinuation) =>
        Version + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(storeContinuation));

    public static string? TryDecode(string token)
    {
        if (!token.StartsWith(Version, StringComparison.Ordinal))
        {
            return null;
        }

        var payload = token.AsSpan(Version.Length);
        if (payload.IsEmpty || !Base64Url.IsValid(payload))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(payload));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }
}
