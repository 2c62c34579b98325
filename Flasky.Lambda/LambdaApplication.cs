using Flasky.Core.Http;
using Flasky.Core.Storage;
using Flasky.DynamoDb;
using Flasky.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flasky.Lambda;

/// <summary>
/// What one Lambda execution environment builds once, at init: configuration, logging, the store's client and the
/// API. Init time is not billed the same way and is not on any request's path, so everything expensive happens here.
/// The store is chosen the way every host chooses it (<see cref="CandidateApiServiceCollectionExtensions.AddCandidateApi"/>).
/// </summary>
internal sealed class LambdaApplication : IDisposable
{
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

    /// <summary>The stores an AWS host can use (or <c>CandidateStore=InMemory</c>, explicitly).</summary>
    public static readonly IReadOnlyList<CandidateStoreRegistration> Stores = [DynamoDbServiceCollectionExtensions.Registration];

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
        services.AddCandidateApi(configuration, Stores, api =>
        {
            // One log stream per execution environment: the closest thing Lambda has to an instance id.
            api.InstanceId = InstanceId(configuration);
            api.ResponseByteBudget = ListingBodyBudget;
        });
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

    public void Dispose() => _services.Dispose();
}
