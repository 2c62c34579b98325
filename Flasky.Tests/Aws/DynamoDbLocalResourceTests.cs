using Amazon.DynamoDBv2.Model;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Flasky.DynamoDb;
using Flasky.Tests.Integration;

namespace Flasky.Tests.Aws;

/// <summary>The AppHost's <c>dynamodb</c> resource: its table on every start.</summary>
[Collection(AppHostTestGroup.Name)]
public sealed class DynamoDbLocalResourceTests(AppHostFixture fixture)
{
    private const string Resource = "dynamodb";

    [Fact]
    public async Task The_resource_is_healthy_with_its_table_and_gets_it_back_after_a_restart()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(Resource, timeout.Token);
        var endpoint = fixture.App.GetEndpoint(Resource, "http");
        using var client = DynamoDbClientFactory.Create(DynamoDbLocalFixture.OptionsFor(endpoint), DynamoDbLocalFixture.LocalCredentials);
        var store = new DynamoDbCandidateStore(client, DynamoDbStoreOptions.DefaultTableName, TimeSpan.FromSeconds(30));
        await store.PingAsync(timeout.Token);

        await fixture.StopAsync(Resource, timeout.Token);
        await Assert.ThrowsAsync<Flasky.Core.Storage.CandidateStoreUnavailableException>(() => store.PingAsync(timeout.Token));
        await fixture.StartAsync(Resource, timeout.Token);

        // In memory, so the restarted instance starts empty: the table is back because the resource creates it.
        var table = await client.DescribeTableAsync(new DescribeTableRequest { TableName = DynamoDbStoreOptions.DefaultTableName }, timeout.Token);
        Assert.Equal("CandidateName", Assert.Single(table.Table.KeySchema).AttributeName);
        await store.PingAsync(timeout.Token);
    }
}
