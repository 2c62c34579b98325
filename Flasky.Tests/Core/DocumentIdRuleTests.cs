using System.Text;
using Flasky.Core.Names;
using Flasky.Core.Storage;

namespace Flasky.Tests.Core;

public sealed class DocumentIdRuleTests
{
    private static readonly DocumentIdRule AnyCharacter = new(maxBytes: 2048);

    private static CandidateName Name(string value) => CandidateName.FromDecoded(value).Name!;

    [Theory]
    [InlineData("a?b")]
    [InlineData("a.b")]
    public void Forbidden_characters_are_encoded_and_others_stay_plain(string name)
    {
        var rule = new DocumentIdRule(maxBytes: 1500, forbiddenCharacters: "?");

        var id = rule.IdFor(Name(name));

        Assert.Equal(name.Contains('?', StringComparison.Ordinal), id.StartsWith(DocumentIdRule.EncodedPrefix, StringComparison.Ordinal));
        Assert.Equal(name, id.StartsWith(DocumentIdRule.EncodedPrefix, StringComparison.Ordinal) ? DocumentIdRule.TryDecode(id) : id);
    }

    [Theory]
    [InlineData(".", true)]
    [InlineData("..", true)]
    [InlineData("__x__", true)]
    [InlineData("__x_", false)]
    [InlineData("...", false)]
    public void Forbidden_and_reserved_ids_are_encoded(string name, bool encoded)
    {
        var rule = new DocumentIdRule(
            maxBytes: 1500,
            forbiddenIds: [".", ".."],
            isReserved: id => id.Length >= 4 && id.StartsWith("__", StringComparison.Ordinal) && id.EndsWith("__", StringComparison.Ordinal));

        Assert.Equal(encoded, !rule.IsPlainId(name));
        Assert.Equal(name, DocumentIdRule.TryDecode(rule.IdFor(Name(name))) ?? rule.IdFor(Name(name)));
    }

    [Fact]
    public void A_name_that_looks_encoded_is_encoded_so_ids_never_collide()
    {
        var looksEncoded = Name(DocumentIdRule.Encode("a"));
        var id = AnyCharacter.IdFor(looksEncoded);

        Assert.NotEqual(looksEncoded.Value, id);
        Assert.Equal(looksEncoded.Value, DocumentIdRule.TryDecode(id));
    }

    [Fact]
    public void A_rule_whose_limit_cannot_hold_the_longest_encoded_name_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DocumentIdRule(maxBytes: DocumentIdRule.MaxEncodedBytes - 1));
        var longest = Name(string.Concat(Enumerable.Repeat("🙂", CandidateName.MaxLength)));
        var id = new DocumentIdRule(DocumentIdRule.MaxEncodedBytes, isReserved: _ => true).IdFor(longest);
        Assert.Equal(DocumentIdRule.MaxEncodedBytes, Encoding.UTF8.GetByteCount(id));
    }

    [Fact]
    public void Without_url_path_safety_any_valid_name_stays_plain()
    {
        foreach (var name in (string[])["a%20b", "x+y", "a?b", "a#b", "a$b|c<d>", "."])
        {
            Assert.Equal(name, AnyCharacter.IdFor(Name(name)));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("~b64.")]
    [InlineData("~b64.!!")]
    [InlineData("~b64.gA")]
    public void Anything_but_a_valid_encoding_does_not_decode(string id) => Assert.Null(DocumentIdRule.TryDecode(id));
}
