using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Flasky.Core.Storage;

/// <summary>
/// The one rule for numbers in candidate attributes, on every cloud: a number is an IEEE-754 double. Cosmos DB stores
/// doubles, DynamoDB 38-digit decimals, Firestore int64 or double; only the double is exact on all three, so the API
/// accepts no number that a double can't hold and writes every number the way <see cref="Utf8JsonWriter"/> writes a
/// double, so that the same value reads back as the same text from every store.
/// </summary>
public static class CandidateNumbers
{
    /// <summary>2^53 − 1: the largest integer n such that n and every integer below it are exact doubles.</summary>
    public const long MaxSafeInteger = 9_007_199_254_740_991;

    /// <summary>The sentence of the 400 problem that rejects a number.</summary>
    public const string RuleDescription =
        "Numbers must be finite doubles, and integers written without '.' or an exponent must be within ±9007199254740991.";

    /// <summary>
    /// For a request body: the value with every number canonical, or false when a number breaks the rule (an integer
    /// literal beyond ±(2^53−1), or a value that is not finite as a double, like <c>1e400</c>).
    /// </summary>
    public static bool TryCanonicalize(JsonElement value, out JsonElement canonical) =>
        TryRewrite(value, strict: true, out canonical);

    /// <summary>
    /// For a value read back from a store: every number as the nearest double, written canonically. Lenient, because
    /// another writer (the seed) may have stored integers beyond 2^53; they read back as the nearest double.
    /// </summary>
    public static JsonElement Canonicalize(JsonElement value) =>
        TryRewrite(value, strict: false, out var canonical) ? canonical : value;

    /// <summary>The canonical text of one JSON number's raw text, or null when the rule rejects it.</summary>
    public static string? CanonicalText(string rawNumber, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(rawNumber);
        if (!TryValue(rawNumber, strict, out var number))
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteNumberValue(number);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static bool TryRewrite(JsonElement value, bool strict, out JsonElement canonical)
    {
        if (!ContainsNumber(value))
        {
            canonical = value;
            return true;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (!Write(value, writer, strict))
            {
                canonical = default;
                return false;
            }
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 256 });
        canonical = document.RootElement.Clone();
        return true;
    }

    private static bool ContainsNumber(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => true,
        JsonValueKind.Array => value.EnumerateArray().Any(ContainsNumber),
        JsonValueKind.Object => value.EnumerateObject().Any(p => ContainsNumber(p.Value)),
        _ => false,
    };

    private static bool Write(JsonElement value, Utf8JsonWriter writer, bool strict)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (!TryValue(value.GetRawText(), strict, out var number))
                {
                    return false;
                }

                writer.WriteNumberValue(number);
                return true;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    if (!Write(item, writer, strict))
                    {
                        return false;
                    }
                }

                writer.WriteEndArray();
                return true;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in value.EnumerateObject())
                {
                    writer.WritePropertyName(member.Name);
                    if (!Write(member.Value, writer, strict))
                    {
                        return false;
                    }
                }

                writer.WriteEndObject();
                return true;
            default:
                value.WriteTo(writer);
                return true;
        }
    }

    private static bool TryValue(string raw, bool strict, out double number)
    {
        number = 0;
        if (strict && raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0
            && (!long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                || integer is > MaxSafeInteger or < -MaxSafeInteger))
        {
            return false;
        }

        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out number) || !double.IsFinite(number))
        {
            return false;
        }

        // -0 and 0 are one value; the writer would keep the sign.
        if (number == 0)
        {
            number = 0;
        }

        return true;
    }
}
