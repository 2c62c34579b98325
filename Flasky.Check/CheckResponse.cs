using System.Text;

namespace Flasky.Check;

/// <summary>What the host answered, read in full, plus the request it answered (method and raw target, never credentials).</summary>
public sealed record CheckResponse(
    string Method,
    string Target,
    int Status,
    string? MediaType,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The first value of a response or content header, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>E.g. <c>GET /candidate/x → 404 text/plain "Not Found"</c>, short enough for one line.</summary>
    public string Describe()
    {
        var target = Target.Length <= 80 ? Target : Target[..80] + "…";
        return $"{Method} {target} → {Status}{(MediaType is null ? "" : " " + MediaType)} {Snippet()}";
    }

    public string Snippet(int maxChars = 120)
    {
        if (Body.Length == 0)
        {
            return "(empty body)";
        }

        var text = Text.ReplaceLineEndings(" ");
        return text.Length <= maxChars ? $"\"{text}\"" : $"\"{text[..maxChars]}…\" ({Body.Length} bytes)";
    }
}
