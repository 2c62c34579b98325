using System.Net;
using Flasky.CloudRun;
using Flasky.Emulators;
using Flasky.Firestore;
using Flasky.LocalCloudRun;
using Flasky.Tests.Gcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flasky.Tests.Faults;

/// <summary>
/// GCP: the local Cloud Run front (ID tokens) → the Cloud Run host → fault proxy → the Firestore emulator. The
/// emulator has no throttling switch: under throttling the proxy answers as Firestore does (429 RESOURCE_EXHAUSTED).
/// </summary>
internal sealed class GcpFaultFront : FaultFront
{
    private static readonly string Throttled = FaultProxy.HttpResponse(429, "Too Many Requests",
        """{"error":{"code":429,"message":"Quota exceeded.","status":"RESOURCE_EXHAUSTED"}}""");

    private FirestoreEmulator _firestore = null!;
    private FaultProxy _proxy = null!;
    private WebApplication _host = null!;
    private LocalCloudRunFront _front = null!;

    public override string Name => "GCP";

    public override string ThrottlingAnswer => "the proxy: Firestore's 429 RESOURCE_EXHAUSTED";

    public static async Task<GcpFaultFront> StartAsync()
    {
        var front = new GcpFaultFront();
        front._firestore = await FirestoreEmulator.StartAsync(TimeSpan.FromSeconds(120));
        front._proxy = new FaultProxy(new IPEndPoint(IPAddress.Loopback, front._firestore.Port), Throttled);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        front._host = CloudRunHost.Build([], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [CloudRunHost.PortVariable] = "0",
                [FirestoreStoreOptions.ProjectVariable] = "demo-flasky-faults",
                [FirestoreStoreOptions.EmulatorHostVariable] = $"127.0.0.1:{front._proxy.Port}",
            });
        });
        await front._host.StartAsync(timeout.Token);
        var port = new Uri(front._host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
        front._front = LocalCloudRunFront.Build([], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LocalCloudRun:Destination"] = $"http://127.0.0.1:{port}",
                ["LocalCloudRun:Port"] = "0",
                ["LocalCloudRun:ManagementPort"] = "0",
                ["LocalCloudRun:Audience"] = TestTokens.Audience,
                ["LocalCloudRun:SigningKey"] = SigningKey.GeneratePkcs8Base64(),
            });
        });
        await front._front.StartAsync(timeout.Token);
        return front;
    }

    public override HttpClient CreateClient(TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = _front.ApiAddress, Timeout = timeout };
        var token = IdTokens.Create(_front.Key, TestTokens.Audience, DateTimeOffset.UtcNow, IdTokens.DefaultLifetime);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override FaultProxy Proxy => _proxy;

    /// <summary>gcloud's wrapper and the emulator's JVM under it.</summary>
    protected override IReadOnlyList<int> DatabaseProcesses() => ProcessTree(_firestore.ProcessGroup);

    public override async ValueTask DisposeAsync()
    {
        await ThawAsync();

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

        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (_firestore is not null)
        {
            await _firestore.DisposeAsync();
        }
    }
}
