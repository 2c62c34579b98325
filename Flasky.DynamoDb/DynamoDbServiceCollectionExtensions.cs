using Amazon.DynamoDBv2;
using Flasky.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flasky.DynamoDb;

public static class DynamoDbServiceCollectionExtensions
{
    /// <summary>
    /// Registers a shared <see cref="IAmazonDynamoDB"/> client and the DynamoDB <see cref="ICandidateStore"/>,
    /// configured from <c>DynamoDb:TableName</c>, <c>AWS_REGION</c> and <c>AWS_ENDPOINT_URL_DYNAMODB</c>
    /// (see <see cref="DynamoDbStoreOptions.FromConfiguration"/>), with the SDK's standard credential chain.
    /// </summary>
    public static IServiceCollection AddDynamoDbCandidateStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = DynamoDbStoreOptions.FromConfiguration(configuration);
        services.AddSingleton(options);
        services.AddSingleton<IAmazonDynamoDB>(_ => DynamoDbClientFactory.Create(options));
        services.AddSingleton<ICandidateStore>(provider => new DynamoDbCandidateStore(
            provider.GetRequiredService<IAmazonDynamoDB>(),
            options.TableName,
            options.OperationTimeout,
            provider.GetService<ILogger<DynamoDbCandidateStore>>()));
        return services;
    }
}
