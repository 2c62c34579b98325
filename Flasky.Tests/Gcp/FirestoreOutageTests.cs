using System.Net;
using System.Text;
using System.Text.Json;
using Flasky.Tests.Integration;

namespace Flasky.Tests.Gcp;

/// <summary>
/// The Firestore emulator stopped under the running AppHost: callers of the Cloud Run service (through the front) get
/// 503 with Retry-After and no internals, and the service recovers by itself once the emulator is back.
/// </summary>
[Collection(AppHostTestGroup.Name)]
public sealed class FirestoreOutageTests(AppHostFixture fixture)
{
    private static readonly string[] Leaks = ["Exception", "   at ", "firestore.googleapis", "127.0.0.1", "localhost:", "FIRESTORE_EMULATOR_HOST", "Google", "Stack"];
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_stopped_firestore_gives_503_with_retry_after_and_the_service_recovers_when_it_returns()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var ct = timeout.Token;
        using var client = fixture.CreateFrontClient(TimeSpan.FromSeconds(60));
        var name = "outage-" + Guid.NewGuid().ToString("N");
        using (var before = await client.PostAsync(new Uri($"/candidate/{name}-before", UriKind.Relative), null, ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await fixture.StopAsync(AppHostFixture.FirestoreResource, ct);
        try
        {
            using var post = await client.PostAsync(new Uri($"/candidate/{name}-during", UriKind.Relative), JsonBody("""{"a":1}"""), ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
            Assert.Equal("Unable to update", await post.Content.ReadAsStringAsync(ct));
            Assert.NotNull(post.Headers.RetryAfter);

            foreach (var path in new[] { $"/candidate/{name}-before", "/candidates", "/candidates?limit=5" })
            {
                using var response = await client.GetAsync(new Uri(path, UriKind.Relative), ct);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(response.Headers.RetryAfter);
                AssertNoInternals(await response.Content.ReadAsStringAsync(ct));
            }

            using var details = await client.GetAsync(new Uri("/gtg?details", UriKind.Relative), ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, details.StatusCode);
            var detailsBody = await details.Content.ReadAsStringAsync(ct);
            AssertNoInternals(detailsBody);
            using (var body = JsonDocument.Parse(detailsBody))
            {
                Assert.Equal("false", body.RootElement.GetProperty("connected").GetString());
            }

            using var gtg = await client.GetAsync(new Uri("/gtg", UriKind.Relative), ct);
            Assert.Equal(HttpStatusCode.OK, gtg.StatusCode);
        }
        finally
        {
            // Restart even when an assertion failed, so later tests in the collection find the emulator up.
            using var restart = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await fixture.StartAsync(AppHostFixture.FirestoreResource, restart.Token);
        }

        // The emulator keeps data in memory only, so what was written before is gone with it (Firestore keeps it).
        // What must hold: the service answers again without being restarted, within a bound.
        using var recovery = CancellationTokenSource.CreateLinkedTokenSource(ct);
        recovery.CancelAfter(RecoveryBound);
        HttpStatusCode last;
        do
        {
            using var after = await client.PostAsync(new Uri($"/candidate/{name}-after", UriKind.Relative), JsonBody("""{"b":2}"""), recovery.Token);
            last = after.StatusCode;
            if (last != HttpStatusCode.OK)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), recovery.Token);
            }
        }
        while (last != HttpStatusCode.OK);

        using var read = await client.GetAsync(new Uri($"/candidate/{name}-after", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal($$"""[{"CandidateName":"{{name}}-after","b":2}]""", await read.Content.ReadAsStringAsync(ct));
        using var healthy = await client.GetAsync(new Uri("/gtg?details", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static void AssertNoInternals(string body)
    {
        foreach (var leak in Leaks)
        {
            Assert.DoesNotContain(leak, body, StringComparison.Ordinal);
        }
    }
}
