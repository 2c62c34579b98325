using System.Text.Json;
using Flasky.Core.Names;
using Flasky.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace Flasky.Tests.Azure;

/// <summary>
/// Items the Cosmos store wrote before the id rule moved to Core (ids copied from that version's output) stay
/// readable by point read and are updated in place, never duplicated.
/// </summary>
public sealed class CosmosPreMoveIdTests(CosmosServerFixture fixture) : IClassFixture<CosmosServerFixture>
{
    [Theory]
    [InlineData("John Smith", "John Smith")]
    [InlineData("Ünïcödé ✓", "Ünïcödé ✓")]
    [InlineData("O'Brien (jr.), a-b_c!~*@:=&", "O'Brien (jr.), a-b_c!~*@:=&")]
    [InlineData("a?b", "~b64.YT9i")]
    [InlineData("a%20b", "~b64.YSUyMGI")]
    [InlineData("x+y", "~b64.eCt5")]
    [InlineData(".", "~b64.Lg")]
    [InlineData("~b64.YQ", "~b64.fmI2NC5ZUQ")]
    [InlineData("50% off", "~b64.NTAlIG9mZg")]
    public async Task An_item_written_before_the_move_is_read_and_updated_in_place(string name, string preMoveId)
    {
        var container = await fixture.CreateEmptyContainerAsync();
        var item = JsonSerializer.Serialize(new Dictionary<string, object> { ["id"] = preMoveId, ["CandidateName"] = name, ["v"] = 1 });
        using (var create = await container.CreateItemStreamAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(item)), new PartitionKey(name)))
        {
            create.EnsureSuccessStatusCode();
        }

        var store = fixture.StoreFor(container);
        var candidateName = CandidateName.FromDecoded(name).Name!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var read = await store.GetAsync(candidateName, timeout.Token);
        Assert.Equal(1, read?.Attributes["v"].GetInt32());

        using var two = JsonDocument.Parse("2");
        await store.UpsertAsync(new Candidate(candidateName, new Dictionary<string, JsonElement> { ["v"] = two.RootElement.Clone() }), timeout.Token);

        // A point read under the pre-move id sees the update: the store wrote to the same item.
        using var pointRead = await container.ReadItemStreamAsync(preMoveId, new PartitionKey(name), cancellationToken: timeout.Token);
        pointRead.EnsureSuccessStatusCode();
        using var stored = await JsonDocument.ParseAsync(pointRead.Content, cancellationToken: timeout.Token);
        Assert.Equal(2, stored.RootElement.GetProperty("v").GetInt32());
        var listed = Assert.Single((await store.ListAsync(null, 10, timeout.Token)).Items);
        Assert.Equal(name, listed.Name.Value);
    }
}
