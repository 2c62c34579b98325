using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Flasky.Firestore;

/// <summary>
/// JSON attribute values ⇄ Firestore's typed <c>Value</c>s in their REST (proto3 JSON) form, so that every JSON value
/// reads back as the same JSON text.
/// </summary>
/// <remarks>
/// <para>
/// Numbers follow the API's rule (an IEEE-754 double, written back as <c>Utf8JsonWriter.WriteNumberValue(double)</c>
/// writes it): integral values within ±(2^53−1) become <c>integerValue</c> (a decimal string in REST), which is what
/// Firestore's own clients write for integers and what queries compare as integers; every other number becomes
/// <c>doubleValue</c>. Reading turns either back into that double, so <c>-0</c> reads as <c>0</c>.
/// </para>
/// <para>
/// Firestore refuses three things JSON has, so they are escaped, injectively: an array directly inside an array is
/// stored as a map holding it under <see cref="NestedArrayKey"/>; and a member name that is empty, matches
/// <c>__.*__</c> (reserved) or starts with <c>~</c> is stored with one more <c>~</c> in front. Member names never start
/// with <c>~</c> unescaped, so <see cref="NestedArrayKey"/> can't collide with one. (A document written by other code
/// with a member name starting with <c>~</c> reads back without its first <c>~</c>: a known, documented limit.)
/// </para>
/// </remarks>
internal static class FirestoreValues
{
    /// <summary>The one member of a map that stands for an array nested directly in an array.</summary>
    public const string NestedArrayKey = "~array";

    private const char EscapeChar = '~';

    /// <summary>The largest integer that a double holds exactly, and every integer below it: 2^53 − 1.</summary>
    private const double MaxSafeInteger = 9007199254740991;

    /// <summary>Writes a Firestore <c>fields</c> map (the members of a document or of a <c>mapValue</c>).</summary>
    public static void WriteFields(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, JsonElement>> members)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in members)
        {
            writer.WritePropertyName(EscapeKey(key));
            WriteValue(writer, value, insideArray: false);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Reads a Firestore <c>fields</c> map back into JSON members, skipping the names <paramref name="skip"/> accepts
    /// (after unescaping). A missing map (an empty document) reads as no members.
    /// </summary>
    public static Dictionary<string, JsonElement> ReadFields(JsonElement? fields, Func<string, bool> skip)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (fields is { ValueKind: JsonValueKind.Object } map)
            {
                foreach (var field in map.EnumerateObject())
                {
                    var name = UnescapeKey(field.Name);
                    if (!skip(name))
                    {
                        writer.WritePropertyName(name);
                        WriteJson(writer, field.Value);
                    }
                }
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            result[property.Name] = property.Value.Clone();
        }

        return result;
    }

    public static string EscapeKey(string key) =>
        key.Length == 0 || key[0] == EscapeChar || FirestoreDocumentId.IsReserved(key) ? EscapeChar + key : key;

    public static string UnescapeKey(string key) => key.Length > 0 && key[0] == EscapeChar ? key[1..] : key;

    private static void WriteValue(Utf8JsonWriter writer, JsonElement value, bool insideArray)
    {
        writer.WriteStartObject();
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                writer.WriteString("stringValue", value.GetString());
                break;
            case JsonValueKind.Number:
                WriteNumber(writer, value);
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                writer.WriteBoolean("booleanValue", value.GetBoolean());
                break;
            case JsonValueKind.Null:
                writer.WriteNull("nullValue");
                break;
            case JsonValueKind.Array when insideArray:
                writer.WritePropertyName("mapValue");
                writer.WriteStartObject();
                writer.WritePropertyName("fields");
                writer.WriteStartObject();
                writer.WritePropertyName(NestedArrayKey);
                WriteValue(writer, value, insideArray: false);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WritePropertyName("arrayValue");
                writer.WriteStartObject();
                writer.WritePropertyName("values");
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteValue(writer, item, insideArray: true);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            case JsonValueKind.Object:
                writer.WritePropertyName("mapValue");
                writer.WriteStartObject();
                writer.WritePropertyName("fields");
                WriteFields(writer, value.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value)));
                writer.WriteEndObject();
                break;
            default:
                throw new ArgumentException($"A JSON value of kind {value.ValueKind} can't be stored.", nameof(value));
        }

        writer.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter writer, JsonElement value)
    {
        if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            throw new ArgumentException("A number that is not finite as a double can't be stored.", nameof(value));
        }

        if (Math.Abs(number) <= MaxSafeInteger && number == Math.Floor(number))
        {
            writer.WriteString("integerValue", ((long)number).ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNumber("doubleValue", number);
        }
    }

    /// <summary>Writes the JSON value a Firestore <c>Value</c> holds.</summary>
    private static void WriteJson(Utf8JsonWriter writer, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A Firestore value is not an object.");
        }

        foreach (var typed in value.EnumerateObject())
        {
            var content = typed.Value;
            switch (typed.Name)
            {
                case "stringValue":
                    writer.WriteStringValue(content.GetString());
                    return;
                case "integerValue":
                    var integer = content.ValueKind == JsonValueKind.String
                        ? long.Parse(content.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
                        : content.GetInt64();
                    WriteDouble(writer, integer);
                    return;
                case "doubleValue" when content.ValueKind == JsonValueKind.Number:
                    WriteDouble(writer, content.GetDouble());
                    return;
                case "doubleValue":
                    // NaN and ±Infinity, which proto3 JSON writes as strings and JSON can't hold as numbers. Only
                    // other writers can store them (the API never does); they read back as those strings.
                    writer.WriteStringValue(content.GetString());
                    return;
                case "booleanValue":
                    writer.WriteBooleanValue(content.GetBoolean());
                    return;
                case "nullValue":
                    writer.WriteNullValue();
                    return;
                case "arrayValue":
                    writer.WriteStartArray();
                    if (content.TryGetProperty("values", out var items))
                    {
                        foreach (var item in items.EnumerateArray())
                        {
                            WriteJson(writer, item);
                        }
                    }

                    writer.WriteEndArray();
                    return;
                case "mapValue":
                    content.TryGetProperty("fields", out var fields);
                    if (IsNestedArray(fields, out var nested))
                    {
                        WriteJson(writer, nested);
                        return;
                    }

                    writer.WriteStartObject();
                    if (fields.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var field in fields.EnumerateObject())
                        {
                            writer.WritePropertyName(UnescapeKey(field.Name));
                            WriteJson(writer, field.Value);
                        }
                    }

                    writer.WriteEndObject();
                    return;
                case "timestampValue" or "bytesValue" or "referenceValue":
                    // Types only other writers produce: their REST form is already a JSON string.
                    writer.WriteStringValue(content.GetString());
                    return;
                case "geoPointValue":
                    content.WriteTo(writer);
                    return;
            }
        }

        // A type this code does not know (Firestore added one): keep its REST form rather than lose the member.
        value.WriteTo(writer);
    }

    private static bool IsNestedArray(JsonElement fields, out JsonElement array)
    {
        array = default;
        if (fields.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var count = 0;
        foreach (var field in fields.EnumerateObject())
        {
            if (++count > 1 || field.Name != NestedArrayKey)
            {
                return false;
            }

            array = field.Value;
        }

        return count == 1 && array.ValueKind == JsonValueKind.Object && array.TryGetProperty("arrayValue", out _);
    }

    // -0 reads as 0 (the API's rule); everything else exactly as Utf8JsonWriter writes the double.
    private static void WriteDouble(Utf8JsonWriter writer, double number) => writer.WriteNumberValue(number == 0 ? 0d : number);
}
