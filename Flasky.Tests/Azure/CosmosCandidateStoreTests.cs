using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Flasky.Core.Storage;
using Flasky.Cosmos;
using Flasky.Emulators;
using Flasky.Tests.Contract;
using Microsoft.Azure.Cosmos;

namespace Flasky.Tests.Azure;

/// <summary>The store contract against the local Cosmos server, plus what only the Cosmos store has to get right.</summary>
public sealed class CosmosCandidateStoreTests(CosmosServerFixture fixture) : SeededCandidateStoreContract, IClassFixture<CosmosServerFixture>
{
    private readonly ConcurrentDictionary<ICandidateStore, Container> _containers = new();

    protected override async Task<ICandidateStore> CreateEmptyStoreAsync()
    {
        var container = await fixture.CreateEmptyContainerAsync();
        var store = fixture.StoreFor(container);
        _containers[store] = container;
        return store;
    }

    protected override Task<ICandidateStore> CreateSharedStoreAsync() => Task.FromResult<ICandidateStore>(fixture.StoreFor(fixture.SharedContainer));

    protected override Task<IReadOnlyList<string>> ForgeContinuationsAsync(string issued)
    {
        // cosmos1:<Cosmos's own JSON token>: the same prefix and valid JSON, with a token Cosmos never issued. (Only
        // Cosmos can judge its tokens; the local server doesn't check a composite token's resource ids, real Cosmos does.)
        Assert.StartsWith("cosmos1:", issued, StringComparison.Ordinal);
        return Task.FromResult<IReadOnlyList<string>>(
        [
            """cosmos1:{"token":"forged"}""",
        ]);
    }

    protected override async Task WriteAsSeedAsync(ICandidateStore store, string candidateNameJson, string attributesJson)
    {
        var container = _containers[store];
        using var name = JsonDocument.Parse(candidateNameJson);
        var partitionKey = name.RootElement.ValueKind switch
        {
            JsonValueKind.String => new PartitionKey(name.RootElement.GetString()),
            JsonValueKind.Number => new PartitionKey(name.RootElement.GetDouble()),
            _ => PartitionKey.Null,
        };
        var item = $$"""{"id":"seed-{{Guid.NewGuid():N}}","CandidateName":{{candidateNameJson}},{{attributesJson.Trim()[1..]}}""";
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(item));
        using var response = await container.CreateItemStreamAsync(body, partitionKey, cancellationToken: TestTimeout());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task An_item_the_seed_wrote_is_found_and_listed()
    {
        var container = await fixture.CreateEmptyContainerAsync();
        await WriteAsSeedAsync(container, """{"id":"John Smith","CandidateName":"John Smith","Skill":"Python"}""", "John Smith");
        var store = fixture.StoreFor(container);

        var read = await store.GetAsync(Name("John Smith"), TestTimeout());
        var page = await store.ListAsync(null, 10, TestTimeout());

        Assert.NotNull(read);
        Assert.Equal("John Smith", read.Name.Value);
        Assert.Equal("Python", read.Attributes["Skill"].GetString());
        Assert.Equal("John Smith", Assert.Single(page.Items).Name.Value);
    }

    // The local server accepts all of these as ids on create (the id travels in the body); real Cosmos accepts the
    // ones it allows. The store would encode each of them, so it must find the seed's item by query and keep
    // updating that item rather than add a second one for the same candidate.
    [Theory]
    [InlineData("a?b")]
    [InlineData("a#b")]
    [InlineData("50%20off")]
    [InlineData("x+y")]
    [InlineData(".")]
    public async Task An_item_the_seed_wrote_under_a_plain_id_the_store_would_encode_is_found_and_updated_in_place(string name)
    {
        Assert.NotEqual(name, CosmosItemId.For(Name(name)));
        var container = await fixture.CreateEmptyContainerAsync();
        var seedItem = JsonSerializer.Serialize(new Dictionary<string, object> { ["id"] = name, ["CandidateName"] = name, ["v"] = 1 });
        await WriteAsSeedAsync(container, seedItem, name);
        var store = fixture.StoreFor(container);

        var read = await store.GetAsync(Name(name), TestTimeout());
        Assert.NotNull(read);
        Assert.Equal(1, read.Attributes["v"].GetInt32());

        using var attributes = JsonDocument.Parse("""{"v":2}""");
        await store.UpsertAsync(new Candidate(Name(name), new Dictionary<string, JsonElement> { ["v"] = attributes.RootElement.GetProperty("v").Clone() }), TestTimeout());

        Assert.Equal(2, (await store.GetAsync(Name(name), TestTimeout()))?.Attributes["v"].GetInt32());
        var listed = Assert.Single((await store.ListAsync(null, 10, TestTimeout())).Items);
        Assert.Equal(name, listed.Name.Value);
        Assert.Equal([name], await IdsAsync(container));
    }

    // The race the query-then-upsert can't exclude: the seed's writer adds the plain-id item after our lookup found
    // none, so both exist. The next write through the API must leave exactly one item, holding that write.
    [Theory]
    [InlineData("x+y")]
    [InlineData("50%20off")]
    [InlineData(".")]
    public async Task A_duplicate_left_by_a_racing_seed_writer_is_merged_by_the_next_upsert(string name)
    {
        var container = await fixture.CreateEmptyContainerAsync();
        var store = fixture.StoreFor(container);
        await store.UpsertAsync(new Candidate(Name(name), Attributes("""{"v":"api"}""")), TestTimeout());
        var seedItem = JsonSerializer.Serialize(new Dictionary<string, object> { ["id"] = name, ["CandidateName"] = name, ["v"] = "seed" });
        await WriteAsSeedAsync(container, seedItem, name);
        Assert.Equal(2, (await IdsAsync(container)).Count);

        await store.UpsertAsync(new Candidate(Name(name), Attributes("""{"v":"last"}""")), TestTimeout());

        Assert.Equal([name], await IdsAsync(container));
        Assert.Equal("""{"v":"last"}""", AttributesJson((await store.GetAsync(Name(name), TestTimeout()))!));
        var listed = Assert.Single(await ListAllAsync(store, 10));
        Assert.Equal("""{"v":"last"}""", AttributesJson(listed));
    }

    [Fact]
    public async Task Names_that_need_encoding_are_stored_under_the_encoded_id()
    {
        var container = await fixture.CreateEmptyContainerAsync();
        var store = fixture.StoreFor(container);
        await store.UpsertAsync(Candidate.WithoutAttributes(Name("a%20b")), TestTimeout());
        await store.UpsertAsync(Candidate.WithoutAttributes(Name("José Müller")), TestTimeout());

        var ids = await IdsAsync(container);
        Assert.Equal(2, ids.Count);
        Assert.Contains("José Müller", ids);
        Assert.Contains("~b64.YSUyMGI", ids);
    }

    // Shaped like this store's continuations, so only Cosmos itself can reject them.
    [Theory]
    [InlineData("cosmos1:{\"token\":\"forged\"}")]
    [InlineData("cosmos1:\"forged\"")]
    [InlineData("cosmos1:not json")]
    public async Task A_continuation_cosmos_rejects_is_invalid(string continuation)
    {
        var store = await CreateSharedStoreAsync();
        await Assert.ThrowsAsync<InvalidContinuationException>(() => store.ListAsync(continuation, 10, TestTimeout()));
    }

    [Fact]
    public async Task A_stopped_server_makes_every_operation_unavailable()
    {
        await using var server = await CosmosServer.StartAsync(["--database", "CandidateDatabase", "--container", "Candidates=/CandidateName"], TimeSpan.FromSeconds(30));
        var options = new CosmosStoreOptions
        {
            ConnectionString = server.ConnectionString,
            RequestTimeout = TimeSpan.FromSeconds(1),
            OperationTimeout = TimeSpan.FromSeconds(3),
        };
        using var client = CosmosClientFactory.Create(options);
        var store = new CosmosCandidateStore(client.GetContainer(options.DatabaseName, options.ContainerName), options.OperationTimeout);
        await store.PingAsync(TestTimeout());
        await server.DisposeAsync(); // stops it now; the using covers a failure before this line


        // No wall-clock assertion (collections run in parallel on a busy machine): the store's own operation timeout
        // turns a hang into "unavailable", and the test's timeout bounds the wait.
        var name = Name(Unique("unreachable"));
        await Task.WhenAll(
            Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.GetAsync(name, TestTimeout())),
            Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.UpsertAsync(Candidate.WithoutAttributes(name), TestTimeout())),
            Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.ListAsync(null, 10, TestTimeout())),
            Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.PingAsync(TestTimeout())));
    }

    [Fact]
    public async Task A_cancelled_call_is_cancelled_not_unavailable()
    {
        var store = fixture.StoreFor(fixture.SharedContainer);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetAsync(Name(Unique("cancelled")), cancelled.Token));
    }

    [Fact]
    public async Task Store_operations_are_traced_by_the_cosmos_sdk()
    {
        var container = await fixture.CreateEmptyContainerAsync();
        var store = fixture.StoreFor(container);
        var activities = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Azure.Cosmos", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);

        await store.UpsertAsync(Candidate.WithoutAttributes(Name(Unique("traced"))), TestTimeout());

        Assert.Contains(activities, a => a.Source.Name == "Azure.Cosmos.Operation"
            && a.TagObjects.Any(t => Equals(t.Value, container.Id)));
    }

    private static async Task WriteAsSeedAsync(Container container, string json, string partitionKey)
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        using var response = await container.CreateItemStreamAsync(body, new PartitionKey(partitionKey), cancellationToken: TestTimeout());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<List<string>> IdsAsync(Container container)
    {
        var ids = new List<string>();
        using var iterator = container.GetItemQueryIterator<string>("SELECT VALUE c.id FROM c");
        while (iterator.HasMoreResults)
        {
            ids.AddRange(await iterator.ReadNextAsync(TestTimeout()));
        }

        return ids;
    }
}
