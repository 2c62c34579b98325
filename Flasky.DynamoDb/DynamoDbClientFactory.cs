using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Flasky.DynamoDb;

/// <summary>Builds the one DynamoDB client a process needs (thread-safe, meant to be shared: it owns the connection pool).</summary>
public static class DynamoDbClientFactory
{
    /// <param name="options">Region, endpoint, timeouts.</param>
    /// <param name="credentials">Explicit credentials (tests); null for the SDK's standard chain.</param>
    public static AmazonDynamoDBClient Create(DynamoDbStoreOptions options, AWSCredentials? credentials = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonDynamoDBConfig
        {
            // Standard mode retries throttling and transient errors with jittered backoff; the legacy mode's DynamoDB
            // default is 10 retries, far beyond what an HTTP request should wait.
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = options.MaxErrorRetry,
            Timeout = options.AttemptTimeout,
        };
        if (options.Region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        if (options.ServiceUrl is not null)
        {
            // Setting ServiceURL keeps the region for signing (AuthenticationRegion falls back to RegionEndpoint).
            config.ServiceURL = options.ServiceUrl.AbsoluteUri;
        }

        return credentials is null ? new AmazonDynamoDBClient(config) : new AmazonDynamoDBClient(credentials, config);
    }
}
