using Flasky.Core.Http;
using Flasky.Core.Storage;
using Flasky.Core.Storage.Resilience;
using Flasky.DynamoDb;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flasky.Lambda;

/// <summary>
/// What one Lambda execution environment builds once, at init: configuration, logging, the store's client and the
/// API. Init time is not billed the same way and is not on any request's path, so everything expensive happens here.
/// </summary>
internal sealed class LambdaApplication : IDisposable
{
    /// <summary>Selects the in-memory store explicitly (tests, demos); never a silent fallback.</summary>
    public const string StoreKey = "CandidateStore";

    private readonly ServiceProvider _services;

    private LambdaApplication(ServiceProvider services)
    {
        _services = services;
        Api = services.GetRequiredService<CandidateApi>();
        Logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<Function>();
    }

    /// <summary>
    /// The most body bytes one listing may hold. Lambda caps a response at 6 MB (6,291,456 bytes, "Invocation payload"
    /// quota), and the body travels as a JSON string inside the payload-2.0 envelope, where System.Text.Json may write
    /// any byte as a six-character escape. 1,000,000 raw bytes can't exceed 6,000,000 escaped, leaving room for the
    /// envelope, so a listing never hits the cap: what doesn't fit goes behind the Link header.
    /// </summary>
    public const long ListingBodyBudget = 1_000_000;

    public CandidateApi Api { get; }

    public ILogger Logger { get; }

    public static LambdaApplication Create(IConfiguration configuration, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging(builder =>
        {
            // Lambda sends stdout to CloudWatch Logs: one line per entry keeps entries apart there.
            builder.AddConfiguration(configuration.GetSection("Logging"));
            builder.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.IncludeScopes = false;
            });
            logging?.Invoke(builder);
        });
        services.AddSingleton(new CandidateApiOptions
        {
            // One log stream per execution environment: the closest thing Lambda has to an instance id.
            InstanceId = InstanceId(configuration),
            ResponseByteBudget = ListingBodyBudget,
        });
        services.AddSingleton<CandidateApi>();
        AddStore(services, configuration);
        services.AddCandidateStoreResilience(CandidateStoreResilienceOptions.FromConfiguration(configuration));
        var application = new LambdaApplication(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));

        // Resolve the store now, in init, so the SDK client is built before the first request.
        application._services.GetRequiredService<ICandidateStore>();
        return application;
    }

    internal static string InstanceId(IConfiguration configuration)
    {
        var stream = configuration["AWS_LAMBDA_LOG_STREAM_NAME"];
        return string.IsNullOrWhiteSpace(stream) ? Environment.MachineName : stream;
    }

    private static void AddStore(IServiceCollection services, IConfiguration configuration)
    {
        if (string.Equals(configuration[StoreKey], "InMemory", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<ICandidateStore, InMemoryCandidateStore>();
            return;
        }

        if (DynamoDbStoreOptions.IsConfigured(configuration))
        {
            services.AddDynamoDbCandidateStore(configuration);
            return;
        }

        throw new InvalidOperationException(
            $"No candidate store is configured: set DynamoDb__TableName (with AWS_REGION), or {StoreKey}=InMemory.");
    }

    public void Dispose() => _services.Dispose();
}
