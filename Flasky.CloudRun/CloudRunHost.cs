using System.Globalization;
using Flasky.Core.Http;
using Flasky.Firestore;
using Flasky.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Flasky.CloudRun;

/// <summary>
/// The Cloud Run service: the API on <c>$PORT</c> (Cloud Run's contract; 8080 when unset), behind Cloud Run's own
/// invoker check, with the Firestore store (or <c>CandidateStore=InMemory</c>, explicitly). Nothing else is specific
/// to Cloud Run, so this is all there is.
/// </summary>
public static class CloudRunHost
{
    public const string PortVariable = "PORT";
    public const int DefaultPort = 8080;

    /// <summary>The stores this host can use.</summary>
    public static readonly IReadOnlyList<CandidateStoreRegistration> Stores = [FirestoreServiceCollectionExtensions.Registration];

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The slim builder leaves out what a Cloud Run container never uses (HTTPS certificates, IIS, EventLog),
        // which shortens a cold start.
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.AddServiceDefaults();
        // Kestrel counts the bytes it has buffered, not only those the API asked for: a cap a little above the contract's
        // 16 KiB lets the API answer 413 itself, while a larger body is never read (nor drained) beyond it.
        builder.ConfigureKestrelLimits(maxRequestBodySize: 4 * CandidateApi.MaxBodyBytes);
        configure?.Invoke(builder);

        var port = Port(builder.Configuration);
        var managementPort = ManagementEndpoint.Port(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Cloud Run sends traffic to $PORT on any interface; the management port stays on loopback.
            kestrel.ListenAnyIP(port);
            if (managementPort is { } management)
            {
                kestrel.ListenLocalhost(management);
            }
        });
        builder.Services.AddCandidateApi(
            builder.Configuration,
            Stores,
            api => api.InstanceId = CloudRunInstance.Id(Environment.GetEnvironmentVariable));

        var app = builder.Build();
        app.UseSafeErrors();
        app.UseManagementEndpoint();
        app.MapCandidateApi();
        return app;
    }

    /// <summary>The port Cloud Run gives the container in <c>PORT</c>; 8080 when unset.</summary>
    public static int Port(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[PortVariable];
        if (string.IsNullOrWhiteSpace(value))
        {
            return DefaultPort;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new InvalidOperationException($"{PortVariable} must be a TCP port number.");
    }
}
