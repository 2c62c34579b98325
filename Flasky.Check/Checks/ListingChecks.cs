using System.Text.Json;
using System.Text.RegularExpressions;

namespace Flasky.Check.Checks;

internal static partial class ListingChecks
{
    // A host may hold much more than this run wrote: walking it is bounded, and the check fails rather than hang.
    private const int MaxPages = 2000;
    private const int ListingAttempts = 3;

    public static async Task ListsThisRunAsync(CheckContext context)
    {
        var written = new Dictionary<string, string>
        {
            [context.Name("listed 1")] = """{"n":1}""",
            [context.Name("listed 2")] = """{"n":2,"tags":["a"]}""",
        };
        foreach (var (name, attributes) in written)
        {
            await CandidateSteps.PostAsync(context, name, attributes).ConfigureAwait(false);
        }

        // Without limit the whole collection comes back; a platform that caps response size adds a Link to the rest.
        var seen = await WalkUntilListedAsync(context, "/candidates", expectedPageSize: null, written.Keys).ConfigureAwait(false);
        foreach (var (name, attributes) in written)
        {
            Expect.That(seen.TryGetValue(name, out var candidate), $"GET /candidates did not list {JsonSerializer.Serialize(name)} (walked {ListingAttempts} times)");
            CandidateSteps.ExpectExactly(candidate, attributes);
        }
    }

    public static async Task PagesFollowLinkAsync(CheckContext context)
    {
        var names = Enumerable.Range(1, 5).Select(i => context.Name($"page {i}")).ToList();
        foreach (var name in names)
        {
            await CandidateSteps.PostAsync(context, name).ConfigureAwait(false);
        }

        var seen = await WalkUntilListedAsync(context, "/candidates?limit=2", expectedPageSize: 2, names).ConfigureAwait(false);
        var missing = names.Where(n => !seen.ContainsKey(n)).ToList();
        Expect.That(missing.Count == 0, $"paging with limit=2 never listed {string.Join(", ", missing.Select(n => JsonSerializer.Serialize(n)))} (walked {ListingAttempts} times)");
    }

    public static async Task LimitBoundsAcceptedAsync(CheckContext context)
    {
        // Two candidates at least, so that limit=1 must also say where the rest is.
        await CandidateSteps.PostAsync(context, context.Name("limit 1 a")).ConfigureAwait(false);
        await CandidateSteps.PostAsync(context, context.Name("limit 1 b")).ConfigureAwait(false);

        var one = await context.GetAsync("/candidates?limit=1").ConfigureAwait(false);
        var body = Expect.Json(one);
        Expect.That(body.ValueKind == JsonValueKind.Array && body.GetArrayLength() == 1, $"expected exactly 1 candidate for limit=1, got {one.Describe()}");
        Expect.That(NextTarget(context, one, 1) is not null, $"expected a Link to the rest after limit=1, got none on {one.Describe()}");

        var most = await context.GetAsync("/candidates?limit=1000").ConfigureAwait(false);
        body = Expect.Json(most);
        Expect.That(
            body.ValueKind == JsonValueKind.Array && body.GetArrayLength() is >= 1 and <= 1000,
            $"expected 1 to 1000 candidates for limit=1000, got {most.Describe()}");
        NextTarget(context, most, 1000);
    }

    public static async Task InvalidLimitAsync(CheckContext context)
    {
        foreach (var limit in new[] { "0", "1001", "abc", "-1", "", "1.5" })
        {
            Expect.Problem(await context.GetAsync("/candidates?limit=" + limit).ConfigureAwait(false), 400);
        }
    }

    public static async Task BadNextTokenAsync(CheckContext context)
    {
        foreach (var token in new[] { "not-a-token", "", "AAAA", "1.AAAA", "%FF%FE" })
        {
            Expect.Problem(await context.GetAsync("/candidates?limit=2&next=" + token).ConfigureAwait(false), 400);
        }
    }

    /// <summary>
    /// Walks the listing; when some of <paramref name="names"/> are missing, walks it again a little later: a store whose
    /// listing is eventually consistent (a DynamoDB scan) may lag a moment behind a write, but never forever.
    /// </summary>
    private static async Task<Dictionary<string, JsonElement>> WalkUntilListedAsync(
        CheckContext context, string firstTarget, int? expectedPageSize, IEnumerable<string> names)
    {
        for (var attempt = 1; ; attempt++)
        {
            var seen = await WalkAsync(context, firstTarget, expectedPageSize).ConfigureAwait(false);
            if (attempt == ListingAttempts || names.All(seen.ContainsKey))
            {
                return seen;
            }

            await Task.Delay(TimeSpan.FromSeconds(attempt), context.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Follows <c>Link: &lt;…&gt;; rel="next"</c> from <paramref name="firstTarget"/> to the end. Every page is a JSON
    /// array of candidate objects of at most <paramref name="expectedPageSize"/>; no candidate is listed twice.
    /// </summary>
    private static async Task<Dictionary<string, JsonElement>> WalkAsync(CheckContext context, string firstTarget, int? expectedPageSize)
    {
        var seen = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        string? target = firstTarget;
        for (var page = 1; target is not null; page++)
        {
            Expect.That(page <= MaxPages, $"gave up after {MaxPages} pages of {firstTarget}: the Link header never ended");
            var response = await context.GetAsync(target).ConfigureAwait(false);
            var body = Expect.Json(response);
            Expect.That(body.ValueKind == JsonValueKind.Array, $"expected a JSON array, got {response.Describe()}");
            Expect.That(
                expectedPageSize is null || body.GetArrayLength() <= expectedPageSize,
                $"expected at most {expectedPageSize} candidates, got {body.GetArrayLength()} from GET {target}");
            foreach (var candidate in body.EnumerateArray())
            {
                Expect.That(
                    candidate.ValueKind == JsonValueKind.Object
                        && candidate.TryGetProperty("CandidateName", out var name)
                        && name.ValueKind == JsonValueKind.String,
                    $"expected candidate objects with a string CandidateName, got {candidate.GetRawText()} from GET {target}");
                var key = candidate.GetProperty("CandidateName").GetString()!;
                Expect.That(seen.TryAdd(key, candidate), $"{JsonSerializer.Serialize(key)} was listed twice (again on GET {target})");
            }

            target = NextTarget(context, response, expectedPageSize);
        }

        return seen;
    }

    /// <summary>
    /// The target of the response's next link, or null without one. The link must be exactly the contract's
    /// <c>&lt;/candidates?limit=N&amp;next=TOKEN&gt;; rel="next"</c>, root-relative (below the target's base path, e.g. an
    /// API Gateway stage), keeping the limit asked for.
    /// </summary>
    private static string? NextTarget(CheckContext context, CheckResponse response, int? expectedLimit)
    {
        var link = response.Header("Link");
        if (link is null)
        {
            return null;
        }

        var match = NextLink().Match(link);
        Expect.That(
            match.Success,
            $"expected exactly Link: </candidates?limit=N&next=TOKEN>; rel=\"next\", got \"Link: {link}\" from GET {response.Target}");
        var basePath = context.Target.BaseAddress.AbsolutePath.TrimEnd('/');
        var linkBase = match.Groups["base"].Value;
        Expect.That(
            linkBase.Length == 0 || linkBase == basePath,
            $"expected the next link at /candidates below the base path \"{basePath}\", got \"Link: {link}\"");
        var limit = match.Groups["limit"].Value;
        Expect.That(
            expectedLimit is null ? int.TryParse(limit, out var any) && any is >= 1 and <= 1000 : limit == expectedLimit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"expected the next link to keep limit={expectedLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "1-1000"}, got \"Link: {link}\"");
        return match.Groups["target"].Value;
    }

    [GeneratedRegex("""^<(?<base>(?:/[^/<>?#\s]+)*)(?<target>/candidates\?limit=(?<limit>[1-9][0-9]{0,3})&next=[A-Za-z0-9._~%-]+)>; rel="next"$""", RegexOptions.CultureInvariant)]
    private static partial Regex NextLink();
}
