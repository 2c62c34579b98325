using Flasky.Core.Storage;

namespace Flasky.Firestore;

/// <summary>
/// Firestore's document-id rule: the name itself, as the seed stored it, unless Firestore forbids it as an id
/// (<c>/</c>, <c>.</c>, <c>..</c>, <c>__…__</c>, more than 1,500 bytes); then the shared encoded form.
/// </summary>
/// <remarks>
/// Every character may stay plain: the store percent-encodes each path segment itself and sends the URL without
/// .NET's path canonicalisation (which would otherwise decode <c>%2E%2E</c> and drop it as a dot segment), and
/// Firestore decodes those escapes exactly (checked against the emulator by the store tests).
/// See https://firebase.google.com/docs/firestore/quotas#collections_documents_and_fields for the id constraints.
/// </remarks>
internal static class FirestoreDocumentId
{
    public static DocumentIdRule Rule { get; } = new(
        maxBytes: 1500,
        forbiddenCharacters: "/",
        forbiddenIds: [".", ".."],
        isReserved: IsReserved,
        characters: PlainIdCharacters.Any);

    /// <summary>Firestore reserves document ids and field names matching <c>__.*__</c>.</summary>
    public static bool IsReserved(string id) =>
        id.Length >= 4 && id.StartsWith("__", StringComparison.Ordinal) && id.EndsWith("__", StringComparison.Ordinal);
}
