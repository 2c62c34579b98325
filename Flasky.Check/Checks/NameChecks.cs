using System.Text;

namespace Flasky.Check.Checks;

internal static class NameChecks
{
    public static Task SpacesAsync(CheckContext context) =>
        CandidateSteps.RoundTripAsync(context, context.Name("John Smith"));

    public static Task AccentedLatinAsync(CheckContext context) =>
        CandidateSteps.RoundTripAsync(context, context.Name("José Müller"));

    public static Task ChineseAsync(CheckContext context) =>
        CandidateSteps.RoundTripAsync(context, context.Name("李雷"));

    public static Task EmojiAsync(CheckContext context) =>
        CandidateSteps.RoundTripAsync(context, context.Name("emoji 😀🎉"));

    public static async Task QuestionMarkAndHashAsync(CheckContext context)
    {
        // Sent as %3F and %23: a host that decodes before routing would cut the name at the query or fragment.
        await CandidateSteps.RoundTripAsync(context, context.Name("a?b")).ConfigureAwait(false);
        await CandidateSteps.RoundTripAsync(context, context.Name("a#b")).ConfigureAwait(false);
    }

    public static Task DotsAsync(CheckContext context) => EdgeNameAsync(context, ".", "..");

    public static Task DoubleUnderscoresAsync(CheckContext context) => EdgeNameAsync(context, "__x__");

    public static async Task ComposedAndDecomposedAsync(CheckContext context)
    {
        var decomposed = context.Name("Jose\u0301");
        var composed = context.Name("Jos\u00e9");
        await CandidateSteps.PostAsync(context, decomposed, """{"spelling":"decomposed"}""").ConfigureAwait(false);
        var candidate = await CandidateSteps.GetAsync(context, composed).ConfigureAwait(false);
        CandidateSteps.ExpectAttribute(candidate, "spelling", "\"decomposed\"");

        // And back: the decomposed spelling reads the same candidate, named in NFC.
        candidate = await CandidateSteps.GetAsync(context, decomposed).ConfigureAwait(false);
        CandidateSteps.ExpectAttribute(candidate, "spelling", "\"decomposed\"");
    }

    public static Task MaxLengthAsync(CheckContext context) =>
        CandidateSteps.RoundTripAsync(context, PadTo(context.Name("128 "), 128));

    public static Task TooLongAsync(CheckContext context) =>
        ExpectInvalidAsync(context, CheckContext.EncodeSegment(PadTo(context.Name("129 "), 129)));

    public static Task ControlCharactersAsync(CheckContext context)
    {
        var prefix = CheckContext.EncodeSegment(context.Name("control "));
        return ExpectInvalidAsync(context, prefix + "%01", prefix + "%7F", prefix + "%C2%85");
    }

    public static Task SlashesAsync(CheckContext context)
    {
        var prefix = CheckContext.EncodeSegment(context.Name("slash "));
        return ExpectInvalidAsync(context, prefix + "a%2Fb", prefix + "a%5Cb");
    }

    public static Task EdgeWhitespaceAsync(CheckContext context)
    {
        // Space, tab (also a control character), no-break space and ideographic space, at either end.
        var name = CheckContext.EncodeSegment(context.Name("edge-space"));
        string[] spaces = ["%20", "%09", "%C2%A0", "%E3%80%80"];
        return ExpectInvalidAsync(context, [.. spaces.Select(s => s + name), .. spaces.Select(s => name + s)]);
    }

    /// <summary>
    /// The spoofing rule: invisible formatting characters can't be written — zero-width space, right-to-left
    /// override, left-to-right isolate, byte order mark, soft hyphen, word joiner, Hangul filler, a tag character — and
    /// the refused POST writes nothing; a GET of such a name is a read like any other (404 here, never written).
    /// </summary>
    public static async Task InvisibleFormattingAsync(CheckContext context)
    {
        var prefix = CheckContext.EncodeSegment(context.Name("invisible a"));
        string[] invisible = ["%E2%80%8B", "%E2%80%AE", "%E2%81%A6", "%EF%BB%BF", "%C2%AD", "%E2%81%A0", "%E3%85%A4", "%F3%A0%81%81"];
        foreach (var character in invisible)
        {
            var target = "/candidate/" + prefix + character + "b";
            Expect.Problem(await context.PostJsonAsync(target, """{"invisible":true}""").ConfigureAwait(false), 400);
            Expect.NotFound(await context.GetAsync(target).ConfigureAwait(false));
        }
    }

    /// <summary>Joiners and presentation selectors where they change what is shown are part of the name.</summary>
    public static async Task VisibleJoinersAsync(CheckContext context)
    {
        string[] names =
        [
            "family \U0001F468\u200D\U0001F469\u200D\U0001F467", // emoji ZWJ sequence
            "heart \u2764\uFE0F", // emoji presentation selector after a symbol
            "keycap 1\uFE0F\u20E3",
            "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645", // Persian: ZWNJ between two Arabic-script letters
            "\u0915\u094D\u200D\u0937", // Devanagari: ZWJ after a virama
        ];
        foreach (var name in names)
        {
            await CandidateSteps.RoundTripAsync(context, context.Name(name)).ConfigureAwait(false);
        }
    }

    public static Task InvalidUtf8Async(CheckContext context)
    {
        var prefix = CheckContext.EncodeSegment(context.Name("utf8 "));
        return ExpectInvalidAsync(context, prefix + "%FF", prefix + "%C3%28");
    }

    /// <summary>Pads with "é" (one character, two UTF-8 bytes) so that a host counting bytes fails.</summary>
    private static string PadTo(string start, int characters) =>
        start + new string('\u00e9', characters - start.EnumerateRunes().Count());

    /// <summary>GET and POST of each raw segment are 400 problems, and the POST wrote nothing readable.</summary>
    private static async Task ExpectInvalidAsync(CheckContext context, params string[] rawSegments)
    {
        foreach (var segment in rawSegments)
        {
            var target = "/candidate/" + segment;
            Expect.Problem(await context.GetAsync(target).ConfigureAwait(false), 400);
            Expect.Problem(await context.PostJsonAsync(target, """{"invalid":true}""").ConfigureAwait(false), 400);
        }
    }

    /// <summary>
    /// Names that stores forbid as keys. With <see cref="ContractRunOptions.WriteEdgeNames"/> they are written exactly;
    /// otherwise (the default: never write outside the run prefix) the exact name must route to the candidate route
    /// and be valid, and the run writes the prefixed variant.
    /// </summary>
    private static async Task EdgeNameAsync(CheckContext context, params string[] names)
    {
        foreach (var name in names)
        {
            if (context.Options.WriteEdgeNames)
            {
                await CandidateSteps.RoundTripAsync(context, name).ConfigureAwait(false);
                continue;
            }

            var target = CheckContext.CandidatePath(name);
            var wrongMethod = await context.SendAsync(HttpMethod.Delete, target).ConfigureAwait(false);
            Expect.That(
                wrongMethod.Status == 405,
                $"expected {target} to reach the candidate route (DELETE → 405), got {wrongMethod.Describe()}");
            var read = await context.GetAsync(target).ConfigureAwait(false);
            if (read.Status == 404)
            {
                Expect.NotFound(read);
            }
            else
            {
                CandidateSteps.ExpectOneCandidate(read, name);
            }

            await CandidateSteps.RoundTripAsync(context, context.Name(name)).ConfigureAwait(false);
            await CandidateSteps.RoundTripAsync(context, context.Name("x" + name + "x")).ConfigureAwait(false);
        }
    }
}
