namespace Flasky.Check;

/// <summary>One rule of the contract, checked from outside over HTTP. The name is the rule, as a reader would say it.</summary>
/// <param name="Name">Unique in the suite; shown as <c>✓ name</c> or <c>✗ name — reason</c>.</param>
/// <param name="RunAsync">Throws <see cref="CheckFailedException"/> when the host breaks the rule.</param>
/// <param name="NeedsCredentials">Checks how the host rejects bad credentials: only applies to a host with authentication.</param>
public sealed record ContractCheck(string Name, Func<CheckContext, Task> RunAsync, bool NeedsCredentials = false)
{
    public bool AppliesTo(ContractTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return !NeedsCredentials || target.Authenticator.Rejection is not null;
    }

    public override string ToString() => Name;
}

/// <summary>The host a run checks: where it is and how to authenticate to it.</summary>
public sealed record ContractTarget(Uri BaseAddress, Auth.IRequestAuthenticator Authenticator);

/// <summary>How a run behaves.</summary>
public sealed record ContractRunOptions
{
    /// <summary>The longest any one HTTP request may take.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Also write the exact names <c>.</c>, <c>..</c> and <c>__x__</c> (outside the run prefix) to prove they round-trip.
    /// Off by default, because the API has no delete and a deployed store should only ever get prefixed names.
    /// </summary>
    public bool WriteEdgeNames { get; init; }

    /// <summary>
    /// Write the fixed set of names <c>flasky-check-…</c>, the same on every run, instead of names under a random
    /// per-run prefix: a store checked again and again (a deployment) keeps one copy of each, overwritten each time.
    /// Runs that share a host at the same time need the random prefix, so the library's default stays off.
    /// </summary>
    public bool FixedNames { get; init; }

    /// <summary>Every check gets this long in all before it fails as timed out.</summary>
    public TimeSpan CheckTimeout => RequestTimeout * 6 > MinimumCheckTimeout ? RequestTimeout * 6 : MinimumCheckTimeout;

    private static TimeSpan MinimumCheckTimeout => TimeSpan.FromSeconds(30);
}

/// <summary>The result of one check.</summary>
public sealed record CheckOutcome(string Name, bool Passed, string? Reason, TimeSpan Elapsed)
{
    public string ToLine() => Passed ? $"✓ {Name}" : $"✗ {Name} — {Reason}";
}
