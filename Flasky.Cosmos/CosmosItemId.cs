using Flasky.Core.Names;
using Flasky.Core.Storage;

namespace Flasky.Cosmos;

/// <summary>
/// Maps a candidate name to the Cosmos item <c>id</c> within its partition (the partition key is always the name).
/// </summary>
/// <remarks>
/// Like the seed, a name is its own id whenever that is safe: Cosmos forbids <c>/ \ ? #</c> and allows 1,023 bytes,
/// and point reads and upserts put the id in a REST URL path, where <c>%</c> escapes, <c>+</c>, dot segments and
/// other punctuation don't survive every gateway (see <see cref="DocumentIdRule"/>). Every other name is stored under
/// <c>~b64.</c> + base64url(UTF-8). The ids this rule gives are exactly those the store wrote before the rule moved
/// to Core, so items already written stay readable by point read.
/// </remarks>
internal static class CosmosItemId
{
    public const string EncodedPrefix = DocumentIdRule.EncodedPrefix;

    public static DocumentIdRule Rule { get; } = new(
        maxBytes: 1023,
        forbiddenCharacters: "/\\?#",
        forbiddenIds: [".", ".."],
        characters: PlainIdCharacters.UrlPathSafe);

    public static string For(CandidateName name) => Rule.IdFor(name);
}
