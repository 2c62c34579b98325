using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>Healthy once the server answers and every declared container exists.</summary>
internal sealed class CosmosEmulatorHealthCheck(CosmosEmulatorResource resource) : IHealthCheck
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = AcceptEmulatorCertificate },
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
    })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    // The local server (on loopback only) presents the package's self-signed certificate: accept exactly that case.
    private static bool AcceptEmulatorCertificate(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate,
        System.Security.Cryptography.X509Certificates.X509Chain? chain, System.Net.Security.SslPolicyErrors errors) =>
        errors == System.Net.Security.SslPolicyErrors.None
        || (certificate is not null && certificate.Subject == certificate.Issuer);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!resource.Endpoint.IsAllocated)
        {
            return HealthCheckResult.Unhealthy("The endpoint is not allocated yet.");
        }

        var baseUrl = resource.Endpoint.Url.TrimEnd('/');
        try
        {
            // The database list answers once the server listens; each declared container, once it was created.
            IEnumerable<string> paths = resource.Containers.Count == 0
                ? ["/dbs"]
                : resource.Containers.Select(c => $"/dbs/{Uri.EscapeDataString(c.Database)}/colls/{Uri.EscapeDataString(c.Container)}");
            foreach (var path in paths)
            {
                using var response = await Client.GetAsync(new Uri(baseUrl + path), cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    return HealthCheckResult.Unhealthy($"{path} answered {(int)response.StatusCode}.");
                }
            }

            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy("The Cosmos server does not answer.");
        }
    }
}
