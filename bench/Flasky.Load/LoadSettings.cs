namespace Flasky.Load;

/// <summary>How hard and how long: a closed loop of <see cref="Connections"/> workers, each sending its next request when the last one answered.</summary>
public sealed record LoadSettings
{
    public int Connections { get; init; } = 16;

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Each (route, target) pair is measured this many times, targets interleaved within every round.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Process spawn → first 200, this many times per host (interleaved); the table shows the median.</summary>
    public int ColdStartRuns { get; init; } = 5;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
