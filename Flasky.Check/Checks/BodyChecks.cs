using System.Net.Http.Headers;
using System.Text;

namespace Flasky.Check.Checks;

internal static class BodyChecks
{
    public const int MaxBodyBytes = 16 * 1024;

    private const string AllKinds =
        """{"text":"Zürich","count":42,"ratio":-1.5,"big":12345678901234,"yes":true,"no":false,"nothing":null,"list":[1,"two",null,[3]],"nested":{"a":{"b":[{"c":"d"}]}}}""";

    public static async Task AttributesRoundTripAsync(CheckContext context)
    {
        var name = context.Name("attributes");
        await CandidateSteps.PostAsync(context, name, AllKinds).ConfigureAwait(false);
        CandidateSteps.ExpectExactly(await CandidateSteps.GetAsync(context, name).ConfigureAwait(false), AllKinds);
    }

    public static async Task SecondPostReplacesAsync(CheckContext context)
    {
        var name = context.Name("replaced");
        await CandidateSteps.PostAsync(context, name, """{"first":1,"shared":"old"}""").ConfigureAwait(false);
        await CandidateSteps.PostAsync(context, name, """{"second":2,"shared":"new"}""").ConfigureAwait(false);
        CandidateSteps.ExpectExactly(await CandidateSteps.GetAsync(context, name).ConfigureAwait(false), """{"second":2,"shared":"new"}""");
    }

    public static async Task BodyNameIgnoredAsync(CheckContext context)
    {
        var name = context.Name("path wins");
        var other = context.Name("body name");
        await CandidateSteps.PostAsync(context, name, $$"""{"CandidateName":"{{other}}","kept":true}""").ConfigureAwait(false);
        CandidateSteps.ExpectExactly(await CandidateSteps.GetAsync(context, name).ConfigureAwait(false), """{"kept":true}""");
        Expect.NotFound(await context.GetAsync(CheckContext.CandidatePath(other)).ConfigureAwait(false));
    }

    public static Task ReservedMembersAsync(CheckContext context) =>
        ExpectRejectedFreshAsync(context, context.Name("reserved"), 400, """{"id":"x"}""", """{"_x":1}""", """{"ok":1,"_rid":"r"}""");

    public static Task NotAnObjectAsync(CheckContext context) =>
        ExpectRejectedFreshAsync(context, context.Name("not object"), 400, """[{"a":1}]""", "\"text\"", "42", "null");

    public static Task MalformedAsync(CheckContext context) =>
        ExpectRejectedFreshAsync(context, context.Name("malformed"), 400, """{"a":""", "{a:1}", """{"a":1,}""", "");

    public static async Task Depth8AcceptedAsync(CheckContext context)
    {
        var name = context.Name("depth 8");
        await CandidateSteps.PostAsync(context, name, Nested(8)).ConfigureAwait(false);
        CandidateSteps.ExpectAttribute(await CandidateSteps.GetAsync(context, name).ConfigureAwait(false), "a", Nested(8)[5..^1]);
    }

    public static Task Depth9RejectedAsync(CheckContext context) =>
        ExpectRejectedFreshAsync(context, context.Name("depth 9"), 400, Nested(9));

    public static async Task ExactlyMaxSizeAcceptedAsync(CheckContext context)
    {
        var name = context.Name("16 KiB");
        var body = Padded(MaxBodyBytes);
        await CandidateSteps.PostAsync(context, name, body).ConfigureAwait(false);
        var candidate = await CandidateSteps.GetAsync(context, name).ConfigureAwait(false);
        CandidateSteps.ExpectAttribute(candidate, "pad", body[7..^1]);
    }

    public static Task OverMaxSizeRejectedAsync(CheckContext context) =>
        ExpectRejectedFreshAsync(context, context.Name("over 16 KiB"), 413, Padded(MaxBodyBytes + 1), Padded(4 * MaxBodyBytes));

    /// <summary>
    /// api-contract.md, Numbers: doubles only. An integer beyond ±(2^53−1) or a value no double holds is 400 and writes
    /// nothing; every accepted number reads back as the nearest double, written as .NET writes a double.
    /// </summary>
    public static async Task NumbersAsync(CheckContext context)
    {
        await ExpectRejectedFreshAsync(
            context, context.Name("numbers rejected"), 400,
            """{"n":9007199254740993}""", """{"n":-9007199254740992}""", """{"n":1e400}""", """{"n":[1,{"deep":-1e400}]}""").ConfigureAwait(false);

        var name = context.Name("numbers");
        await CandidateSteps.PostAsync(
            context, name,
            """{"tenth":0.1,"negzero":-0,"one":1.0,"big":1e20,"safe":9007199254740991,"near":0.10000000000000001,"list":[-0.0,2E2]}""").ConfigureAwait(false);
        var candidate = await CandidateSteps.GetAsync(context, name).ConfigureAwait(false);
        foreach (var (member, text) in new[] { ("tenth", "0.1"), ("negzero", "0"), ("one", "1"), ("big", "1E+20"), ("safe", "9007199254740991"), ("near", "0.1"), ("list", "[0,200]") })
        {
            var actual = candidate.TryGetProperty(member, out var value) ? value.GetRawText() : "no such attribute";
            Expect.That(actual == text, $"expected attribute \"{member}\" to read back as exactly {text}, got {actual}");
        }
    }

    public static async Task NonJsonIgnoredAsync(CheckContext context)
    {
        // What the seed's own test client sends.
        var content = new ByteArrayContent("test"u8.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        var name = context.Name("form body");
        CandidateSteps.ExpectPostAnswer(await context.PostAsync(CheckContext.CandidatePath(name), content).ConfigureAwait(false), name);
        CandidateSteps.ExpectExactly(await CandidateSteps.GetAsync(context, name).ConfigureAwait(false), "{}");

        // Even a body that looks like JSON is ignored unless it is sent as JSON.
        var plainName = context.Name("text body");
        var plain = new StringContent("""{"looks":"like json"}""", Encoding.UTF8, "text/plain");
        CandidateSteps.ExpectPostAnswer(await context.PostAsync(CheckContext.CandidatePath(plainName), plain).ConfigureAwait(false), plainName);
        CandidateSteps.ExpectExactly(await CandidateSteps.GetAsync(context, plainName).ConfigureAwait(false), "{}");
    }

    public static async Task JsonWithCharsetAsync(CheckContext context)
    {
        var name = context.Name("charset");
        const string body = """{"city":"Zürich"}""";
        var content = new StringContent(body, Encoding.UTF8, "application/json");
        Expect.That(content.Headers.ContentType?.CharSet == "utf-8", "the check must send a charset parameter");
        CandidateSteps.ExpectPostAnswer(await context.PostAsync(CheckContext.CandidatePath(name), content).ConfigureAwait(false), name);
        CandidateSteps.ExpectExactly(await CandidateSteps.GetAsync(context, name).ConfigureAwait(false), body);
    }

    /// <summary>
    /// <c>"\uD800"</c> is valid JSON text but no Unicode string. The host may refuse it (400) or keep it, but once it
    /// answered 200 the value must read back, and the candidate must not break reads or the listing for everyone.
    /// </summary>
    public static async Task LoneSurrogateAsync(CheckContext context)
    {
        foreach (var (suffix, body) in new[] { ("surrogate value", """{"a":"\uD800"}"""), ("surrogate member", """{"\uDC00":1}""") })
        {
            var name = context.Name(suffix);
            var response = await context.PostJsonAsync(CheckContext.CandidatePath(name), body).ConfigureAwait(false);
            if (response.Status == 400)
            {
                Expect.Problem(response, 400);
                Expect.NotFound(await context.GetAsync(CheckContext.CandidatePath(name)).ConfigureAwait(false));
                continue;
            }

            CandidateSteps.ExpectPostAnswer(response, name);
            CandidateSteps.ExpectExactly(await CandidateSteps.GetAsync(context, name).ConfigureAwait(false), body);
            Expect.Json(await context.GetAsync("/candidates?limit=1000").ConfigureAwait(false));
        }
    }

    public static async Task RejectedPostChangesNothingAsync(CheckContext context)
    {
        var name = context.Name("unchanged");
        const string kept = """{"keep":1}""";
        await CandidateSteps.PostAsync(context, name, kept).ConfigureAwait(false);
        await ExpectRejectedAsync(context, name, 400, """{"keep":2,"id":"x"}""", """{"keep":2""", """[{"keep":2}]""", Nested(9)).ConfigureAwait(false);
        await ExpectRejectedAsync(context, name, 413, Padded(MaxBodyBytes + 1)).ConfigureAwait(false);
        CandidateSteps.ExpectExactly(await CandidateSteps.GetAsync(context, name).ConfigureAwait(false), kept);
    }

    /// <summary>As <see cref="ExpectRejectedAsync"/> on a name nobody wrote, which must still not exist afterwards.</summary>
    private static async Task ExpectRejectedFreshAsync(CheckContext context, string name, int status, params string[] bodies)
    {
        await ExpectRejectedAsync(context, name, status, bodies).ConfigureAwait(false);
        var read = await context.GetAsync(CheckContext.CandidatePath(name)).ConfigureAwait(false);
        Expect.That(read.Status == 404, $"a rejected POST must write nothing, but the name now exists: {read.Describe()}");
        Expect.NotFound(read);
    }

    /// <summary>Each body POSTed as JSON to <paramref name="name"/> is a problem with <paramref name="status"/>.</summary>
    private static async Task ExpectRejectedAsync(CheckContext context, string name, int status, params string[] bodies)
    {
        foreach (var body in bodies)
        {
            var response = await context.PostJsonAsync(CheckContext.CandidatePath(name), body).ConfigureAwait(false);
            try
            {
                Expect.Problem(response, status);
            }
            catch (CheckFailedException ex)
            {
                var shown = body.Length <= 40 ? $"'{body}'" : $"'{body[..40]}…' ({Encoding.UTF8.GetByteCount(body)} bytes)";
                throw new CheckFailedException($"body {shown}: {ex.Message}", ex);
            }
        }
    }

    /// <summary>A JSON object nested <paramref name="depth"/> levels deep, the outer object being level 1.</summary>
    private static string Nested(int depth) =>
        """{"a":""" + new string('[', depth - 2) + "{}" + new string(']', depth - 2) + "}";

    /// <summary>A JSON object of exactly <paramref name="bytes"/> UTF-8 bytes: <c>{"pad":"xxx…"}</c>.</summary>
    private static string Padded(int bytes) => """{"pad":""" + "\"" + new string('x', bytes - 10) + "\"}";
}
