using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Flasky.Core.Names;

namespace Flasky.Cosmos;

/// <summary>
/// Maps a candidate name to the Cosmos item <c>id</c> within its partition (the partition key is always the name).
/// </summary>
/// <remarks>
/// <para>
/// Like the seed, a name is its own id whenever that is safe. It is not safe when Cosmos forbids the character
/// (<c>/ \ ? #</c>), and also when the id would not survive the trip through a REST URL: point reads and upserts put
/// the id in the request path, and the gateway and the SDK disagree on how <c>%</c> escapes are decoded (items with
/// <c>%2F</c>-like ids become unreadable), <c>+</c> may be read as a space, <c>.</c> and <c>..</c> are dot segments that
/// URI normalisation removes, and other ASCII punctuation has known gateway bugs. So a plain id may only contain
/// letters, marks, digits, other symbols (emoji), spaces and the punctuation <c>- _ . , ' ( ) ! ~ * @ : = &amp;</c>.
/// </para>
/// <para>
/// Every other name is stored under <c>~b64.</c> + base64url(UTF-8 of the name), unpadded. A name that itself starts
/// with <c>~b64.</c> is always encoded, so a plain id and an encoded id never collide, and the mapping is injective.
/// The longest name (128 code points, at most 512 UTF-8 bytes) encodes to 688 characters, under Cosmos's 1,023-byte
/// id limit.
/// </para>
/// </remarks>
internal static class CosmosItemId
{
    public const string EncodedPrefix = "~b64.";

    private const string SafePunctuation = "-_.,'()!~*@:=& ";

    public static string For(CandidateName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return IsSafePlainId(name.Value) ? name.Value : Encode(name.Value);
    }

    public static bool IsSafePlainId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value is "." or ".." || value.StartsWith(EncodedPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var rune in value.EnumerateRunes())
        {
            if (!IsSafe(rune))
            {
                return false;
            }
        }

        return true;
    }

    public static string Encode(string name) => EncodedPrefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(name));

    private static bool IsSafe(Rune rune)
    {
        if (rune.IsAscii)
        {
            return Rune.IsLetterOrDigit(rune) || SafePunctuation.Contains((char)rune.Value, StringComparison.Ordinal);
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => true,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
            UnicodeCategory.OtherSymbol or UnicodeCategory.SpaceSeparator => true,
            _ => false,
        };
    }
}
