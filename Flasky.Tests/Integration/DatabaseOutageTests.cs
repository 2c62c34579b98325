using System.Net;
using System.Text.Json;

namespace Flasky.Tests.Integration;

/// <summary>What a client sees while the database is down, and that the API recovers when it is back.</summary>
[Collection(AppHostTestGroup.Name)]
public sealed class DatabaseOutageTests(AppHostFixture fixture)
{
    private static readonly string[] Leaks = ["Exception", "   at ", "AccountKey", "AccountEndpoint", "Microsoft.Azure", "Stack"];

    [Fact]
    public async Task A_stopped_database_gives_503_without_internals_and_the_api_recovers_when_it_returns()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        using var client = fixture.CreateClient(TimeSpan.FromSeconds(60));
        var name = "outage-" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(new Uri($"/candidate/{name}-before", UriKind.Relative), null, ct)).StatusCode);

        await fixture.StopAsync(AppHostFixture.CosmosResource, ct);
        try
        {
            var post = await client.PostAsync(new Uri($"/candidate/{name}-during", UriKind.Relative), JsonBody("""{"a":1}"""), ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
            Assert.Equal("Unable to update", await post.Content.ReadAsStringAsync(ct));
            Assert.NotNull(post.Headers.RetryAfter);

            foreach (var path in new[] { $"/candidate/{name}-before", "/candidates", "/candidates?limit=5" })
            {
                var response = await client.GetAsync(new Uri(path, UriKind.Relative), ct);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(response.Headers.RetryAfter);
                AssertNoInternals(await response.Content.ReadAsStringAsync(ct));
            }

            var details = await client.GetAsync(new Uri("/gtg?details", UriKind.Relative), ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, details.StatusCode);
            using var body = JsonDocument.Parse(await details.Content.ReadAsStringAsync(ct));
            Assert.Equal("false", body.RootElement.GetProperty("connected").GetString());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/gtg", UriKind.Relative), ct)).StatusCode);
        }
        finally
        {
            // Restart even when an assertion failed, so later tests in the collection find the database up.
            using var restart = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await fixture.StartAsync(AppHostFixture.CosmosResource, restart.Token);
        }

        // The server keeps data in memory only, so what was written before the outage is gone with it; real
        // Cosmos DB keeps it. What must hold is that the API serves again without being restarted itself: wait for
        // /gtg?details to report the store connected (the client may need a moment to reconnect), then use it.
        await WaitUntilConnectedAsync(client, ct);
        var after = await client.PostAsync(new Uri($"/candidate/{name}-after", UriKind.Relative), JsonBody("""{"b":2}"""), ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var read = await client.GetAsync(new Uri($"/candidate/{name}-after", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal($$"""[{"CandidateName":"{{name}}-after","b":2}]""", await read.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/gtg?details", UriKind.Relative), ct)).StatusCode);
    }

    /// <summary>Polls /gtg?details until it answers 200 connected "true"; bounded by <paramref name="ct"/>.</summary>
    private static async Task WaitUntilConnectedAsync(HttpClient client, CancellationToken ct)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(ct);
        poll.CancelAfter(TimeSpan.FromMinutes(1));
        string last = "no answer";
        try
        {
            while (true)
            {
                using var response = await client.GetAsync(new Uri("/gtg?details", UriKind.Relative), poll.Token);
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(poll.Token)}";
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), poll.Token);
            }
        }
        catch (OperationCanceledException) when (poll.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            Assert.Fail($"/gtg?details did not report the store connected within a minute of its restart; last answer: {last}");
        }
    }

    private static StringContent JsonBody(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static void AssertNoInternals(string body)
    {
        foreach (var leak in Leaks)
        {
            Assert.DoesNotContain(leak, body, StringComparison.Ordinal);
        }
    }
}
