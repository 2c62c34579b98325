using Flasky.Core.Storage;
using Flasky.Hosting;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flasky.Cosmos;

public static class CosmosServiceCollectionExtensions
{
    /// <summary>This store, for a host to pass to <see cref="CandidateApiServiceCollectionExtensions.AddCandidateApi"/>.</summary>
    public static CandidateStoreRegistration Registration { get; } = new(
        "Cosmos",
        $"ConnectionStrings:{CosmosStoreOptions.ConnectionName} or {CosmosStoreOptions.ConnectionName}:accountEndpoint",
        CosmosStoreOptions.IsConfigured,
        (services, configuration) => services.AddCosmosCandidateStore(configuration));

    /// <summary>
    /// Registers a shared <see cref="CosmosClient"/> and the Cosmos <see cref="ICandidateStore"/>, configured from
    /// <c>ConnectionStrings:cosmos</c> or <c>cosmos:accountEndpoint</c> (see <see cref="CosmosStoreOptions.FromConfiguration"/>).
    /// </summary>
    public static IServiceCollection AddCosmosCandidateStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = CosmosStoreOptions.FromConfiguration(configuration);
        services.AddSingleton(options);
        services.AddSingleton(_ => CosmosClientFactory.Create(options));
        services.AddSingleton<ICandidateStore>(provider => new CosmosCandidateStore(
            provider.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.ContainerName),
            options.OperationTimeout,
            provider.GetService<ILogger<CosmosCandidateStore>>()));
        return services;
    }
}
