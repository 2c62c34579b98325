using System.Text.Json;
using Flasky.Core.Names;

namespace Flasky.Core.Storage;

/// <summary>A candidate and its attributes. Attribute names never include <c>CandidateName</c>, <c>id</c> or <c>_…</c>.</summary>
public sealed record Candidate(CandidateName Name, IReadOnlyDictionary<string, JsonElement> Attributes)
{
    /// <summary>The JSON member that carries the name, in the API and in every store.</summary>
    public const string NameProperty = "CandidateName";

    public static Candidate WithoutAttributes(CandidateName name) =>
        new(name, new Dictionary<string, JsonElement>(StringComparer.Ordinal));

    /// <summary>True for member names the API reserves: <c>id</c> and anything starting with <c>_</c>.</summary>
    public static bool IsReservedAttributeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name == "id" || name.StartsWith('_');
    }

    /// <summary>Writes the API's representation: <c>{"CandidateName": …, …attributes}</c>.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString(NameProperty, Name.Value);
        foreach (var (key, value) in Attributes)
        {
            writer.WritePropertyName(key);
            value.WriteTo(writer);
        }

        writer.WriteEndObject();
    }
}
