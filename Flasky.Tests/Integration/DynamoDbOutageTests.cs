using Aspire.Hosting.ApplicationModel;

namespace Flasky.Tests.Integration;

/// <summary>
/// The AWS flavour while DynamoDB Local is down (through the local API Gateway, SigV4-signed); the same function
/// process serves again once the database is back.
/// </summary>
[Collection(AppHostTestGroup.Name)]
public sealed class DynamoDbOutageTests(AppHostFixture fixture) : StoreOutageTests(fixture)
{
    protected override string DatabaseResource => AppHostFixture.DynamoDbResource;

    protected override IReadOnlyList<string> Leaks => ["Amazon", "dynamodblocal", "AWS_", "127.0.0.1", "localhost"];

    protected override string DetailsPath => "/gtg?details=";

    protected override HttpClient CreateClient(TimeSpan timeout) => Fixture.CreateAwsClient(timeout);

    /// <summary>The function's process start time: the same after the outage shows it was not restarted.</summary>
    protected override async Task<object?> ObserveHostAsync(CancellationToken ct)
    {
        var state = await Fixture.App.ResourceNotifications.WaitForResourceAsync(
            AppHostFixture.LambdaResource, e => e.Snapshot.State?.Text == KnownResourceStates.Running, ct);
        return state.Snapshot.StartTimeStamp;
    }
}
