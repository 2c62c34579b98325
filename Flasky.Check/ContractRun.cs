using Microsoft.Extensions.Logging;

namespace Flasky.Check;

/// <summary>
/// One whole run of checks against one host, reported line by line to a logger: the CLI's console, the Aspire
/// dashboard's resource logs. Passed checks are information, failed ones errors; the last line is <c>N passed, N failed</c>.
/// </summary>
public static partial class ContractRun
{
    public static async Task<ContractRunSummary> RunAsync(
        ContractTarget target, ContractRunOptions options, IEnumerable<ContractCheck> checks, ILogger log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(checks);
        ArgumentNullException.ThrowIfNull(log);
        using var runner = new ContractRunner(target, options);
        var auth = target.Authenticator.Scheme == Auth.AuthScheme.None
            ? "no authentication (the auth checks don't apply)"
            : target.Authenticator.ToString();
        Checking(log, target.BaseAddress, auth!);
        Writes(log, runner.Options.WriteEdgeNames
            ? $"Writes only candidates named {runner.RunPrefix}…, and the exact names \".\", \"..\" and \"__x__\"."
            : $"Writes only candidates named {runner.RunPrefix}…");

        var outcomes = new List<CheckOutcome>();
        foreach (var check in checks.Where(c => c.AppliesTo(target)))
        {
            var outcome = await runner.RunAsync(check, cancellationToken).ConfigureAwait(false);
            outcomes.Add(outcome);
            var line = outcome.ToLine();
            if (outcome.Passed)
            {
                Passed(log, line);
            }
            else
            {
                Failed(log, line);
            }
        }

        var summary = new ContractRunSummary(outcomes);
        var total = summary.ToString();
        Summary(log, total);
        return summary;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Checking {BaseAddress} with {Authentication}.")]
    private static partial void Checking(ILogger log, Uri baseAddress, string authentication);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{Names}")]
    private static partial void Writes(ILogger log, string names);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "{Line}")]
    private static partial void Passed(ILogger log, string line);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "{Line}")]
    private static partial void Failed(ILogger log, string line);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "{Summary}")]
    private static partial void Summary(ILogger log, string summary);
}

/// <summary>What a run found: each check's outcome, in order.</summary>
public sealed record ContractRunSummary(IReadOnlyList<CheckOutcome> Outcomes)
{
    public int Passed => Outcomes.Count(o => o.Passed);

    public int Failed => Outcomes.Count(o => !o.Passed);

    /// <summary>Exactly <c>N passed, N failed</c>.</summary>
    public override string ToString() => $"{Passed} passed, {Failed} failed";
}
