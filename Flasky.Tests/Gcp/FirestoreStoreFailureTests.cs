using System.Net;
using System.Text;
using Flasky.Core.Names;
using Flasky.Core.Storage;
using Flasky.Firestore;

namespace Flasky.Tests.Gcp;

/// <summary>
/// How the store reads Firestore's answers, with canned responses in place of the service: the errors Google's REST
/// surface returns for the gRPC statuses, request timeouts, and what goes on the wire.
/// </summary>
public sealed class FirestoreStoreFailureTests
{
    private static readonly FirestoreStoreOptions Options = new()
    {
        ProjectId = "demo-project",
        EmulatorHost = "127.0.0.1:9",
        RequestTimeout = TimeSpan.FromSeconds(30),
        OperationTimeout = TimeSpan.FromSeconds(30),
    };

    private static CancellationToken TestTimeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private static CandidateName Name(string value) => CandidateName.FromDecoded(value).Name!;

    [Theory]
    [InlineData(429, "RESOURCE_EXHAUSTED", null, ""","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2.500s"}]""", 2.5)]
    [InlineData(503, "UNAVAILABLE", "7", "", 7.0)]
    [InlineData(504, "DEADLINE_EXCEEDED", null, "", null)]
    [InlineData(409, "ABORTED", null, "", null)]
    [InlineData(500, "UNAVAILABLE", null, "", null)]
    [InlineData(429, null, null, "", null)]
    [InlineData(503, null, "3", "", 3.0)]
    public async Task Transient_errors_are_unavailable_with_the_retry_hint(int status, string? grpcStatus, string? retryAfter, string details, double? hintSeconds)
    {
        var body = grpcStatus is null ? "<html>busy</html>" : $$$"""{"error":{"code":{{{status}}},"message":"secret detail","status":"{{{grpcStatus}}}"{{{details}}}}}""";
        var store = StoreAnswering(_ => Response((HttpStatusCode)status, body, retryAfter));

        foreach (var operation in Operations(store))
        {
            var ex = await Assert.ThrowsAsync<CandidateStoreUnavailableException>(operation);
            Assert.Equal(hintSeconds is null ? null : TimeSpan.FromSeconds(hintSeconds.Value), ex.RetryAfter);
            Assert.DoesNotContain("secret detail", ex.ToString(), StringComparison.Ordinal);
        }
    }

    // runQuery streams its answer, so its errors come as a one-element array.
    [Fact]
    public async Task A_streamed_query_error_is_read_too()
    {
        var store = StoreAnswering(_ => Response(HttpStatusCode.ServiceUnavailable,
            """[{"error":{"code":503,"status":"UNAVAILABLE","details":[{"retryDelay":"4s"}]}}]""", null));

        var ex = await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.ListAsync(null, 10, TestTimeout()));
        Assert.Equal(TimeSpan.FromSeconds(4), ex.RetryAfter);
    }

    [Theory]
    [InlineData(400, "INVALID_ARGUMENT")]
    [InlineData(403, "PERMISSION_DENIED")]
    [InlineData(500, "INTERNAL")]
    public async Task Permanent_errors_are_not_reported_as_unavailable(int status, string grpcStatus)
    {
        var store = StoreAnswering(_ => Response((HttpStatusCode)status, $$$"""{"error":{"code":{{{status}}},"message":"secret detail","status":"{{{grpcStatus}}}"}}""", null));

        var ex = await Assert.ThrowsAsync<FirestoreRequestException>(() => store.UpsertAsync(Candidate.WithoutAttributes(Name("a")), TestTimeout()));
        Assert.Equal(grpcStatus, ex.Status);
        Assert.DoesNotContain("secret detail", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_that_times_out_is_unavailable()
    {
        var options = Options with { RequestTimeout = TimeSpan.FromMilliseconds(200) };
        var store = new FirestoreCandidateStore(
            FirestoreHttpClient.Create(options, new StubHandler(async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                throw new InvalidOperationException("unreachable");
            })),
            options);

        foreach (var operation in Operations(store))
        {
            await Assert.ThrowsAsync<CandidateStoreUnavailableException>(operation);
        }
    }

    [Fact]
    public async Task A_refused_connection_is_unavailable()
    {
        var store = StoreAnswering(_ => throw new HttpRequestException("Connection refused", null, HttpStatusCode.ServiceUnavailable));

        foreach (var operation in Operations(store))
        {
            await Assert.ThrowsAsync<CandidateStoreUnavailableException>(operation);
        }
    }

    [Fact]
    public async Task A_cancelled_call_is_cancelled_not_unavailable()
    {
        var store = StoreAnswering(_ => Response(HttpStatusCode.NotFound, "{}", null));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetAsync(Name("a"), cancelled.Token));
    }

    [Fact]
    public async Task Emulator_requests_carry_the_owner_token_and_escaped_ids_without_dot_segments()
    {
        var requests = new List<HttpRequestMessage>();
        var store = StoreAnswering(request =>
        {
            requests.Add(request);
            return request.Method == HttpMethod.Patch
                ? Response(HttpStatusCode.OK, "{}", null)
                : Response(HttpStatusCode.NotFound, """{"error":{"code":404,"status":"NOT_FOUND"}}""", null);
        });

        await store.GetAsync(Name("a?b %c"), TestTimeout());
        await store.GetAsync(Name("..."), TestTimeout());
        await store.GetAsync(Name("%2E%2E"), TestTimeout());
        await store.UpsertAsync(Candidate.WithoutAttributes(Name("..")), TestTimeout());

        Assert.All(requests, r => Assert.Equal("Bearer owner", r.Headers.Authorization?.ToString()));
        Assert.All(requests, r => Assert.Equal("http://127.0.0.1:9/", r.RequestUri!.GetLeftPart(UriPartial.Authority) + "/"));
        const string collection = "/v1/projects/demo-project/databases/%28default%29/documents/candidates/";
        Assert.Equal(
            [collection + "a%3Fb%20%25c", collection + "...", collection + "%252E%252E", collection + "~b64.Li4"],
            requests.Select(r => r.RequestUri!.AbsolutePath));
        Assert.Equal(HttpMethod.Patch, requests[^1].Method);
    }

    private static IEnumerable<Func<Task>> Operations(FirestoreCandidateStore store) =>
    [
        () => store.GetAsync(Name("plain"), TestTimeout()),
        () => store.GetAsync(Name("~b64.needs both ids"), TestTimeout()),
        () => store.UpsertAsync(Candidate.WithoutAttributes(Name("plain")), TestTimeout()),
        () => store.ListAsync(null, 10, TestTimeout()),
        () => store.PingAsync(TestTimeout()),
    ];

    private static FirestoreCandidateStore StoreAnswering(Func<HttpRequestMessage, HttpResponseMessage> answer) =>
        new(FirestoreHttpClient.Create(Options, new StubHandler((request, _) => Task.FromResult(answer(request)))), Options);

    private static HttpResponseMessage Response(HttpStatusCode status, string body, string? retryAfter)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (retryAfter is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }

        return response;
    }

    private sealed class StubHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            answer(request, cancellationToken);
    }
}
