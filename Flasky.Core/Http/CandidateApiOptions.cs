namespace Flasky.Core.Http;

public sealed class CandidateApiOptions
{
    /// <summary>Identifies the serving instance in <c>/gtg?details</c>: set by each host from its platform's own variables (Core knows none of them).</summary>
    public string InstanceId { get; set; } = Environment.MachineName;

    /// <summary>Sent as <c>Retry-After</c> on a 503 when the store gave no hint of its own.</summary>
    public TimeSpan DefaultRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many candidates to ask the store for at once when a listing has no <c>limit</c>.</summary>
    public int StorePageSize { get; set; } = 1000;
}
