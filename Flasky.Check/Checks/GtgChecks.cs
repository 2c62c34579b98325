using System.Text.Json;

namespace Flasky.Check.Checks;

internal static class GtgChecks
{
    public static async Task EmptyOkAsync(CheckContext context)
    {
        var response = await context.GetAsync("/gtg").ConfigureAwait(false);
        Expect.Status(response, 200);
        Expect.That(response.Body.Length == 0, $"expected an empty body, got {response.Describe()}");
    }

    public static async Task DetailsAsync(CheckContext context)
    {
        // The parameter counts whenever it is present: bare, empty, or with any value.
        foreach (var target in new[] { "/gtg?details", "/gtg?details=", "/gtg?details=yes" })
        {
            var response = await context.GetAsync(target).ConfigureAwait(false);
            Expect.That(
                response.Status != 503,
                $"the host reports its store unreachable (expected 200 connected \"true\"): {response.Describe()}");
            var body = Expect.Json(response);
            Expect.That(
                body.ValueKind == JsonValueKind.Object
                    && body.TryGetProperty("connected", out var connected)
                    && connected.ValueKind == JsonValueKind.String
                    && connected.GetString() == "true",
                $"expected \"connected\":\"true\" (a string), got {response.Describe()}");
            Expect.That(
                body.TryGetProperty("instance-id", out var instance)
                    && instance.ValueKind == JsonValueKind.String
                    && !string.IsNullOrWhiteSpace(instance.GetString()),
                $"expected a non-empty string \"instance-id\", got {response.Describe()}");
            var members = body.EnumerateObject().Select(m => m.Name).Order(StringComparer.Ordinal).ToList();
            Expect.That(
                members.SequenceEqual(["connected", "instance-id"], StringComparer.Ordinal),
                $"expected exactly the members connected and instance-id, got {response.Describe()}");
        }
    }
}
