using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>
/// Healthy once the emulator answers a real Firestore read (listing the collection) for the resource's project;
/// when a prerequisite is missing, unhealthy with the message that says what to install.
/// </summary>
internal sealed class FirestoreEmulatorHealthCheck(FirestoreEmulatorResource resource) : IHealthCheck
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (resource.PrerequisiteProblem is { } problem)
        {
            return HealthCheckResult.Unhealthy(problem);
        }

        if (!resource.Endpoint.IsAllocated)
        {
            return HealthCheckResult.Unhealthy("The endpoint is not allocated yet.");
        }

        var url = $"{resource.Endpoint.Url.TrimEnd('/')}/v1/projects/{Uri.EscapeDataString(resource.ProjectId)}/databases/(default)/documents/"
            + $"{Uri.EscapeDataString(resource.Collection)}?pageSize=1";
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new("Bearer", "owner");
            using var response = await Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"The emulator answered {(int)response.StatusCode}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy("The Firestore emulator does not answer.");
        }
    }
}
