using System.Globalization;
using System.Text;
using Flasky.Core.Names;

namespace Flasky.Core.Storage;

/// <summary>
/// Maps a candidate name to a document id (Cosmos item id, Firestore document id, DynamoDB key): the name itself
/// whenever the store accepts it as it is, else <c>~b64.</c> + base64url(UTF-8 of the name), unpadded. Each store
/// builds one rule with its own forbidden characters, forbidden ids and byte limit.
/// </summary>
/// <remarks>
/// <para>
/// A name that itself starts with <c>~b64.</c> is always encoded, so a plain id and an encoded id never collide and
/// the mapping is injective. The longest name (128 code points, at most 512 UTF-8 bytes) encodes to
/// <see cref="MaxEncodedBytes"/> bytes; a rule whose limit is below that is refused, since some name would have no id.
/// </para>
/// <para>
/// Stores whose ids travel in a REST URL path (point reads and writes address a document by URL) set
/// <see cref="PlainIdCharacters.UrlPathSafe"/>: gateways disagree on how <c>%</c> escapes are decoded, <c>+</c> may
/// be read as a space and some ASCII punctuation has known gateway bugs, so only letters, marks, digits, other
/// symbols (emoji), spaces and the punctuation <c>- _ . , ' ( ) ! ~ * @ : = &amp;</c> stay plain there.
/// </para>
/// </remarks>
public sealed class DocumentIdRule
{
    public const string EncodedPrefix = "~b64.";

    /// <summary>The UTF-8 length of the longest encoded id: prefix + base64url of 4 bytes per code point, unpadded.</summary>
    public const int MaxEncodedBytes = 5 + ((CandidateName.MaxLength * 4 * 4) + 2) / 3;

    private const string UrlSafePunctuation = "-_.,'()!~*@:=& ";

    private readonly string _forbiddenCharacters;
    private readonly HashSet<string> _forbiddenIds;
    private readonly Func<string, bool> _isReserved;
    private readonly PlainIdCharacters _characters;

    /// <param name="maxBytes">The store's id limit in UTF-8 bytes.</param>
    /// <param name="forbiddenCharacters">Characters the store does not accept in an id.</param>
    /// <param name="forbiddenIds">Whole ids the store does not accept (e.g. <c>.</c> and <c>..</c>).</param>
    /// <param name="isReserved">Other ids the store reserves (e.g. Firestore's <c>__…__</c>); null when none.</param>
    /// <param name="characters">Which characters may stay plain at all.</param>
    public DocumentIdRule(
        int maxBytes,
        string forbiddenCharacters = "",
        IEnumerable<string>? forbiddenIds = null,
        Func<string, bool>? isReserved = null,
        PlainIdCharacters characters = PlainIdCharacters.Any)
    {
        ArgumentNullException.ThrowIfNull(forbiddenCharacters);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, MaxEncodedBytes);
        MaxBytes = maxBytes;
        _forbiddenCharacters = forbiddenCharacters;
        _forbiddenIds = new HashSet<string>(forbiddenIds ?? [], StringComparer.Ordinal);
        _isReserved = isReserved ?? (_ => false);
        _characters = characters;
    }

    public int MaxBytes { get; }

    /// <summary>The document id of a name under this rule.</summary>
    public string IdFor(CandidateName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return IsPlainId(name.Value) ? name.Value : Encode(name.Value);
    }

    /// <summary>True when <paramref name="value"/> is its own id under this rule.</summary>
    public bool IsPlainId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0
            || value.StartsWith(EncodedPrefix, StringComparison.Ordinal)
            || _forbiddenIds.Contains(value)
            || _isReserved(value)
            || Encoding.UTF8.GetByteCount(value) > MaxBytes)
        {
            return false;
        }

        foreach (var rune in value.EnumerateRunes())
        {
            if (!IsAllowed(rune))
            {
                return false;
            }
        }

        return true;
    }

    public static string Encode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return EncodedPrefix + Base64UrlText.Encode(name);
    }

    /// <summary>The name an encoded id holds; null for a plain id or anything that is not a valid encoding.</summary>
    public static string? TryDecode(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.StartsWith(EncodedPrefix, StringComparison.Ordinal) ? Base64UrlText.TryDecode(id.AsSpan(EncodedPrefix.Length)) : null;
    }

    private bool IsAllowed(Rune rune)
    {
        if (rune.IsBmp && _forbiddenCharacters.Contains((char)rune.Value, StringComparison.Ordinal))
        {
            return false;
        }

        return _characters == PlainIdCharacters.Any || IsUrlPathSafe(rune);
    }

    private static bool IsUrlPathSafe(Rune rune)
    {
        if (rune.IsAscii)
        {
            return Rune.IsLetterOrDigit(rune) || UrlSafePunctuation.Contains((char)rune.Value, StringComparison.Ordinal);
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

/// <summary>Which characters a plain document id may contain, before a rule's own forbidden characters.</summary>
public enum PlainIdCharacters
{
    /// <summary>Any character a valid candidate name contains (the id never appears in a URL).</summary>
    Any,

    /// <summary>Only characters that survive a REST URL path unchanged through every gateway (see <see cref="DocumentIdRule"/>).</summary>
    UrlPathSafe,
}
