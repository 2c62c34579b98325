using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Flasky.Hosting;

/// <summary>
/// <c>/health</c> (every check, the store's included) and <c>/alive</c> (liveness checks only) on a port of their own,
/// never on the API's: the API port serves only the contract, where every path needs the cloud's auth and unknown
/// paths are 404. The port exists only when configured (<c>Management:Port</c>, set by the AppHost so that Aspire's
/// health probe has something to ask), answers loopback callers only, and answers nothing else.
/// </summary>
public static class ManagementEndpoint
{
    /// <summary>The configuration key of the management port (environment variable <c>Management__Port</c>).</summary>
    public const string PortKey = "Management:Port";

    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";

    /// <summary>The tag of the health checks <c>/alive</c> runs (the Aspire service defaults' convention).</summary>
    public const string LiveTag = "live";

    /// <summary>The configured management port, or null when there is none. Throws on a value that is not a port.</summary>
    public static int? Port(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[PortKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new InvalidOperationException($"{PortKey} must be a TCP port number (1–65535).");
    }

    /// <summary>
    /// Serves the health endpoints on the management port, when one is configured; call it before the API's endpoints
    /// are mapped. The port must also be one the server listens on (the AppHost puts it in the host's URLs).
    /// </summary>
    public static WebApplication UseManagementEndpoint(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (Port(app.Configuration) is not { } port)
        {
            return app;
        }

        app.MapWhen(context => context.Connection.LocalPort == port, management =>
        {
            management.Use(next => context =>
            {
                var remote = context.Connection.RemoteIpAddress;
                return remote is not null && System.Net.IPAddress.IsLoopback(remote) ? next(context) : NotFound(context);
            });
            management.UseHealthChecks(HealthPath);
            management.UseHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
            management.Run(NotFound);
        });
        return app;
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }
}
