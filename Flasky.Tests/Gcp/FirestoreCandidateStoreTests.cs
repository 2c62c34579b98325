using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Flasky.Core.Storage;
using Flasky.Emulators;
using Flasky.Firestore;
using Flasky.Tests.Contract;

namespace Flasky.Tests.Gcp;

/// <summary>
/// The store contract against the official Firestore emulator, plus what only the Firestore store has to get right:
/// the seed's documents, Firestore's id and field-name rules, typed values as other clients see them, its cursors.
/// </summary>
public sealed class FirestoreCandidateStoreTests(FirestoreEmulatorFixture fixture) : CandidateStoreContract, IClassFixture<FirestoreEmulatorFixture>
{
    protected override Task<ICandidateStore> CreateEmptyStoreAsync() =>
        Task.FromResult<ICandidateStore>(fixture.StoreFor(FirestoreEmulatorFixture.NewProjectId()));

    protected override Task<ICandidateStore> CreateSharedStoreAsync() =>
        Task.FromResult<ICandidateStore>(fixture.StoreFor(fixture.SharedProjectId));

    protected override Task<IReadOnlyList<string>> ForgeContinuationsAsync(string issued)
    {
        // Well-formed in this store's own format (fs1. + base64url of [id, createTime]): only the check against the
        // cursor document can reject them.
        var (id, createTime) = DecodeContinuation(issued);
        return Task.FromResult<IReadOnlyList<string>>(
        [
            EncodeContinuation(id, "2001-01-01T00:00:00.000001Z"),
            EncodeContinuation("no such document", createTime),
            EncodeContinuation("__x__", createTime),
            EncodeContinuation("a/b", createTime),
        ]);
    }

    [Fact]
    public async Task A_document_the_seed_wrote_is_found_listed_and_updated_in_place()
    {
        var project = FirestoreEmulatorFixture.NewProjectId();
        await WriteAsSeedAsync(project, "John Smith", """{"Skill":{"stringValue":"Python"},"Years":{"integerValue":"7"}}""");
        var store = fixture.StoreFor(project);

        var read = await store.GetAsync(Name("John Smith"), TestTimeout());
        Assert.NotNull(read);
        Assert.Equal("""{"Skill":"Python","Years":7}""", SortedAttributesJson(read));
        Assert.Equal("John Smith", Assert.Single((await store.ListAsync(null, 10, TestTimeout())).Items).Name.Value);

        await store.UpsertAsync(new Candidate(Name("John Smith"), Attributes("""{"Skill":"C#"}""")), TestTimeout());
        Assert.Equal(["John Smith"], await DocumentIdsAsync(project));
    }

    [Theory]
    [InlineData("""{"integerValue":"42"}""")]
    [InlineData("""{"stringValue":" leading space"}""")]
    [InlineData("""{"stringValue":""}""")]
    public async Task A_document_without_a_valid_name_fails_the_listing_instead_of_vanishing(string candidateName)
    {
        var project = FirestoreEmulatorFixture.NewProjectId();
        await WriteAsSeedAsync(project, "valid one", """{}""");
        var body = new Dictionary<string, object> { ["fields"] = new Dictionary<string, object> { ["CandidateName"] = JsonDocument.Parse(candidateName).RootElement.Clone() } };
        using (var response = await fixture.Raw.PatchAsJsonAsync(fixture.DocumentUrl(project, "not-a-candidate"), body, TestTimeout()))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var store = fixture.StoreFor(project);
        await Assert.ThrowsAsync<InvalidStoredCandidateException>(() => store.ListAsync(null, 10, TestTimeout()));
    }

    // A name the store would encode, but that Firestore accepts as an id, so the seed may have stored it plainly.
    [Fact]
    public async Task A_seed_document_under_a_plain_id_the_store_would_encode_is_found_and_updated_in_place()
    {
        const string name = "~b64.seed";
        Assert.NotEqual(name, FirestoreDocumentId.Rule.IdFor(Name(name)));
        var project = FirestoreEmulatorFixture.NewProjectId();
        await WriteAsSeedAsync(project, name, """{"v":{"integerValue":"1"}}""");
        var store = fixture.StoreFor(project);

        Assert.Equal("""{"v":1}""", SortedAttributesJson((await store.GetAsync(Name(name), TestTimeout()))!));
        await store.UpsertAsync(new Candidate(Name(name), Attributes("""{"v":2}""")), TestTimeout());

        Assert.Equal("""{"v":2}""", SortedAttributesJson((await store.GetAsync(Name(name), TestTimeout()))!));
        Assert.Equal([name], await DocumentIdsAsync(project));
    }

    [Fact]
    public async Task Documents_the_store_writes_are_plain_typed_documents_that_other_clients_read()
    {
        var project = FirestoreEmulatorFixture.NewProjectId();
        var store = fixture.StoreFor(project);
        await store.UpsertAsync(
            new Candidate(Name("José Müller"), Attributes("""{"n":42,"f":1.5,"big":1e20,"s":"x","t":true,"z":null,"a":[1,[2]],"o":{"k":"v"}}""")),
            TestTimeout());

        using var response = await fixture.Raw.GetAsync(fixture.DocumentUrl(project, "José Müller"), TestTimeout());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestTimeout()));
        var fields = document.RootElement.GetProperty("fields");
        Assert.Equal("José Müller", fields.GetProperty("CandidateName").GetProperty("stringValue").GetString());
        Assert.Equal("42", fields.GetProperty("n").GetProperty("integerValue").GetString());
        Assert.Equal(1.5, fields.GetProperty("f").GetProperty("doubleValue").GetDouble());
        Assert.Equal(1e20, fields.GetProperty("big").GetProperty("doubleValue").GetDouble());
        Assert.Equal("x", fields.GetProperty("s").GetProperty("stringValue").GetString());
        Assert.True(fields.GetProperty("t").GetProperty("booleanValue").GetBoolean());
        Assert.Equal(JsonValueKind.Null, fields.GetProperty("z").GetProperty("nullValue").ValueKind);
        var array = fields.GetProperty("a").GetProperty("arrayValue").GetProperty("values");
        Assert.Equal("1", array[0].GetProperty("integerValue").GetString());
        var nested = array[1].GetProperty("mapValue").GetProperty("fields").GetProperty(FirestoreValues.NestedArrayKey);
        Assert.Equal("2", nested.GetProperty("arrayValue").GetProperty("values")[0].GetProperty("integerValue").GetString());
        Assert.Equal("v", fields.GetProperty("o").GetProperty("mapValue").GetProperty("fields").GetProperty("k").GetProperty("stringValue").GetString());
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("__x__")]
    [InlineData("__.__")]
    public async Task Names_firestore_forbids_as_ids_are_stored_under_the_encoded_id(string name)
    {
        var project = FirestoreEmulatorFixture.NewProjectId();
        var store = fixture.StoreFor(project);
        await store.UpsertAsync(new Candidate(Name(name), Attributes("""{"v":1}""")), TestTimeout());

        var expectedId = DocumentIdRule.Encode(name);
        Assert.Equal([expectedId], await DocumentIdsAsync(project));
        Assert.Equal(name, (await store.GetAsync(Name(name), TestTimeout()))?.Name.Value);
        Assert.Equal(name, Assert.Single((await store.ListAsync(null, 10, TestTimeout())).Items).Name.Value);
    }

    // Plain ids with URL-significant characters: the store escapes them, and Firestore decodes the escapes exactly.
    [Theory]
    [InlineData("...")]
    [InlineData("a?b#c")]
    [InlineData("50%20off")]
    [InlineData("%2E%2E")]
    [InlineData("x+y=z&w")]
    [InlineData("back\u00A0space")]
    public async Task Names_with_url_characters_are_stored_under_their_plain_id(string name)
    {
        var project = FirestoreEmulatorFixture.NewProjectId();
        var store = fixture.StoreFor(project);
        await store.UpsertAsync(Candidate.WithoutAttributes(Name(name)), TestTimeout());

        Assert.Equal([name], await DocumentIdsAsync(project));
        Assert.Equal(name, (await store.GetAsync(Name(name), TestTimeout()))?.Name.Value);
    }

    [Fact]
    public void A_slash_never_reaches_the_store_and_would_be_encoded()
    {
        Assert.False(Flasky.Core.Names.CandidateName.FromDecoded("a/b").IsValid);
        Assert.False(FirestoreDocumentId.Rule.IsPlainId("a/b"));
    }

    [Theory]
    [InlineData("42", "42", "integerValue")]
    [InlineData("-9007199254740991", "-9007199254740991", "integerValue")]
    [InlineData("9007199254740993", "9007199254740992", "doubleValue")]
    [InlineData("1.0", "1", "integerValue")]
    [InlineData("-0", "0", "integerValue")]
    [InlineData("0.1", "0.1", "doubleValue")]
    [InlineData("1e20", "1E+20", "doubleValue")]
    [InlineData("-2.5e-7", "-2.5E-07", "doubleValue")]
    [InlineData("5e-324", "5E-324", "doubleValue")]
    [InlineData("1.7976931348623157e308", "1.7976931348623157E+308", "doubleValue")]
    public async Task Numbers_read_back_as_the_api_writes_doubles(string written, string expected, string storedAs)
    {
        var project = FirestoreEmulatorFixture.NewProjectId();
        var store = fixture.StoreFor(project);
        var name = Name("numbers");
        await store.UpsertAsync(new Candidate(name, Attributes($$"""{"n":{{written}},"in":[{{written}}]}""")), TestTimeout());

        var read = await store.GetAsync(name, TestTimeout());

        Assert.Equal($$"""{"in":[{{expected}}],"n":{{expected}}}""", SortedAttributesJson(read!));
        using var response = await fixture.Raw.GetAsync(fixture.DocumentUrl(project, "numbers"), TestTimeout());
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestTimeout()));
        Assert.True(document.RootElement.GetProperty("fields").GetProperty("n").TryGetProperty(storedAs, out _), document.RootElement.ToString());
    }

    [Fact]
    public async Task Member_names_firestore_reserves_and_arrays_in_arrays_round_trip()
    {
        var store = await CreateSharedStoreAsync();
        var name = Name(Unique("escapes"));
        const string json = """
            {"":0,"~":1,"~array":2,"~~x":3,"a.b":4,"`q`":5,"é":6,
             "o":{"__x__":1,"":2,"~array":[3],"__":4,"___":5},
             "m":[[1,[2,[]]],[],{"~array":[1]},{"~array":1},[{"x":[[]]}]],
             "e":{},"ea":[],"es":""}
            """;
        var attributes = Attributes(json);
        await store.UpsertAsync(new Candidate(name, attributes), TestTimeout());

        var read = await store.GetAsync(name, TestTimeout());

        Assert.Equal(Canonical(attributes), SortedAttributesJson(read!));
    }

    [Fact]
    public async Task A_document_field_other_writers_use_reads_as_json()
    {
        var project = FirestoreEmulatorFixture.NewProjectId();
        await WriteAsSeedAsync(project, "typed", """
            {"when":{"timestampValue":"2024-01-02T03:04:05Z"},"where":{"geoPointValue":{"latitude":1.5,"longitude":-2}},
             "nan":{"doubleValue":"NaN"},"negzero":{"doubleValue":-0.0},"big":{"integerValue":"9007199254740993"}}
            """);
        var store = fixture.StoreFor(project);

        var read = await store.GetAsync(Name("typed"), TestTimeout());

        Assert.Equal(
            """{"big":9007199254740992,"nan":"NaN","negzero":0,"when":"2024-01-02T03:04:05Z","where":{"latitude":1.5,"longitude":-2}}""",
            SortedAttributesJson(read!));
    }

    [Fact]
    public async Task A_continuation_replays_and_allows_another_page_size()
    {
        var store = await CreateEmptyStoreAsync();
        for (var i = 0; i < 9; i++)
        {
            await store.UpsertAsync(Candidate.WithoutAttributes(Name($"page {i}")), TestTimeout());
        }

        var first = await store.ListAsync(null, 4, TestTimeout());
        var again = await store.ListAsync(first.Continuation, 2, TestTimeout());
        var replayed = await store.ListAsync(first.Continuation, 2, TestTimeout());
        var rest = await store.ListAsync(again.Continuation, 100, TestTimeout());

        Assert.Equal(again.Items.Select(c => c.Name.Value), replayed.Items.Select(c => c.Name.Value));
        Assert.Null(rest.Continuation);
        var all = first.Items.Concat(again.Items).Concat(rest.Items).Select(c => c.Name.Value).ToList();
        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"page {i}"), all.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_continuation_survives_an_update_of_its_document()
    {
        var store = await CreateEmptyStoreAsync();
        await store.UpsertAsync(Candidate.WithoutAttributes(Name("a")), TestTimeout());
        await store.UpsertAsync(Candidate.WithoutAttributes(Name("b")), TestTimeout());
        var first = await store.ListAsync(null, 1, TestTimeout());

        await store.UpsertAsync(new Candidate(first.Items[0].Name, Attributes("""{"changed":true}""")), TestTimeout());
        var second = await store.ListAsync(first.Continuation, 1, TestTimeout());

        Assert.Single(second.Items);
        Assert.NotEqual(first.Items[0].Name, second.Items[0].Name);
    }

    // Well-formed in this store's own format, so only the check against the cursor document can reject them.
    [Fact]
    public async Task A_forged_continuation_in_the_store_format_is_rejected()
    {
        var store = await CreateEmptyStoreAsync();
        await store.UpsertAsync(Candidate.WithoutAttributes(Name("a")), TestTimeout());
        await store.UpsertAsync(Candidate.WithoutAttributes(Name("b")), TestTimeout());
        var genuine = (await store.ListAsync(null, 1, TestTimeout())).Continuation!;
        var (id, createTime) = DecodeContinuation(genuine);

        string[] forged =
        [
            EncodeContinuation(id, "2001-01-01T00:00:00.000001Z"),
            EncodeContinuation("no such document", createTime),
            EncodeContinuation("b", createTime),
            EncodeContinuation("__x__", createTime),
            EncodeContinuation("a/b", createTime),
            "fs1." + Base64Url.EncodeToString("""["a"]"""u8),
            "fs1." + Base64Url.EncodeToString("""{"a":1}"""u8),
            "fs1.",
        ];
        foreach (var continuation in forged)
        {
            await Assert.ThrowsAsync<InvalidContinuationException>(() => store.ListAsync(continuation, 10, TestTimeout()));
        }

        Assert.Single((await store.ListAsync(genuine, 10, TestTimeout())).Items);
    }

    [Fact]
    public async Task A_stopped_emulator_makes_every_operation_unavailable()
    {
        await using var emulator = await FirestoreEmulator.StartAsync(FirestoreEmulatorFixture.StartTimeout);
        var options = new FirestoreStoreOptions
        {
            ProjectId = FirestoreEmulatorFixture.NewProjectId(),
            EmulatorHost = emulator.HostAndPort,
            RequestTimeout = TimeSpan.FromSeconds(2),
            OperationTimeout = TimeSpan.FromSeconds(5),
        };
        using var client = FirestoreHttpClient.Create(options);
        var store = new FirestoreCandidateStore(client, options);
        await store.PingAsync(TestTimeout());
        await emulator.DisposeAsync(); // stops it now; the using covers a failure before this line

        var name = Name(Unique("unreachable"));
        await Task.WhenAll(
            Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.GetAsync(name, TestTimeout())),
            Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.GetAsync(Name("."), TestTimeout())),
            Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.UpsertAsync(Candidate.WithoutAttributes(name), TestTimeout())),
            Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.ListAsync(null, 10, TestTimeout())),
            Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.PingAsync(TestTimeout())));
    }

    [Fact]
    public async Task Store_requests_are_traced_as_http_client_spans()
    {
        var store = fixture.StoreFor(fixture.SharedProjectId);
        var activities = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);

        await store.UpsertAsync(Candidate.WithoutAttributes(Name(Unique("traced"))), TestTimeout());

        Assert.Contains(activities, a => a.GetTagItem("url.full") is string url
            && url.Contains($":{fixture.Emulator.Port}/v1/projects/{fixture.SharedProjectId}/", StringComparison.Ordinal)
            && Equals(a.GetTagItem("http.request.method"), "PATCH"));
    }

    private async Task WriteAsSeedAsync(string project, string id, string fieldsWithoutName)
    {
        using var fields = JsonDocument.Parse(fieldsWithoutName);
        var body = new Dictionary<string, object>
        {
            ["fields"] = fields.RootElement.EnumerateObject()
                .ToDictionary(p => p.Name, p => (object)p.Value.Clone())
                .Append(KeyValuePair.Create("CandidateName", (object)new Dictionary<string, string> { ["stringValue"] = id }))
                .ToDictionary(),
        };
        using var response = await fixture.Raw.PatchAsJsonAsync(fixture.DocumentUrl(project, id), body, TestTimeout());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<List<string>> DocumentIdsAsync(string project)
    {
        var url = new Uri($"{fixture.Emulator.Endpoint}v1/projects/{project}/databases/(default)/documents/candidates?pageSize=300");
        using var response = await fixture.Raw.GetAsync(url, TestTimeout());
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestTimeout()));
        return document.RootElement.TryGetProperty("documents", out var documents)
            ? documents.EnumerateArray().Select(d => d.GetProperty("name").GetString()!.Split('/')[^1]).ToList()
            : [];
    }

    private static (string Id, string CreateTime) DecodeContinuation(string continuation)
    {
        Assert.StartsWith("fs1.", continuation, StringComparison.Ordinal);
        var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(continuation.AsSpan(4)))!;
        return (parts[0], parts[1]);
    }

    private static string EncodeContinuation(string id, string createTime) =>
        "fs1." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new[] { id, createTime }));

    /// <summary>
    /// The attributes with every object's members sorted: Firestore keeps a map's fields in key order, not in the
    /// order written, and JSON gives member order no meaning.
    /// </summary>
    private static string Canonical(IReadOnlyDictionary<string, JsonElement> attributes)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in attributes.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                WriteSorted(writer, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteSorted(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteSorted(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private static string SortedAttributesJson(Candidate candidate) => Canonical(candidate.Attributes);
}
