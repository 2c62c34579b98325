using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Flasky.DynamoDb;
using Flasky.Emulators;

namespace Flasky.Tests.Aws;

/// <summary>The test classes that share one DynamoDB Local (a JVM start is the slow part; the classes run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class DynamoDbLocalGroup : ICollectionFixture<DynamoDbLocalFixture>
{
    public const string Name = "DynamoDB Local";
}

/// <summary>
/// One DynamoDB Local for the test classes of <see cref="DynamoDbLocalGroup"/>, started with the seed's table (as the AppHost starts it), and a client built
/// the way the app builds it. Tests that need an empty table get a new one each.
/// </summary>
public sealed class DynamoDbLocalFixture : IAsyncLifetime
{
    /// <summary>A JVM start on two busy shared cores: measured 5–35 s here.</summary>
    internal static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>DynamoDB Local accepts any credentials; fixed ones keep the SDK off the credential chain (no IMDS probes).</summary>
    internal static readonly AWSCredentials LocalCredentials = new BasicAWSCredentials("local", "local");

    private DynamoDbLocal? _server;
    private AmazonDynamoDBClient? _client;

    internal DynamoDbLocal Server => _server ?? throw new InvalidOperationException("The fixture is not initialised.");

    public AmazonDynamoDBClient Client => _client ?? throw new InvalidOperationException("The fixture is not initialised.");

    public DynamoDbStoreOptions Options { get; private set; } = new();

    public TimeSpan StartDuration { get; private set; }

    public async Task InitializeAsync()
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        _server = await DynamoDbLocal.StartAsync([$"{DynamoDbStoreOptions.DefaultTableName}=CandidateName"], StartTimeout);
        StartDuration = stopwatch.Elapsed;
        Options = OptionsFor(_server.Endpoint);
        _client = DynamoDbClientFactory.Create(Options, LocalCredentials);
    }

    internal static DynamoDbStoreOptions OptionsFor(Uri endpoint) => new()
    {
        Region = "us-east-1",
        ServiceUrl = endpoint,
        OperationTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>A new, empty table laid out like the seed's (the store itself never creates one).</summary>
    public async Task<string> CreateEmptyTableAsync()
    {
        var name = $"Candidates-{Guid.NewGuid():N}";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Client.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            AttributeDefinitions = [new AttributeDefinition("CandidateName", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("CandidateName", KeyType.HASH)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        }, timeout.Token);
        return name;
    }

    public DynamoDbCandidateStore StoreFor(string tableName) => new(Client, tableName, Options.OperationTimeout);

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
