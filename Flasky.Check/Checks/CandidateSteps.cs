using System.Text;
using System.Text.Json;

namespace Flasky.Check.Checks;

/// <summary>The steps many checks share: write a candidate, read it back, and hold each answer to the contract.</summary>
internal static class CandidateSteps
{
    /// <summary>POSTs and expects <c>200 application/json {"CandidateName": NFC name}</c>.</summary>
    public static async Task PostAsync(CheckContext context, string name, string? json = null)
    {
        var target = CheckContext.CandidatePath(name);
        var response = json is null
            ? await context.PostAsync(target, content: null).ConfigureAwait(false)
            : await context.PostJsonAsync(target, json).ConfigureAwait(false);
        ExpectPostAnswer(response, name);
    }

    public static void ExpectPostAnswer(CheckResponse response, string name)
    {
        var body = Expect.Json(response);
        var expected = name.Normalize(NormalizationForm.FormC);
        Expect.That(
            body.ValueKind == JsonValueKind.Object
                && body.EnumerateObject().Count() == 1
                && body.TryGetProperty("CandidateName", out var returned)
                && returned.ValueKind == JsonValueKind.String
                && returned.GetString() == expected,
            $"expected {{\"CandidateName\":{JsonSerializer.Serialize(expected)}}}, got {response.Describe()}");
    }

    /// <summary>GETs <paramref name="name"/> and expects a JSON array holding exactly one object, named in NFC.</summary>
    public static async Task<JsonElement> GetAsync(CheckContext context, string name)
    {
        var response = await context.GetAsync(CheckContext.CandidatePath(name)).ConfigureAwait(false);
        return ExpectOneCandidate(response, name);
    }

    public static JsonElement ExpectOneCandidate(CheckResponse response, string name)
    {
        var body = Expect.Json(response);
        Expect.That(
            body.ValueKind == JsonValueKind.Array && body.GetArrayLength() == 1 && body[0].ValueKind == JsonValueKind.Object,
            $"expected a JSON array holding one candidate object, got {response.Describe()}");
        var candidate = body[0];
        var expected = name.Normalize(NormalizationForm.FormC);
        Expect.That(
            candidate.TryGetProperty("CandidateName", out var returned)
                && returned.ValueKind == JsonValueKind.String
                && returned.GetString() == expected,
            $"expected CandidateName {JsonSerializer.Serialize(expected)}, got {response.Describe()}");
        return candidate;
    }

    /// <summary>POST then GET: the name is accepted and comes back exactly, in NFC.</summary>
    public static async Task RoundTripAsync(CheckContext context, string name)
    {
        await PostAsync(context, name).ConfigureAwait(false);
        await GetAsync(context, name).ConfigureAwait(false);
    }

    /// <summary>The attribute <paramref name="member"/> of a candidate equals <paramref name="expectedJson"/> as JSON.</summary>
    public static void ExpectAttribute(JsonElement candidate, string member, string expectedJson)
    {
        using var expected = JsonDocument.Parse(expectedJson);
        Expect.That(
            candidate.TryGetProperty(member, out var actual) && JsonElement.DeepEquals(actual, expected.RootElement),
            $"expected attribute \"{member}\": {expectedJson}, got {(candidate.TryGetProperty(member, out var got) ? got.GetRawText() : "no such attribute")}");
    }

    /// <summary>The candidate's members are exactly CandidateName plus <paramref name="attributes"/> (a JSON object).</summary>
    public static void ExpectExactly(JsonElement candidate, string attributes)
    {
        using var expected = JsonDocument.Parse(attributes);
        var expectedNames = expected.RootElement.EnumerateObject().Select(p => p.Name).Append("CandidateName").Order(StringComparer.Ordinal);
        var actualNames = candidate.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        Expect.That(
            expectedNames.SequenceEqual(actualNames, StringComparer.Ordinal),
            $"expected exactly the members CandidateName, {string.Join(", ", expected.RootElement.EnumerateObject().Select(p => p.Name))}; got {candidate.GetRawText()}");
        foreach (var member in expected.RootElement.EnumerateObject())
        {
            ExpectAttribute(candidate, member.Name, member.Value.GetRawText());
        }
    }
}
