namespace Flasky.Core.Http;

public sealed class CandidateApiOptions
{
    /// <summary>Identifies the serving instance in <c>/gtg?details</c>: set by each host from its platform's own variables (Core knows none of them).</summary>
    public string InstanceId { get; set; } = Environment.MachineName;

    /// <summary>Sent as <c>Retry-After</c> on a 503 when the store gave no hint of its own.</summary>
    public TimeSpan DefaultRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many candidates to ask the store for at once when a listing has no <c>limit</c>.</summary>
    public int StorePageSize { get; set; } = 1000;

    /// <summary>
    /// The most body bytes one listing response may hold, on a host whose platform caps responses (Lambda: 6 MB minus
    /// its envelope). A listing that would exceed it returns the candidates that fit and a <c>Link</c> to the rest.
    /// Null (Kestrel hosts): the unpaged listing is streamed instead.
    /// </summary>
    public long? ResponseByteBudget { get; set; }
}
