using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Flasky.Core.Http;

/// <summary>
/// The POST body rules: only <c>application/json</c> is read; it must be an object of at most 16 KiB and depth 8, and
/// its numbers obey <see cref="Storage.CandidateNumbers"/> (they are canonicalised before any store sees them).
/// </summary>
internal static class CandidateBody
{
    public const int MaxBytes = 16 * 1024;
    public const int MaxDepth = 8;

    public static bool IsJson(string? contentType) =>
        contentType is not null
        && MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the attributes, or returns the error response that rejects the body.</summary>
    public static async Task<(Dictionary<string, JsonElement>? Attributes, ApiResponse? Error)> ReadAsync(
        Stream body, CancellationToken cancellationToken)
    {
        // Rented, not allocated: a fresh 16 KiB buffer per POST was most of the route's allocation. The parsed document
        // refers to it, so it goes back to the pool (the bytes read cleared first: they are a client's body) only once
        // parsing is done and the attributes are cloned out of it.
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBytes + 1);
        var length = 0;
        try
        {
            int read;
            try
            {
                while (length <= MaxBytes
                    && (read = await body.ReadAsync(buffer.AsMemory(length, MaxBytes + 1 - length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                }
            }
            catch (RequestBodyTooLargeException)
            {
                return (null, TooLarge());
            }

            return length > MaxBytes ? (null, TooLarge()) : Parse(buffer.AsMemory(0, length));
        }
        finally
        {
            buffer.AsSpan(0, length).Clear();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ApiResponse TooLarge() => Problem.Create(413, $"A JSON body must be at most {MaxBytes} bytes.");

    private static (Dictionary<string, JsonElement>? Attributes, ApiResponse? Error) Parse(ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException)
        {
            return (null, Problem.Create(400, $"The body is not valid JSON (or is nested deeper than {MaxDepth} levels)."));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, Problem.Create(400, "The body must be a JSON object."));
            }

            if (!HasOnlyUnicodeStrings(document.RootElement))
            {
                return (null, Problem.Create(400, "The body has a string that is not valid Unicode (an unpaired surrogate escape)."));
            }

            var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (Storage.Candidate.IsReservedAttributeName(member.Name))
                {
                    return (null, Problem.Create(400, "Member names 'id' and names starting with '_' are reserved."));
                }

                if (member.Name == Storage.Candidate.NameProperty)
                {
                    continue;
                }

                if (!Storage.CandidateNumbers.TryCanonicalize(member.Value, out var canonical))
                {
                    return (null, Problem.Create(400, Storage.CandidateNumbers.RuleDescription));
                }

                // Clone: the document's buffer is returned when it is disposed.
                attributes[member.Name] = canonical.Clone();
            }

            return (attributes, null);
        }
    }

    /// <summary>
    /// False when a member name or string value is an escape like <c>"\uD800"</c>: valid JSON text, but no string that
    /// can be written back, so accepting it would store a candidate that fails every later read and listing.
    /// </summary>
    private static bool HasOnlyUnicodeStrings(JsonElement element)
    {
        try
        {
            Visit(element);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        static void Visit(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var member in element.EnumerateObject())
                    {
                        _ = member.Name;
                        Visit(member.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Visit(item);
                    }

                    break;
                case JsonValueKind.String:
                    _ = element.GetString();
                    break;
            }
        }
    }
}
