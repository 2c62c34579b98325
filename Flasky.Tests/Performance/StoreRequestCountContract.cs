using System.Text;
using Flasky.Core.Http;
using Flasky.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flasky.Tests.Performance;

/// <summary>
/// Database work per request, counted at the wire (not timed): <c>GET /candidate/{name}</c> is one point read,
/// <c>POST</c> one write and nothing else, <c>/gtg</c> none, <c>/gtg?details</c> one round trip, a page of a listing
/// that has more to come one query. Each store's class gives its emulator; the SDK's one-time metadata reads happen in a
/// warm-up first, as they would on a warm instance.
/// </summary>
public abstract class StoreRequestCountContract
{
    // A name every store keeps under its own id (no encoding, no legacy lookup): the common case.
    private const string Name = "Jane_Doe";
    private const string OtherName = "John_Roe";

    protected abstract Task<ICandidateStore> CreateEmptyStoreAsync();

    protected abstract int EmulatorPort { get; }

    /// <summary>How the store names the point read and the write on the wire: for the failure message.</summary>
    protected abstract string Expectation { get; }

    [Fact]
    public async Task Get_by_name_is_one_round_trip() => Assert.Single(await RequestsAsync(Get()));

    [Fact]
    public async Task Post_is_one_round_trip() => Assert.Single(await RequestsAsync(Post()));

    [Fact]
    public async Task Plain_gtg_touches_no_database() => Assert.Empty(await RequestsAsync(ApiRequest.WithoutBody("GET", "/gtg")));

    [Fact]
    public async Task Gtg_details_is_one_round_trip() => Assert.Single(await RequestsAsync(ApiRequest.WithoutBody("GET", "/gtg?details")));

    /// <summary>
    /// A page that ends with a link to the rest: the store's query is sent once. (The Cosmos DB SDK re-runs a query from
    /// the start through its cross-partition pipeline when the backend does not say the query runs whole on its
    /// partition; the local server once left that unsaid, and the first such page in a process cost seconds.)
    /// </summary>
    [Fact]
    public async Task A_listing_page_with_more_to_come_is_one_round_trip() =>
        Assert.Single(await RequestsAsync(ApiRequest.WithoutBody("GET", "/candidates?limit=1")));

    private static ApiRequest Get() => ApiRequest.WithoutBody("GET", "/candidate/" + Name);

    private static ApiRequest Post(string name = Name) =>
        new("POST", "/candidate/" + name, "application/json", new MemoryStream(Encoding.UTF8.GetBytes("""{"Role":"Engineer","Level":3}""")));

    private async Task<IReadOnlyList<string>> RequestsAsync(ApiRequest request)
    {
        var api = new CandidateApi(await CreateEmptyStoreAsync(), new CandidateApiOptions { InstanceId = "test" }, NullLogger<CandidateApi>.Instance);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // Warm-up: the SDK's account, container and table metadata (a listing's too), and two candidates, so that a page
        // of one has more to come.
        foreach (var warm in new[] { Post(), Post(OtherName), Get(), ApiRequest.WithoutBody("GET", "/gtg?details"), ApiRequest.WithoutBody("GET", "/candidates") })
        {
            Assert.Equal(200, (await api.HandleAsync(warm, timeout.Token)).StatusCode);
        }

        using var log = new EmulatorRequestLog(EmulatorPort);
        ApiResponse? response = null;
        var requests = await log.DuringAsync(async () => response = await api.HandleAsync(request, timeout.Token));
        Assert.True(response!.StatusCode == 200, $"{request.Method} {request.RawTarget}: {response.StatusCode} {response.BodyText()}");

        // The message a failing assertion prints with the list: what was expected and what went over the wire.
        Assert.True(requests.Count <= 1, $"{request.Method} {request.RawTarget} sent {requests.Count} requests ({Expectation}): {string.Join("; ", requests)}");
        return requests;
    }
}
