using System.Net;
using Flasky.Functions.LocalHost;

namespace Flasky.Tests.Azure;

/// <summary>The local host checks function keys exactly as the Azure Functions host does.</summary>
public sealed class FunctionKeyTests : IAsyncLifetime
{
    private LocalFunctionsApp _app = null!;

    public async Task InitializeAsync() => _app = await LocalFunctionsApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/gtg" },
        { "GET", "/gtg?details" },
        { "GET", "/candidates" },
        { "GET", "/candidate/x" },
        { "POST", "/candidate/x" },
        { "DELETE", "/candidate/x" },
        { "GET", "/no/such/path" },
        { "GET", "/" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Without_a_key_every_route_is_401_with_an_empty_body(string method, string path)
    {
        var response = await SendAsync(method, path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("wrong-key", null)]
    [InlineData(null, "wrong-key")]
    [InlineData("", "")]
    [InlineData(LocalFunctionsApp.HostKey + "x", null)]
    [InlineData("TEST-HOST-KEY-0123456789", null)]
    public async Task A_wrong_key_is_401_and_writes_nothing(string? header, string? code)
    {
        var response = await SendAsync("POST", "/candidate/intruder", header, code);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync("GET", "/candidate/intruder", LocalFunctionsApp.MasterKey)).StatusCode);
    }

    [Theory]
    [InlineData(LocalFunctionsApp.HostKey, null)]
    [InlineData(null, LocalFunctionsApp.HostKey)]
    [InlineData(LocalFunctionsApp.MasterKey, null)]
    [InlineData(null, LocalFunctionsApp.MasterKey)]
    public async Task A_host_key_or_the_master_key_passes_in_the_header_or_code(string? header, string? code)
    {
        var response = await SendAsync("GET", "/gtg", header, code);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_header_wins_over_the_query()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("GET", "/gtg", "wrong-key", LocalFunctionsApp.HostKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("GET", "/gtg", LocalFunctionsApp.HostKey, "wrong-key")).StatusCode);
    }

    [Fact]
    public async Task A_function_key_passes_only_its_own_function()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("POST", "/candidate/own", LocalFunctionsApp.CandidateFunctionKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("GET", "/candidates", LocalFunctionsApp.CandidateFunctionKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("GET", "/gtg", LocalFunctionsApp.CandidateFunctionKey)).StatusCode);
    }

    [Fact]
    public async Task Keys_never_reach_the_logs()
    {
        await SendAsync("GET", "/gtg", null, LocalFunctionsApp.HostKey);
        await SendAsync("GET", "/gtg", null, "a-wrong-key-in-the-query");
        await SendAsync("GET", "/candidates", LocalFunctionsApp.MasterKey);

        Assert.NotEmpty(_app.Logs.Lines);
        Assert.DoesNotContain(_app.Logs.Lines, l => l.Contains(LocalFunctionsApp.HostKey, StringComparison.Ordinal));
        Assert.DoesNotContain(_app.Logs.Lines, l => l.Contains(LocalFunctionsApp.MasterKey, StringComparison.Ordinal));
        Assert.DoesNotContain(_app.Logs.Lines, l => l.Contains("a-wrong-key-in-the-query", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_any_configured_key_the_host_refuses_to_start()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Task.Run(() => LocalFunctionsHost.Build(["--urls=http://127.0.0.1:0", "--CandidateStore=InMemory"])));
        Assert.Contains("No function key is configured", error.Message, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string? header = null, string? code = null)
    {
        using var client = _app.CreateClient();
        if (code is not null)
        {
            path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "code=" + Uri.EscapeDataString(code);
        }

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(FunctionKeys.HeaderName, header);
        }

        return await client.SendAsync(request);
    }
}
