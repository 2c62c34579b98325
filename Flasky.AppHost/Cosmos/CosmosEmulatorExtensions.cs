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

    /// <summary>
    /// Gives an app the Cosmos server's connection string and the names of the container it holds
    /// (<c>cosmos:databaseName</c>, <c>cosmos:containerName</c>), so the names are declared once, in <see cref="WithContainer"/>.
    /// </summary>
    public static IResourceBuilder<TApp> WithCosmosContainerReference<TApp>(
        this IResourceBuilder<TApp> app, IResourceBuilder<CosmosEmulatorResource> cosmos)
        where TApp : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(cosmos);
        var container = cosmos.Resource.Containers.Count == 1
            ? cosmos.Resource.Containers[0]
            : throw new InvalidOperationException($"'{cosmos.Resource.Name}' must declare exactly one container for an app to use.");
        return app
            .WithReference(cosmos)
            .WithEnvironment($"{cosmos.Resource.Name}__databaseName", container.Database)
            .WithEnvironment($"{cosmos.Resource.Name}__containerName", container.Container);
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
