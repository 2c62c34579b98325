using Flasky.Core.Storage;

namespace Flasky.Tests.Core;

public sealed class PagingTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(999)]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(5000)]
    public async Task Without_limit_every_candidate_is_returned_once(int count)
    {
        var host = await HostWithAsync(count);

        var response = await host.GetAsync("/candidates");

        if (count == 0)
        {
            Assert.Equal(404, response.StatusCode);
            return;
        }

        Assert.Equal(200, response.StatusCode);
        Assert.Null(response.Header("Link"));
        var names = ApiTestHost.Json(response).EnumerateArray().Select(c => c.GetProperty("CandidateName").GetString()!).ToList();
        Assert.Equal(count, names.Count);
        Assert.Equal(count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(999, 1000)]
    [InlineData(1000, 1000)]
    [InlineData(1001, 1000)]
    [InlineData(1001, 7)]
    [InlineData(5000, 999)]
    [InlineData(5000, 1000)]
    public async Task Following_next_links_visits_every_candidate_exactly_once(int count, int limit)
    {
        var host = await HostWithAsync(count);
        var seen = new List<string>();
        var target = $"/candidates?limit={limit}";
        var pages = 0;

        while (target is not null)
        {
            var response = await host.GetAsync(target);
            Assert.Equal(200, response.StatusCode);
            var page = ApiTestHost.Json(response).EnumerateArray().Select(c => c.GetProperty("CandidateName").GetString()!).ToList();
            Assert.InRange(page.Count, 0, limit);
            seen.AddRange(page);
            target = ApiTestHost.NextLink(response.Header("Link"), limit);
            Assert.True(++pages <= (count / limit) + 2, "paging does not terminate");
        }

        Assert.Equal(count, seen.Count);
        Assert.Equal(count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal((count + limit - 1) / limit, pages);
    }

    [Fact]
    public async Task Short_store_pages_are_followed_until_the_limit_is_filled()
    {
        var host = new ApiTestHost(new ShortPageStore(await FilledStoreAsync(10), pageSize: 3));

        var response = await host.GetAsync("/candidates?limit=8");
        var all = await host.GetAsync("/candidates");

        Assert.Equal(8, ApiTestHost.Json(response).GetArrayLength());
        Assert.NotNull(response.Header("Link"));
        Assert.Equal(10, ApiTestHost.Json(all).GetArrayLength());
    }

    private static async Task<ApiTestHost> HostWithAsync(int count) => new(await FilledStoreAsync(count));

    private static async Task<InMemoryCandidateStore> FilledStoreAsync(int count)
    {
        var store = new InMemoryCandidateStore();
        for (var i = 0; i < count; i++)
        {
            var name = Flasky.Core.Names.CandidateName.FromDecoded($"candidate {i:D5}").Name!;
            await store.UpsertAsync(Candidate.WithoutAttributes(name), CancellationToken.None);
        }

        return store;
    }


    /// <summary>Returns fewer items than asked for, as Cosmos may, to prove the API keeps following pages.</summary>
    private sealed class ShortPageStore(ICandidateStore inner, int pageSize) : ICandidateStore
    {
        public Task<Candidate?> GetAsync(Flasky.Core.Names.CandidateName name, CancellationToken cancellationToken) => inner.GetAsync(name, cancellationToken);

        public Task UpsertAsync(Candidate candidate, CancellationToken cancellationToken) => inner.UpsertAsync(candidate, cancellationToken);

        public Task<CandidatePage> ListAsync(string? continuation, int maxItems, CancellationToken cancellationToken) =>
            inner.ListAsync(continuation, Math.Min(maxItems, pageSize), cancellationToken);

        public Task PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);
    }
}
