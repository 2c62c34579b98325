using System.Net;
using System.Text;

namespace Flasky.Tests.Security;

/// <summary>
/// The auth attack matrix: each cloud adds one small class with its attacks as named tests. Every attack is a write
/// (a POST with a JSON body to a fresh name); the test fails if the front lets it through, if the refusal is not the
/// cloud's own answer, or if the name can afterwards be read back with valid credentials.
/// </summary>
public abstract class AuthAttackTests
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>A client that passes the cloud's check: used only to prove what was (not) written.</summary>
    protected abstract HttpClient CreateAuthorizedClient();

    /// <summary>Asserts the response is exactly the cloud's refusal for this kind of attack.</summary>
    protected abstract Task AssertRefusedAsync(HttpResponseMessage response);

    /// <summary>A name no other test uses, so a 404 afterwards means this attack wrote nothing.</summary>
    protected static string FreshName() => "attack-" + Guid.NewGuid().ToString("N")[..12];

    protected static string CandidatePath(string name) => "/candidate/" + Uri.EscapeDataString(name);

    /// <summary>The write every attack tries to get through.</summary>
    protected static HttpRequestMessage AttackWrite(string name, string? query = null) =>
        new(HttpMethod.Post, new Uri(CandidatePath(name) + (query is null ? "" : "?" + query), UriKind.Relative))
        {
            Content = new StringContent("""{"attack":true}""", Encoding.UTF8, "application/json"),
        };

    /// <summary>
    /// Sends the attack through <paramref name="client"/>, expects the refusal (<see cref="AssertRefusedAsync"/> unless
    /// <paramref name="assertRefused"/> says otherwise), and proves the name is unwritten.
    /// </summary>
    protected async Task AssertAttackRefusedAsync(HttpClient client, Func<string, HttpRequestMessage> attack, Func<HttpResponseMessage, Task>? assertRefused = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(attack);
        var name = FreshName();
        using var timeout = new CancellationTokenSource(Bound);
        using var request = attack(name);
        using var response = await client.SendAsync(request, timeout.Token);
        await response.Content.LoadIntoBufferAsync(timeout.Token);
        await (assertRefused ?? AssertRefusedAsync)(response);
        await AssertNotWrittenAsync(name);
    }

    protected async Task AssertNotWrittenAsync(string name)
    {
        using var client = CreateAuthorizedClient();
        using var timeout = new CancellationTokenSource(Bound);
        using var read = await client.GetAsync(new Uri(CandidatePath(name), UriKind.Relative), timeout.Token);
        var body = await read.Content.ReadAsStringAsync(timeout.Token);
        Assert.True(read.StatusCode == HttpStatusCode.NotFound && body == "Not Found",
            $"{name} should not exist after a refused write, but GET answered {(int)read.StatusCode}: {body}");
    }

    /// <summary>The control: with valid credentials the same write goes through and reads back, so a 404 above means something.</summary>
    [Fact]
    public async Task The_same_write_with_valid_credentials_is_stored()
    {
        var name = FreshName();
        using var client = CreateAuthorizedClient();
        using var timeout = new CancellationTokenSource(Bound);
        using var request = AttackWrite(name);
        using var write = await client.SendAsync(request, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        using var read = await client.GetAsync(new Uri(CandidatePath(name), UriKind.Relative), timeout.Token);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("\"attack\":true", await read.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
    }
}
