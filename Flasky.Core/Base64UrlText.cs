using System.Buffers.Text;
using System.Text;

namespace Flasky.Core;

/// <summary>Text carried as unpadded base64url of its UTF-8 bytes (page tokens, encoded document ids).</summary>
internal static class Base64UrlText
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    /// <summary>The text, or null when <paramref name="payload"/> is empty, not base64url, or not valid UTF-8.</summary>
    public static string? TryDecode(ReadOnlySpan<char> payload)
    {
        if (payload.IsEmpty || !Base64Url.IsValid(payload))
        {
            return null;
        }

        try
        {
            return StrictUtf8.GetString(Base64Url.DecodeFromChars(payload));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }
}
