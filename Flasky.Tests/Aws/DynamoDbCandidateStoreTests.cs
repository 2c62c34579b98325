using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Flasky.Core.Storage;
using Flasky.DynamoDb;
using Flasky.Tests.Contract;

namespace Flasky.Tests.Aws;

/// <summary>The store contract against DynamoDB Local, plus what only the DynamoDB store has to get right.</summary>
[Collection(DynamoDbLocalGroup.Name)]
public sealed class DynamoDbCandidateStoreTests(DynamoDbLocalFixture fixture) : CandidateStoreContract
{
    protected override async Task<ICandidateStore> CreateEmptyStoreAsync() => fixture.StoreFor(await fixture.CreateEmptyTableAsync());

    protected override Task<ICandidateStore> CreateSharedStoreAsync() =>
        Task.FromResult<ICandidateStore>(fixture.StoreFor(DynamoDbStoreOptions.DefaultTableName));

    /// <summary>
    /// Continuations shaped exactly like an issued one (same prefix, base64url of a UTF-8 key) that this store never
    /// issued: DynamoDB itself would resume after any of them, so only the store's own checks can reject them.
    /// </summary>
    protected override Task<IReadOnlyList<string>> ForgeContinuationsAsync(string issued) => Task.FromResult(Forgeries(issued));

    internal static IReadOnlyList<string> Forgeries(string issued)
    {
        Assert.StartsWith("ddb1.", issued, StringComparison.Ordinal);
        static string Wrap(byte[] key) => "ddb1." + Base64Url.EncodeToString(key);
        return
        [
            Wrap(Encoding.UTF8.GetBytes("forged 9")),               // a name no item has
            Wrap([.. Base64Url.DecodeFromChars(issued.AsSpan(5)), (byte)'x']), // the issued key, one letter longer
            Wrap([0xC3, 0x28]),                                     // not UTF-8
            Wrap(Encoding.UTF8.GetBytes(new string('a', 2049))),    // longer than any DynamoDB key
            "ddb1.",                                                // no key at all
            "ddb1.Zm9yZ2VkIDA=",                                    // "forged 0" (an item) but padded: base64, not base64url
            "ddb1.Zm9yZ2VkI DA",                                    // the same with a space the decoder would skip
        ];
    }

    [Fact]
    public async Task A_key_in_the_stores_own_form_resumes_and_every_forgery_is_rejected()
    {
        var store = await CreateEmptyStoreAsync();
        for (var i = 0; i < 5; i++)
        {
            await store.UpsertAsync(Candidate.WithoutAttributes(Name($"forged {i}")), TestTimeout());
        }

        var issued = (await store.ListAsync(null, 2, TestTimeout())).Continuation;
        Assert.NotNull(issued);
        Assert.NotEmpty((await store.ListAsync(issued, 2, TestTimeout())).Items);

        // Written the way the store writes them, a key of an existing item resumes: the forgeries below differ in form.
        await store.ListAsync("ddb1.Zm9yZ2VkIDA", 2, TestTimeout());
        foreach (var forged in Forgeries(issued))
        {
            Assert.NotEqual(issued, forged);
            await Assert.ThrowsAsync<InvalidContinuationException>(() => store.ListAsync(forged, 2, TestTimeout()));
        }
    }

    [Fact]
    public async Task Items_are_native_dynamodb_attributes_the_seeds_lambdas_can_read()
    {
        var table = await fixture.CreateEmptyTableAsync();
        var store = fixture.StoreFor(table);
        await store.UpsertAsync(new Candidate(Name("José Müller"), Attributes("""
            {"Skill":"C#","Years":12,"Rate":0.1,"Remote":true,"Manager":null,"Tags":["a",1],"Address":{"City":"Köln"},"Empty":"","None":[],"Nothing":{}}
            """)), TestTimeout());

        var item = (await fixture.Client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new() { ["CandidateName"] = new AttributeValue { S = "José Müller" } },
            ConsistentRead = true,
        }, TestTimeout())).Item;

        Assert.Equal("José Müller", item["CandidateName"].S);
        Assert.Equal("C#", item["Skill"].S);
        Assert.Equal("12", item["Years"].N);
        Assert.Equal("0.1", item["Rate"].N);
        Assert.True(item["Remote"].BOOL);
        Assert.True(item["Manager"].NULL);
        Assert.Equal("a", item["Tags"].L[0].S);
        Assert.Equal("1", item["Tags"].L[1].N);
        Assert.Equal("Köln", item["Address"].M["City"].S);
        Assert.Equal("", item["Empty"].S);
        Assert.Empty(item["None"].L);
        Assert.Empty(item["Nothing"].M);
        Assert.Equal(11, item.Count);
    }

    [Fact]
    public async Task An_item_written_as_the_seed_wrote_it_is_found_and_listed()
    {
        var table = await fixture.CreateEmptyTableAsync();

        // The seed's Python Lambdas: boto3's Table.put_item({"CandidateName": name, ...}) — Decimal numbers become N,
        // Python sets become SS/NS, bytes become B.
        await fixture.Client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new()
            {
                ["CandidateName"] = new AttributeValue { S = "John Smith" },
                ["Skill"] = new AttributeValue { S = "Python" },
                ["Years"] = new AttributeValue { N = "5.50" },
                ["Langs"] = new AttributeValue { SS = ["py", "sql"] },
                ["Scores"] = new AttributeValue { NS = ["1", "2.5"] },
                ["Photo"] = new AttributeValue { B = new MemoryStream([1, 2, 3]) },
            },
        }, TestTimeout());
        var store = fixture.StoreFor(table);

        var read = await store.GetAsync(Name("John Smith"), TestTimeout());
        var page = await store.ListAsync(null, 10, TestTimeout());

        Assert.NotNull(read);
        Assert.Equal("John Smith", read.Name.Value);
        Assert.Equal("""{"Langs":["py","sql"],"Photo":"AQID","Scores":[1,2.5],"Skill":"Python","Years":5.5}""", AttributesJson(read));
        var listed = Assert.Single(page.Items);
        Assert.Equal(AttributesJson(read), AttributesJson(listed));
        Assert.Null(page.Continuation);
    }

    [Fact]
    public async Task Seed_items_whose_names_are_not_nfc_are_listed_under_their_nfc_names_page_by_page()
    {
        var table = await fixture.CreateEmptyTableAsync();
        string[] stored = ["Jose\u0301 A", "Jose\u0301 B", "Mu\u0308ller C"];
        foreach (var name in stored)
        {
            await PutRawAsync(table, name);
        }

        var store = fixture.StoreFor(table);
        await store.UpsertAsync(Candidate.WithoutAttributes(Name("plain D")), TestTimeout());

        // Pages of one: at least two continuations name a decomposed key, which must resume after the stored key
        // itself (normalising it would name no item and be rejected as forged).
        var seen = new List<string>();
        string? continuation = null;
        do
        {
            var page = await store.ListAsync(continuation, 1, TestTimeout());
            seen.AddRange(page.Items.Select(c => c.Name.Value));
            continuation = page.Continuation;
        }
        while (continuation is not null && seen.Count < 10);

        Assert.Equal(["Jos\u00e9 A", "Jos\u00e9 B", "M\u00fcller C", "plain D"], seen.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("a\u0001b")]
    [InlineData("a/b")]
    [InlineData(" edge")]
    public async Task A_seed_item_without_a_valid_name_fails_the_listing_instead_of_vanishing(string storedName)
    {
        var table = await fixture.CreateEmptyTableAsync();
        var store = fixture.StoreFor(table);
        await store.UpsertAsync(Candidate.WithoutAttributes(Name("a valid neighbour")), TestTimeout());
        await PutRawAsync(table, storedName);

        await Assert.ThrowsAsync<InvalidStoredCandidateException>(async () =>
        {
            string? continuation = null;
            do
            {
                continuation = (await store.ListAsync(continuation, 10, TestTimeout())).Continuation;
            }
            while (continuation is not null);
        });
    }

    [Theory]
    [InlineData("0.1")]
    [InlineData("-1.5")]
    [InlineData("9007199254740991")]
    [InlineData("1E+20")]
    [InlineData("1E+125")]
    [InlineData("1E+126")]
    [InlineData("1E+300")]
    [InlineData("1E-130")]
    [InlineData("5E-324")]
    [InlineData("1.7976931348623157E+308")]
    [InlineData("0.30000000000000004")]
    [InlineData("123456789.123")]
    public async Task Numbers_read_back_as_the_text_the_api_writes_even_outside_dynamodbs_number_range(string canonical)
    {
        var store = await CreateSharedStoreAsync();
        var name = Name(Unique("number"));
        await store.UpsertAsync(new Candidate(name, Attributes($$$"""{"n":{{{canonical}}},"in":[{{{canonical}}}],"o":{"n":{{{canonical}}}}}""")), TestTimeout());

        var read = await store.GetAsync(name, TestTimeout());

        Assert.Equal($$$"""{"in":[{{{canonical}}}],"n":{{{canonical}}},"o":{"n":{{{canonical}}}}}""", AttributesJson(read!));
    }

    [Fact]
    public async Task Empty_and_tilde_member_names_round_trip_though_dynamodb_forbids_empty_names()
    {
        var store = await CreateSharedStoreAsync();
        var name = Name(Unique("names"));
        var json = """{"":1,"~":2,"~~x":{"":[{"~":null}]}}""";
        await store.UpsertAsync(new Candidate(name, Attributes(json)), TestTimeout());

        var read = await store.GetAsync(name, TestTimeout());

        Assert.Equal(json, AttributesJson(read!));
    }

    private async Task PutRawAsync(string table, string storedName) =>
        await fixture.Client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new()
            {
                ["CandidateName"] = new AttributeValue { S = storedName },
                ["seed"] = new AttributeValue { BOOL = true },
            },
        }, TestTimeout());
}
