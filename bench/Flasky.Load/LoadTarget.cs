using Flasky.Check.Auth;

namespace Flasky.Load;

/// <summary>One API to put load on: its base URL and the credentials its platform wants.</summary>
/// <param name="Name">The row label in the table.</param>
/// <param name="BaseAddress">The API's root; routes are appended to it as they are (a stage or prefix stays).</param>
/// <param name="Authenticator">Signs or keys every request (Flasky.Check's authenticators).</param>
/// <param name="BaselineName">The target this one's ratios are against; null for a baseline itself.</param>
public sealed record LoadTarget(string Name, Uri BaseAddress, IRequestAuthenticator Authenticator, string? BaselineName)
{
    public Uri Resolve(string pathAndQuery) => new(BaseAddress.ToString().TrimEnd('/') + pathAndQuery);
}

/// <summary>A request shape the harness repeats. <paramref name="Path"/> gets the request's sequence number.</summary>
public sealed record LoadRoute(string Name, HttpMethod Method, Func<long, string> Path, string? JsonBody, int ExpectedStatus)
{
    /// <summary>Every candidate the harness writes is named with this prefix (so it can be told apart in a shared store).</summary>
    public const string NamePrefix = "flasky-bench-";

    /// <summary>How many candidates <see cref="LoadHarness.SeedAsync"/> writes before the runs: more than one page of 100.</summary>
    public const int SeededCandidates = 150;

    public const string AttributesJson = """{"Role":"Engineer","Level":3,"Skills":["C#","Go"]}""";

    public static IReadOnlyList<LoadRoute> All { get; } =
    [
        new("GET /candidate/{name}", HttpMethod.Get, i => $"/candidate/{SeededName(i % SeededCandidates)}", null, 200),
        new("POST /candidate/{name}", HttpMethod.Post, i => $"/candidate/{NamePrefix}post-{i % 100:D3}", AttributesJson, 200),
        new("GET /gtg", HttpMethod.Get, _ => "/gtg", null, 200),
        new("GET /candidates?limit=100", HttpMethod.Get, _ => "/candidates?limit=100", null, 200),
    ];

    /// <summary>
    /// The routes of the emulator runs (<c>--emulators</c>): those that reach the store, each with one store call —
    /// a point read, a write, a ping (<c>/gtg?details</c>; plain <c>/gtg</c> touches no store), a page of 100.
    /// </summary>
    public static IReadOnlyList<LoadRoute> StoreBound { get; } =
    [
        All[0],
        All[1],
        new("GET /gtg?details", HttpMethod.Get, _ => "/gtg?details", null, 200),
        All[3],
    ];

    public static string SeededName(long index) => $"{NamePrefix}{index:D4}";
}
