using System.Diagnostics;
using System.Net;
using System.Text;
using Flasky.Core.Http;
using Microsoft.Azure.Cosmos;
using Xunit.Abstractions;

namespace Flasky.Tests.Azure;

/// <summary>
/// The listing at the seed's size on the local Cosmos server: 12,000 candidates, every page of 1,000, none lost. Before
/// emulators/cosmos/server.mjs rewrote the query compiler's accumulators, each page re-copied the whole container
/// quadratically (minutes for this test on a busy machine); the page times go to the test output, never into an assertion.
/// </summary>
public sealed class CosmosListingScaleTests(CosmosServerFixture fixture, ITestOutputHelper output) : IClassFixture<CosmosServerFixture>
{
    private const int SeedItemCount = 12_000;

    [Fact]
    public async Task Listing_twelve_thousand_candidates_page_by_page_loses_none()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var container = await fixture.CreateEmptyContainerAsync();
        var expected = Enumerable.Range(0, SeedItemCount).Select(i => $"candidate-{i:D5}").ToList();
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(expected, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = timeout.Token }, async (name, ct) =>
        {
            // The server may close a kept-alive connection just as a create is sent on it (the SDK doesn't retry a
            // create): send it again, and take 409 as the earlier attempt having arrived.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    using var body = new MemoryStream(Encoding.UTF8.GetBytes($$"""{"id":"{{name}}","CandidateName":"{{name}}","Role":"Engineer"}"""));
                    using var response = await container.CreateItemStreamAsync(body, new PartitionKey(name), cancellationToken: ct);
                    Assert.True(response.StatusCode == HttpStatusCode.Created || (attempt > 1 && response.StatusCode == HttpStatusCode.Conflict), $"create {name}: {response.StatusCode}");
                    return;
                }
                catch (HttpRequestException) when (attempt < 3)
                {
                }
            }
        });
        var seeded = stopwatch.Elapsed;

        var store = fixture.StoreFor(container);
        var seen = new List<string>(SeedItemCount);
        var pageTimes = new List<double>();
        string? continuation = null;
        do
        {
            stopwatch.Restart();
            var page = await store.ListAsync(continuation, CandidateApi.MaxLimit, timeout.Token);
            pageTimes.Add(stopwatch.Elapsed.TotalMilliseconds);
            Assert.True(page.Items.Count <= CandidateApi.MaxLimit);
            seen.AddRange(page.Items.Select(c => c.Name.Value));
            continuation = page.Continuation;
        }
        while (continuation is not null);

        output.WriteLine($"seeded {SeedItemCount} items in {seeded.TotalSeconds:F1} s; listed them in {pageTimes.Count} pages: {string.Join(", ", pageTimes.Select(t => $"{t:F0}"))} ms (total {pageTimes.Sum() / 1000:F1} s)");
        Assert.Equal(expected, seen.Order(StringComparer.Ordinal));
    }
}
