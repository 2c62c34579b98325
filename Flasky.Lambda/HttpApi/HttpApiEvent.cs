using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flasky.Lambda.HttpApi;

/// <summary>
/// The event API Gateway HTTP APIs send to a Lambda integration with payload format 2.0, as far as this function
/// reads it (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
/// Headers are lower-cased by API Gateway, and repeated headers arrive comma-joined in one value; cookies arrive
/// in <see cref="Cookies"/>, not in <see cref="Headers"/>.
/// </summary>
public sealed record HttpApiRequest
{
    public string? Version { get; init; }

    public string? RouteKey { get; init; }

    public string? RawPath { get; init; }

    public string? RawQueryString { get; init; }

    public IReadOnlyList<string>? Cookies { get; init; }

    public Dictionary<string, string>? Headers { get; init; }

    public Dictionary<string, string>? QueryStringParameters { get; init; }

    public Dictionary<string, string>? PathParameters { get; init; }

    public Dictionary<string, string>? StageVariables { get; init; }

    public HttpApiRequestContext? RequestContext { get; init; }

    public string? Body { get; init; }

    public bool IsBase64Encoded { get; init; }
}

public sealed record HttpApiRequestContext
{
    public string? AccountId { get; init; }

    public string? ApiId { get; init; }

    public string? DomainName { get; init; }

    public string? DomainPrefix { get; init; }

    public HttpApiHttpDescription? Http { get; init; }

    public string? RequestId { get; init; }

    public string? RouteKey { get; init; }

    /// <summary><c>$default</c>, or the name of a stage that is then also the first segment of <c>rawPath</c>.</summary>
    public string? Stage { get; init; }

    public string? Time { get; init; }

    public long TimeEpoch { get; init; }

    /// <summary>For <c>AWS_IAM</c> routes, <c>iam</c> describes the caller; this function does not read it.</summary>
    public JsonElement? Authorizer { get; init; }
}

public sealed record HttpApiHttpDescription
{
    public string? Method { get; init; }

    public string? Path { get; init; }

    public string? Protocol { get; init; }

    public string? SourceIp { get; init; }

    public string? UserAgent { get; init; }
}

/// <summary>
/// The response format 2.0 that API Gateway turns back into HTTP. Repeated headers are comma-joined into one value
/// (the format has no multi-value headers); <c>Set-Cookie</c> values go in <see cref="Cookies"/>.
/// </summary>
public sealed record HttpApiResponse
{
    public int StatusCode { get; init; }

    public Dictionary<string, string>? Headers { get; init; }

    public IReadOnlyList<string>? Cookies { get; init; }

    public string? Body { get; init; }

    public bool IsBase64Encoded { get; init; }
}

/// <summary>Source-generated (de)serialisation of the payload, so no reflection runs per invocation.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HttpApiRequest))]
[JsonSerializable(typeof(HttpApiResponse))]
public sealed partial class HttpApiJsonContext : JsonSerializerContext;
