using Flasky.Cosmos;
using Flasky.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Flasky.Functions;

/// <summary>Registers the API and its store the same way in both hosting modes.</summary>
internal static class CandidateApiServices
{
    /// <summary>The stores an Azure host can use.</summary>
    public static readonly IReadOnlyList<CandidateStoreRegistration> Stores = [CosmosServiceCollectionExtensions.Registration];

    public static IServiceCollection AddAzureCandidateApi(this IServiceCollection services, IConfiguration configuration) =>
        services.AddCandidateApi(configuration, Stores, api => api.InstanceId = InstanceId(Environment.GetEnvironmentVariable));

    /// <summary>App Service's id of the serving instance (one per Functions instance), else the machine's name.</summary>
    public static string InstanceId(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var value = environment("WEBSITE_INSTANCE_ID");
        return string.IsNullOrWhiteSpace(value) ? Environment.MachineName : value;
    }
}
