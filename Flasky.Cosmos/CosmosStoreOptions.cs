using System.Data.Common;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;

namespace Flasky.Cosmos;

/// <summary>
/// Where the candidates live and how patiently to talk to them. Exactly one of <see cref="ConnectionString"/>
/// (account key: the local server, or an account that still allows keys) and <see cref="AccountEndpoint"/>
/// (Microsoft Entra ID through <c>DefaultAzureCredential</c>: Azure, no keys anywhere) is set.
/// </summary>
public sealed record CosmosStoreOptions
{
    public const string ConnectionName = "cosmos";
    public const string DefaultDatabaseName = "CandidateDatabase";
    public const string DefaultContainerName = "Candidates";

    /// <summary><c>AccountEndpoint=…;AccountKey=…;</c>, optionally with <c>DisableServerCertificateValidation=True</c> (emulators only).</summary>
    public string? ConnectionString { get; init; }

    public Uri? AccountEndpoint { get; init; }

    /// <summary>The client id of a user-assigned managed identity (<c>AZURE_CLIENT_ID</c>); null for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; init; }

    public string DatabaseName { get; init; } = DefaultDatabaseName;

    public string ContainerName { get; init; } = DefaultContainerName;

    /// <summary>
    /// One HTTP request to Cosmos; the SDK retries a timed-out read on its own. Under the hosts' 3 s budget per store
    /// call (<c>StoreResilience:CallTimeout</c>), so a stalled request is abandoned while a retry still fits.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A whole store call, SDK retries included; beyond it the store reports itself unavailable. The hosts' budget
    /// (<c>StoreResilience:CallTimeout</c>, 3 s) bounds every call anyway; this bounds the store used on its own.
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// One retry on 429, and only when Cosmos asks for at most <see cref="MaxRetryWaitTimeOnRateLimitedRequests"/>:
    /// a longer hint comes straight back as a 503 whose <c>Retry-After</c> is Cosmos's own, instead of the SDK waiting
    /// it out (the SDK's defaults, 9 retries within 30 s, would outlast any budget and lose the hint).
    /// </summary>
    public int MaxRetryAttemptsOnRateLimitedRequests { get; init; } = 1;

    public TimeSpan MaxRetryWaitTimeOnRateLimitedRequests { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gateway by default; see <see cref="CosmosClientFactory"/> for why.</summary>
    public ConnectionMode ConnectionMode { get; init; } = ConnectionMode.Gateway;

    /// <summary>True when either name that <see cref="FromConfiguration"/> reads is set, so a host can choose this store.</summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return NonEmpty(configuration.GetConnectionString(ConnectionName)) is not null
            || NonEmpty(configuration.GetSection(ConnectionName)["accountEndpoint"]) is not null;
    }

    /// <summary>
    /// Reads the ecosystem's names: <c>ConnectionStrings:cosmos</c> (a key connection string, or just the account's
    /// https URL, or <c>AccountEndpoint=…;</c> without a key) or <c>cosmos:accountEndpoint</c> (the Functions
    /// identity-based connection convention, <c>cosmos__accountEndpoint</c>); <c>cosmos:databaseName</c>,
    /// <c>cosmos:containerName</c>, <c>cosmos:connectionMode</c>; <c>AZURE_CLIENT_ID</c>.
    /// </summary>
    public static CosmosStoreOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ConnectionName);
        var options = new CosmosStoreOptions
        {
            DatabaseName = NonEmpty(section["databaseName"]) ?? DefaultDatabaseName,
            ContainerName = NonEmpty(section["containerName"]) ?? DefaultContainerName,
            ManagedIdentityClientId = NonEmpty(configuration["AZURE_CLIENT_ID"]),
            ConnectionMode = NonEmpty(section["connectionMode"]) is { } mode
                ? Enum.Parse<ConnectionMode>(mode, ignoreCase: true)
                : ConnectionMode.Gateway,
        };

        var connectionString = NonEmpty(configuration.GetConnectionString(ConnectionName));
        if (connectionString is not null)
        {
            if (TryParseEndpoint(connectionString) is { } url)
            {
                return options with { AccountEndpoint = url };
            }

            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            if (!builder.ContainsKey("AccountKey") && builder.TryGetValue("AccountEndpoint", out var endpoint)
                && TryParseEndpoint(endpoint?.ToString()) is { } keyless)
            {
                return options with { AccountEndpoint = keyless };
            }

            return options with { ConnectionString = connectionString };
        }

        if (TryParseEndpoint(NonEmpty(section["accountEndpoint"])) is { } accountEndpoint)
        {
            return options with { AccountEndpoint = accountEndpoint };
        }

        // Never echo the configured values: one of them may be a key.
        throw new InvalidOperationException(
            "Cosmos DB is not configured: set ConnectionStrings:cosmos or cosmos:accountEndpoint to the account's https endpoint.");
    }

    /// <summary>The account endpoint, whichever way it was given (never the key).</summary>
    internal Uri Endpoint()
    {
        if (AccountEndpoint is not null)
        {
            return AccountEndpoint;
        }

        var builder = new DbConnectionStringBuilder { ConnectionString = ConnectionString };
        return builder.TryGetValue("AccountEndpoint", out var value) && TryParseEndpoint(value?.ToString()) is { } endpoint
            ? endpoint
            : throw new InvalidOperationException("The Cosmos DB connection string has no valid AccountEndpoint.");
    }

    private static Uri? TryParseEndpoint(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : null;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
