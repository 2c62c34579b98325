using System.Text;

namespace Flasky.Core.Names;

/// <summary>Strict percent-decoding: exactly one pass, malformed escapes and invalid UTF-8 are errors.</summary>
internal static class PercentEncoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes <paramref name="raw"/> once; returns null when it is not valid percent-encoded UTF-8.</summary>
    /// <param name="raw">The encoded text.</param>
    /// <param name="plusIsSpace">True for query strings (form encoding), false for path segments.</param>
    public static string? TryDecode(string raw, bool plusIsSpace = false)
    {
        if (raw.AsSpan().IndexOfAny('%', '+') < 0)
        {
            return raw;
        }

        byte[] source;
        try
        {
            source = StrictUtf8.GetBytes(raw);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }

        var bytes = new byte[source.Length];
        var count = 0;
        for (var i = 0; i < source.Length; i++)
        {
            var b = source[i];
            if (b == '%')
            {
                if (i + 2 >= source.Length || !IsHex(source[i + 1]) || !IsHex(source[i + 2]))
                {
                    return null;
                }

                bytes[count++] = (byte)((HexValue(source[i + 1]) << 4) | HexValue(source[i + 2]));
                i += 2;
            }
            else
            {
                bytes[count++] = plusIsSpace && b == '+' ? (byte)' ' : b;
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes, 0, count);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        _ => b - 'A' + 10,
    };
}
