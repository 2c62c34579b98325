using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Flasky.Firestore;

/// <summary>
/// A Firestore REST call that failed, with the canonical gRPC status Google's REST errors carry
/// (<c>{"error":{"code":503,"status":"UNAVAILABLE",…}}</c>). The message names the operation and the status only:
/// Firestore's own error text may quote document names, which are user data.
/// </summary>
public sealed class FirestoreRequestException : Exception
{
    public FirestoreRequestException()
    {
    }

    public FirestoreRequestException(string message)
        : base(message)
    {
    }

    public FirestoreRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    private FirestoreRequestException(string operation, HttpStatusCode statusCode, string? status, TimeSpan? retryAfter)
        : base($"Firestore {operation} failed: {(int)statusCode} {status}")
    {
        StatusCode = statusCode;
        Status = status;
        RetryAfter = retryAfter;
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The gRPC status name (<c>UNAVAILABLE</c>, <c>RESOURCE_EXHAUSTED</c>, …) when the body carried one.</summary>
    public string? Status { get; }

    /// <summary>The server's hint: <c>Retry-After</c>, else a <c>google.rpc.RetryInfo</c> detail's <c>retryDelay</c>.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// True for the failures that retrying later may cure: throttling (<c>RESOURCE_EXHAUSTED</c>, 429), the service
    /// being unavailable (<c>UNAVAILABLE</c>, 503), deadlines (<c>DEADLINE_EXCEEDED</c>, 504; 408), contention
    /// (<c>ABORTED</c>) and an access token that expired in flight (<c>UNAUTHENTICATED</c>) — the codes Google's client
    /// libraries retry. Anything else (bad request, permission denied) won't change by waiting.
    /// </summary>
    public bool IsTransient =>
        Status is "UNAVAILABLE" or "RESOURCE_EXHAUSTED" or "DEADLINE_EXCEEDED" or "ABORTED" or "UNAUTHENTICATED"
        || StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
            or HttpStatusCode.RequestTimeout or HttpStatusCode.BadGateway;

    internal static async Task<FirestoreRequestException> FromResponseAsync(
        HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        string? status = null;
        TimeSpan? retryDelay = null;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var body = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (body.RootElement.ValueKind == JsonValueKind.Array && body.RootElement.GetArrayLength() > 0)
            {
                // Streaming methods (runQuery) wrap the error in a one-element array.
                using var first = JsonDocument.Parse(body.RootElement[0].GetRawText());
                (status, retryDelay) = ReadError(first.RootElement);
            }
            else
            {
                (status, retryDelay) = ReadError(body.RootElement);
            }
        }
        catch (JsonException)
        {
            // A proxy's HTML error page, or nothing: the HTTP status still tells.
        }

        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => retryDelay,
        };
        return new FirestoreRequestException(operation, response.StatusCode, status, retryAfter > TimeSpan.Zero ? retryAfter : null);
    }

    private static (string? Status, TimeSpan? RetryDelay) ReadError(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        var status = error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        TimeSpan? delay = null;
        if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
        {
            foreach (var detail in details.EnumerateArray())
            {
                if (detail.ValueKind == JsonValueKind.Object
                    && detail.TryGetProperty("retryDelay", out var retryDelay) && retryDelay.ValueKind == JsonValueKind.String
                    && retryDelay.GetString() is { Length: > 1 } text && text.EndsWith('s')
                    && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                    && double.IsFinite(seconds) && seconds is > 0 and < 86400)
                {
                    delay = TimeSpan.FromSeconds(seconds);
                }
            }
        }

        return (status, delay);
    }
}
