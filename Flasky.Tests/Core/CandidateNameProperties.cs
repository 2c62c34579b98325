using System.Text;
using Flasky.Core.Names;
using FsCheck;
using FsCheck.Xunit;

namespace Flasky.Tests.Core;

public sealed class CandidateNameProperties
{
    [Property(MaxTest = 500)]
    public bool Percent_encoding_a_decoded_name_gives_back_the_same_name(NonNull<string> input)
    {
        var decoded = CandidateName.FromDecoded(input.Get);
        if (!decoded.IsValid)
        {
            return true;
        }

        var encoded = Uri.EscapeDataString(decoded.Name!.Value);
        var reparsed = CandidateName.FromPathSegment(encoded);
        return reparsed.IsValid && reparsed.Name!.Value == decoded.Name.Value;
    }

    [Property(MaxTest = 500)]
    public bool Valid_names_are_nfc_and_obey_every_rule(NonNull<string> input)
    {
        var result = CandidateName.FromDecoded(input.Get);
        if (!result.IsValid)
        {
            return result.Error != NameError.None;
        }

        var value = result.Name!.Value;
        var runes = value.EnumerateRunes().ToList();
        return value.IsNormalized(NormalizationForm.FormC)
            && runes.Count is >= 1 and <= CandidateName.MaxLength
            && !runes.Exists(r => r.Value is <= 0x1F or (>= 0x7F and <= 0x9F) or '/' or '\\')
            && !Rune.IsWhiteSpace(runes[0]) && !Rune.IsWhiteSpace(runes[^1]);
    }

    [Property(MaxTest = 300)]
    public bool Decomposed_and_composed_spellings_parse_to_the_same_name(NonNull<string> input)
    {
        string composed, decomposed;
        try
        {
            composed = input.Get.Normalize(NormalizationForm.FormC);
            decomposed = input.Get.Normalize(NormalizationForm.FormD);
        }
        catch (ArgumentException)
        {
            return true; // lone surrogates have no normal form; they are rejected elsewhere
        }

        var a = CandidateName.FromDecoded(composed);
        var b = CandidateName.FromDecoded(decomposed);
        return a.IsValid == b.IsValid && a.Name?.Value == b.Name?.Value;
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
}
