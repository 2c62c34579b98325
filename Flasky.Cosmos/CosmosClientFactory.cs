using Azure.Identity;
using Microsoft.Azure.Cosmos;

namespace Flasky.Cosmos;

/// <summary>Builds the one <see cref="CosmosClient"/> a process needs (the client is thread-safe and meant to be shared).</summary>
public static class CosmosClientFactory
{
    public static CosmosClient Create(CosmosStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        PrepareSdkEnvironment();
        var endpoint = options.Endpoint();
        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "flasky",

            // Gateway everywhere: the only mode the local server speaks, HTTPS on 443 alone (no 10000–20000 TCP range
            // to open from a Functions VNet), and no per-replica TCP connections to warm up on every cold start of a
            // scale-out instance. Direct mode's lower latency matters little next to a function invocation; it stays
            // one setting away (cosmos:connectionMode).
            ConnectionMode = options.ConnectionMode,

            // The local server is a single endpoint; against Azure the SDK may discover and use other regions.
            LimitToEndpoint = endpoint.IsLoopback,
            RequestTimeout = options.RequestTimeout,
            MaxRetryAttemptsOnRateLimitedRequests = options.MaxRetryAttemptsOnRateLimitedRequests,
            MaxRetryWaitTimeOnRateLimitedRequests = options.MaxRetryWaitTimeOnRateLimitedRequests,

            // Upserts don't read the item back; don't pay for sending it.
            EnableContentResponseOnWrite = false,

            // Operation-level activities from the "Azure.Cosmos.Operation" source, for the Aspire dashboard and App Insights.
            CosmosClientTelemetryOptions = new CosmosClientTelemetryOptions { DisableDistributedTracing = false },
        };

        if (options.ConnectionString is not null)
        {
            // The SDK itself honours DisableServerCertificateValidation=True in the connection string (emulators only),
            // so no certificate callback of ours can leak into a production configuration.
            return new CosmosClient(options.ConnectionString, clientOptions);
        }

        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = options.ManagedIdentityClientId,
        });
        return new CosmosClient(endpoint.AbsoluteUri, credential, clientOptions);
    }

    /// <summary>
    /// The SDK reads these switches once, when the first client initialises, so they are set before any client exists
    /// (values a deployment set explicitly win). On Linux the SDK would otherwise ask the gateway for every
    /// cross-partition query plan, which the local server cannot answer; computing the plan in-process (the package
    /// ships the native library) also saves Azure a round trip. Optimistic direct execution sends single-partition
    /// queries straight to their partition without a plan (the local server needs it for aggregates such as COUNT).
    /// The AppContext switch makes the SDK's Azure.Core-based tracing publish through <see cref="System.Diagnostics.ActivitySource"/>.
    /// </summary>
    private static void PrepareSdkEnvironment()
    {
        SetIfUnset("AZURE_COSMOS_USE_QUERY_PLAN_INTEROP_LINUX", "true");
        SetIfUnset("AZURE_COSMOS_OPTIMISTIC_DIRECT_EXECUTION_ENABLED", "true");
        if (!AppContext.TryGetSwitch("Azure.Experimental.EnableActivitySource", out _))
        {
            AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        }
    }

    private static void SetIfUnset(string name, string value)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
