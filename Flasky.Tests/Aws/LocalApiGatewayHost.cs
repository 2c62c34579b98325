using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Flasky.LocalApiGateway;
using Flasky.Tests.Azure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Flasky.Tests.Aws;

/// <summary>Flasky.LocalApiGateway in-process, both ports on free loopback ports, with a test key pair.</summary>
internal sealed class LocalApiGatewayHost : IAsyncDisposable
{
    public const string AccessKeyId = "AKIAFLASKYTEST000001";
    public const string SecretAccessKey = "flasky-test-secret/0123456789abcdefghijkl";

    // Not us-east-1: a signer that falls back to a default region must not pass by accident.
    public const string Region = "eu-west-1";

    private readonly WebApplication _app;

    private LocalApiGatewayHost(WebApplication app, FakeLoggerProvider logs)
    {
        _app = app;
        Logs = logs;
        var ports = app.Services.GetRequiredService<GatewayPorts>();
        BaseAddress = new Uri($"http://127.0.0.1:{ports.Http}");
        RuntimeApi = $"127.0.0.1:{ports.RuntimeApi}";
    }

    public Uri BaseAddress { get; }

    /// <summary>host:port, as <c>AWS_LAMBDA_RUNTIME_API</c> carries it.</summary>
    public string RuntimeApi { get; }

    public FakeLoggerProvider Logs { get; }

    public static async Task<LocalApiGatewayHost> StartAsync(params string[] extraArgs)
    {
        string[] args =
        [
            $"--ApiGateway:AccessKeyId={AccessKeyId}",
            $"--ApiGateway:SecretAccessKey={SecretAccessKey}",
            $"--ApiGateway:Region={Region}",
            "--ApiGateway:HttpPort=0",
            "--ApiGateway:RuntimeApiPort=0",
            "--environment=Development",
            .. extraArgs,
        ];
        var logs = new FakeLoggerProvider();
        var app = LocalApiGatewayApp.Build(args, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        return new LocalApiGatewayHost(app, logs);
    }

    /// <summary>A client that signs every request with the AWS SDK's own SigV4 handler.</summary>
    public HttpClient CreateSignedClient(TimeSpan timeout, string? secret = null, string? region = null, string service = "execute-api") =>
        new(new SigV4SigningHandler(
            new BasicAWSCredentials(AccessKeyId, secret ?? SecretAccessKey),
            RegionEndpoint.GetBySystemName(region ?? Region),
            service,
            new SocketsHttpHandler()))
        {
            BaseAddress = BaseAddress,
            Timeout = timeout,
        };

    public HttpClient CreateUnsignedClient(TimeSpan timeout) => new() { BaseAddress = BaseAddress, Timeout = timeout };

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
