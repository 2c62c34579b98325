using System.Text;

namespace Flasky.Core.Http;

/// <summary>A platform-neutral response: the exact status, headers and body of the contract.</summary>
public sealed record ApiResponse(int StatusCode, string? ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers, ReadOnlyMemory<byte> Body)
{
    public const string Json = "application/json";
    public const string ProblemJson = "application/problem+json";
    public const string PlainText = "text/plain; charset=utf-8";

    private static readonly KeyValuePair<string, string>[] NoHeaders = [];

    /// <summary>
    /// A body too large to hold in memory, written straight to the host's response stream (then <see cref="Body"/> is
    /// empty and the length is unknown). It throws when it fails part-way; the host must then abort the response.
    /// </summary>
    public Func<Stream, CancellationToken, Task>? StreamedBody { get; init; }

    public static ApiResponse Empty(int statusCode) => new(statusCode, null, NoHeaders, ReadOnlyMemory<byte>.Empty);

    public static ApiResponse Text(int statusCode, string text, params KeyValuePair<string, string>[] headers) =>
        new(statusCode, PlainText, headers, Encoding.UTF8.GetBytes(text));

    public static ApiResponse JsonBody(int statusCode, byte[] utf8Json, params KeyValuePair<string, string>[] headers) =>
        new(statusCode, Json, headers, utf8Json);

    /// <summary>The first header of that name (case-insensitive), or null.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public string BodyText() => Encoding.UTF8.GetString(Body.Span);

    /// <summary>
    /// This response with a streamed body read into <see cref="Body"/>, for hosts that must hand over the whole body at
    /// once (and tests). Bounded only by what the listing streams: hosts with a size cap set a byte budget instead.
    /// </summary>
    public async Task<ApiResponse> BufferAsync(CancellationToken cancellationToken)
    {
        if (StreamedBody is null)
        {
            return this;
        }

        using var buffer = new MemoryStream();
        await StreamedBody(buffer, cancellationToken).ConfigureAwait(false);
        return this with { Body = buffer.ToArray(), StreamedBody = null };
    }
}
