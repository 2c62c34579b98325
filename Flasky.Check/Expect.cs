using System.Text.Json;
using System.Text.RegularExpressions;

namespace Flasky.Check;

/// <summary>The assertions of the checks. Each failure says what was expected and what the host did instead.</summary>
public static partial class Expect
{
    public const string NotFoundText = "Not Found";

    public static void That(bool condition, string reason)
    {
        if (!condition)
        {
            throw new CheckFailedException(reason);
        }
    }

    public static void Status(CheckResponse response, int expected)
    {
        ArgumentNullException.ThrowIfNull(response);
        That(response.Status == expected, $"expected {expected}, got {response.Describe()}");
    }

    public static void MediaType(CheckResponse response, string expected)
    {
        ArgumentNullException.ThrowIfNull(response);
        That(
            string.Equals(response.MediaType, expected, StringComparison.OrdinalIgnoreCase),
            $"expected Content-Type {expected}, got {response.Describe()}");
    }

    /// <summary>A 200 <c>application/json</c> response; returns its parsed body.</summary>
    public static JsonElement Json(CheckResponse response)
    {
        Status(response, 200);
        MediaType(response, "application/json");
        return Parse(response);
    }

    /// <summary>The seed's 404: <c>text/plain</c>, body <c>Not Found</c>.</summary>
    public static void NotFound(CheckResponse response)
    {
        Status(response, 404);
        MediaType(response, "text/plain");
        That(response.Text == NotFoundText, $"expected the body \"{NotFoundText}\", got {response.Describe()}");
    }

    /// <summary>An RFC 9457 problem with <c>type</c>, <c>title</c>, <c>status</c> (matching) and <c>detail</c>.</summary>
    public static JsonElement Problem(CheckResponse response, int status)
    {
        Status(response, status);
        MediaType(response, "application/problem+json");
        var problem = Parse(response);
        That(problem.ValueKind == JsonValueKind.Object, $"expected a problem object, got {response.Describe()}");
        foreach (var member in new[] { "type", "title", "detail" })
        {
            That(
                problem.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String,
                $"expected a problem with a string \"{member}\", got {response.Describe()}");
        }

        That(
            problem.TryGetProperty("status", out var statusValue)
                && statusValue.ValueKind == JsonValueKind.Number
                && statusValue.TryGetInt32(out var statusNumber)
                && statusNumber == status,
            $"expected a problem with \"status\": {status}, got {response.Describe()}");
        return problem;
    }

    /// <summary>405 problem details with an <c>Allow</c> header naming every allowed method and not the one sent.</summary>
    public static void MethodNotAllowed(CheckResponse response, params string[] allowed)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(allowed);
        Problem(response, 405);
        var allow = response.Header("Allow");
        That(allow is not null, $"expected an Allow header listing {string.Join(", ", allowed)}, got none on {response.Describe()}");
        // Exactly the allowed set (methods are case-sensitive tokens, RFC 9110 §9.1), in any order, each once.
        var listed = allow!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        That(
            listed.Order(StringComparer.Ordinal).SequenceEqual(allowed.Order(StringComparer.Ordinal), StringComparer.Ordinal),
            $"expected Allow to be exactly {string.Join(", ", allowed)}, got \"Allow: {allow}\" on {response.Method} {response.Target}");
    }

    /// <summary>No error response, body or headers, may carry an exception, a stack trace, a connection string or a key.</summary>
    public static void NoLeak(CheckResponse response, CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(context);
        var headers = string.Join("\n", response.Headers.Select(h => $"{h.Key}: {h.Value}"));
        foreach (var (part, text) in new[] { ("body", response.Text), ("headers", headers) })
        {
            var leak = LeakPattern().Match(text);
            That(!leak.Success, $"error response {part} carry internals (\"{leak.Value.Trim()}\"): {response.Method} {response.Target} → {response.Status}");
            That(
                context.Authenticator.Redact(text) == text,
                $"error response {part} carry the credentials: {response.Method} {response.Target} → {response.Status}");
        }
    }

    public static JsonElement Parse(CheckResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        try
        {
            using var document = JsonDocument.Parse(response.Body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CheckFailedException($"expected a JSON body, got {response.Describe()}");
        }
    }

    // Exception type names, .NET and Python stack frames, SDK namespaces, connection-string keys, PEM blocks.
    [GeneratedRegex(
        @"Exception|Traceback \(most recent call last\)|^\s*at \S+\(|   at |File "".*"", line \d+|Microsoft\.Azure|Amazon\.Runtime|Google\.Apis"
        + @"|AccountKey|AccountEndpoint=|DefaultEndpointsProtocol=|SharedAccessKey|aws_secret_access_key|Password=|-----BEGIN",
        RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex LeakPattern();
}
