using System.Net;
using Flasky.Cosmos;
using Flasky.Emulators;
using Microsoft.Azure.Cosmos;

namespace Flasky.Tests.Azure;

/// <summary>
/// One local Cosmos server for a test class, started with the seed's database and container (as the AppHost will),
/// and a client built the way the app builds it. Tests that need an empty collection get a new container each.
/// </summary>
public sealed class CosmosServerFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private CosmosServer? _server;
    private CosmosClient? _client;

    internal CosmosServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialised.");

    public CosmosClient Client => _client ?? throw new InvalidOperationException("The fixture is not initialised.");

    public CosmosStoreOptions Options { get; private set; } = new();

    public Container SharedContainer => Client.GetContainer(Options.DatabaseName, Options.ContainerName);

    public async Task InitializeAsync()
    {
        _server = await CosmosServer.StartAsync(
            ["--database", CosmosStoreOptions.DefaultDatabaseName, "--container", $"{CosmosStoreOptions.DefaultContainerName}=/CandidateName"],
            StartTimeout);
        Options = new CosmosStoreOptions { ConnectionString = _server.ConnectionString, OperationTimeout = TimeSpan.FromSeconds(30) };
        _client = CosmosClientFactory.Create(Options);
    }

    /// <summary>A new, empty container laid out like the seed's (the store itself never creates one).</summary>
    public async Task<Container> CreateEmptyContainerAsync()
    {
        var properties = new ContainerProperties($"Candidates-{Guid.NewGuid():N}", "/CandidateName");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var response = await Client.GetDatabase(Options.DatabaseName).CreateContainerAsync(properties, cancellationToken: timeout.Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Container;
    }

    public CosmosCandidateStore StoreFor(Container container) => new(container, Options.OperationTimeout);

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
