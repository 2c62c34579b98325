namespace Flasky.Core.Http;

/// <summary>
/// The route table of the contract. The constants are the templates that hosts with their own routing
/// (Azure Functions) declare; <see cref="Match"/> is the one decision about which route a raw path is.
/// </summary>
public static class ApiRoutes
{
    public const string Gtg = "gtg";
    public const string Candidate = "candidate/{name}";
    public const string Candidates = "candidates";

    /// <summary>A catch-all template, so that hosts hand unknown paths to the API for its 404.</summary>
    public const string Fallback = "{*path}";

    public static IReadOnlyList<string> AllowedMethods(ApiRoute route) => route switch
    {
        ApiRoute.Gtg or ApiRoute.Candidates => ["GET"],
        ApiRoute.Candidate => ["GET", "POST"],
        _ => [],
    };

    /// <summary>Finds the route of a raw (still percent-encoded) path; <paramref name="rawName"/> stays encoded.</summary>
    public static ApiRoute Match(ReadOnlySpan<char> rawPath, out string? rawName)
    {
        rawName = null;
        if (rawPath.IsEmpty || rawPath[0] != '/')
        {
            return ApiRoute.None;
        }

        var path = rawPath[1..];
        if (path.SequenceEqual(Gtg))
        {
            return ApiRoute.Gtg;
        }

        if (path.SequenceEqual(Candidates))
        {
            return ApiRoute.Candidates;
        }

        const string candidatePrefix = "candidate/";
        if (path.StartsWith(candidatePrefix, StringComparison.Ordinal))
        {
            var segment = path[candidatePrefix.Length..];
            if (!segment.IsEmpty && !segment.Contains('/'))
            {
                rawName = segment.ToString();
                return ApiRoute.Candidate;
            }
        }

        return ApiRoute.None;
    }
}

public enum ApiRoute
{
    None,
    Gtg,
    Candidate,
    Candidates,
}
