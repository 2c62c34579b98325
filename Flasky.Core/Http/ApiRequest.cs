namespace Flasky.Core.Http;

/// <summary>
/// A platform-neutral request. <paramref name="RawTarget"/> is the path and query exactly as the client sent them
/// (still percent-encoded): the API decodes names itself, exactly once, whatever the platform already did.
/// </summary>
/// <param name="Method">The HTTP method, any case.</param>
/// <param name="RawTarget">Path and query as received, e.g. <c>/candidate/Jos%C3%A9?x=1</c>.</param>
/// <param name="ContentType">The Content-Type header, if any.</param>
/// <param name="Body">The request body; read only when the API needs it.</param>
public sealed record ApiRequest(string Method, string RawTarget, string? ContentType, Stream Body)
{
    /// <summary>
    /// The still-encoded path prefix the host serves the API under (an API Gateway stage, a route prefix), without a
    /// trailing slash; empty when none. <see cref="RawTarget"/> never includes it; links the API returns start with it.
    /// </summary>
    public string PathBase { get; init; } = "";

    /// <summary>The body's declared length (<c>Content-Length</c>), when the platform knows it before reading.</summary>
    public long? ContentLength { get; init; }

    public static ApiRequest WithoutBody(string method, string rawTarget) =>
        new(method, rawTarget, null, Stream.Null);
}
