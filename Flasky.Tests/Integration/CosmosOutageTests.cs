namespace Flasky.Tests.Integration;

/// <summary>The Azure flavour while the local Cosmos DB server is down (the Functions app, with its function keys).</summary>
[Collection(AppHostTestGroup.Name)]
public sealed class CosmosOutageTests(AppHostFixture fixture) : StoreOutageTests(fixture)
{
    protected override string DatabaseResource => AppHostFixture.CosmosResource;

    protected override IReadOnlyList<string> Leaks => ["AccountKey", "AccountEndpoint", "Microsoft.Azure"];

    protected override HttpClient CreateClient(TimeSpan timeout) => Fixture.CreateClient(timeout);
}
