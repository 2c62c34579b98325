using System.Net;
using System.Text;
using System.Text.Json;

namespace Flasky.Tests.Integration;

/// <summary>
/// The AWS flavour while DynamoDB Local is down: the function answers 503 with Retry-After and no internals, and
/// serves again once the database is back, without being restarted.
/// </summary>
[Collection(AppHostTestGroup.Name)]
public sealed class DynamoDbOutageTests(AppHostFixture fixture)
{
    private static readonly string[] Leaks = ["Exception", "   at ", "Amazon", "dynamodblocal", "AWS_", "Stack", "127.0.0.1", "localhost"];

    [Fact]
    public async Task A_stopped_dynamodb_gives_503_without_internals_and_the_function_recovers_when_it_returns()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var ct = timeout.Token;
        using var client = fixture.CreateAwsClient(TimeSpan.FromSeconds(60));
        var name = "aws-outage-" + Guid.NewGuid().ToString("N");
        var before = await client.PostAsync(new Uri($"/candidate/{name}-before", UriKind.Relative), Json("{}"), ct);
        Assert.True(before.StatusCode == HttpStatusCode.OK, $"before the outage: {(int)before.StatusCode} {await before.Content.ReadAsStringAsync(ct)}");
        var lambdaStartedAt = await LambdaStartedAtAsync(ct);

        await fixture.StopAsync(AppHostFixture.DynamoDbResource, ct);
        try
        {
            var post = await client.PostAsync(new Uri($"/candidate/{name}-during", UriKind.Relative), Json("""{"a":1}"""), ct);
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

            var details = await client.GetAsync(new Uri("/gtg?details=", UriKind.Relative), ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, details.StatusCode);
            using var body = JsonDocument.Parse(await details.Content.ReadAsStringAsync(ct));
            Assert.Equal("false", body.RootElement.GetProperty("connected").GetString());
        }
        finally
        {
            // Restart even when an assertion failed, so later tests in the collection find the database up.
            using var restart = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await fixture.StartAsync(AppHostFixture.DynamoDbResource, restart.Token);
        }

        // DynamoDB Local keeps data in memory only; what must hold is that the same function process serves again.
        var after = await PollUntilOkAsync(client, $"/candidate/{name}-after", ct);
        Assert.Equal(HttpStatusCode.OK, after);
        var read = await client.GetAsync(new Uri($"/candidate/{name}-after", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(lambdaStartedAt, await LambdaStartedAtAsync(ct));
    }

    /// <summary>The function's process start time, to show it was not restarted.</summary>
    private async Task<DateTime?> LambdaStartedAtAsync(CancellationToken ct)
    {
        var state = await fixture.App.ResourceNotifications.WaitForResourceAsync(
            AppHostFixture.LambdaResource, e => e.Snapshot.State?.Text == Aspire.Hosting.ApplicationModel.KnownResourceStates.Running, ct);
        return state.Snapshot.StartTimeStamp;
    }

    private static async Task<HttpStatusCode> PollUntilOkAsync(HttpClient client, string path, CancellationToken ct)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(TimeSpan.FromSeconds(90));
        var status = HttpStatusCode.ServiceUnavailable;
        while (!bound.IsCancellationRequested)
        {
            status = (await client.PostAsync(new Uri(path, UriKind.Relative), Json("""{"b":2}"""), bound.Token)).StatusCode;
            if (status == HttpStatusCode.OK)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), bound.Token);
        }

        return status;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static void AssertNoInternals(string body)
    {
        foreach (var leak in Leaks)
        {
            Assert.DoesNotContain(leak, body, StringComparison.Ordinal);
        }
    }
}
