using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Flasky.Core.Names;
using Flasky.Core.Storage;

namespace Flasky.DynamoDb;

/// <summary>
/// The seed's item layout: the hash key <c>CandidateName</c> (S) and every attribute as a native DynamoDB value, so
/// the seed's Python Lambdas (boto3's resource API) read our items and we read theirs.
/// </summary>
/// <remarks>
/// <para>JSON → DynamoDB: string → S (empty allowed outside keys), number → N, true/false → BOOL, null → NULL,
/// array → L, object → M. Sets are never written (JSON has none, and DynamoDB forbids empty ones); sets the seed wrote
/// read back as arrays (SS, NS; BS as base64 strings).</para>
/// <para>Numbers follow the API's rule: a number is a double, N holds the text <see cref="Utf8JsonWriter"/> writes
/// for it, and reading parses N as a double and writes it the same way, so the text survives DynamoDB's own
/// normalisation (it keeps <c>1E+20</c> as <c>100000000000000000000</c>). N spans only 1E-130 to 1E+126 in
/// magnitude; a double outside it (<c>1E+300</c>, <c>5E-324</c>) is stored as B holding <see cref="NumberMarker"/>
/// and its text, which no JSON value ever maps to, so it reads back as the same number.</para>
/// <para>DynamoDB attribute and map-key names must be non-empty: <c>""</c> is stored as <c>~</c>, and a name that
/// starts with <c>~</c> gets one more in front (<c>~a</c> → <c>~~a</c>), which keeps the mapping one-to-one.</para>
/// </remarks>
internal static class CandidateItem
{
    public const string KeyAttribute = Candidate.NameProperty;

    /// <summary>The most UTF-8 bytes DynamoDB allows in a partition key value.</summary>
    public const int MaxKeyBytes = 2048;

    private const char NameEscape = '~';

    private static readonly byte[] NumberMarker = "flasky-number:"u8.ToArray();

    public static Dictionary<string, AttributeValue> Key(string storedName) =>
        new(StringComparer.Ordinal) { [KeyAttribute] = new AttributeValue { S = storedName } };

    public static Dictionary<string, AttributeValue> ToItem(Candidate candidate)
    {
        var item = Key(candidate.Name.Value);
        foreach (var (name, value) in candidate.Attributes)
        {
            if (name == KeyAttribute || Candidate.IsReservedAttributeName(name))
            {
                continue;
            }

            item[EncodeName(name)] = ToAttributeValue(value);
        }

        return item;
    }

    /// <summary>The stored name (the hash key as written, possibly not NFC if the seed wrote it), or null.</summary>
    public static string? StoredName(Dictionary<string, AttributeValue> item) =>
        item.TryGetValue(KeyAttribute, out var key) ? key.S : null;

    /// <summary>
    /// The candidate an item holds, under the NFC form of its stored name; null when the stored name is not a valid
    /// candidate name (written by something other than this API or the seed).
    /// </summary>
    public static Candidate? FromItem(Dictionary<string, AttributeValue> item)
    {
        if (StoredName(item) is not { } storedName || CandidateName.FromDecoded(storedName) is not { IsValid: true } parsed)
        {
            return null;
        }

        // One JSON object written from the item, then parsed once: every value becomes a JsonElement exactly as the
        // API would write it (numbers included), without a JsonNode detour per value.
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (storedAttribute, value) in item)
            {
                var name = DecodeName(storedAttribute);
                if (storedAttribute == KeyAttribute || Candidate.IsReservedAttributeName(name))
                {
                    continue;
                }

                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            attributes[property.Name] = property.Value.Clone();
        }

        return new Candidate(parsed.Name!, attributes);
    }

    public static string EncodeName(string name) =>
        name.Length == 0 ? NameEscape.ToString() : name[0] == NameEscape ? NameEscape + name : name;

    public static string DecodeName(string stored) =>
        stored.Length > 0 && stored[0] == NameEscape ? stored[1..] : stored;

    private static AttributeValue ToAttributeValue(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return new AttributeValue { S = value.GetString() };
            case JsonValueKind.Number:
                return NumberValue(value);
            case JsonValueKind.True:
                return new AttributeValue { BOOL = true };
            case JsonValueKind.False:
                return new AttributeValue { BOOL = false };
            case JsonValueKind.Null:
                return new AttributeValue { NULL = true };
            case JsonValueKind.Array:
                // An explicit list, even when empty: the SDK sends an L only when it was set.
                return new AttributeValue { L = value.EnumerateArray().Select(ToAttributeValue).ToList() };
            case JsonValueKind.Object:
                var map = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
                foreach (var property in value.EnumerateObject())
                {
                    map[EncodeName(property.Name)] = ToAttributeValue(property.Value);
                }

                return new AttributeValue { M = map };
            default:
                throw new ArgumentException($"A candidate attribute cannot be {value.ValueKind}.", nameof(value));
        }
    }

    private static AttributeValue NumberValue(JsonElement value)
    {
        if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            throw new ArgumentException("A candidate number must be a finite double.", nameof(value));
        }

        var text = CanonicalText(number);
        var magnitude = Math.Abs(number);

        // Inside DynamoDB's N range with margin at both ends (its limits are decimal, a double's neighbours are not).
        if (magnitude == 0 || (magnitude > 1e-129 && magnitude < 1e125))
        {
            return new AttributeValue { N = text };
        }

        var bytes = new byte[NumberMarker.Length + Encoding.ASCII.GetByteCount(text)];
        NumberMarker.CopyTo(bytes, 0);
        Encoding.ASCII.GetBytes(text, bytes.AsSpan(NumberMarker.Length));
        return new AttributeValue { B = new MemoryStream(bytes, writable: false) };
    }

    /// <summary>The text <see cref="Utf8JsonWriter.WriteNumberValue(double)"/> writes, with -0 written as 0.</summary>
    private static string CanonicalText(double number)
    {
        var buffer = new ArrayBufferWriter<byte>(32);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteNumberValue(number == 0 ? 0d : number);
        }

        return Encoding.ASCII.GetString(buffer.WrittenSpan);
    }

    private static void WriteNumber(Utf8JsonWriter writer, string text)
    {
        var number = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        writer.WriteNumberValue(number == 0 ? 0d : number);
    }

    private static void WriteValue(Utf8JsonWriter writer, AttributeValue value)
    {
        if (value.S is not null)
        {
            writer.WriteStringValue(value.S);
        }
        else if (value.N is not null)
        {
            WriteNumber(writer, value.N);
        }
        else if (value.BOOL is { } flag)
        {
            writer.WriteBooleanValue(flag);
        }
        else if (value.NULL == true)
        {
            writer.WriteNullValue();
        }
        else if (value.M is not null)
        {
            writer.WriteStartObject();
            foreach (var (name, member) in value.M)
            {
                writer.WritePropertyName(DecodeName(name));
                WriteValue(writer, member);
            }

            writer.WriteEndObject();
        }
        else if (value.L is not null)
        {
            writer.WriteStartArray();
            foreach (var element in value.L)
            {
                WriteValue(writer, element);
            }

            writer.WriteEndArray();
        }
        else if (value.B is not null)
        {
            WriteBinary(writer, value.B.ToArray());
        }
        else if (value.SS is not null)
        {
            writer.WriteStartArray();
            value.SS.ForEach(writer.WriteStringValue);
            writer.WriteEndArray();
        }
        else if (value.NS is not null)
        {
            writer.WriteStartArray();
            value.NS.ForEach(n => WriteNumber(writer, n));
            writer.WriteEndArray();
        }
        else if (value.BS is not null)
        {
            writer.WriteStartArray();
            value.BS.ForEach(b => writer.WriteBase64StringValue(b.ToArray()));
            writer.WriteEndArray();
        }
        else
        {
            // An empty list or map whose emptiness the SDK reports as "not set" can't be told apart; L is what we write.
            writer.WriteStartArray();
            writer.WriteEndArray();
        }
    }

    private static void WriteBinary(Utf8JsonWriter writer, byte[] bytes)
    {
        if (bytes.AsSpan().StartsWith(NumberMarker)
            && double.TryParse(Encoding.ASCII.GetString(bytes, NumberMarker.Length, bytes.Length - NumberMarker.Length),
                NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            // Binary the seed stored: base64, as boto3 and DynamoDB JSON show it.
            writer.WriteBase64StringValue(bytes);
        }
    }
}
