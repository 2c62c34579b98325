using System.Text.Json;
using Flasky.Core.Names;
using Flasky.Core.Storage;

namespace Flasky.Tests.Contract;

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

    /// <summary>
    /// Continuations shaped exactly like <paramref name="issued"/> (same prefix, same encoding) that this store never
    /// issued, so that only the store's own check can reject them.
    /// </summary>
    protected abstract Task<IReadOnlyList<string>> ForgeContinuationsAsync(string issued);

    protected static CancellationToken TestTimeout() => new CancellationTokenSource(Timeout).Token;

    protected static CandidateName Name(string value)
    {
        var parsed = CandidateName.FromDecoded(value);
        Assert.True(parsed.IsValid, $"test name '{value}' must be valid: {parsed.Describe()}");
        return parsed.Name!;
    }

    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    protected static Dictionary<string, JsonElement> Attributes(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }

    protected static string AttributesJson(Candidate candidate) =>
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
    public async Task Concurrent_upserts_of_one_name_leave_exactly_one_item_holding_one_of_the_writes()
    {
        // Names the Cosmos store keeps under their plain id and names it must encode (and look up first).
        foreach (var raw in new[] { "same name", "same a?b", "same 50%" })
        {
            var store = await CreateEmptyStoreAsync();
            var name = Name(raw);
            var writes = Enumerable.Range(0, 16).Select(i => $$"""{"writer":{{i}}}""").ToList();

            await Task.WhenAll(writes.Select(w => store.UpsertAsync(new Candidate(name, Attributes(w)), TestTimeout())));

            var read = await store.GetAsync(name, TestTimeout());
            Assert.NotNull(read);
            Assert.Contains(AttributesJson(read), writes);
            var listed = await ListAllAsync(store, 10);
            var item = Assert.Single(listed);
            Assert.Equal(name.Value, item.Name.Value);
            Assert.Equal(AttributesJson(read), AttributesJson(item));

            // And the last write wins once the writes are ordered.
            await store.UpsertAsync(new Candidate(name, Attributes("""{"writer":"last"}""")), TestTimeout());
            Assert.Equal("""{"writer":"last"}""", AttributesJson((await store.GetAsync(name, TestTimeout()))!));
            Assert.Single(await ListAllAsync(store, 10));
        }
    }

    [Fact]
    public async Task A_continuation_can_be_replayed_and_the_page_size_changed_mid_walk()
    {
        var store = await CreateEmptyStoreAsync();
        var expected = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var name = Name($"walk {i:D2}");
            expected.Add(name.Value);
            await store.UpsertAsync(Candidate.WithoutAttributes(name), TestTimeout());
        }

        var first = await store.ListAsync(null, 3, TestTimeout());
        Assert.NotNull(first.Continuation);
        var second = await store.ListAsync(first.Continuation, 3, TestTimeout());
        var replayed = await store.ListAsync(first.Continuation, 3, TestTimeout());
        Assert.Equal(second.Items.Select(c => c.Name.Value), replayed.Items.Select(c => c.Name.Value));
        Assert.Equal(second.Continuation is null, replayed.Continuation is null);

        var seen = first.Items.Select(c => c.Name.Value).ToList();
        var continuation = first.Continuation;
        var sizes = new[] { 1, 5, 2, 1000 };
        for (var step = 0; continuation is not null; step++)
        {
            Assert.True(step < 20, "the store keeps returning continuations");
            var size = sizes[Math.Min(step, sizes.Length - 1)];
            var page = await store.ListAsync(continuation, size, TestTimeout());
            Assert.True(page.Items.Count <= size, $"page of {page.Items.Count} exceeds {size}");
            seen.AddRange(page.Items.Select(c => c.Name.Value));
            continuation = page.Continuation;
        }

        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expected.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_forged_but_well_formed_continuation_is_rejected()
    {
        var store = await CreateEmptyStoreAsync();
        for (var i = 0; i < 5; i++)
        {
            await store.UpsertAsync(Candidate.WithoutAttributes(Name($"forged {i}")), TestTimeout());
        }

        var issued = (await store.ListAsync(null, 2, TestTimeout())).Continuation;
        Assert.NotNull(issued);
        var forgeries = await ForgeContinuationsAsync(issued);
        Assert.NotEmpty(forgeries);
        foreach (var forged in forgeries)
        {
            Assert.NotEqual(issued, forged);
            await Assert.ThrowsAsync<InvalidContinuationException>(() => store.ListAsync(forged, 2, TestTimeout()));
        }
    }

    [Fact]
    public async Task Empty_and_16_KiB_string_values_and_unicode_member_names_round_trip()
    {
        var store = await CreateSharedStoreAsync();
        var name = Name(Unique("values"));
        var big = string.Concat(Enumerable.Repeat("0123456789abcdé", 1100))[..(16 * 1024)];
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["empty"] = "",
            ["big"] = big,
            ["名前"] = "李雷",
            ["émoji 😀"] = "x",
            ["Jose\u0301"] = "member names are not normalised",
            ["a.b"] = "dot",
            ["with space"] = "s",
        };
        var json = JsonSerializer.Serialize(attributes);
        await store.UpsertAsync(new Candidate(name, Attributes(json)), TestTimeout());

        var read = await store.GetAsync(name, TestTimeout());

        Assert.NotNull(read);
        Assert.Equal(attributes.Keys.Order(StringComparer.Ordinal), read.Attributes.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in attributes)
        {
            Assert.Equal(value, read.Attributes[key].GetString());
        }
    }

    [Fact]
    public async Task Names_differing_only_by_case_are_different_candidates()
    {
        var store = await CreateEmptyStoreAsync();
        var lower = Name("case test é");
        var upper = Name("CASE TEST É");
        await store.UpsertAsync(new Candidate(lower, Attributes("""{"v":"lower"}""")), TestTimeout());
        await store.UpsertAsync(new Candidate(upper, Attributes("""{"v":"upper"}""")), TestTimeout());

        Assert.Equal("""{"v":"lower"}""", AttributesJson((await store.GetAsync(lower, TestTimeout()))!));
        Assert.Equal("""{"v":"upper"}""", AttributesJson((await store.GetAsync(upper, TestTimeout()))!));
        Assert.Equal([upper.Value, lower.Value], (await ListAllAsync(store, 10)).Select(c => c.Name.Value).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("0.1", "0.1")]
    [InlineData("1", "1")]
    [InlineData("-1.5", "-1.5")]
    [InlineData("9007199254740991", "9007199254740991")]
    [InlineData("-9007199254740991", "-9007199254740991")]
    [InlineData("1E+20", "1E+20")]
    [InlineData("1E+300", "1E+300")]
    [InlineData("5E-324", "5E-324")]
    [InlineData("1.7976931348623157E+308", "1.7976931348623157E+308")]
    [InlineData("0.30000000000000004", "0.30000000000000004")]
    [InlineData("123456789.123", "123456789.123")]
    public async Task Canonical_numbers_read_back_as_the_same_text(string canonical, string expected)
    {
        // Core canonicalises every number before a store sees it (api-contract.md, Numbers); the store must keep it.
        Assert.Equal(canonical, CandidateNumbers.CanonicalText(canonical));
        var store = await CreateSharedStoreAsync();
        var name = Name(Unique("number"));
        await store.UpsertAsync(new Candidate(name, Attributes($$$"""{"n":{{{canonical}}},"in":[{{{canonical}}}],"o":{"n":{{{canonical}}}}}""")), TestTimeout());

        var read = await store.GetAsync(name, TestTimeout());
        var listed = (await ListAllAsync(store, 1000)).Single(c => c.Name.Value == name.Value);

        var text = $$$"""{"in":[{{{expected}}}],"n":{{{expected}}},"o":{"n":{{{expected}}}}}""";
        Assert.Equal(text, AttributesJson(read!));
        Assert.Equal(text, AttributesJson(listed));
    }

    protected static async Task<List<Candidate>> ListAllAsync(ICandidateStore store, int pageSize)
    {
        var all = new List<Candidate>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await store.ListAsync(continuation, pageSize, TestTimeout());
            all.AddRange(page.Items);
            continuation = page.Continuation;
            Assert.True(++pages < 10_000, "the store keeps returning continuations");
        }
        while (continuation is not null);

        return all;
    }

    [Fact]
    public async Task Ping_succeeds_when_the_store_is_up()
    {
        var store = await CreateSharedStoreAsync();
        await store.PingAsync(TestTimeout());
    }
}

/// <summary>
/// What a store that may hold items another writer put there (the seed's functions) must do with them, on top of the
/// contract. Stores with a seed layout (Cosmos DB, DynamoDB, Firestore) derive from this one.
/// </summary>
public abstract class SeededCandidateStoreContract : CandidateStoreContract
{
    /// <summary>Writes an item as the seed would, bypassing the store: <c>CandidateName</c> as given (any JSON), plus attributes.</summary>
    protected abstract Task WriteAsSeedAsync(ICandidateStore store, string candidateNameJson, string attributesJson);

    [Fact]
    public async Task A_seed_item_whose_name_is_not_nfc_is_listed_under_its_nfc_name()
    {
        var store = await CreateEmptyStoreAsync();
        await WriteAsSeedAsync(store, JsonSerializer.Serialize("Jose\u0301 Mu\u0308ller"), """{"seed":true}""");

        var listed = Assert.Single(await ListAllAsync(store, 10));

        Assert.Equal("Jos\u00e9 M\u00fcller", listed.Name.Value);
        Assert.Equal("""{"seed":true}""", AttributesJson(listed));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"a\\u0001b\"")]
    [InlineData("\"a/b\"")]
    [InlineData("\" edge\"")]
    [InlineData("42")]
    [InlineData("null")]
    public async Task A_seed_item_without_a_valid_name_fails_the_listing_instead_of_vanishing(string candidateNameJson)
    {
        var store = await CreateEmptyStoreAsync();
        await store.UpsertAsync(Candidate.WithoutAttributes(Name("a valid neighbour")), TestTimeout());
        await WriteAsSeedAsync(store, candidateNameJson, """{"seed":true}""");

        // api-contract.md, Listing: no silent drops. The API turns this into a 500 and the log names the item.
        await Assert.ThrowsAsync<InvalidStoredCandidateException>(() => ListAllAsync(store, 10));
    }
}
