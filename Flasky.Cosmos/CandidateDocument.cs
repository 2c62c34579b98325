using System.Text.Json;
using Flasky.Core.Names;
using Flasky.Core.Storage;

namespace Flasky.Cosmos;

/// <summary>
/// The seed's item layout, <c>{"id": …, "CandidateName": …, …attributes}</c>, read and written with System.Text.Json
/// straight to and from the SDK's streams (the SDK's own serializer is Newtonsoft-based and never involved).
/// </summary>
internal static class CandidateDocument
{
    public const string IdProperty = "id";

    public static MemoryStream Write(string id, Candidate candidate)
    {
        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString(IdProperty, id);
            writer.WriteString(Candidate.NameProperty, candidate.Name.Value);
            foreach (var (key, value) in candidate.Attributes)
            {
                if (key == Candidate.NameProperty || Candidate.IsReservedAttributeName(key))
                {
                    continue;
                }

                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        stream.Position = 0;
        return stream;
    }

    /// <summary>
    /// The candidate an item holds: its attributes are every member except <c>id</c>, <c>CandidateName</c> and the
    /// <c>_</c>-prefixed system properties. Null when the item has no valid name (not written by this API or the seed).
    /// </summary>
    public static Candidate? Read(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty(Candidate.NameProperty, out var nameElement)
            || nameElement.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var parsed = CandidateName.FromDecoded(nameElement.GetString()!);
        if (!parsed.IsValid)
        {
            return null;
        }

        var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in item.EnumerateObject())
        {
            if (property.Name == Candidate.NameProperty || Candidate.IsReservedAttributeName(property.Name))
            {
                continue;
            }

            // Cosmos DB (and the seed) write numbers their own way (1E+20 comes back as 100000000000000000000):
            // read each back as the API's canonical double text, so every store returns the same text.
            attributes[property.Name] = CandidateNumbers.Canonicalize(property.Value).Clone();
        }

        return new Candidate(parsed.Name!, attributes);
    }
}
