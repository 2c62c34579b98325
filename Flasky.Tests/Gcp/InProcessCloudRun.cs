using Flasky.CloudRun;
using Flasky.LocalCloudRun;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flasky.Tests.Gcp;

/// <summary>
/// The Cloud Run host (in-memory store, explicitly) and the local front before it, in-process on free loopback ports:
/// the whole GCP request path without an emulator.
/// </summary>
public sealed class InProcessCloudRun : IAsyncLifetime
{
    private WebApplication? _host;
    private LocalCloudRunFront? _front;

    public LocalCloudRunFront Front => _front ?? throw new InvalidOperationException("Not started.");

    public Uri HostAddress { get; private set; } = null!;

    public static string Audience => TestTokens.Audience;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _host = CloudRunHost.Build([], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [CloudRunHost.PortVariable] = "0",
                ["CandidateStore"] = "InMemory",
            });
        });
        await _host.StartAsync(timeout.Token);
        var port = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
        HostAddress = new Uri($"http://127.0.0.1:{port}");

        _front = LocalCloudRunFront.Build([], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LocalCloudRun:Destination"] = HostAddress.ToString(),
                ["LocalCloudRun:Port"] = "0",
                ["LocalCloudRun:ManagementPort"] = "0",
                ["LocalCloudRun:Audience"] = Audience,
                ["LocalCloudRun:SigningKey"] = SigningKey.GeneratePkcs8Base64(),
            });
        });
        await _front.StartAsync(timeout.Token);
    }

    /// <summary>A fresh token for the front, as <c>Flasky.LocalCloudRun token</c> prints one.</summary>
    public string MintToken() => IdTokens.Create(Front.Key, Audience, DateTimeOffset.UtcNow, IdTokens.DefaultLifetime);

    public async Task DisposeAsync()
    {
        if (_front is not null)
        {
            await _front.DisposeAsync();
        }

        if (_host is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _host.StopAsync(stop.Token);
            await _host.DisposeAsync();
        }
    }
}
