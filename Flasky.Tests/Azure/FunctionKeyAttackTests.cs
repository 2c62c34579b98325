using System.Net;
using Flasky.Functions.LocalHost;
using Flasky.Tests.Security;

namespace Flasky.Tests.Azure;

/// <summary>
/// The auth attack matrix against the Functions app's local host (the same key check as the Azure Functions host:
/// see <see cref="FunctionKeys"/> for the host source it follows). A refused request is 401 with an empty body.
/// </summary>
/// <remarks>
/// What the local host accepts: the master key (<c>FunctionKeys:Master</c>, the host's <c>_master</c>) and every host
/// key (<c>FunctionKeys:Host:*</c>) pass every function; a function key (<c>FunctionKeys:Functions:{function}:*</c>)
/// passes only its own function. There is no admin API and there are no system keys: <c>/admin/…</c> is an unknown
/// path like any other (401 without a key, 404 with one).
/// </remarks>
public sealed class FunctionKeyAttackTests : AuthAttackTests, IAsyncLifetime
{
    private const string OtherFunctionKey = "test-gtg-function-key-0123456789";
    private LocalFunctionsApp _app = null!;

    public async Task InitializeAsync() => _app = await LocalFunctionsApp.StartAsync($"--FunctionKeys:Functions:gtg:default={OtherFunctionKey}");

    public async Task DisposeAsync() => await _app.DisposeAsync();

    protected override HttpClient CreateAuthorizedClient()
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Add(FunctionKeys.HeaderName, LocalFunctionsApp.MasterKey);
        return client;
    }

    protected override async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public Task No_key_is_401_and_writes_nothing() => AttackAsync(header: null, code: null);

    [Fact]
    public async Task An_empty_key_is_401_and_writes_nothing()
    {
        await AttackAsync(header: "", code: null);
        await AttackAsync(header: null, code: "");

        // A header that is present is the key, even empty: the host does not fall back to the query then.
        await AttackAsync(header: "", code: LocalFunctionsApp.HostKey);
    }

    [Fact]
    public async Task A_wrong_key_is_401_and_writes_nothing()
    {
        await AttackAsync(header: "not-a-key-0123456789", code: null);
        await AttackAsync(header: null, code: "not-a-key-0123456789");
        await AttackAsync(header: LocalFunctionsApp.HostKey.ToUpperInvariant(), code: null);
    }

    [Fact]
    public async Task The_key_of_another_function_is_401_and_writes_nothing()
    {
        await AttackAsync(header: OtherFunctionKey, code: null);
        await AttackAsync(header: null, code: OtherFunctionKey);

        // The same key passes its own function, so the refusal above is about the function, not the key.
        using var client = _app.CreateClient();
        client.DefaultRequestHeaders.Add(FunctionKeys.HeaderName, OtherFunctionKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/gtg", UriKind.Relative))).StatusCode);
    }

    /// <summary>
    /// The host reads <c>x-functions-key</c> and looks at <c>code</c> only when the header is absent
    /// (<c>AuthenticationLevelHandler.GetAuthorizationKeyInfoAsync</c>: "header takes precedence").
    /// </summary>
    [Fact]
    public async Task A_key_in_both_header_and_query_is_judged_by_the_header_alone()
    {
        await AttackAsync(header: "not-a-key-0123456789", code: LocalFunctionsApp.MasterKey);
        await AttackAsync(header: "not-a-key-0123456789", code: LocalFunctionsApp.HostKey);

        var name = FreshName();
        using var client = _app.CreateClient();
        using var request = WithKey(AttackWrite(name), LocalFunctionsApp.HostKey, "not-a-key-0123456789");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_key_with_trailing_whitespace_in_the_query_is_401_and_writes_nothing()
    {
        await AttackAsync(header: null, code: LocalFunctionsApp.HostKey + " ");
        await AttackAsync(header: null, code: LocalFunctionsApp.HostKey + "\t");
        await AttackAsync(header: null, code: " " + LocalFunctionsApp.MasterKey);
    }

    /// <summary>
    /// Not an attack, but the rule next to it: spaces and tabs around a header value are not part of the value in
    /// HTTP (RFC 9110, 5.5), so Kestrel — the real host's server too — drops them before the key check.
    /// </summary>
    [Fact]
    public async Task Whitespace_around_a_header_key_is_not_part_of_the_key()
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/gtg", UriKind.Relative));
        request.Headers.TryAddWithoutValidation(FunctionKeys.HeaderName, " " + LocalFunctionsApp.HostKey + " \t");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_key_that_differs_in_its_last_byte_is_401_and_writes_nothing()
    {
        foreach (var key in new[] { LocalFunctionsApp.HostKey, LocalFunctionsApp.MasterKey, LocalFunctionsApp.CandidateFunctionKey })
        {
            var last = key[^1];
            var changed = key[..^1] + (char)(last == 'x' ? 'y' : 'x');
            await AttackAsync(header: changed, code: null);
            await AttackAsync(header: null, code: changed);
            await AttackAsync(header: key + "x", code: null);
            await AttackAsync(header: key[..^1], code: null);
        }
    }

    /// <summary>
    /// Refused before any key comparison by Kestrel's limits (the local host's: headers at most 16 KiB in all, see
    /// HostHardening; a request line over 8 KB): 431 and 414, both with an empty body; a long key within the limits
    /// is an ordinary wrong key.
    /// </summary>
    [Fact]
    public async Task A_very_long_key_is_refused_cleanly_and_writes_nothing()
    {
        await AttackAsync(header: new string('k', 100 * 1024), code: null, expected: HttpStatusCode.RequestHeaderFieldsTooLarge);

        // 60 KB: System.Uri refuses anything over 65,519 characters before it is sent.
        await AttackAsync(header: null, code: new string('k', 60 * 1024), expected: HttpStatusCode.RequestUriTooLong);
        await AttackAsync(header: LocalFunctionsApp.HostKey + new string('k', 16 * 1024), code: null, expected: HttpStatusCode.RequestHeaderFieldsTooLarge);
        await AttackAsync(header: LocalFunctionsApp.HostKey + new string('k', 8 * 1024), code: null);
        await AttackAsync(header: null, code: LocalFunctionsApp.HostKey + new string('k', 4 * 1024));
    }

    [Fact]
    public async Task Key_names_and_admin_paths_grant_nothing()
    {
        // The host's names for keys are not keys.
        foreach (var name in new[] { "_master", "default", "master" })
        {
            await AttackAsync(header: name, code: null);
        }

        // No admin API: without a key it is refused like everything else, and with the master key it is unknown.
        foreach (var path in new[] { "/admin/host/status", "/admin/host/keys", "/admin/functions/candidate/keys" })
        {
            using var anonymous = _app.CreateClient();
            var refused = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
            await AssertRefusedAsync(refused);

            using var master = CreateAuthorizedClient();
            var unknown = await master.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            var body = await unknown.Content.ReadAsStringAsync();
            Assert.DoesNotContain(LocalFunctionsApp.HostKey, body, StringComparison.Ordinal);
            Assert.DoesNotContain(LocalFunctionsApp.MasterKey, body, StringComparison.Ordinal);
        }
    }

    private async Task AttackAsync(string? header, string? code, HttpStatusCode expected = HttpStatusCode.Unauthorized)
    {
        using var client = _app.CreateClient();
        var name = FreshName();
        using var request = WithKey(AttackWrite(name), header, code);
        using var response = await client.SendAsync(request);
        if (expected == HttpStatusCode.Unauthorized)
        {
            await AssertRefusedAsync(response);
        }
        else
        {
            Assert.Equal(expected, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }

        await AssertNotWrittenAsync(name);
    }

    private static HttpRequestMessage WithKey(HttpRequestMessage request, string? header, string? code)
    {
        if (code is not null)
        {
            request.RequestUri = new Uri(request.RequestUri + "?" + FunctionKeys.QueryName + "=" + Uri.EscapeDataString(code), UriKind.Relative);
        }

        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(FunctionKeys.HeaderName, header);
        }

        return request;
    }
}
