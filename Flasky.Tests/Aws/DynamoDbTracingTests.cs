using System.Collections.Concurrent;
using System.Diagnostics;
using Flasky.Core.Names;
using Flasky.Core.Storage;
using Flasky.DynamoDb;

namespace Flasky.Tests.Aws;

[Collection(DynamoDbLocalGroup.Name)]
public sealed class DynamoDbTracingTests(DynamoDbLocalFixture fixture)
{
    [Fact]
    public async Task Each_store_call_is_a_client_span_with_the_sdks_http_request_beneath_it()
    {
        var activities = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is DynamoDbCandidateStore.ActivitySourceName or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var store = fixture.StoreFor(DynamoDbStoreOptions.DefaultTableName);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await store.UpsertAsync(Candidate.WithoutAttributes(CandidateName.FromDecoded($"traced {Guid.NewGuid():N}").Name!), timeout.Token);

        var put = Assert.Single(activities, a => a.OperationName == "DynamoDB.PutItem");
        Assert.Equal(ActivityKind.Client, put.Kind);
        Assert.Equal("PutItem", put.GetTagItem("rpc.method"));
        Assert.Equal("aws.dynamodb", put.GetTagItem("db.system.name"));
        Assert.Contains(activities, a => a.Source.Name == "System.Net.Http" && a.ParentSpanId == put.SpanId);
    }
}
