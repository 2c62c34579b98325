using System.Text.Json;

namespace Flasky.Check.Auth;

/// <summary>What a cloud answers to a request with missing or wrong credentials.</summary>
/// <param name="StatusCodes">The statuses the cloud may use.</param>
/// <param name="Body">The exact body: empty for none, JSON compared as JSON; null when the cloud's body is not specified.</param>
public sealed record AuthRejection(IReadOnlyList<int> StatusCodes, string? Body)
{
    /// <summary>Azure Functions with <c>AuthorizationLevel.Function</c>.</summary>
    public static AuthRejection AzureFunctions { get; } = new([401], "");

    /// <summary>API Gateway HTTP API with <c>AWS_IAM</c> route authorization.</summary>
    public static AuthRejection AwsApiGateway { get; } = new([403], """{"message":"Forbidden"}""");

    /// <summary>Cloud Run's IAM invoker check: 403, or 401 for an invalid or expired token; the body is Google's.</summary>
    public static AuthRejection CloudRun { get; } = new([403, 401], null);

    public string Describe() =>
        string.Join(" or ", StatusCodes) + Body switch
        {
            null => "",
            "" => " with an empty body",
            _ => $" with body {Body}",
        };

    public bool Matches(int statusCode, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!StatusCodes.Contains(statusCode))
        {
            return false;
        }

        if (Body is null)
        {
            return true;
        }

        if (Body.Length == 0 || !Body.StartsWith('{'))
        {
            return body == Body;
        }

        try
        {
            using var expected = JsonDocument.Parse(Body);
            using var actual = JsonDocument.Parse(body);
            return JsonElement.DeepEquals(expected.RootElement, actual.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
