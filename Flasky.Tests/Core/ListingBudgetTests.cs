using System.Text.Json;
using Flasky.Core.Names;
using Flasky.Core.Storage;

namespace Flasky.Tests.Core;

/// <summary>A host with a response byte budget: what fits, plus a Link to the rest; never a cut or short array.</summary>
public sealed class ListingBudgetTests
{
    [Theory]
    [InlineData(0, 2_000, null)]
    [InlineData(1, 2_000, null)]
    [InlineData(40, 2_000, null)]
    [InlineData(40, 2_000, 7)]
    [InlineData(40, 700, null)]
    [InlineData(300, 10_000, 1000)]
    [InlineData(2500, 50_000, null)]
    public async Task Following_every_link_yields_each_candidate_exactly_once_within_the_budget(int count, long budget, int? limit)
    {
        var host = new ApiTestHost(await StoreWithAsync(count), responseByteBudget: budget);
        var seen = new List<string>();
        var target = limit is null ? "/candidates" : $"/candidates?limit={limit}";
        var responses = 0;

        while (target is not null)
        {
            var response = await host.GetAsync(target);
            if (count == 0)
            {
                Assert.Equal(404, response.StatusCode);
                return;
            }

            Assert.Equal(200, response.StatusCode);
            Assert.Null(response.StreamedBody);
            var page = ApiTestHost.Json(response).EnumerateArray().ToList();
            Assert.NotEmpty(page);
            Assert.True(response.Body.Length <= budget || page.Count == 1, $"{response.Body.Length} bytes over a budget of {budget}");
            Assert.InRange(page.Count, 1, limit ?? int.MaxValue);
            seen.AddRange(page.Select(c => c.GetProperty("CandidateName").GetString()!));
            target = ApiTestHost.NextLink(response.Header("Link"), limit ?? Flasky.Core.Http.CandidateApi.MaxLimit);
            Assert.True(++responses <= count + 1, "following links does not end");
        }

        Assert.Equal(count, seen.Count);
        Assert.Equal(count, seen.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task A_budget_that_holds_everything_answers_in_one_response_without_a_link()
    {
        var host = new ApiTestHost(await StoreWithAsync(50), responseByteBudget: 6_000_000);

        var response = await host.GetAsync("/candidates");

        Assert.Null(response.Header("Link"));
        Assert.Equal(50, ApiTestHost.Json(response).GetArrayLength());
    }

    [Fact]
    public async Task Responses_fill_the_budget_rather_than_stopping_at_a_store_page()
    {
        // 30 candidates in pages of 7: a response of up to 20 fits the budget exactly, across store pages.
        var store = await StoreWithAsync(30, varySizes: false);
        var one = (await new ApiTestHost(store).GetAsync("/candidates?limit=1")).Body.Length - 2;
        var host = new ApiTestHost(new PagedStore(store, 7), responseByteBudget: 2 + (20 * one) + 19);

        var response = await host.GetAsync("/candidates");

        Assert.Equal(20, ApiTestHost.Json(response).GetArrayLength());
        Assert.NotNull(response.Header("Link"));
    }

    [Fact]
    public async Task A_store_failure_after_the_first_page_fails_the_stream_instead_of_ending_it_short()
    {
        var host = new ApiTestHost(new FailingAfterFirstPageStore(await StoreWithAsync(2500)));

        var response = await host.Api.HandleAsync(Flasky.Core.Http.ApiRequest.WithoutBody("GET", "/candidates"), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.NotNull(response.StreamedBody);
        await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => response.BufferAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_unpaged_listing_streams_and_reads_the_store_in_pages_of_the_store_page_size()
    {
        var counting = new PagedStore(await StoreWithAsync(2500), int.MaxValue);
        var host = new ApiTestHost(counting);

        var response = await host.Api.HandleAsync(Flasky.Core.Http.ApiRequest.WithoutBody("GET", "/candidates"), CancellationToken.None);
        Assert.NotNull(response.StreamedBody);
        var buffered = await response.BufferAsync(CancellationToken.None);

        Assert.Equal(2500, ApiTestHost.Json(buffered).GetArrayLength());
        Assert.Equal([1000, 1000, 1000], counting.Requested);
    }

    private static async Task<InMemoryCandidateStore> StoreWithAsync(int count, bool varySizes = true)
    {
        var store = new InMemoryCandidateStore();
        for (var i = 0; i < count; i++)
        {
            // Sizes vary, so budgets cut pages at different places.
            using var attributes = JsonDocument.Parse(JsonSerializer.Serialize(new { Note = new string('x', varySizes ? i * 37 % 300 : 10) }));
            var name = CandidateName.FromDecoded($"candidate {i:D5}").Name!;
            await store.UpsertAsync(new Candidate(name, attributes.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone())), CancellationToken.None);
        }

        return store;
    }


    /// <summary>Pages of at most <paramref name="pageSize"/>; records how many items each call asked for.</summary>
    private sealed class PagedStore(ICandidateStore inner, int pageSize) : ICandidateStore
    {
        public List<int> Requested { get; } = [];

        public Task<Candidate?> GetAsync(CandidateName name, CancellationToken cancellationToken) => inner.GetAsync(name, cancellationToken);

        public Task UpsertAsync(Candidate candidate, CancellationToken cancellationToken) => inner.UpsertAsync(candidate, cancellationToken);

        public Task<CandidatePage> ListAsync(string? continuation, int maxItems, CancellationToken cancellationToken)
        {
            Requested.Add(maxItems);
            return inner.ListAsync(continuation, Math.Min(maxItems, pageSize), cancellationToken);
        }

        public Task PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);
    }

    private sealed class FailingAfterFirstPageStore(ICandidateStore inner) : ICandidateStore
    {
        public Task<Candidate?> GetAsync(CandidateName name, CancellationToken cancellationToken) => inner.GetAsync(name, cancellationToken);

        public Task UpsertAsync(Candidate candidate, CancellationToken cancellationToken) => inner.UpsertAsync(candidate, cancellationToken);

        public Task<CandidatePage> ListAsync(string? continuation, int maxItems, CancellationToken cancellationToken) =>
            continuation is null ? inner.ListAsync(continuation, maxItems, cancellationToken) : throw new CandidateStoreUnavailableException("down");

        public Task PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);
    }
}
