using Flasky.Core.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Flasky.Hosting;

/// <summary>Healthy when the store answers a real round trip.</summary>
internal sealed class CandidateStoreHealthCheck(ICandidateStore store) : IHealthCheck
{
    public const string Name = "candidate-store";
    public const string ReadyTag = "ready";

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
