using System.Text;
using Flasky.Core.Names;
using Flasky.Core.Storage;

namespace Flasky.Tests.Core;

/// <summary>The spoofing rule of api-contract.md, "Names": invisible formatting characters are not written.</summary>
public sealed class SpoofingNameTests
{
    private readonly ApiTestHost _host = new();

    [Theory]
    [InlineData(0x200B)] // zero-width space
    [InlineData(0x200C)] // ZWNJ between Latin letters changes nothing that is shown
    [InlineData(0x200D)] // ZWJ likewise
    [InlineData(0x200E)] // left-to-right mark
    [InlineData(0x200F)] // right-to-left mark
    [InlineData(0x202A)]
    [InlineData(0x202E)] // right-to-left override
    [InlineData(0x2060)] // word joiner
    [InlineData(0x2066)] // left-to-right isolate
    [InlineData(0x2069)] // pop directional isolate
    [InlineData(0x061C)] // Arabic letter mark
    [InlineData(0xFEFF)] // byte order mark / zero-width no-break space
    [InlineData(0x00AD)] // soft hyphen
    [InlineData(0x034F)] // combining grapheme joiner
    [InlineData(0x115F)] // Hangul choseong filler
    [InlineData(0x3164)] // Hangul filler
    [InlineData(0xFFA0)] // halfwidth Hangul filler
    [InlineData(0x180E)] // Mongolian vowel separator
    [InlineData(0xFE00)] // variation selector 1
    [InlineData(0xFE0F)] // emoji presentation after a letter shows nothing
    [InlineData(0xFFF9)] // interlinear annotation anchor
    [InlineData(0x1D173)] // musical symbol begin beam
    [InlineData(0xE0001)] // language tag
    [InlineData(0xE0041)] // tag latin capital letter A: hidden text
    [InlineData(0xE0100)] // variation selector 17
    public void An_invisible_character_between_two_latin_letters_is_refused_for_writing(int codePoint)
    {
        var name = Valid("Ali" + char.ConvertFromUtf32(codePoint) + "ce");

        Assert.Equal(new Rune(codePoint), InvisibleCharacters.FindRefused(name.Value));
        Assert.Contains($"U+{codePoint:X4}", name.RefusalForWriting(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\U0001F468\u200D\U0001F469\u200D\U0001F467")] // family
    [InlineData("\U0001F3F3\uFE0F\u200D\U0001F308")] // rainbow flag: selector before the joiner
    [InlineData("\U0001F469\U0001F3FD\u200D\U0001F4BB")] // skin tone before the joiner
    [InlineData("\u2764\uFE0F\u200D\U0001F525")]
    [InlineData("\u2764\uFE0F")]
    [InlineData("\u2194\uFE0E")] // a math symbol in text presentation
    [InlineData("1\uFE0F\u20E3")] // keycap
    [InlineData("#\uFE0F\u20E3")]
    [InlineData("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645")] // Persian, ZWNJ between joining letters
    [InlineData("\u0628\u064E\u200C\u0628")] // a mark between the letter and the ZWNJ
    [InlineData("\u0915\u094D\u200D\u0937")] // Devanagari virama + ZWJ
    [InlineData("\u0915\u094D\u200C\u0937")] // Devanagari virama + ZWNJ
    [InlineData("\u0D28\u0D4D\u200D")] // Malayalam chillu: virama + ZWJ at the end
    public void Joiners_and_selectors_that_change_what_is_shown_are_kept(string value)
    {
        var name = Valid("name " + value);

        Assert.Null(name.RefusalForWriting());
    }

    [Theory]
    [InlineData("\u200D\U0001F469")] // a joiner with no pictograph before it
    [InlineData("\U0001F468\u200D")] // … or after it
    [InlineData("\U0001F468\u200D\u200D\U0001F469")] // doubled
    [InlineData("a\u200Db")]
    [InlineData("\u0645\u200Ca")] // ZWNJ between an Arabic and a Latin letter
    [InlineData("a\u200C\u0645")]
    [InlineData("\u0645\u200C")] // at the end
    [InlineData("\u0915\u200D\u0937")] // ZWJ without a virama
    [InlineData("a\uFE0F")] // emoji presentation after a letter
    [InlineData("1\uFE0F")] // a digit outside a keycap
    [InlineData("\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F")] // subdivision flag: tags
    public void The_same_characters_out_of_context_are_refused(string value)
    {
        var name = Valid("name " + value);

        Assert.NotNull(name.RefusalForWriting());
    }

    [Fact]
    public async Task A_post_with_a_zero_width_space_is_400_and_writes_nothing()
    {
        var post = await _host.PostJsonAsync("/candidate/Ali%E2%80%8Bce", """{"Role":"spoof"}""");
        var read = await _host.GetAsync("/candidate/Ali%E2%80%8Bce");

        Assert.Equal(400, post.StatusCode);
        Assert.Equal("application/problem+json", post.ContentType);
        Assert.Contains("U+200B", ApiTestHost.Json(post).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(404, read.StatusCode);
        Assert.Equal(404, (await _host.GetAsync("/candidates")).StatusCode);
    }

    [Fact]
    public async Task A_post_with_a_right_to_left_override_is_400_even_in_decomposed_form()
    {
        var post = await _host.PostJsonAsync("/candidate/e%CC%81%E2%80%AEtxt.exe", "{}");

        Assert.Equal(400, post.StatusCode);
        Assert.Equal(404, (await _host.GetAsync("/candidates")).StatusCode);
    }

    [Fact]
    public async Task A_name_stored_before_the_rule_stays_readable_and_listed_but_is_not_changed()
    {
        // Written behind the API's back, as the seed (or this API before the rule) could have.
        var legacy = Valid("Ali\u200Bce");
        await _host.Store.UpsertAsync(Candidate.WithoutAttributes(legacy), CancellationToken.None);

        var get = await _host.GetAsync("/candidate/Ali%E2%80%8Bce");
        var list = await _host.GetAsync("/candidates");
        var post = await _host.PostJsonAsync("/candidate/Ali%E2%80%8Bce", """{"Role":"changed"}""");
        var after = await _host.GetAsync("/candidate/Ali%E2%80%8Bce");

        Assert.Equal(200, get.StatusCode);
        Assert.Equal("Ali\u200Bce", ApiTestHost.Json(get)[0].GetProperty("CandidateName").GetString());
        Assert.Equal(200, list.StatusCode);
        Assert.Equal(get.BodyText(), list.BodyText());
        Assert.Equal(400, post.StatusCode);
        Assert.Equal(get.BodyText(), after.BodyText());
        Assert.Equal(404, (await _host.GetAsync("/candidate/Alice")).StatusCode);
    }

    private static CandidateName Valid(string value)
    {
        var parsed = CandidateName.FromDecoded(value);
        Assert.True(parsed.IsValid, $"\"{value}\" should be a valid name: {parsed.Describe()}");
        return parsed.Name!;
    }
}
