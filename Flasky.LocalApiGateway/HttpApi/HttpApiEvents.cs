using System.Globalization;
using System.Text;
using System.Text.Json;
using Flasky.Lambda.HttpApi;

namespace Flasky.LocalApiGateway.HttpApi;

/// <summary>Builds the payload format 2.0 event for a received request, as an HTTP API with a <c>$default</c> route does.</summary>
internal static class HttpApiEvents
{
    public static HttpApiRequest Create(ReceivedRequest request, GatewayOptions options, string requestId, string accessKeyId, DateTimeOffset now)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        var cookies = new List<string>();
        foreach (var (name, value) in request.Headers)
        {
            var lower = name.ToLowerInvariant();
            if (lower == "cookie")
            {
                // Format 2.0 moves cookies out of the headers into their own array.
                cookies.AddRange(value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                continue;
            }

            // Format 2.0 has no multi-value headers: repeated ones are joined with commas.
            headers[lower] = headers.TryGetValue(lower, out var existing) ? existing + "," + value : value;
        }

        var rawPath = DecodePath(request.RawPath);
        var rawQuery = request.RawQuery.TrimStart('?');
        var (body, isBase64) = EncodeBody(request.Body, headers.GetValueOrDefault("content-type"));
        return new HttpApiRequest
        {
            Version = "2.0",
            RouteKey = "$default",
            RawPath = rawPath,
            RawQueryString = rawQuery,
            Cookies = cookies.Count == 0 ? null : cookies,
            Headers = headers,
            QueryStringParameters = QueryParameters(rawQuery),
            RequestContext = new HttpApiRequestContext
            {
                AccountId = "000000000000",
                ApiId = "local",
                DomainName = request.Host,
                DomainPrefix = request.Host.Split('.', ':')[0],
                Http = new HttpApiHttpDescription
                {
                    Method = request.Method,
                    Path = rawPath,
                    Protocol = request.Protocol,
                    SourceIp = request.SourceIp,
                    UserAgent = headers.GetValueOrDefault("user-agent"),
                },
                RequestId = requestId,
                RouteKey = "$default",
                Stage = options.Stage,
                Time = now.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture),
                TimeEpoch = now.ToUnixTimeMilliseconds(),
                Authorizer = IamAuthorizer(accessKeyId),
            },
            Body = body,
            IsBase64Encoded = isBase64,
        };
    }

    /// <summary>
    /// HTTP APIs hand the function the path percent-decoded (see Flasky.Lambda's HttpApiMapping for the sources).
    /// This front decodes once, which matches AWS for every escape the live captures cited there show except three:
    /// AWS ends the path at a decoded <c>%3F</c> (this front keeps <c>?</c> and the rest, so <c>a%3Fb</c> reaches the
    /// function whole), turns <c>%2F</c> into <c>/</c> (this front keeps <c>%2F</c>, so Core refuses the name with 400
    /// where AWS's function would see an extra segment and answer 404), and decodes a second time (<c>%2520</c> is a
    /// space there, <c>%20</c> here; <c>%25</c> before text that is no escape is a 400 there). Bytes that are not UTF-8
    /// are left encoded; what AWS does with them is not in the captures. Emulating the three differences would make
    /// the contract's own checks (<c>a?b</c> round-trips, <c>a%2Fb</c> is 400) fail here exactly as they would on AWS:
    /// that is a decision about the contract or the AWS front door, not about this emulator, and is left open.
    /// </summary>
    internal static string DecodePath(string rawPath)
    {
        var builder = new StringBuilder(rawPath.Length);
        var index = 0;
        while (index < rawPath.Length)
        {
            if (!IsEscape(rawPath, index) || IsSlashEscape(rawPath, index))
            {
                builder.Append(rawPath[index]);
                index++;
                continue;
            }

            // A run of escapes decodes together: one character may take several bytes.
            var start = index;
            var bytes = new List<byte>();
            while (IsEscape(rawPath, index) && !IsSlashEscape(rawPath, index))
            {
                bytes.Add(byte.Parse(rawPath.AsSpan(index + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                index += 3;
            }

            try
            {
                builder.Append(StrictUtf8.GetString([.. bytes]));
            }
            catch (DecoderFallbackException)
            {
                builder.Append(rawPath, start, index - start);
            }
        }

        return builder.ToString();
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static bool IsEscape(string text, int index) =>
        index + 2 < text.Length && text[index] == '%' && char.IsAsciiHexDigit(text[index + 1]) && char.IsAsciiHexDigit(text[index + 2]);

    private static bool IsSlashEscape(string text, int index) =>
        text[index + 1] == '2' && text[index + 2] is 'F' or 'f';

    /// <summary>Text bodies travel as text; anything else base64-encoded with <c>isBase64Encoded</c> set.</summary>
    private static (string? Body, bool IsBase64) EncodeBody(ReadOnlyMemory<byte> body, string? contentType)
    {
        if (body.IsEmpty)
        {
            return (null, false);
        }

        var mediaType = (contentType ?? "").Split(';', 2)[0].Trim();
        var textual = mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/javascript", StringComparison.OrdinalIgnoreCase);
        if (textual)
        {
            try
            {
                return (StrictUtf8.GetString(body.Span), false);
            }
            catch (DecoderFallbackException)
            {
                // Not really text: send the exact bytes.
            }
        }

        return (Convert.ToBase64String(body.Span), true);
    }

    private static Dictionary<string, string>? QueryParameters(string rawQuery)
    {
        if (rawQuery.Length == 0)
        {
            return null;
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = Unescape(equals < 0 ? part : part[..equals]);
            var value = Unescape(equals < 0 ? "" : part[(equals + 1)..]);
            parameters[name] = parameters.TryGetValue(name, out var existing) ? existing + "," + value : value;
        }

        return parameters;
    }

    private static string Unescape(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return text;
        }
    }

    /// <summary><c>requestContext.authorizer.iam</c>, as an AWS_IAM route describes the caller.</summary>
    private static JsonElement IamAuthorizer(string accessKeyId)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("iam");
            writer.WriteString("accessKey", accessKeyId);
            writer.WriteString("accountId", "000000000000");
            writer.WriteString("callerId", accessKeyId);
            writer.WriteString("userArn", "arn:aws:iam::000000000000:user/local");
            writer.WriteString("userId", accessKeyId);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }
}

/// <summary>What the front received, with the raw path and query as they came.</summary>
internal sealed record ReceivedRequest(
    string Method,
    string RawPath,
    string RawQuery,
    string Host,
    string Protocol,
    string? SourceIp,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    ReadOnlyMemory<byte> Body);
