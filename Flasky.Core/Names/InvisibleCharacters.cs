using System.Globalization;
using System.Text;

namespace Flasky.Core.Names;

/// <summary>
/// The spoofing rule for names being written (api-contract.md, "Names"): a name may not contain a character that
/// renders as nothing, because "Alice" and "Alice" + U+200B, or a name reordered by U+202E, would look like one
/// candidate and be two. Refused: every Default_Ignorable_Code_Point of Unicode (zero-width spaces and joiners, the bidi
/// controls U+061C, U+200E/F, U+202A–E, U+2066–9, word joiner and invisible operators, U+FEFF, soft hyphen, variation
/// selectors, Hangul fillers, tag characters …) and the interlinear annotation controls U+FFF9–B.
/// <para>
/// Kept, only where they change what is shown (so a name with one never looks like the name without it):
/// ZWNJ/ZWJ right after a virama (Indic conjuncts, RFC 5892 CONTEXTJ); ZWNJ between two letters of a joining script
/// (Persian and Urdu names: "می‌خواهم"); ZWJ between two pictographic symbols (emoji sequences such as 👨‍👩‍👧); and
/// the emoji/text presentation selectors U+FE0E/U+FE0F right after a symbol (❤️) or in a keycap (1️⃣).
/// </para>
/// </summary>
public static class InvisibleCharacters
{
    private const int Zwnj = 0x200C;
    private const int Zwj = 0x200D;
    private const int TextPresentation = 0xFE0E;
    private const int EmojiPresentation = 0xFE0F;
    private const int CombiningKeycap = 0x20E3;

    /// <summary>Default_Ignorable_Code_Point (DerivedCoreProperties.txt), plus U+FFF9–U+FFFB.</summary>
    private static readonly (int First, int Last)[] Refused =
    [
        (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F),
        (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
        (0xFFA0, 0xFFA0), (0xFFF0, 0xFFFB), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
    ];

    /// <summary>Canonical_Combining_Class = 9 (Virama), from the Unicode Character Database 14.0.</summary>
    private static readonly HashSet<int> Viramas =
    [
        0x094D, 0x09CD, 0x0A4D, 0x0ACD, 0x0B4D, 0x0BCD, 0x0C4D, 0x0CCD, 0x0D3B, 0x0D3C, 0x0D4D, 0x0DCA, 0x0E3A, 0x0EBA,
        0x0F84, 0x1039, 0x103A, 0x1714, 0x1715, 0x1734, 0x17D2, 0x1A60, 0x1B44, 0x1BAA, 0x1BAB, 0x1BF2, 0x1BF3, 0x2D7F,
        0xA806, 0xA82C, 0xA8C4, 0xA953, 0xA9C0, 0xAAF6, 0xABED, 0x10A3F, 0x11046, 0x11070, 0x1107F, 0x110B9, 0x11133,
        0x11134, 0x111C0, 0x11235, 0x112EA, 0x1134D, 0x11442, 0x114C2, 0x115BF, 0x1163F, 0x116B6, 0x1172B, 0x11839,
        0x1193D, 0x1193E, 0x119E0, 0x11A34, 0x11A47, 0x11A99, 0x11C3F, 0x11D44, 0x11D45, 0x11D97,
    ];

    /// <summary>Blocks of the cursive joining scripts (Arabic, Syriac, N'Ko, Mongolian) whose letters ZWNJ keeps apart.</summary>
    private static readonly (int First, int Last)[] JoiningScripts =
    [
        (0x0600, 0x077F), (0x07C0, 0x07FF), (0x0860, 0x08FF), (0x1800, 0x18AF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFE),
    ];

    /// <summary>Whether the character is invisible formatting that the rule refuses unless its context allows it.</summary>
    public static bool IsInvisible(Rune rune) => InRanges(Refused, rune.Value);

    /// <summary>The first invisible character that the rule refuses in this (NFC) name, or null when there is none.</summary>
    public static Rune? FindRefused(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var runes = name.EnumerateRunes().ToArray();
        for (var i = 0; i < runes.Length; i++)
        {
            if (IsInvisible(runes[i]) && !AllowedInContext(runes, i))
            {
                return runes[i];
            }
        }

        return null;
    }

    private static bool AllowedInContext(Rune[] runes, int index)
    {
        var before = index > 0 ? runes[index - 1] : (Rune?)null;
        return runes[index].Value switch
        {
            Zwnj => AfterVirama(before) || BetweenJoiningLetters(runes, index),
            Zwj => AfterVirama(before) || BetweenPictographs(runes, index),
            TextPresentation or EmojiPresentation => (before is { } b && IsSymbol(b)) || InKeycap(runes, index),
            _ => false,
        };
    }

    private static bool AfterVirama(Rune? before) => before is { } b && Viramas.Contains(b.Value);

    private static bool BetweenJoiningLetters(Rune[] runes, int index)
    {
        var before = Neighbour(runes, index, -1, IsMark);
        var after = Neighbour(runes, index, +1, IsMark);
        return before is { } b && after is { } a && IsJoiningLetter(b) && IsJoiningLetter(a);
    }

    private static bool BetweenPictographs(Rune[] runes, int index)
    {
        // A presentation selector or a skin-tone modifier may sit between the pictograph and the joiner (🏳️‍🌈, 👩🏽‍💻).
        var before = Neighbour(runes, index, -1, r => r.Value is EmojiPresentation or (>= 0x1F3FB and <= 0x1F3FF));
        var after = Neighbour(runes, index, +1, _ => false);
        return before is { } b && after is { } a && IsPictograph(b) && IsPictograph(a);
    }

    private static bool InKeycap(Rune[] runes, int index) =>
        index > 0 && index + 1 < runes.Length
        && runes[index - 1].Value is (>= '0' and <= '9') or '#' or '*'
        && runes[index + 1].Value == CombiningKeycap;

    /// <summary>The nearest rune in the direction given, passing over the runes <paramref name="skip"/> accepts.</summary>
    private static Rune? Neighbour(Rune[] runes, int index, int step, Func<Rune, bool> skip)
    {
        for (var i = index + step; i >= 0 && i < runes.Length; i += step)
        {
            if (!skip(runes[i]))
            {
                return runes[i];
            }
        }

        return null;
    }

    private static bool IsMark(Rune rune) => Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark;

    private static bool IsJoiningLetter(Rune rune) =>
        Rune.IsLetter(rune) && InRanges(JoiningScripts, rune.Value);

    private static bool IsPictograph(Rune rune) => Rune.GetUnicodeCategory(rune) == UnicodeCategory.OtherSymbol;

    private static bool IsSymbol(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.OtherSymbol or UnicodeCategory.MathSymbol;

    private static bool InRanges((int First, int Last)[] ranges, int value)
    {
        foreach (var (first, last) in ranges)
        {
            if (value >= first && value <= last)
            {
                return true;
            }
        }

        return false;
    }
}
