using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Flasky.Core.Storage.Resilience;

/// <summary>
/// How long one store call may take and when to stop calling a store that is down. Every host gets these through
/// <see cref="ResilientCandidateStore"/>; each store's own SDK timeouts and retries are set to end within
/// <see cref="CallTimeout"/>.
/// </summary>
/// <remarks>
/// Configuration (section <c>StoreResilience</c>, values as <see cref="TimeSpan"/>s, e.g. <c>00:00:03</c>):
/// <c>CallTimeout</c>, <c>PingTimeout</c>, <c>BreakDuration</c>, <c>FirstCallTimeout</c>.
/// </remarks>
public sealed record CandidateStoreResilienceOptions
{
    public const string SectionName = "StoreResilience";

    /// <summary>
    /// One store call (a point read, an upsert, one listing page), SDK retries included: 3 s. The stores answer in
    /// milliseconds when healthy (tens of ms at p99 in the clouds' own figures), so 3 s leaves room for a reconnect
    /// or one or two SDK retries of a transient failure, yet a caller waiting on a hung database gets its 503 long
    /// before an interactive client gives up (browsers and scripts commonly wait 10–30 s; API Gateway's integration
    /// timeout is 30 s) and long before requests pile up behind it.
    /// </summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The budget of every call until the store has answered once: an SDK's first calls after a cold start also fetch
    /// account metadata, open connections and start its query engine (the Cosmos SDK's native query planner takes 2–4 s of
    /// CPU on this 2-core machine). Once the store has answered, <see cref="CallTimeout"/> and <see cref="PingTimeout"/> apply.
    /// </summary>
    public TimeSpan FirstCallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The round trip behind <c>/gtg?details</c>: a health probe must answer in about a second.</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long calls are refused without trying once the store is known to be down; then one call probes it. Short,
    /// so that a store that comes back is used again within about a second.
    /// </summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The share of failed calls in <see cref="SamplingDuration"/> that opens the circuit.</summary>
    public double FailureRatio { get; init; } = 0.5;

    /// <summary>Calls needed in <see cref="SamplingDuration"/> before the ratio counts: a single failure never opens it.</summary>
    public int MinimumThroughput { get; init; } = 4;

    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The defaults, with any of <c>StoreResilience:CallTimeout</c>, <c>:PingTimeout</c>, <c>:BreakDuration</c> set.</summary>
    public static CandidateStoreResilienceOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var defaults = new CandidateStoreResilienceOptions();
        return defaults with
        {
            CallTimeout = Duration(section, nameof(CallTimeout)) ?? defaults.CallTimeout,
            PingTimeout = Duration(section, nameof(PingTimeout)) ?? defaults.PingTimeout,
            BreakDuration = Duration(section, nameof(BreakDuration)) ?? defaults.BreakDuration,
            FirstCallTimeout = Duration(section, nameof(FirstCallTimeout)) ?? defaults.FirstCallTimeout,
        };
    }

    private static TimeSpan? Duration(IConfigurationSection section, string key)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var duration) && duration > TimeSpan.Zero
            ? duration
            : throw new InvalidOperationException($"{SectionName}:{key} must be a positive duration such as 00:00:03.");
    }
}
