using System.Buffers;
using System.Text;
using Flasky.Core.Http;

namespace Flasky.Lambda.HttpApi;

/// <summary>
/// Payload format 2.0 ⇄ Core, in one place. No contract decisions: Core decodes names exactly once.
/// </summary>
/// <remarks>
/// What API Gateway HTTP APIs put in the event for a percent-encoded path (why the path is re-encoded here):
/// <list type="bullet">
/// <item><c>rawPath</c> (and <c>requestContext.http.path</c>, and <c>pathParameters</c> of a <c>{proxy+}</c> route) arrive
/// percent-<em>decoded</em> on HTTP APIs, unlike REST APIs and function URLs, which keep the client's encoding: see the
/// live captures cited in github.com/middleapi/standard-server/pull/93 (from hotsock/voker#8), github.com/Worklytics/psoxy/pull/827
/// ("API gateway v2 seems to decode paths") and the AWS .NET test tool's translator (github.com/aws/aws-lambda-dotnet/pull/1901:
/// "the path and path parameters should be decoded"). <c>pathParameters</c> is absent on the <c>$default</c> route
/// this API deploys, so this function reads only <c>rawPath</c>.</item>
/// <item><c>rawQueryString</c> stays percent-encoded (github.com/ministackorg/ministack/issues/1035 contrasts an emulator
/// with AWS on exactly this), so it is passed to Core as it is.</item>
/// <item>What each escape becomes, from live captures of an HTTP API (payload 2.0) in us-west-2, July 2026
/// (github.com/hotsock/voker, <c>vokerhttp/testdata/ingress-paths.json</c>, made by <c>examples/aws-ingress-probe/paths.py</c>):
/// <c>%20</c> → space, <c>%CE%BB</c> → λ, <c>%23</c> → <c>#</c> (kept), <c>%2F</c> → <c>/</c> (a new segment), and
/// <c>%3F</c> → the path <em>ends</em> there (<c>/capture/question%3Fvalue</c> arrives as <c>/capture/question</c>, the rest
/// is lost). The path is decoded twice: <c>%253F</c> → <c>?</c> (kept), <c>%252F</c> → <c>/</c>, <c>%2525</c> → <c>%</c>, and
/// <c>%25</c> followed by text that is no escape (<c>percent%25done</c>) is refused with 400 before the function runs.
/// So on AWS a name with <c>?</c> sent as <c>%3F</c> never reaches this function whole (it cannot tell), a name with
/// <c>#</c> does, and <c>?</c> arrives only from <c>%253F</c>; this mapping re-encodes what it gets, which is right in
/// every case the function can see.</item>
/// </list>
/// So the path is re-encoded before Core decodes it: every character that cannot appear literally in an encoded path
/// (space, non-ASCII, controls, <c>?</c>, <c>#</c>, <c>\</c>, a <c>%</c> not starting an escape) is percent-encoded as UTF-8,
/// and escapes the platform left encoded (<c>%2F</c>, bytes that are not UTF-8) are kept. An already-encoded path
/// passes through unchanged, so the same function is right under either behaviour. What cannot be told apart: a name
/// whose decoded text itself contains <c>%XX</c> (sent as <c>%25XX</c>) — the platform's decoding has already lost it.
/// </remarks>
internal static class HttpApiMapping
{
    private const string DefaultStage = "$default";

    public static ApiRequest ToApiRequest(HttpApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var method = request.RequestContext?.Http?.Method
            ?? throw new InvalidDataException("The event has no requestContext.http.method: not an HTTP API payload 2.0 event.");
        var path = StripStage(request.RawPath ?? "/", request.RequestContext?.Stage);
        var target = EncodePath(path);
        if (!string.IsNullOrEmpty(request.RawQueryString))
        {
            target += "?" + request.RawQueryString;
        }

        // Cookies and other headers are not read by the API; only the body's content type matters.
        string? contentType = null;
        request.Headers?.TryGetValue("content-type", out contentType);
        var body = request.Body switch
        {
            null => Stream.Null,
            var text when request.IsBase64Encoded => new MemoryStream(Convert.FromBase64String(text), writable: false),
            var text => new MemoryStream(Encoding.UTF8.GetBytes(text), writable: false),
        };
        return new ApiRequest(method, target, contentType, body);
    }

    public static HttpApiResponse ToHttpApiResponse(ApiResponse response, string? stage)
    {
        ArgumentNullException.ThrowIfNull(response);
        var pathBase = PathBase(stage);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (response.ContentType is not null)
        {
            headers["Content-Type"] = response.ContentType;
        }

        foreach (var (name, value) in response.Headers)
        {
            var outgoing = pathBase.Length > 0 && name.Equals("Link", StringComparison.OrdinalIgnoreCase)
                ? WithPathBase(value, pathBase)
                : value;

            // Format 2.0 has no multi-value headers: repeated headers are joined with commas, as API Gateway does.
            headers[name] = headers.TryGetValue(name, out var existing) ? existing + ", " + outgoing : outgoing;
        }

        var isText = IsText(response.ContentType);
        return new HttpApiResponse
        {
            StatusCode = response.StatusCode,
            Headers = headers,
            Body = isText ? Encoding.UTF8.GetString(response.Body.Span) : Convert.ToBase64String(response.Body.Span),
            IsBase64Encoded = !isText,
        };
    }

    /// <summary>
    /// On a named stage, <c>rawPath</c> starts with <c>/{stage}</c>; on <c>$default</c> it does not. The API's routes
    /// start after it, and links the API writes must carry it again.
    /// </summary>
    internal static string StripStage(string rawPath, string? stage)
    {
        var pathBase = PathBase(stage);
        if (pathBase.Length > 0 && rawPath.StartsWith(pathBase, StringComparison.Ordinal)
            && (rawPath.Length == pathBase.Length || rawPath[pathBase.Length] == '/'))
        {
            var rest = rawPath[pathBase.Length..];
            return rest.Length == 0 ? "/" : rest;
        }

        return rawPath;
    }

    internal static string PathBase(string? stage) =>
        string.IsNullOrEmpty(stage) || stage == DefaultStage ? "" : "/" + stage;

    /// <summary>Percent-encodes what cannot appear literally in an encoded path; see the remarks on this class.</summary>
    internal static string EncodePath(string path)
    {
        var builder = new StringBuilder(path.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        var index = 0;
        while (index < path.Length)
        {
            var c = path[index];
            if (c == '%' && index + 2 < path.Length && char.IsAsciiHexDigit(path[index + 1]) && char.IsAsciiHexDigit(path[index + 2]))
            {
                builder.Append(path, index, 3);
                index += 3;
                continue;
            }

            if (IsLiteralPathChar(c))
            {
                builder.Append(c);
                index++;
                continue;
            }

            // A lone surrogate can't be UTF-8: it becomes U+FFFD, which Core then judges like any other name.
            if (Rune.DecodeFromUtf16(path.AsSpan(index), out var rune, out var consumed) != OperationStatus.Done)
            {
                rune = Rune.ReplacementChar;
                consumed = 1;
            }

            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
            {
                builder.Append('%').Append(((int)b).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }

            index += consumed;
        }

        return builder.ToString();
    }

    /// <summary>RFC 3986 <c>pchar</c> minus percent-escapes, plus the <c>/</c> separator.</summary>
    private static bool IsLiteralPathChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+'
            or ',' or ';' or '=' or ':' or '@' or '/';

    private static string WithPathBase(string link, string pathBase) =>
        link.StartsWith("</", StringComparison.Ordinal) ? "<" + pathBase + link[1..] : link;

    private static bool IsText(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }
}
