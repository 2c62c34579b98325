using Flasky.Core.Http;
using Flasky.Core.Storage;
using Flasky.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Flasky.Functions;

/// <summary>Registers the API and its store the same way in both hosting modes.</summary>
internal static class CandidateApiServices
{
    /// <summary>Configuration key that selects the in-memory store explicitly (never a silent fallback).</summary>
    public const string StoreKey = "CandidateStore";

    public static IServiceCollection AddCandidateApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(new CandidateApiOptions
        {
            InstanceId = CandidateApiOptions.ResolveInstanceId(Environment.GetEnvironmentVariable),
        });
        services.AddSingleton<CandidateApi>();

        if (string.Equals(configuration[StoreKey], "InMemory", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<ICandidateStore, InMemoryCandidateStore>();
        }
        else if (CosmosStoreOptions.IsConfigured(configuration))
        {
            services.AddCosmosCandidateStore(configuration);
        }
        else
        {
            throw new InvalidOperationException(
                $"No candidate store is configured: set ConnectionStrings:cosmos (or cosmos:accountEndpoint), or {StoreKey}=InMemory.");
        }

        services.AddHealthChecks().AddCheck<CandidateStoreHealthCheck>("candidate-store", tags: ["ready"]);
        return services;
    }
}

/// <summary>Healthy when the store answers a real round trip.</summary>
internal sealed class CandidateStoreHealthCheck(ICandidateStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.PingAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The description is shown to whoever can read /health: keep the exception's text out of it.
            return HealthCheckResult.Unhealthy("The candidate store did not answer.");
        }
    }
}
