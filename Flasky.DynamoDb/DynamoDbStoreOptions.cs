using Microsoft.Extensions.Configuration;

namespace Flasky.DynamoDb;

/// <summary>
/// Where the candidates live and how patiently to talk to them. Credentials are never configured here: the client
/// uses the SDK's standard chain (the Lambda execution role in AWS; <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>
/// locally, which DynamoDB Local accepts with any value).
/// </summary>
public sealed record DynamoDbStoreOptions
{
    public const string SectionName = "DynamoDb";
    public const string DefaultTableName = "Candidates";

    /// <summary>The SDK's service-specific endpoint variable (service id <c>DynamoDB</c>); set for DynamoDB Local only.</summary>
    public const string EndpointVariable = "AWS_ENDPOINT_URL_DYNAMODB";

    public const string RegionVariable = "AWS_REGION";

    public string TableName { get; init; } = DefaultTableName;

    /// <summary>
    /// The region, or null for the SDK's own resolution (<c>AWS_REGION</c>, the profile, instance metadata).
    /// Lambda always sets <c>AWS_REGION</c>.
    /// </summary>
    public string? Region { get; init; }

    /// <summary>A local endpoint such as DynamoDB Local; null for the region's DynamoDB endpoint.</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>One HTTP attempt. DynamoDB answers point operations in milliseconds; a stalled connection must not hold a request.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// SDK retries after the first attempt (standard mode: exponential backoff with jitter, throttling included).
    /// Few on purpose: beyond them the API answers 503 with <c>Retry-After</c> and the caller backs off instead.
    /// </summary>
    public int MaxErrorRetry { get; init; } = 2;

    /// <summary>
    /// A whole store call, retries and backoff included; beyond it the store reports itself unavailable. The hosts'
    /// budget (<c>StoreResilience:CallTimeout</c>, 3 s) bounds every call anyway; this bounds the store used on its own.
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>True when <c>DynamoDb:TableName</c> is set (env <c>DynamoDb__TableName</c>), so a host can choose this store.</summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return NonEmpty(configuration.GetSection(SectionName)["TableName"]) is not null;
    }

    /// <summary>
    /// Reads the ecosystem's names: <c>DynamoDb:TableName</c>, <c>AWS_REGION</c> and <c>AWS_ENDPOINT_URL_DYNAMODB</c>.
    /// The SDK reads the last two from the environment by itself; reading them from configuration as well lets any
    /// configuration source (appsettings, tests) set them, with the same meaning.
    /// </summary>
    public static DynamoDbStoreOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var tableName = NonEmpty(configuration.GetSection(SectionName)["TableName"])
            ?? throw new InvalidOperationException("DynamoDB is not configured: set DynamoDb:TableName (env DynamoDb__TableName).");
        Uri? serviceUrl = null;
        if (NonEmpty(configuration[EndpointVariable]) is { } endpoint)
        {
            serviceUrl = Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                ? uri
                : throw new InvalidOperationException($"{EndpointVariable} must be an absolute http(s) URL.");
        }

        return new DynamoDbStoreOptions
        {
            TableName = tableName,
            Region = NonEmpty(configuration[RegionVariable]),
            ServiceUrl = serviceUrl,
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
