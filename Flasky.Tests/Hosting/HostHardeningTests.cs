using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Flasky.CloudRun;
using Flasky.Core.Storage;
using Flasky.Firestore;
using Flasky.LocalCloudRun;
using Flasky.Tests.Aws;
using Flasky.Tests.Azure;
using Flasky.Tests.Gcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flasky.Tests.Hosting;

/// <summary>
/// Item 6 of issue 13 on every Kestrel-based process: no stack trace reaches a client, in Development too, when the
/// store cannot even be built; an oversized body is refused before it is read; a client that trickles its headers is
/// cut off; oversized headers are refused.
/// </summary>
public sealed class HostHardeningTests
{
    private const string Secret = "AccountKey=do-not-leak-0123456789";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly string[] Leaks = ["Exception", "   at ", Secret, "do-not-leak", "Developer", "System.", "Microsoft."];

    public enum Host
    {
        FunctionsLocalHost,
        CloudRunHost,
        CloudRunFront,
        ApiGatewayFront,
    }

    [Theory]
    [InlineData(Host.FunctionsLocalHost)]
    [InlineData(Host.CloudRunHost)]
    [InlineData(Host.CloudRunFront)]
    public async Task A_store_whose_construction_throws_gives_a_generic_500_even_in_development(Host host)
    {
        await using var running = await StartAsync(host, throwingStore: true, "--environment=Development");
        using var client = running.CreateClient();
        using var timeout = new CancellationTokenSource(Bound);

        foreach (var target in new[] { "/candidate/Jane", "/gtg?details", "/candidates" })
        {
            using var response = await client.GetAsync(new Uri(target, UriKind.Relative), timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain(Leaks, leak => body.Contains(leak, StringComparison.Ordinal));
            Assert.Contains("\"status\":500", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_lambda_whose_store_cannot_be_built_gives_api_gateways_generic_500()
    {
        await using var front = await LocalApiGatewayHost.StartAsync("--environment=Development");
        await using var lambda = LambdaProcess.Start(front.RuntimeApi, new Dictionary<string, string>
        {
            ["CandidateStore"] = "",
            ["DynamoDb__TableName"] = "Candidates",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL_DYNAMODB"] = "not a url " + Secret,
        });
        using var client = front.CreateSignedClient(Bound);
        using var timeout = new CancellationTokenSource(Bound);

        // Until the function has reported its init error, the front may still be waiting for it.
        string body;
        HttpStatusCode status;
        do
        {
            using var response = await client.GetAsync(new Uri("/candidate/Jane", UriKind.Relative), timeout.Token);
            (status, body) = (response.StatusCode, await response.Content.ReadAsStringAsync(timeout.Token));
        }
        while (status == HttpStatusCode.ServiceUnavailable);

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("""{"message":"Internal Server Error"}""", body);
    }

    [Theory]
    [InlineData(Host.FunctionsLocalHost, false)]
    [InlineData(Host.FunctionsLocalHost, true)]
    [InlineData(Host.CloudRunHost, false)]
    [InlineData(Host.CloudRunHost, true)]
    public async Task A_huge_json_body_is_refused_with_413_before_the_host_reads_it(Host host, bool chunked)
    {
        await using var running = await StartAsync(host, throwingStore: false);
        const long Declared = 1L << 30;
        using var socket = await ConnectAsync(running.Address);
        var headers = "POST /candidate/huge HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + running.AuthHeader
            + (chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {Declared}\r\n") + "\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(headers));

        // Send the body while reading: the answer must come while most of the gigabyte is still unsent.
        var answer = ReadStatusLineAsync(socket);
        var chunk = Encoding.ASCII.GetBytes("{\"pad\":\"" + new string('x', 64 * 1024));
        var framed = chunked ? [.. Encoding.ASCII.GetBytes($"{chunk.Length:X}\r\n"), .. chunk, .. "\r\n"u8] : chunk;
        long sent = 0;
        try
        {
            while (!answer.IsCompleted && sent < Declared)
            {
                sent += await socket.SendAsync(framed);
            }
        }
        catch (SocketException)
        {
            // The host closed the connection on the rest of the body: expected.
        }

        var statusLine = await answer.WaitAsync(Bound);
        Assert.StartsWith("HTTP/1.1 413", statusLine, StringComparison.Ordinal);
        Assert.True(sent < 64L * 1024 * 1024, $"{sent} bytes were sent before the refusal: the host read far beyond the limit");
    }

    [Theory]
    [InlineData(Host.FunctionsLocalHost)]
    [InlineData(Host.CloudRunHost)]
    [InlineData(Host.CloudRunFront)]
    [InlineData(Host.ApiGatewayFront)]
    public async Task A_client_that_trickles_its_headers_is_disconnected(Host host)
    {
        await using var running = await StartAsync(host, throwingStore: false, "--HostLimits:RequestHeadersTimeout=00:00:02");
        using var socket = await ConnectAsync(running.Address);
        await socket.SendAsync("GET /gtg HTTP/1.1\r\nHost: localhost\r\nX-Slow: "u8.ToArray());

        // One byte every 300 ms, forever: only the host's headers timeout (2 s here, 10 s by default) can end it.
        var clock = Stopwatch.StartNew();
        var closed = false;
        while (clock.Elapsed < TimeSpan.FromSeconds(25) && !closed)
        {
            try
            {
                await socket.SendAsync("a"u8.ToArray());
                if (socket.Poll(TimeSpan.FromMilliseconds(300), SelectMode.SelectRead))
                {
                    // Readable: a 408 and/or the close.
                    var buffer = new byte[1024];
                    closed = await socket.ReceiveAsync(buffer) == 0 || Encoding.ASCII.GetString(buffer).StartsWith("HTTP/1.1 408", StringComparison.Ordinal);
                }
            }
            catch (SocketException)
            {
                closed = true;
            }
        }

        Assert.True(closed, $"the connection was still open after {clock.Elapsed.TotalSeconds:F0} s of trickled headers");
    }

    [Theory]
    [InlineData(Host.FunctionsLocalHost)]
    [InlineData(Host.CloudRunHost)]
    [InlineData(Host.CloudRunFront)]
    [InlineData(Host.ApiGatewayFront)]
    public async Task Headers_over_16_KiB_are_refused(Host host)
    {
        await using var running = await StartAsync(host, throwingStore: false);
        using var socket = await ConnectAsync(running.Address);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /gtg HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('b', 20 * 1024)}\r\n\r\n"));

        var statusLine = await ReadStatusLineAsync(socket).WaitAsync(Bound);
        Assert.StartsWith("HTTP/1.1 431", statusLine, StringComparison.Ordinal);
    }

    private static async Task<Socket> ConnectAsync(Uri address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, address.Port);
        return socket;
    }

    private static async Task<string> ReadStatusLineAsync(Socket socket)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer);
            }
            catch (SocketException)
            {
                read = 0;
            }

            if (read == 0)
            {
                return Encoding.ASCII.GetString([.. received]);
            }

            received.AddRange(buffer.AsSpan(0, read));
            var text = Encoding.ASCII.GetString([.. received]);
            if (text.Contains("\r\n", StringComparison.Ordinal))
            {
                return text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
            }
        }
    }

    private static async Task<RunningHost> StartAsync(Host host, bool throwingStore, params string[] args)
    {
        switch (host)
        {
            case Host.FunctionsLocalHost:
                {
                    var app = await LocalFunctionsApp.StartAsync(
                        builder =>
                        {
                            if (throwingStore)
                            {
                                builder.Services.AddSingleton<ICandidateStore>(_ => throw new InvalidOperationException("cannot connect: " + Secret));
                            }
                        },
                        args);
                    return new RunningHost(app.BaseAddress, $"x-functions-key: {LocalFunctionsApp.HostKey}\r\n", app.DisposeAsync,
                        () => app.CreateClient().WithHeader("x-functions-key", LocalFunctionsApp.HostKey));
                }

            case Host.ApiGatewayFront:
                {
                    var front = await LocalApiGatewayHost.StartAsync(args);
                    return new RunningHost(front.BaseAddress, "", front.DisposeAsync, () => front.CreateSignedClient(Bound));
                }

            default:
                {
                    var cloudRun = await StartCloudRunAsync(throwingStore, args);
                    if (host == Host.CloudRunHost)
                    {
                        return new RunningHost(cloudRun.Address, "", cloudRun.DisposeAsync, () => new HttpClient { BaseAddress = cloudRun.Address, Timeout = Bound });
                    }

                    var front = LocalCloudRunFront.Build(args, builder =>
                    {
                        builder.Logging.ClearProviders();
                        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                        {
                            ["LocalCloudRun:Destination"] = cloudRun.Address.ToString(),
                            ["LocalCloudRun:Port"] = "0",
                            ["LocalCloudRun:ManagementPort"] = "0",
                            ["LocalCloudRun:Audience"] = TestTokens.Audience,
                            ["LocalCloudRun:SigningKey"] = SigningKey.GeneratePkcs8Base64(),
                        });
                    });
                    using var timeout = new CancellationTokenSource(Bound);
                    await front.StartAsync(timeout.Token);
                    var token = IdTokens.Create(front.Key, TestTokens.Audience, DateTimeOffset.UtcNow, IdTokens.DefaultLifetime);
                    return new RunningHost(
                        front.ApiAddress,
                        $"Authorization: Bearer {token}\r\n",
                        async () =>
                        {
                            await front.DisposeAsync();
                            await cloudRun.DisposeAsync();
                        },
                        () => new HttpClient { BaseAddress = front.ApiAddress, Timeout = Bound }.WithHeader("Authorization", "Bearer " + token));
                }
        }
    }

    private static async Task<RunningHost> StartCloudRunAsync(bool throwingStore, string[] args)
    {
        var app = CloudRunHost.Build(args, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [CloudRunHost.PortVariable] = "0",
                ["CandidateStore"] = throwingStore ? "Firestore" : "InMemory",
                [FirestoreStoreOptions.ProjectVariable] = "demo-hardening",
                [FirestoreStoreOptions.EmulatorHostVariable] = "127.0.0.1:9",
            });
            if (throwingStore)
            {
                // The Firestore store's factory asks for its logger: building the store throws.
                builder.Services.AddSingleton<ILogger<FirestoreCandidateStore>>(_ => throw new InvalidOperationException("cannot connect: " + Secret));
            }
        });
        using var timeout = new CancellationTokenSource(Bound);
        await app.StartAsync(timeout.Token);
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
        return new RunningHost(
            new Uri($"http://127.0.0.1:{port}"),
            "",
            async () =>
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await app.StopAsync(stop.Token);
                await app.DisposeAsync();
            },
            () => throw new NotSupportedException());
    }

    private sealed class RunningHost(Uri address, string authHeader, Func<ValueTask> dispose, Func<HttpClient> createClient) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        /// <summary>A header line (with its CRLF) that passes the host's authentication, for raw requests.</summary>
        public string AuthHeader { get; } = authHeader;

        public HttpClient CreateClient() => createClient();

        public ValueTask DisposeAsync() => dispose();
    }
}

internal static class HttpClientHeaderExtensions
{
    public static HttpClient WithHeader(this HttpClient client, string name, string value)
    {
        client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        return client;
    }
}
