using System.Globalization;
using System.Text;

namespace Flasky.Load;

/// <summary>The tables, in Markdown: every figure next to its ratio against the baseline measured in the same run.</summary>
public static class Report
{
    public static string LoadTable(IReadOnlyList<LoadRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        text.AppendLine("| Route | Host | req/s | req/s × baseline | p50 ms | p99 ms | p99 × baseline | errors |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var baseline = rows.FirstOrDefault(r => r.Route == row.Route && r.Target.Name == row.Target.BaselineName);
            text.AppendLine(Invariant(
                $"| {row.Route} | {row.Target.Name} | {row.RequestsPerSecond:F0} | {Ratio(row.RequestsPerSecond, baseline?.RequestsPerSecond)} | {row.P50Ms:F2} | {row.P99Ms:F2} | {Ratio(row.P99Ms, baseline?.P99Ms)} | {row.Errors} |"));
        }

        foreach (var row in rows.Where(r => r.FirstError is not null))
        {
            text.AppendLine(Invariant($"\n{row.Target.Name}, {row.Route}: {row.Errors} of {row.Requests} failed; first: {row.FirstError}"));
        }

        return text.ToString();
    }

    public static string ColdStartTable(IReadOnlyList<ColdStartRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        text.AppendLine("| Host | spawn → first 200, median ms | × baseline | CPU until then, median ms | CPU × baseline | baseline | every run, ms |");
        text.AppendLine("|---|---:|---:|---:|---:|---|---|");
        foreach (var row in rows)
        {
            var baseline = rows.FirstOrDefault(r => r.Host == row.Baseline);
            text.AppendLine(Invariant(
                $"| {row.Host} | {row.MedianMs:F0} | {Ratio(row.MedianMs, baseline?.MedianMs)} | {row.MedianCpuMs:F0} | {Ratio(row.MedianCpuMs, baseline?.MedianCpuMs)} | {row.Baseline ?? "—"} | {string.Join(", ", row.Milliseconds.Select(m => m.ToString("F0", CultureInfo.InvariantCulture)))} |"));
        }

        return text.ToString();
    }

    private static string Ratio(double value, double? baseline) =>
        baseline is { } b && b > 0 && !double.IsNaN(value) ? (value / b).ToString("F2", CultureInfo.InvariantCulture) + "×" : "—";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
