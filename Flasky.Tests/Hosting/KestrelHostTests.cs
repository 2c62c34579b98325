using System.Net;
using System.Text.Json;

namespace Flasky.Tests.Hosting;

/// <summary>MapCandidateApi behind a path base: links lead back through the same prefix.</summary>
public sealed class KestrelHostTests
{
    [Fact]
    public async Task Links_carry_the_path_base_and_following_them_walks_every_candidate()
    {
        await using var host = await KestrelApiHost.StartAsync(pathBase: "/stage");
        using var client = KestrelApiHost.CreateClient(host.ApiAddress);
        var names = Enumerable.Range(0, 5).Select(i => $"Candidate {i}").ToHashSet();
        foreach (var name in names)
        {
            using var post = await client.PostAsync($"/stage/candidate/{Uri.EscapeDataString(name)}", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        var seen = new List<string>();
        var next = "/stage/candidates?limit=2";
        while (next is not null)
        {
            using var page = await client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            using var json = JsonDocument.Parse(await page.Content.ReadAsStringAsync());
            seen.AddRange(json.RootElement.EnumerateArray().Select(c => c.GetProperty("CandidateName").GetString()!));
            next = page.Headers.TryGetValues("Link", out var links)
                ? System.Text.RegularExpressions.Regex.Match(links.Single(), "^<(?<url>/stage/candidates\\?[^>]+)>; rel=\"next\"$").Groups["url"].Value
                : null;
            Assert.True(next is null || next.Length > 0, "the Link does not start with the path base");
        }

        Assert.Equal(names.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }
}
