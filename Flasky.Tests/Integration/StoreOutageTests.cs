using System.Net;
using System.Text;
using System.Text.Json;

namespace Flasky.Tests.Integration;

/// <summary>
/// One cloud's database stopped under the running AppHost: callers get 503 with Retry-After and no internals, and the
/// API serves again by itself, within a bound, once the database is back. Each cloud adopts it with one small class
/// naming its database resource, its client and what would be a leak of its internals.
/// </summary>
public abstract class StoreOutageTests(AppHostFixture fixture)
{
    private static readonly string[] CommonLeaks = ["Exception", "   at ", "Stack"];
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(90);

    protected AppHostFixture Fixture => fixture;

    /// <summary>The AppHost resource that is the database (stopped and started again by the test).</summary>
    protected abstract string DatabaseResource { get; }

    /// <summary>Text that must never reach a client: the cloud's SDK, settings and addresses.</summary>
    protected abstract IReadOnlyList<string> Leaks { get; }

    /// <summary>The <c>/gtg</c> details path as this cloud's client sends it.</summary>
    protected virtual string DetailsPath => "/gtg?details";

    /// <summary>A client of the API as callers reach it (with their credentials).</summary>
    protected abstract HttpClient CreateClient(TimeSpan timeout);

    /// <summary>What to note before the outage, to compare after it (e.g. that the host was not restarted).</summary>
    protected virtual Task<object?> ObserveHostAsync(CancellationToken ct) => Task.FromResult<object?>(null);

    [Fact]
    public async Task A_stopped_database_gives_503_without_internals_and_the_api_recovers_when_it_returns()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var ct = timeout.Token;
        using var client = CreateClient(TimeSpan.FromSeconds(60));
        var name = "outage-" + Guid.NewGuid().ToString("N");
        using (var before = await client.PostAsync(new Uri($"/candidate/{name}-before", UriKind.Relative), JsonBody("{}"), ct))
        {
            Assert.True(before.StatusCode == HttpStatusCode.OK, $"before the outage: {(int)before.StatusCode} {await before.Content.ReadAsStringAsync(ct)}");
        }

        var hostBefore = await ObserveHostAsync(ct);
        await fixture.StopAsync(DatabaseResource, ct);
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

            using var details = await client.GetAsync(new Uri(DetailsPath, UriKind.Relative), ct);
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
            // Restart even when an assertion failed, so later tests in the collection find the database up.
            using var restart = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await fixture.StartAsync(DatabaseResource, restart.Token);
        }

        // The local databases keep data in memory only, so what was written before the outage is gone with it (the
        // clouds' databases keep it). What must hold: the API serves again without being restarted, within a bound
        // (its client may need a moment to reconnect).
        await WriteUntilOkAsync(client, $"/candidate/{name}-after", ct);
        using var read = await client.GetAsync(new Uri($"/candidate/{name}-after", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal($$"""[{"CandidateName":"{{name}}-after","b":2}]""", await read.Content.ReadAsStringAsync(ct));
        using var healthy = await client.GetAsync(new Uri(DetailsPath, UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal(hostBefore, await ObserveHostAsync(ct));
    }

    private static async Task WriteUntilOkAsync(HttpClient client, string path, CancellationToken ct)
    {
        using var recovery = CancellationTokenSource.CreateLinkedTokenSource(ct);
        recovery.CancelAfter(RecoveryBound);
        var last = "no answer";
        try
        {
            while (true)
            {
                using var response = await client.PostAsync(new Uri(path, UriKind.Relative), JsonBody("""{"b":2}"""), recovery.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(recovery.Token)}";
                await Task.Delay(TimeSpan.FromSeconds(1), recovery.Token);
            }
        }
        catch (OperationCanceledException) when (recovery.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            Assert.Fail($"The API did not accept a write within {RecoveryBound} of the database's restart; last answer: {last}");
        }
    }

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private void AssertNoInternals(string body)
    {
        foreach (var leak in CommonLeaks.Concat(Leaks))
        {
            Assert.DoesNotContain(leak, body, StringComparison.Ordinal);
        }
    }
}
