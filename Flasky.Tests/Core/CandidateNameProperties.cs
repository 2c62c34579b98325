using System.Text;
using Flasky.Core.Names;
using FsCheck;
using FsCheck.Fluent;

namespace Flasky.Tests.Core;

/// <summary>
/// Properties of the name rules over strings built to hit them: precomposed and decomposed Latin, stray combining
/// marks, Hangul jamo, CJK, emoji (surrogate pairs, ZWJ sequences), C0 and C1 controls, DEL, format characters, every
/// kind of space, slashes and percent signs — not FsCheck's default strings, which are ASCII only. Each property also
/// requires that a share of its inputs is valid, so that it can't pass by rejecting everything.
/// </summary>
public sealed class CandidateNameProperties
{
    private const int Runs = 1000;

    /// <summary>A valid name needs at least this share of a run; the generator gives about half.</summary>
    private const double MinimumValidShare = 0.25;

    private static readonly string[] Precomposed = ["é", "ü", "Å", "ñ", "ç", "ő", "ǅ", "ῷ", "가", "Ä"];
    private static readonly string[] Decomposed = ["e\u0301", "u\u0308", "A\u030A", "n\u0303", "c\u0327", "o\u030B", "\u1100\u1161", "\u212B", "a\u0323\u0302", "a\u0302\u0323", "\u03C9\u0342\u0345"];
    private static readonly string[] CombiningMarks = ["\u0301", "\u0308", "\u0323", "\u0345", "\u20DD"];
    private static readonly string[] Cjk = ["李", "雷", "中", "文", "日本", "한"];
    private static readonly string[] Emoji = ["😀", "🎉", "👍🏽", "👨‍👩‍👧", "🇨🇭", "𝒜"];
    private static readonly string[] Controls = ["\u0000", "\u0009", "\u000A", "\u001F", "\u007F", "\u0080", "\u0085", "\u009F"];
    private static readonly string[] Format = ["\u200B", "\u200C", "\u200D", "\u200E", "\u202E", "\u2060", "\u2066", "\uFEFF", "\uFE0F", "\u00AD", "\U000E0041"];

    /// <summary>Invisible characters that no context allows (everything but ZWNJ, ZWJ and the presentation selectors).</summary>
    private static readonly int[] AlwaysRefused =
    [
        0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180E, 0x180F, 0x200B, 0x200E, 0x200F, 0x202A,
        0x202C, 0x202E, 0x2060, 0x2063, 0x2064, 0x2065, 0x2066, 0x2069, 0x206F, 0x3164, 0xFE00, 0xFE0D, 0xFEFF, 0xFFA0,
        0xFFF0, 0xFFF9, 0xFFFB, 0x1BCA0, 0x1BCA3, 0x1D173, 0x1D17A, 0xE0000, 0xE0001, 0xE0020, 0xE0041, 0xE007F,
        0xE0100, 0xE01EF, 0xE0FFF,
    ];
    private static readonly string[] Spaces = [" ", "\u00A0", "\u2003", "\u3000"];
    private static readonly string[] Punctuation = ["/", "\\", "%", "%2F", "%41", "+", "?", "#", ".", "..", "_", "~", "&", "="];
    private static readonly string[] Ascii = ["a", "Z", "0", "9", "-", "John", "Smith"];
    private static readonly string[] LoneSurrogates = ["\uD800", "\uDFFF"];

    /// <summary>
    /// Mostly pieces that keep a name valid, with spaces only inside and a few pieces that break a rule, so that about
    /// half of the names are valid and every rule is exercised.
    /// </summary>
    private static readonly Gen<string> Names = Gen.Zip(
        Gen.Choose(1, 12).SelectMany(count => Gen.Frequency(
            (12, Piece(Ascii)),
            (8, Piece(Precomposed)),
            (10, Piece(Decomposed)),
            (2, Piece(CombiningMarks)),
            (6, Piece(Cjk)),
            (5, Piece(Emoji)),
            (3, Piece(Format)),
            (3, Piece(Punctuation)),
            (1, Piece(Controls)),
            (4, Piece(Spaces)),
            (1, Piece(LoneSurrogates))).ListOf(count)),
        Gen.Choose(0, 19),
        (pieces, roll) => roll switch
        {
            0 => new string('é', 127 + (pieces.Count % 3)) + string.Concat(pieces), // around the 128-character limit
            1 => " " + string.Concat(pieces),
            _ => string.Concat(pieces),
        });

    private static Gen<string> Piece(string[] pieces) => Gen.Elements(pieces);

    [Fact]
    public void Percent_encoding_any_name_parses_the_same_as_the_decoded_name()
    {
        var valid = 0;
        var nonAscii = 0;
        Check(Names, input =>
        {
            if (!IsWellFormedUtf16(input))
            {
                // No UTF-8 exists for a lone surrogate: it can't travel in a URL, and is rejected before decoding.
                return CandidateName.FromDecoded(input).Error == NameError.BadEncoding;
            }

            var decoded = CandidateName.FromDecoded(input);
            var fromPath = CandidateName.FromPathSegment(PercentEncode(input));
            Count(decoded.IsValid, ref valid);
            Count(input.Any(c => c > 0x7F), ref nonAscii);
            return decoded.IsValid == fromPath.IsValid && decoded.Error == fromPath.Error && decoded.Name?.Value == fromPath.Name?.Value;
        });

        AssertShare(valid, "valid names");
        AssertShare(nonAscii, "names with non-ASCII characters");
    }

    [Fact]
    public void Valid_names_are_nfc_and_obey_every_rule_and_invalid_ones_say_which()
    {
        var valid = 0;
        var rejected = new int[Enum.GetValues<NameError>().Length];
        Check(Names, input =>
        {
            var result = CandidateName.FromDecoded(input);
            if (!result.IsValid)
            {
                Interlocked.Increment(ref rejected[(int)result.Error]);
                return result.Error == ExpectedError(input);
            }

            Count(true, ref valid);
            var value = result.Name!.Value;
            var runes = value.EnumerateRunes().ToList();
            return ExpectedError(input) == NameError.None
                && value == input.Normalize(NormalizationForm.FormC)
                && runes.Count is >= 1 and <= CandidateName.MaxLength
                && !runes.Exists(r => r.Value is <= 0x1F or (>= 0x7F and <= 0x9F) or '/' or '\\')
                && !Rune.IsWhiteSpace(runes[0]) && !Rune.IsWhiteSpace(runes[^1]);
        });

        AssertShare(valid, "valid names");
        foreach (var error in new[] { NameError.BadEncoding, NameError.TooLong, NameError.ControlCharacter, NameError.Slash, NameError.EdgeWhitespace })
        {
            Assert.True(rejected[(int)error] > 0, $"no generated name was rejected for {error}: the generator misses that rule");
        }
    }

    [Fact]
    public void A_name_is_refused_for_writing_only_for_its_invisible_characters()
    {
        var refused = 0;
        var keptJoiner = 0;
        Check(Names.Where(n => CandidateName.FromDecoded(n).IsValid), input =>
        {
            var name = CandidateName.FromDecoded(input).Name!.Value;
            var invisible = name.EnumerateRunes().Where(InvisibleCharacters.IsInvisible).ToList();
            var stripped = string.Concat(name.EnumerateRunes().Where(r => !InvisibleCharacters.IsInvisible(r)));
            if (CandidateName.FromDecoded(name).Name!.RefusalForWriting() is not null)
            {
                Count(true, ref refused);

                // Refused for an invisible character, and only for those: without them the name may be written.
                var strippedName = CandidateName.FromDecoded(stripped);
                return invisible.Count > 0 && (!strippedName.IsValid || strippedName.Name!.RefusalForWriting() is null);
            }

            // A writable name keeps only joiners and presentation selectors, where they show.
            Count(invisible.Count > 0, ref keptJoiner);
            return invisible.TrueForAll(r => r.Value is 0x200C or 0x200D or 0xFE0E or 0xFE0F);
        });

        Assert.True(refused >= Runs / 10, $"only {refused} of {Runs} valid names were refused: the generator misses the rule");
        Assert.True(keptJoiner > 0, "no writable name kept a joiner: the generator misses the emoji sequences");
    }

    [Fact]
    public void An_invisible_character_inside_a_writable_name_makes_it_unwritable_but_still_readable()
    {
        var writable = Names
            .Select(n => CandidateName.FromDecoded(n).Name)
            .Where(n => n is not null && n.RefusalForWriting() is null && n.Value.EnumerateRunes().Count() is >= 2 and < CandidateName.MaxLength)
            .Select(n => n!.Value);
        var inserted = Gen.Zip(writable, Gen.Zip(Gen.Elements(AlwaysRefused), Gen.Choose(1, 1000)), (name, insertion) =>
        {
            var (codePoint, at) = insertion;
            var runes = name.EnumerateRunes().Select(r => r.ToString()).ToList();
            runes.Insert(1 + (at % (runes.Count - 1)), char.ConvertFromUtf32(codePoint));
            return string.Concat(runes);
        });

        Check(inserted, input =>
        {
            var parsed = CandidateName.FromDecoded(input);
            return parsed.IsValid && parsed.Name!.RefusalForWriting() is not null;
        });
    }

    [Fact]
    public void Decomposed_and_composed_spellings_parse_to_the_same_nfc_name()
    {
        var valid = 0;
        var differing = 0;
        Check(Names.Where(IsWellFormedUtf16), input =>
        {
            var composed = input.Normalize(NormalizationForm.FormC);
            var decomposed = input.Normalize(NormalizationForm.FormD);
            var a = CandidateName.FromDecoded(composed);
            var b = CandidateName.FromDecoded(decomposed);
            var c = CandidateName.FromDecoded(input);
            Count(a.IsValid, ref valid);
            Count(a.IsValid && composed != decomposed, ref differing);
            return a.IsValid == b.IsValid && a.IsValid == c.IsValid
                && a.Name?.Value == b.Name?.Value && a.Name?.Value == c.Name?.Value
                && (a.Name is null || a.Name.Value == composed);
        });

        AssertShare(valid, "valid names");
        AssertShare(differing, "valid names whose composed and decomposed spellings differ");
    }

    [Fact]
    public void Length_is_counted_in_unicode_characters_not_utf16_units()
    {
        Assert.True(CandidateName.FromDecoded(string.Concat(Enumerable.Repeat("😀", 128))).IsValid);
        Assert.Equal(NameError.TooLong, CandidateName.FromDecoded(string.Concat(Enumerable.Repeat("😀", 129))).Error);
        Assert.True(CandidateName.FromDecoded(new string('a', 128)).IsValid);
        Assert.Equal(NameError.TooLong, CandidateName.FromDecoded(new string('a', 129)).Error);
    }

    [Fact]
    public void Lone_surrogates_are_rejected()
    {
        // Not theory data: the test runner's serialisation would replace the lone surrogates.
        Assert.Equal(NameError.BadEncoding, CandidateName.FromDecoded("a\ud800b").Error);
        Assert.Equal(NameError.BadEncoding, CandidateName.FromDecoded("\udc00").Error);
        Assert.Equal(NameError.BadEncoding, CandidateName.FromPathSegment("%ED%A0%80").Error);
    }

    [Theory]
    [InlineData("\u00a0x", NameError.EdgeWhitespace)]
    [InlineData("x\u3000", NameError.EdgeWhitespace)]
    [InlineData("", NameError.Empty)]
    [InlineData("a\u0085b", NameError.ControlCharacter)]
    [InlineData("a\\b", NameError.Slash)]
    public void Each_rule_names_its_error(string value, NameError error) =>
        Assert.Equal(error, CandidateName.FromDecoded(value).Error);

    /// <summary>The rules of api-contract.md, "Names", written out independently of the product's code, in its order.</summary>
    private static NameError ExpectedError(string input)
    {
        if (!IsWellFormedUtf16(input))
        {
            return NameError.BadEncoding;
        }

        var runes = input.Normalize(NormalizationForm.FormC).EnumerateRunes().ToList();
        foreach (var rune in runes)
        {
            if (rune.Value is <= 0x1F or (>= 0x7F and <= 0x9F))
            {
                return NameError.ControlCharacter;
            }

            if (rune.Value is '/' or '\\')
            {
                return NameError.Slash;
            }
        }

        return runes.Count switch
        {
            0 => NameError.Empty,
            > CandidateName.MaxLength => NameError.TooLong,
            _ when Rune.IsWhiteSpace(runes[0]) || Rune.IsWhiteSpace(runes[^1]) => NameError.EdgeWhitespace,
            _ => NameError.None,
        };
    }

    private static void Check(Gen<string> names, Func<string, bool> property) =>
        global::FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(Runs), Prop.ForAll(Arb.From(names), property));

    private static void Count(bool condition, ref int counter)
    {
        if (condition)
        {
            Interlocked.Increment(ref counter);
        }
    }

    private static void AssertShare(int count, string what) =>
        Assert.True(count >= Runs * MinimumValidShare, $"only {count} of {Runs} inputs were {what} (at least {MinimumValidShare:P0} needed)");

    /// <summary>Every UTF-8 byte outside the unreserved set as %XX, as a client encodes a path segment.</summary>
    private static string PercentEncode(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static bool IsWellFormedUtf16(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
