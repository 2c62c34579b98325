using System.Text.Json;
using Flasky.Core.Http;
using Flasky.Core.Names;
using Flasky.Core.Storage;

namespace Flasky.Tests.Core;

public sealed class CandidateApiTests
{
    private readonly ApiTestHost _host = new();

    [Fact]
    public async Task Gtg_is_200_with_an_empty_body()
    {
        var response = await _host.GetAsync("/gtg");
        Assert.Equal(200, response.StatusCode);
        Assert.True(response.Body.IsEmpty);
    }

    [Theory]
    [InlineData("/gtg?details")]
    [InlineData("/gtg?details=")]
    [InlineData("/gtg?details=false")]
    [InlineData("/gtg?x=1&details")]
    public async Task Gtg_details_reports_a_real_ping(string target)
    {
        var response = await _host.GetAsync(target);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal("""{"connected":"true","instance-id":"test-instance"}""", response.BodyText());
    }

    [Fact]
    public async Task Gtg_details_is_503_when_the_ping_fails_and_plain_gtg_still_200()
    {
        var host = new ApiTestHost(new FailingStore(new CandidateStoreUnavailableException("down")));

        var details = await host.GetAsync("/gtg?details");
        var plain = await host.GetAsync("/gtg");

        Assert.Equal(503, details.StatusCode);
        Assert.Equal("""{"connected":"false","instance-id":"test-instance"}""", details.BodyText());
        Assert.NotNull(details.Header("Retry-After"));
        Assert.Equal(200, plain.StatusCode);
    }

    [Fact]
    public async Task Post_then_get_returns_an_array_with_the_candidate()
    {
        var post = await _host.SendAsync("POST", "/candidate/John%20Smith");
        var get = await _host.GetAsync("/candidate/John%20Smith");

        Assert.Equal(200, post.StatusCode);
        Assert.Equal("application/json", post.ContentType);
        Assert.Equal("""{"CandidateName":"John Smith"}""", post.BodyText());
        Assert.Equal(200, get.StatusCode);
        Assert.Equal("""[{"CandidateName":"John Smith"}]""", get.BodyText());
    }

    [Fact]
    public async Task Get_of_an_unknown_candidate_is_plain_text_not_found()
    {
        var response = await _host.GetAsync("/candidate/nobody");
        Assert.Equal(404, response.StatusCode);
        Assert.StartsWith("text/plain", response.ContentType, StringComparison.Ordinal);
        Assert.Equal("Not Found", response.BodyText());
    }

    [Fact]
    public async Task The_seed_clients_form_body_is_accepted_and_ignored()
    {
        var response = await _host.SendAsync("POST", "/candidate/seed", "application/x-www-form-urlencoded", "test");
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("""[{"CandidateName":"seed"}]""", (await _host.GetAsync("/candidate/seed")).BodyText());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON;charset=UTF-8")]
    public async Task A_json_body_becomes_the_attributes_and_the_path_name_wins(string contentType)
    {
        const string body = """{"CandidateName":"ignored","s":"x","n":1.5,"b":true,"z":null,"a":[1,[2]],"o":{"k":"v"}}""";
        var post = await _host.SendAsync("POST", "/candidate/ann", contentType, body);
        var get = await _host.GetAsync("/candidate/ann");

        Assert.Equal(200, post.StatusCode);
        Assert.Equal("""{"CandidateName":"ann"}""", post.BodyText());
        Assert.Equal("""[{"CandidateName":"ann","s":"x","n":1.5,"b":true,"z":null,"a":[1,[2]],"o":{"k":"v"}}]""", get.BodyText());
    }

    [Fact]
    public async Task A_second_post_replaces_the_attributes()
    {
        await _host.PostJsonAsync("/candidate/bob", """{"old":1}""");
        await _host.PostJsonAsync("/candidate/bob", """{"new":2}""");
        Assert.Equal("""[{"CandidateName":"bob","new":2}]""", (await _host.GetAsync("/candidate/bob")).BodyText());
    }

    [Theory]
    [InlineData("""{"id":"x"}""")]
    [InlineData("""{"_rid":"x"}""")]
    [InlineData("""{"_":1}""")]
    [InlineData("""[1,2]""")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{\"a\":")]
    [InlineData("")]
    [InlineData("""{"a":1} trailing""")]
    [InlineData("""{"a":"\uD800"}""")]
    [InlineData("""{"\uDC00":1}""")]
    [InlineData("""{"a":[{"b":"x\uDBFFy"}]}""")]
    public async Task A_bad_json_body_is_400_problem_and_changes_nothing(string body)
    {
        await _host.PostJsonAsync("/candidate/carol", """{"kept":true}""");

        var response = await _host.PostJsonAsync("/candidate/carol", body);

        AssertProblem(response, 400);
        Assert.Equal("""[{"CandidateName":"carol","kept":true}]""", (await _host.GetAsync("/candidate/carol")).BodyText());
    }

    [Fact]
    public async Task Depth_8_is_accepted_and_depth_9_rejected()
    {
        static string Nested(int depth) => new string('[', depth - 1) is var open
            ? "{\"a\":" + open + new string(']', depth - 1) + "}"
            : string.Empty;

        Assert.Equal(200, (await _host.PostJsonAsync("/candidate/deep", Nested(8))).StatusCode);
        AssertProblem(await _host.PostJsonAsync("/candidate/deeper", Nested(9)), 400);
        Assert.Equal(404, (await _host.GetAsync("/candidate/deeper")).StatusCode);
    }

    [Fact]
    public async Task A_body_of_16_KiB_is_accepted_and_one_byte_more_is_413()
    {
        static string OfSize(int bytes) => "{\"a\":\"" + new string('x', bytes - 8) + "\"}";
        Assert.Equal(16384, OfSize(16384).Length);

        Assert.Equal(200, (await _host.PostJsonAsync("/candidate/big", OfSize(16384))).StatusCode);
        AssertProblem(await _host.PostJsonAsync("/candidate/bigger", OfSize(16385)), 413);
        Assert.Equal(404, (await _host.GetAsync("/candidate/bigger")).StatusCode);
    }

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/api/gtg")]
    [InlineData("GET", "/gtg/")]
    [InlineData("GET", "/candidate")]
    [InlineData("GET", "/candidate/")]
    [InlineData("GET", "/candidate/a/b")]
    [InlineData("POST", "/nothing")]
    public async Task Any_other_path_is_plain_text_not_found(string method, string target)
    {
        var response = await _host.SendAsync(method, target);
        Assert.Equal(404, response.StatusCode);
        Assert.Equal("Not Found", response.BodyText());
    }

    [Theory]
    [InlineData("POST", "/gtg", "GET")]
    [InlineData("DELETE", "/candidate/x", "GET, POST")]
    [InlineData("PUT", "/candidate/x", "GET, POST")]
    [InlineData("POST", "/candidates", "GET")]
    [InlineData("HEAD", "/candidates", "GET")]
    public async Task A_known_path_with_the_wrong_method_is_405_with_allow(string method, string target, string allow)
    {
        var response = await _host.SendAsync(method, target);
        AssertProblem(response, 405);
        Assert.Equal(allow, response.Header("Allow"));
    }

    [Theory]
    [InlineData("%FF")]
    [InlineData("a%2Fb")]
    [InlineData("a%5Cb")]
    [InlineData("%20lead")]
    [InlineData("trail%20")]
    [InlineData("tab%09")]
    [InlineData("%00")]
    [InlineData("%7F")]
    [InlineData("%C2%85")]
    [InlineData("bad%2")]
    [InlineData("bad%zz")]
    public async Task Invalid_names_are_400_for_get_and_post_and_write_nothing(string rawName)
    {
        AssertProblem(await _host.GetAsync("/candidate/" + rawName), 400);
        AssertProblem(await _host.SendAsync("POST", "/candidate/" + rawName), 400);
        Assert.Equal(404, (await _host.GetAsync("/candidates")).StatusCode);
    }

    [Fact]
    public async Task Names_of_128_characters_pass_and_129_fail()
    {
        var ok = string.Concat(Enumerable.Repeat("%F0%9F%99%82", 128));
        Assert.Equal(200, (await _host.SendAsync("POST", "/candidate/" + ok)).StatusCode);
        AssertProblem(await _host.SendAsync("POST", "/candidate/" + ok + "x"), 400);
    }

    [Fact]
    public async Task Composed_and_decomposed_spellings_are_one_candidate_stored_in_nfc()
    {
        await _host.PostJsonAsync("/candidate/Jose%CC%81", """{"v":1}""");

        var composed = await _host.GetAsync("/candidate/Jos%C3%A9");

        Assert.Equal(200, composed.StatusCode);
        Assert.Equal("Jos\u00e9", ApiTestHost.Json(composed)[0].GetProperty("CandidateName").GetString());
    }

    [Theory]
    [InlineData("%2E", ".")]
    [InlineData(".", ".")]
    [InlineData("..", "..")]
    [InlineData("__x__", "__x__")]
    [InlineData("a%3Fb", "a?b")]
    [InlineData("a%23b", "a#b")]
    [InlineData("a+b", "a+b")]
    [InlineData("a%2520b", "a%20b")]
    [InlineData("Jos%C3%A9%20M%C3%BCller", "José Müller")]
    [InlineData("%E6%9D%8E%E9%9B%B7", "李雷")]
    public async Task Unusual_names_round_trip_decoded_exactly_once(string rawName, string expected)
    {
        var post = await _host.SendAsync("POST", "/candidate/" + rawName);
        var get = await _host.GetAsync("/candidate/" + rawName);

        Assert.Equal(expected, ApiTestHost.Json(post).GetProperty("CandidateName").GetString());
        Assert.Equal(expected, ApiTestHost.Json(get)[0].GetProperty("CandidateName").GetString());
    }

    [Fact]
    public async Task Candidates_is_404_when_empty_and_lists_everyone_otherwise()
    {
        Assert.Equal("Not Found", (await _host.GetAsync("/candidates")).BodyText());
        await _host.SendAsync("POST", "/candidate/a");
        await _host.PostJsonAsync("/candidate/b", """{"x":1}""");

        var response = await _host.GetAsync("/candidates");

        Assert.Equal(200, response.StatusCode);
        // The contract leaves the order open: compare the candidates, not their order.
        var listed = ApiTestHost.Json(response).EnumerateArray().Select(c => c.GetRawText()).Order(StringComparer.Ordinal);
        Assert.Equal(["""{"CandidateName":"a"}""", """{"CandidateName":"b","x":1}"""], listed);
        Assert.Null(response.Header("Link"));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=-1")]
    [InlineData("limit=abc")]
    [InlineData("limit=")]
    [InlineData("limit=%201")]
    [InlineData("limit=2&next=garbage")]
    [InlineData("limit=2&next=1.")]
    [InlineData("limit=2&next=1.bm90IGEgdG9rZW4")]
    [InlineData("next=1.bWVtMTpZUT09")]
    public async Task Bad_paging_parameters_are_400(string query)
    {
        await _host.SendAsync("POST", "/candidate/a");
        AssertProblem(await _host.GetAsync("/candidates?" + query), 400);
    }

    [Theory]
    [InlineData("9007199254740993")]
    [InlineData("9007199254740992")]
    [InlineData("-9007199254740992")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1E309")]
    [InlineData("[1,{\"deep\":1e400}]")]
    [InlineData("{\"n\":9007199254740993}")]
    public async Task A_number_no_double_holds_is_400_and_changes_nothing(string value)
    {
        await _host.PostJsonAsync("/candidate/dora", """{"kept":true}""");

        var response = await _host.PostJsonAsync("/candidate/dora", $$"""{"n":{{value}}}""");

        AssertProblem(response, 400);
        Assert.Contains("finite doubles", ApiTestHost.Json(response).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("""[{"CandidateName":"dora","kept":true}]""", (await _host.GetAsync("/candidate/dora")).BodyText());
    }

    [Theory]
    [InlineData("0.1", "0.1")]
    [InlineData("-0", "0")]
    [InlineData("-0.0", "0")]
    [InlineData("0e5", "0")]
    [InlineData("1.0", "1")]
    [InlineData("1E2", "100")]
    [InlineData("1e20", "1E+20")]
    [InlineData("9007199254740991", "9007199254740991")]
    [InlineData("-9007199254740991", "-9007199254740991")]
    [InlineData("9007199254740993.0", "9007199254740992")]
    [InlineData("0.10000000000000001", "0.1")]
    [InlineData("5e-324", "5E-324")]
    [InlineData("1e-400", "0")]
    [InlineData("[-0,{\"x\":2.50}]", "[0,{\"x\":2.5}]")]
    public async Task Every_accepted_number_is_stored_as_the_nearest_double_written_canonically(string value, string stored)
    {
        var post = await _host.PostJsonAsync("/candidate/erin", $$"""{"n":{{value}}}""");

        Assert.Equal(200, post.StatusCode);
        Assert.Equal($$"""[{"CandidateName":"erin","n":{{stored}}}]""", (await _host.GetAsync("/candidate/erin")).BodyText());
        var candidate = await _host.Store.GetAsync(CandidateName.FromDecoded("erin").Name!, CancellationToken.None);
        Assert.Equal(stored, candidate!.Attributes["n"].GetRawText());
    }

    [Fact]
    public async Task Store_failures_map_to_503_or_500_without_leaking_the_exception()
    {
        const string secret = "AccountKey=c2VjcmV0; at Microsoft.Azure.Cosmos.Internal";
        var unavailable = new ApiTestHost(new FailingStore(new CandidateStoreUnavailableException(secret, TimeSpan.FromSeconds(7), null)));
        var broken = new ApiTestHost(new FailingStore(new InvalidOperationException(secret)));

        var postUnavailable = await unavailable.SendAsync("POST", "/candidate/x");
        var getUnavailable = await unavailable.GetAsync("/candidate/x");
        var listUnavailable = await unavailable.GetAsync("/candidates");
        var postBroken = await broken.SendAsync("POST", "/candidate/x");
        var getBroken = await broken.GetAsync("/candidate/x");

        Assert.Equal(503, postUnavailable.StatusCode);
        Assert.Equal("Unable to update", postUnavailable.BodyText());
        Assert.Equal("7", postUnavailable.Header("Retry-After"));
        AssertProblem(getUnavailable, 503);
        AssertProblem(listUnavailable, 503);
        Assert.Equal("7", getUnavailable.Header("Retry-After"));
        Assert.Equal(500, postBroken.StatusCode);
        Assert.Equal("Unable to update", postBroken.BodyText());
        AssertProblem(getBroken, 500);
        foreach (var response in new[] { postUnavailable, getUnavailable, listUnavailable, postBroken, getBroken })
        {
            Assert.DoesNotContain("AccountKey", response.BodyText(), StringComparison.Ordinal);
            Assert.DoesNotContain("Microsoft.Azure", response.BodyText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_store_without_a_retry_hint_gets_the_default_retry_after()
    {
        var host = new ApiTestHost(new FailingStore(new CandidateStoreUnavailableException("down")));
        Assert.Equal("5", (await host.SendAsync("POST", "/candidate/x")).Header("Retry-After"));
    }

    internal static void AssertProblem(ApiResponse response, int status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.ContentType);
        var problem = ApiTestHost.Json(response);
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    internal sealed class FailingStore(Exception failure) : ICandidateStore
    {
        public Task<Candidate?> GetAsync(CandidateName name, CancellationToken cancellationToken) => Task.FromException<Candidate?>(failure);

        public Task UpsertAsync(Candidate candidate, CancellationToken cancellationToken) => Task.FromException(failure);

        public Task<CandidatePage> ListAsync(string? continuation, int maxItems, CancellationToken cancellationToken) =>
            Task.FromException<CandidatePage>(failure);

        public Task PingAsync(CancellationToken cancellationToken) => Task.FromException(failure);
    }
}
