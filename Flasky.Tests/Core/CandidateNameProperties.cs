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
    private static readonly string[] Format = ["\u200B", "\u200D", "\u200E", "\u2060", "\uFEFF", "\u00AD"];
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
