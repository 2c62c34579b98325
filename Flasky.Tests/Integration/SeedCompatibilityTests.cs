using System.Net;
using Aspire.Hosting.Testing;
using Flasky.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Flasky.Tests.Integration;

/// <summary>Items the seed's Python functions wrote straight into Cosmos DB read back through the API, and the reverse.</summary>
[Collection(AppHostTestGroup.Name)]
public sealed class SeedCompatibilityTests(AppHostFixture fixture)
{
    [Fact]
    public async Task An_item_the_seed_wrote_is_returned_by_get_and_listed()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var name = $"John Smith {Guid.NewGuid():N}";
        using var cosmos = await ConnectAsync(ct);
        var container = cosmos.GetContainer(CosmosStoreOptions.DefaultDatabaseName, CosmosStoreOptions.DefaultContainerName);

        // Exactly the shape the seed's function_app.py upserted: id = name, plus the partition key.
        await container.CreateItemStreamAsync(
            new MemoryStream(System.Text.Encoding.UTF8.GetBytes($$"""{"id":"{{name}}","CandidateName":"{{name}}"}""")),
            new PartitionKey(name),
            cancellationToken: ct);

        using var client = fixture.CreateClient(TimeSpan.FromSeconds(30));
        var get = await client.GetAsync(new Uri("/candidate/" + Uri.EscapeDataString(name), UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal($$"""[{"CandidateName":"{{name}}"}]""", await get.Content.ReadAsStringAsync(ct));
        Assert.Contains($$"""{"CandidateName":"{{name}}"}""", await client.GetStringAsync(new Uri("/candidates", UriKind.Relative), ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_name_the_api_writes_is_stored_the_way_the_seed_reads_it()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var name = $"Jane Doe {Guid.NewGuid():N}";
        using var client = fixture.CreateClient(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(new Uri("/candidate/" + Uri.EscapeDataString(name), UriKind.Relative), null, ct)).StatusCode);

        // The seed read by id = name in partition = name.
        using var cosmos = await ConnectAsync(ct);
        using var read = await cosmos.GetContainer(CosmosStoreOptions.DefaultDatabaseName, CosmosStoreOptions.DefaultContainerName)
            .ReadItemStreamAsync(name, new PartitionKey(name), cancellationToken: ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    private async Task<CosmosClient> ConnectAsync(CancellationToken ct)
    {
        var connectionString = await fixture.App.GetConnectionStringAsync(AppHostFixture.CosmosResource, ct);
        Assert.False(string.IsNullOrEmpty(connectionString));
        return CosmosClientFactory.Create(new CosmosStoreOptions { ConnectionString = connectionString });
    }
}
