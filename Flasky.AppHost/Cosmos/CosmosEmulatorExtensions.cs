using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

public static class CosmosEmulatorExtensions
{
    /// <summary>
    /// Adds a local Cosmos DB server (<c>@vercel/cosmosdb-server</c>, in memory) as an executable resource with an
    /// HTTPS endpoint and a health check. The npm package is installed by this project's build.
    /// </summary>
    public static IResourceBuilder<CosmosEmulatorResource> AddCosmosEmulator(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var serverDirectory = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "emulators", "cosmos"));
        var accountKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var resource = new CosmosEmulatorResource(name, serverDirectory, accountKey);

        var healthCheckKey = $"{name}-containers";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new CosmosEmulatorHealthCheck(resource),
            failureStatus: null,
            tags: null,
            timeout: TimeSpan.FromSeconds(5)));

        return builder.AddResource(resource)
            .WithHttpsEndpoint(name: CosmosEmulatorResource.EndpointName, isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("server.mjs");
                context.Args.Add("--port");
                context.Args.Add(resource.Endpoint.Property(EndpointProperty.TargetPort));
                foreach (var group in resource.Containers.GroupBy(c => c.Database))
                {
                    context.Args.Add("--database");
                    context.Args.Add(group.Key);
                    foreach (var container in group)
                    {
                        context.Args.Add("--container");
                        context.Args.Add($"{container.Container}={container.PartitionKeyPath}");
                    }
                }
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>Declares a container that the server creates (idempotently) every time it starts.</summary>
    public static IResourceBuilder<CosmosEmulatorResource> WithContainer(
        this IResourceBuilder<CosmosEmulatorResource> builder, string database, string container, string partitionKeyPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.Containers.Add(new CosmosContainerSpec(database, container, partitionKeyPath));
        return builder;
    }
}
