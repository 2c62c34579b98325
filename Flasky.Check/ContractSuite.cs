using Flasky.Check.Checks;

namespace Flasky.Check;

/// <summary>
/// Every rule of api-contract.md that is observable from outside, in one list: the CLI runs it against any host and
/// the tests run it against each host. Checks are independent: each writes only its own names under the run prefix.
/// </summary>
public static class ContractSuite
{
    public static IReadOnlyList<ContractCheck> All { get; } =
    [
        new("gtg: 200 with an empty body", GtgChecks.EmptyOkAsync),
        new("gtg?details: 200 JSON connected \"true\" with an instance-id", GtgChecks.DetailsAsync),

        new("candidate: POST then GET round-trips as a one-element JSON array", CandidateChecks.RoundTripAsync),
        new("candidate: unknown name is 404 text/plain Not Found", CandidateChecks.UnknownNameNotFoundAsync),

        new("name: spaces round-trip", NameChecks.SpacesAsync),
        new("name: accented Latin round-trips (José Müller)", NameChecks.AccentedLatinAsync),
        new("name: Chinese round-trips (李雷)", NameChecks.ChineseAsync),
        new("name: emoji round-trip", NameChecks.EmojiAsync),
        new("name: ? and # round-trip when percent-encoded", NameChecks.QuestionMarkAndHashAsync),
        new("name: . and .. are names, not dot segments", NameChecks.DotsAsync),
        new("name: __x__ round-trips", NameChecks.DoubleUnderscoresAsync),
        new("name: composed and decomposed spellings are one candidate, named in NFC", NameChecks.ComposedAndDecomposedAsync),
        new("name: 128 characters is valid", NameChecks.MaxLengthAsync),
        new("name: 129 characters is 400", NameChecks.TooLongAsync),
        new("name: control characters (C0, DEL, C1) are 400", NameChecks.ControlCharactersAsync),
        new("name: / and \\ are 400", NameChecks.SlashesAsync),
        new("name: leading or trailing whitespace is 400", NameChecks.EdgeWhitespaceAsync),
        new("name: invalid UTF-8 is 400", NameChecks.InvalidUtf8Async),
        new("name: invisible formatting characters (U+200B, U+202E, U+2066, U+FEFF …) are 400 on POST and write nothing", NameChecks.InvisibleFormattingAsync),
        new("name: joiners and presentation selectors that show (emoji sequences, Persian ZWNJ, a virama's ZWJ) round-trip", NameChecks.VisibleJoinersAsync),

        new("body: attribute values round-trip as JSON", BodyChecks.AttributesRoundTripAsync),
        new("body: a second POST replaces the attributes", BodyChecks.SecondPostReplacesAsync),
        new("body: CandidateName in the body is ignored (the path wins)", BodyChecks.BodyNameIgnoredAsync),
        new("body: reserved members (id, _x) are 400", BodyChecks.ReservedMembersAsync),
        new("body: JSON that is not an object is 400", BodyChecks.NotAnObjectAsync),
        new("body: malformed JSON is 400", BodyChecks.MalformedAsync),
        new("body: nesting depth 8 is accepted", BodyChecks.Depth8AcceptedAsync),
        new("body: nesting depth 9 is 400", BodyChecks.Depth9RejectedAsync),
        new("body: exactly 16384 bytes is accepted", BodyChecks.ExactlyMaxSizeAcceptedAsync),
        new("body: over 16384 bytes is 413", BodyChecks.OverMaxSizeRejectedAsync),
        new("body: a non-JSON body is ignored (form \"test\" is 200)", BodyChecks.NonJsonIgnoredAsync),
        new("body: application/json with a charset is read", BodyChecks.JsonWithCharsetAsync),
        new("body: a rejected POST changes nothing", BodyChecks.RejectedPostChangesNothingAsync),
        new("body: a lone surrogate is 400, or round-trips without breaking reads", BodyChecks.LoneSurrogateAsync),
        new("body: numbers are doubles (2^53+1 and 1e400 are 400; -0 reads back as 0, 1e20 as 1E+20)", BodyChecks.NumbersAsync),

        new("routing: unknown paths are 404 text/plain Not Found", RoutingChecks.UnknownPathNotFoundAsync),
        new("routing: a wrong method is 405 with an Allow header", RoutingChecks.WrongMethodAsync),
        new("routing: /health and /alive are not API paths (404)", ManagementChecks.HealthPathsNotFoundAsync),

        new("candidates: lists the candidates this run wrote", ListingChecks.ListsThisRunAsync),
        new("candidates: limit pages follow Link rel=next to the end, without repeats", ListingChecks.PagesFollowLinkAsync),
        new("candidates: limit=1 and limit=1000 are accepted", ListingChecks.LimitBoundsAcceptedAsync),
        new("candidates: limit outside 1-1000 or not a number is 400", ListingChecks.InvalidLimitAsync),
        new("candidates: a bad next token is 400", ListingChecks.BadNextTokenAsync),

        new("errors: bodies never leak internals", ErrorChecks.NoInternalsLeakAsync),

        new("auth: no credentials are rejected on every route", AuthChecks.NoCredentialsRejectedAsync, NeedsCredentials: true),
        new("auth: wrong credentials are rejected on every route", AuthChecks.WrongCredentialsRejectedAsync, NeedsCredentials: true),
        new("auth: a POST with wrong credentials writes nothing", AuthChecks.WrongCredentialsWriteNothingAsync, NeedsCredentials: true),
        new("auth: /health and /alive without credentials are rejected", ManagementChecks.HealthPathsNeedCredentialsAsync, NeedsCredentials: true),
    ];

    /// <summary>The check with exactly this name.</summary>
    public static ContractCheck Get(string name) =>
        All.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"No contract check is named \"{name}\".", nameof(name));
}
