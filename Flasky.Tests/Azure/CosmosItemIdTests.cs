using Flasky.Core.Names;
using Flasky.Cosmos;

namespace Flasky.Tests.Azure;

public sealed class CosmosItemIdTests
{
    private static CandidateName Name(string value) => CandidateName.FromDecoded(value).Name!;

    [Theory]
    [InlineData("John Smith")]
    [InlineData("José Müller")]
    [InlineData("李雷")]
    [InlineData("🙂 emoji")]
    [InlineData("__x__")]
    [InlineData("O'Brien (jr.), a-b_c!~*@:=&")]
    public void Safe_names_are_their_own_id_as_the_seed_wrote_them(string name) =>
        Assert.Equal(name, CosmosItemId.For(Name(name)));

    [Theory]
    [InlineData("a?b")]
    [InlineData("a#b")]
    [InlineData("a%20b")]
    [InlineData("+plus&amp=")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a$b")]
    [InlineData("a|b")]
    [InlineData("a<b>")]
    [InlineData("~b64.YQ")]
    public void Unsafe_names_are_encoded_and_decode_back(string name)
    {
        var id = CosmosItemId.For(Name(name));

        Assert.StartsWith(CosmosItemId.EncodedPrefix, id, StringComparison.Ordinal);
        Assert.Equal(name, System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(id.AsSpan(CosmosItemId.EncodedPrefix.Length))));
        Assert.Matches("^~b64\\.[A-Za-z0-9_-]+$", id);
    }

    [Fact]
    public void The_longest_name_fits_the_cosmos_id_limit()
    {
        var id = CosmosItemId.For(Name(string.Concat(Enumerable.Repeat("🙂", CandidateName.MaxLength - 1)) + "?"));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(id) <= 1023);
    }
}
