using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Flasky.LocalApiGateway.HttpApi;

/// <summary>
/// API Gateway's own answers, and the function's output read as the payload format 2.0 response.
/// </summary>
/// <remarks>
/// Sources: a request without a valid signature on an <c>AWS_IAM</c> route, missing credentials included, is
/// <c>403 {"message":"Forbidden"}</c> (docs/api-contract.md; HTTP APIs answer with their generic message, unlike
/// REST APIs' "Missing Authentication Token"). A function error, an invocation Lambda rejects (e.g. a payload over
/// 6 MB) or a response in the wrong format is <c>500 {"message":"Internal Server Error"}</c>
/// (docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html: "API Gateway treats all invocation and
/// function errors as internal errors"). An integration that does not answer within the integration timeout is
/// <c>503 {"message":"Service Unavailable"}</c> on HTTP APIs (github.com/anomalyco/sst/issues/2232,
/// github.com/serverless/serverless/issues/11222). Valid JSON without <c>statusCode</c> is the body of a 200
/// <c>application/json</c> response (HTTP API Lambda integration docs, "Lambda function response for format 2.0").
/// </remarks>
internal static class GatewayResponses
{
    public static readonly GatewayAnswer Forbidden = new(403, "Forbidden");
    public static readonly GatewayAnswer InternalServerError = new(500, "Internal Server Error");
    public static readonly GatewayAnswer ServiceUnavailable = new(503, "Service Unavailable");
    public static readonly GatewayAnswer RequestTooLarge = new(413, "Request Entity Too Large");
    public static readonly GatewayAnswer NotFound = new(404, "Not Found");

    public static async Task WriteAsync(HttpContext context, GatewayAnswer answer, string requestId)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"message":"{{answer.Message}}"}""");
        context.Response.StatusCode = answer.StatusCode;
        context.Response.ContentType = "application/json";
        context.Response.Headers["apigw-requestid"] = requestId;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes the function's response; false (nothing written) when it is not a valid format 2.0 response.</summary>
    public static async Task<bool> TryWriteFunctionResponseAsync(HttpContext context, byte[] output, string requestId)
    {
        var parsed = Parse(output);
        if (parsed is null)
        {
            return false;
        }

        var (status, headers, cookies, body) = parsed.Value;
        var response = context.Response;
        response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            response.Headers.Append(name, value);
        }

        foreach (var cookie in cookies)
        {
            response.Headers.Append("Set-Cookie", cookie);
        }

        response.Headers["apigw-requestid"] = requestId;
        if (status is 204 or 304 or < 200)
        {
            // These statuses carry no body, and Kestrel refuses a Content-Length on them (the failure would reset the
            // connection after the status line went out): a function's body for them is dropped, as HTTP requires.
            return true;
        }

        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        return true;
    }

    internal static (int Status, List<KeyValuePair<string, string>> Headers, List<string> Cookies, byte[] Body)? Parse(byte[] output)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(output);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("statusCode", out var statusElement))
            {
                // Valid JSON without a status code: API Gateway returns it as the body of a 200.
                return (200, [new("Content-Type", "application/json")], [], output);
            }

            if (statusElement.ValueKind != JsonValueKind.Number || !statusElement.TryGetInt32(out var status) || status is < 100 or > 599)
            {
                return null;
            }

            var headers = new List<KeyValuePair<string, string>>();
            if (root.TryGetProperty("headers", out var headersElement) && headersElement.ValueKind != JsonValueKind.Null)
            {
                if (headersElement.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                foreach (var header in headersElement.EnumerateObject())
                {
                    var value = header.Value.ValueKind switch
                    {
                        JsonValueKind.String => header.Value.GetString(),
                        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => header.Value.GetRawText(),
                        _ => null,
                    };
                    if (value is null)
                    {
                        return null;
                    }

                    headers.Add(new(header.Name, value));
                }
            }

            var cookies = new List<string>();
            if (root.TryGetProperty("cookies", out var cookiesElement) && cookiesElement.ValueKind != JsonValueKind.Null)
            {
                if (cookiesElement.ValueKind != JsonValueKind.Array || cookiesElement.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
                {
                    return null;
                }

                cookies.AddRange(cookiesElement.EnumerateArray().Select(c => c.GetString()!));
            }

            var isBase64 = root.TryGetProperty("isBase64Encoded", out var base64Element) && base64Element.ValueKind == JsonValueKind.True;
            byte[] body = [];
            if (root.TryGetProperty("body", out var bodyElement) && bodyElement.ValueKind != JsonValueKind.Null)
            {
                if (bodyElement.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                var text = bodyElement.GetString()!;
                if (isBase64)
                {
                    try
                    {
                        body = Convert.FromBase64String(text);
                    }
                    catch (FormatException)
                    {
                        return null;
                    }
                }
                else
                {
                    body = Encoding.UTF8.GetBytes(text);
                }
            }

            return (status, headers, cookies, body);
        }
    }
}

internal sealed record GatewayAnswer(int StatusCode, string Message);
