using System.Diagnostics;
using OpenTelemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Replaces the values of sensitive query parameters (e.g. <c>code</c>, which carries Azure function keys) in every
/// span's URL attributes before the span is exported. OpenTelemetry's own query redaction can't be relied on: Aspire
/// switches it off for its resources so that query strings show in the dashboard.
/// </summary>
public sealed class QueryRedactionProcessor(IReadOnlyCollection<string> sensitiveParameters) : BaseProcessor<Activity>
{
    public const string RedactedValue = "Redacted";
    private static readonly string[] UrlTags = ["url.query", "url.full", "http.url", "http.target"];

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var tag in UrlTags)
        {
            if (data.GetTagItem(tag) is string value && (tag == "url.query" || value.Contains('?', StringComparison.Ordinal)))
            {
                var redacted = Redact(value, sensitiveParameters);
                if (!ReferenceEquals(redacted, value))
                {
                    data.SetTag(tag, redacted);
                }
            }
        }
    }

    /// <summary>Redacts the named parameters' values in a query, or in the query part of a URL or target.</summary>
    public static string Redact(string urlOrQuery, IReadOnlyCollection<string> sensitiveParameters)
    {
        ArgumentNullException.ThrowIfNull(urlOrQuery);
        ArgumentNullException.ThrowIfNull(sensitiveParameters);
        var queryStart = urlOrQuery.IndexOf('?', StringComparison.Ordinal);
        var head = queryStart < 0 ? string.Empty : urlOrQuery[..(queryStart + 1)];
        var parts = urlOrQuery[head.Length..].Split('&');
        var changed = false;
        for (var i = 0; i < parts.Length; i++)
        {
            var equals = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                continue;
            }

            var name = Uri.UnescapeDataString(parts[i][..equals].Replace('+', ' '));
            if (sensitiveParameters.Contains(name, StringComparer.OrdinalIgnoreCase) && parts[i][(equals + 1)..] != RedactedValue)
            {
                parts[i] = parts[i][..(equals + 1)] + RedactedValue;
                changed = true;
            }
        }

        return changed ? head + string.Join('&', parts) : urlOrQuery;
    }
}
