using System.Text.Json;
using Flasky.Core.Names;
using Flasky.Core.Storage;

namespace Flasky.Tests.Storage;

/// <summary>
/// What every <see cref="ICandidateStore"/> must do. Each store's test class derives from this and says how to make
/// a store; the stores share nothing else. Tests use unique names so they can share one database.
/// </summary>
public abstract class CandidateStoreContract
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>A store over an empty collection, used by the listing tests that count everything.</summary>
    protected abstract Task<ICandidateStore> CreateEmptyStoreAsync();

    /// <summary>A store that may hold other tests' data.</summary>
    protected virtual Task<ICandidateStore> CreateSharedStoreAsync() => CreateEmptyStoreAsync();

    protected static CancellationToken TestTimeout() => new CancellationTokenSource(Timeout).Token;

    protected static CandidateName Name(string value)
    {
        var parsed = CandidateName.FromDecoded(value);
        Assert.True(parsed.IsValid, $"test name '{value}' must be valid: {parsed.Describe()}");
        return parsed.Name!;
    }

    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static Dictionary<string, JsonElement> Attributes(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }

    private static string AttributesJson(Candidate candidate) =>
        JsonSerializer.Serialize(candidate.Attributes.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());

    [Fact]
    public async Task Get_of_a_missing_name_is_null()
    {
        var store = await CreateSharedStoreAsync();
        Assert.Null(await store.GetAsync(Name(Unique("missing")), TestTimeout()));
    }

    [Fact]
    public async Task Upsert_then_get_returns_the_name_and_every_attribute_type()
    {
        var store = await CreateSharedStoreAsync();
        var name = Name(Unique("round trip"));
        var attributes = Attributes("""
            {"s":"text","n":42,"f":1.5,"t":true,"b":false,"z":null,"a":[1,"two",[3]],"o":{"nested":{"deep":["x"]}}}
            """);
        await store.UpsertAsync(new Candidate(name, attributes), TestTimeout());

        var read = await store.GetAsync(name, TestTimeout());

        Assert.NotNull(read);
        Assert.Equal(name.Value, read.Name.Value);
        Assert.Equal(JsonSerializer.Serialize(attributes.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary()), AttributesJson(read));
    }

    [Fact]
    public async Task Upsert_replaces_earlier_attributes()
    {
        var store = await CreateSharedStoreAsync();
        var name = Name(Unique("replace"));
        await store.UpsertAsync(new Candidate(name, Attributes("""{"old":1,"kept":"no"}""")), TestTimeout());
        await store.UpsertAsync(new Candidate(name, Attributes("""{"new":2}""")), TestTimeout());

        var read = await store.GetAsync(name, TestTimeout());

        Assert.NotNull(read);
        Assert.Equal("""{"new":2}""", AttributesJson(read));
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("__x__")]
    [InlineData("a?b")]
    [InlineData("a#b")]
    [InlineData("a%20b")]
    [InlineData("José Müller")]
    [InlineData("李雷")]
    [InlineData("🙂 emoji")]
    [InlineData("+plus&amp=")]
    public async Task Names_that_some_stores_forbid_as_keys_round_trip(string name)
    {
        var store = await CreateSharedStoreAsync();
        var candidate = Name($"{name} {Guid.NewGuid():N}");
        var bare = Name(name);
        await store.UpsertAsync(Candidate.WithoutAttributes(candidate), TestTimeout());
        await store.UpsertAsync(new Candidate(bare, Attributes("""{"v":1}""")), TestTimeout());

        Assert.Equal(candidate.Value, (await store.GetAsync(candidate, TestTimeout()))?.Name.Value);
        var read = await store.GetAsync(bare, TestTimeout());
        Assert.NotNull(read);
        Assert.Equal(bare.Value, read.Name.Value);
        Assert.Equal("""{"v":1}""", AttributesJson(read));
    }

    [Fact]
    public async Task The_longest_valid_name_round_trips()
    {
        var store = await CreateSharedStoreAsync();
        var unique = Guid.NewGuid().ToString("N");
        var name = Name(unique + new string('é', CandidateName.MaxLength - unique.Length));
        await store.UpsertAsync(Candidate.WithoutAttributes(name), TestTimeout());
        Assert.Equal(name.Value, (await store.GetAsync(name, TestTimeout()))?.Name.Value);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(25, 10)]
    [InlineData(25, 25)]
    [InlineData(25, 1000)]
    public async Task Listing_follows_every_page_without_losing_or_repeating(int count, int pageSize)
    {
        var store = await CreateEmptyStoreAsync();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = Name($"list {i:D4} é");
            expected.Add(name.Value);
            await store.UpsertAsync(Candidate.WithoutAttributes(name), TestTimeout());
        }

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await store.ListAsync(continuation, pageSize, TestTimeout());
            Assert.True(page.Items.Count <= pageSize, $"page of {page.Items.Count} exceeds {pageSize}");
            seen.AddRange(page.Items.Select(c => c.Name.Value));
            continuation = page.Continuation;
            Assert.True(++pages <= count + 2, "the store keeps returning continuations");
        }
        while (continuation is not null);

        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expected.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Listing_returns_attributes_too()
    {
        var store = await CreateEmptyStoreAsync();
        var name = Name("listed with attributes");
        await store.UpsertAsync(new Candidate(name, Attributes("""{"skill":"C#"}""")), TestTimeout());

        var page = await store.ListAsync(null, 10, TestTimeout());

        var listed = Assert.Single(page.Items);
        Assert.Equal("""{"skill":"C#"}""", AttributesJson(listed));
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("mem1:!!!")]
    [InlineData("{\"token\":\"forged\"}")]
    public async Task A_continuation_the_store_did_not_issue_is_rejected(string continuation)
    {
        var store = await CreateSharedStoreAsync();
        await Assert.ThrowsAsync<InvalidContinuationException>(() => store.ListAsync(continuation, 10, TestTimeout()));
    }

    [Fact]
    public async Task Concurrent_upserts_all_land()
    {
        var store = await CreateSharedStoreAsync();
        var prefix = Unique("concurrent");
        var names = Enumerable.Range(0, 50).Select(i => Name($"{prefix} {i}")).ToList();

        await Task.WhenAll(names.Select(n => store.UpsertAsync(Candidate.WithoutAttributes(n), TestTimeout())));

        foreach (var name in names)
        {
            Assert.NotNull(await store.GetAsync(name, TestTimeout()));
        }
    }

    [Fact]
    public async Task Ping_succeeds_when_the_store_is_up()
    {
        var store = await CreateSharedStoreAsync();
        await store.PingAsync(TestTimeout());
    }
}
