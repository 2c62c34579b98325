using System.Net;
using System.Text.Json;
using Flasky.Functions.LocalHost;

namespace Flasky.Tests.Azure;

/// <summary>
/// The Functions app as it is really started without a Functions host — <c>dotnet Flasky.Functions.dll</c>, settings
/// from environment variables — rather than built in-process: host detection, keys, instance id, all through the process.
/// </summary>
public sealed class LocalFunctionsProcessTests(LocalFunctionsProcessFixture fixture) : IClassFixture<LocalFunctionsProcessFixture>
{
    [Theory]
    [InlineData("GET", "/gtg")]
    [InlineData("GET", "/candidates")]
    [InlineData("POST", "/candidate/x")]
    [InlineData("GET", "/no/such/path")]
    public async Task Without_a_key_the_process_answers_401_with_an_empty_body(string method, string path)
    {
        using var response = await fixture.SendAsync(method, path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(LocalFunctionsProcessFixture.HostKey, null, HttpStatusCode.OK)]
    [InlineData(null, LocalFunctionsProcessFixture.HostKey, HttpStatusCode.OK)]
    [InlineData(LocalFunctionsProcessFixture.MasterKey, null, HttpStatusCode.OK)]
    [InlineData(null, LocalFunctionsProcessFixture.MasterKey, HttpStatusCode.OK)]
    [InlineData("wrong", LocalFunctionsProcessFixture.HostKey, HttpStatusCode.Unauthorized)] // the header wins
    [InlineData(LocalFunctionsProcessFixture.HostKey, "wrong", HttpStatusCode.OK)]
    [InlineData(null, "wrong", HttpStatusCode.Unauthorized)]
    [InlineData(null, LocalFunctionsProcessFixture.CandidateFunctionKey, HttpStatusCode.Unauthorized)] // not gtg's key
    public async Task Master_and_host_keys_pass_in_the_header_or_code_and_the_header_wins(string? header, string? code, HttpStatusCode expected)
    {
        using var response = await fixture.SendAsync("GET", "/gtg", header, code);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_function_key_passes_its_own_function_only()
    {
        var name = "process-" + Guid.NewGuid().ToString("N");
        using (var post = await fixture.SendAsync("POST", "/candidate/" + name, code: LocalFunctionsProcessFixture.CandidateFunctionKey))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        using (var read = await fixture.SendAsync("GET", "/candidate/" + name, header: LocalFunctionsProcessFixture.CandidateFunctionKey))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        using var list = await fixture.SendAsync("GET", "/candidates", code: LocalFunctionsProcessFixture.CandidateFunctionKey);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
    }

    [Fact]
    public async Task Gtg_details_reports_the_instance_id_from_the_platform_variable()
    {
        using var response = await fixture.SendAsync("GET", "/gtg?details", header: LocalFunctionsProcessFixture.HostKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(fixture.InstanceId, body.RootElement.GetProperty("instance-id").GetString());
    }

    [Fact]
    public async Task Keys_sent_as_code_never_reach_the_process_output()
    {
        using (await fixture.SendAsync("GET", "/gtg?details=yes", code: LocalFunctionsProcessFixture.HostKey))
        using (await fixture.SendAsync("GET", "/gtg", code: "a-wrong-key-in-the-process-query"))
        {
        }

        var output = fixture.Process.Output;
        Assert.Contains("Now listening on", output, StringComparison.Ordinal);
        Assert.DoesNotContain(LocalFunctionsProcessFixture.HostKey, output, StringComparison.Ordinal);
        Assert.DoesNotContain("a-wrong-key-in-the-process-query", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Under_a_functions_host_the_process_does_not_serve_locally()
    {
        // FUNCTIONS_WORKER_RUNTIME is what the Functions host sets: the app must take the worker path, which needs the
        // host's endpoint and so stops, instead of opening its own listener.
        await using var worker = LocalFunctionsProcess.Start(new Dictionary<string, string>(LocalFunctionsProcessFixture.Settings("worker-test"))
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
        });

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain("Now listening on", worker.Output, StringComparison.Ordinal);
        Assert.Contains("HostEndpoint", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_any_key_the_process_refuses_to_start()
    {
        await using var keyless = LocalFunctionsProcess.Start(new Dictionary<string, string> { ["CandidateStore"] = "InMemory" });

        var exitCode = await keyless.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("No function key is configured", keyless.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", keyless.Output, StringComparison.Ordinal);
    }
}

public sealed class LocalFunctionsProcessFixture : IAsyncLifetime
{
    public const string MasterKey = "process-master-key-0123456789";
    public const string HostKey = "process-host-key-0123456789";
    public const string CandidateFunctionKey = "process-candidate-function-key";

    private LocalFunctionsProcess? _process;

    public string InstanceId { get; } = "instance-" + Guid.NewGuid().ToString("N");

    internal LocalFunctionsProcess Process => _process ?? throw new InvalidOperationException("The process has not started.");

    internal static Dictionary<string, string> Settings(string instanceId) => new()
    {
        ["CandidateStore"] = "InMemory",
        ["FunctionKeys__Master"] = MasterKey,
        ["FunctionKeys__Host__default"] = HostKey,
        ["FunctionKeys__Functions__candidate__default"] = CandidateFunctionKey,
        ["WEBSITE_INSTANCE_ID"] = instanceId,
    };

    public async Task InitializeAsync()
    {
        _process = LocalFunctionsProcess.Start(Settings(InstanceId));
        await _process.WaitUntilListeningAsync(TimeSpan.FromSeconds(90));
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    internal async Task<HttpResponseMessage> SendAsync(string method, string path, string? header = null, string? code = null)
    {
        using var client = new HttpClient { BaseAddress = Process.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (code is not null)
        {
            path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "code=" + Uri.EscapeDataString(code);
        }

        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(FunctionKeys.HeaderName, header);
        }

        return await client.SendAsync(request);
    }
}
