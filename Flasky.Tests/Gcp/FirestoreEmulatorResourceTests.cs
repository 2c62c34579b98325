using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Flasky.Core.Names;
using Flasky.Core.Storage;
using Flasky.Firestore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Flasky.Tests.Gcp;

/// <summary>The AppHost's <c>firestore</c> resource on its own: healthy and usable, or failing visibly.</summary>
public sealed class FirestoreEmulatorResourceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_referencing_project_gets_the_emulator_and_a_store_works_against_it()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var builder = DistributedApplicationTestingBuilder.Create(["DcpPublisher:RandomizePorts=true"]);
        var firestore = builder.AddFirestoreEmulator("firestore");
        // A stand-in app that prints what it was given, as a referencing project would read it from its environment.
        var app = builder.AddExecutable("app", "sh", builder.AppHostDirectory, "-c",
                "echo \"seen $FIRESTORE_EMULATOR_HOST $GOOGLE_CLOUD_PROJECT $Firestore__Collection\"; sleep 600")
            .WithReference(firestore);
        await using var running = await builder.BuildAsync(timeout.Token);
        await running.StartAsync(timeout.Token);
        await running.ResourceNotifications.WaitForResourceHealthyAsync("firestore", timeout.Token);

        var line = await FirstLogLineAsync(running, "app", l => l.Contains("seen ", StringComparison.Ordinal) && !l.Contains("$FIRESTORE", StringComparison.Ordinal), timeout.Token);
        var seen = line[line.IndexOf("seen ", StringComparison.Ordinal)..].Split(' ');
        var port = firestore.Resource.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.EndsWith($":{port}", seen[1], StringComparison.Ordinal);
        var environment = new Dictionary<string, string>
        {
            ["FIRESTORE_EMULATOR_HOST"] = seen[1],
            ["GOOGLE_CLOUD_PROJECT"] = seen[2],
            ["Firestore__Collection"] = seen[3],
        };
        Assert.Equal("demo-flasky", environment["GOOGLE_CLOUD_PROJECT"]);
        Assert.Equal("candidates", environment["Firestore__Collection"]);

        // The app's view of those variables is all it takes to use the store.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(environment.Select(e => KeyValuePair.Create(
            e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value))).Build();
        var store = new ServiceCollection().AddFirestoreCandidateStore(configuration).BuildServiceProvider().GetRequiredService<ICandidateStore>();
        var name = CandidateName.FromDecoded("via the apphost").Name!;
        await store.UpsertAsync(Candidate.WithoutAttributes(name), timeout.Token);
        Assert.NotNull(await store.GetAsync(name, timeout.Token));
    }

    // The outage tests stop and restart this resource: stopping must stop the emulator's Java process too (gcloud
    // only wraps it), or the port stays taken and the restart fails.
    [Fact]
    public async Task Stopping_the_resource_stops_the_emulator_and_starting_it_again_recovers()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var builder = DistributedApplicationTestingBuilder.Create(["DcpPublisher:RandomizePorts=true"]);
        var firestore = builder.AddFirestoreEmulator("firestore");
        await using var running = await builder.BuildAsync(timeout.Token);
        await running.StartAsync(timeout.Token);
        await running.ResourceNotifications.WaitForResourceHealthyAsync("firestore", timeout.Token);
        var port = firestore.Resource.Endpoint.Port;

        var stop = await running.ResourceCommands.ExecuteCommandAsync("firestore", KnownResourceCommands.StopCommand, timeout.Token);
        Assert.True(stop.Success, stop.Message);
        await running.ResourceNotifications.WaitForResourceAsync(
            "firestore", e => e.Snapshot.State?.Text is "Exited" or "Finished" or "Stopped", timeout.Token);
        using (var probe = new System.Net.Sockets.TcpClient())
        {
            await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(
                () => probe.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token).AsTask());
        }

        var start = await running.ResourceCommands.ExecuteCommandAsync("firestore", KnownResourceCommands.StartCommand, timeout.Token);
        Assert.True(start.Success, start.Message);
        await running.ResourceNotifications.WaitForResourceHealthyAsync("firestore", timeout.Token);
    }

    [Fact]
    public async Task Without_gcloud_the_resource_fails_with_what_to_install()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var builder = DistributedApplicationTestingBuilder.Create(["DcpPublisher:RandomizePorts=true", "PATH=/nonexistent"]);
        var firestore = builder.AddFirestoreEmulator("firestore");
        Assert.Contains("cloud-firestore-emulator", firestore.Resource.PrerequisiteProblem, StringComparison.Ordinal);

        await using var running = await builder.BuildAsync(timeout.Token);
        await running.StartAsync(timeout.Token);

        var exited = await running.ResourceNotifications.WaitForResourceAsync(
            "firestore", e => e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart", timeout.Token);
        Assert.NotEqual(0, exited.Snapshot.ExitCode);

        var line = await FirstLogLineAsync(running, "firestore", l => l.Contains("gcloud CLI", StringComparison.Ordinal), timeout.Token);
        Assert.Contains("cloud-firestore-emulator", line, StringComparison.Ordinal);
    }

    private static Task<string> FirstLogLineAsync(
        DistributedApplication app, string resource, Func<string, bool> predicate, CancellationToken cancellationToken) =>
        Flasky.Tests.Integration.ResourceLogs.FirstLineAsync(app, resource, predicate, cancellationToken);
}
