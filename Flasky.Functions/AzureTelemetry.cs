namespace Flasky.Functions;

/// <summary>What the Azure host adds to the cloud-neutral service defaults so the Azure SDKs' spans are exported.</summary>
internal static class AzureTelemetry
{
    /// <summary>The Azure SDKs' activity sources (Cosmos DB's operations are <c>Azure.Cosmos.Operation</c>).</summary>
    public static readonly IReadOnlyList<string> ActivitySources = ["Azure.Cosmos.Operation", "Azure.*"];

    /// <summary>The Azure SDKs publish ActivitySource spans only with this switch on.</summary>
    public static readonly IReadOnlyDictionary<string, bool> AppContextSwitches =
        new Dictionary<string, bool> { ["Azure.Experimental.EnableActivitySource"] = true };
}
