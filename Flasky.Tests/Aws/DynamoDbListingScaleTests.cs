using System.Diagnostics;
using Amazon.DynamoDBv2.Model;
using Flasky.Core.Http;
using Xunit.Abstractions;

namespace Flasky.Tests.Aws;

/// <summary>The seed's failure, reproduced at its size: 12,040 items, of which its scan returned only 73 %.</summary>
[Collection(DynamoDbLocalGroup.Name)]
public sealed class DynamoDbListingScaleTests(DynamoDbLocalFixture fixture, ITestOutputHelper output)
{
    private const int SeedItemCount = 12_040;

    [Fact]
    public async Task Listing_twelve_thousand_seed_items_loses_none()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var table = await fixture.CreateEmptyTableAsync();
        var stopwatch = Stopwatch.StartNew();
        var expected = Enumerable.Range(0, SeedItemCount).Select(i => $"seed candidate {i:D5}").ToList();

        // Written as the seed's bulk loader did (BatchWriteItem, 25 per call), with a 1.1 KB attribute so that the
        // scan's 1 MB response limit ends pages before the 1,000 asked for (with a LastEvaluatedKey), as in AWS.
        var padding = new string('x', 1100);
        await Parallel.ForEachAsync(expected.Chunk(25), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = timeout.Token }, async (chunk, ct) =>
        {
            var requests = chunk.Select(name => new WriteRequest(new PutRequest(new()
            {
                ["CandidateName"] = new AttributeValue { S = name },
                ["Notes"] = new AttributeValue { S = padding },
            }))).ToList();
            var pending = new Dictionary<string, List<WriteRequest>> { [table] = requests };
            for (var attempt = 0; pending is { Count: > 0 }; attempt++)
            {
                Assert.True(attempt < 10, "DynamoDB Local keeps leaving items unprocessed");
                var response = await fixture.Client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, ct);
                pending = response.UnprocessedItems;
            }
        });
        var seeded = stopwatch.Elapsed;

        var store = fixture.StoreFor(table);
        stopwatch.Restart();
        var seen = new List<string>(SeedItemCount);
        var pages = 0;
        var shortPages = 0;
        string? continuation = null;
        do
        {
            var page = await store.ListAsync(continuation, CandidateApi.MaxLimit, timeout.Token);
            Assert.True(page.Items.Count <= CandidateApi.MaxLimit);
            seen.AddRange(page.Items.Select(c => c.Name.Value));
            continuation = page.Continuation;
            pages++;
            shortPages += page.Items.Count < CandidateApi.MaxLimit && continuation is not null ? 1 : 0;
        }
        while (continuation is not null);
        var listed = stopwatch.Elapsed;

        output.WriteLine($"DynamoDB Local started in {fixture.StartDuration.TotalSeconds:F1} s; seeded {SeedItemCount} items in {seeded.TotalSeconds:F1} s; listed them in {pages} pages ({shortPages} ended early by the 1 MB limit) in {listed.TotalSeconds:F1} s");
        Assert.Equal(SeedItemCount, seen.Count);
        Assert.Equal(expected, seen.Order(StringComparer.Ordinal));
        Assert.True(shortPages > 0, "no page was ended by the 1 MB limit: the test no longer covers it");
    }
}
