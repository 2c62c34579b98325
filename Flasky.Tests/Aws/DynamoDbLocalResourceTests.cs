using Amazon.DynamoDBv2.Model;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Flasky.DynamoDb;
using Flasky.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;

namespace Flasky.Tests.Aws;

/// <summary>The AppHost's <c>dynamodb</c> resource: its table on every start, and a visible failure without Java.</summary>
[Collection(AppHostTestGroup.Name)]
public sealed class DynamoDbLocalResourceTests(AppHostFixture fixture) : IDisposable
{
    private const string Resource = "dynamodb";

    private readonly DirectoryInfo _nodeOnly = Directory.CreateTempSubdirectory("flasky-apphost-no-java-");

    [Fact]
    public async Task The_resource_is_healthy_with_its_table_and_gets_it_back_after_a_restart()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(Resource, timeout.Token);
        var endpoint = fixture.App.GetEndpoint(Resource, "http");
        using var client = DynamoDbClientFactory.Create(DynamoDbLocalFixture.OptionsFor(endpoint), DynamoDbLocalFixture.LocalCredentials);
        var store = new DynamoDbCandidateStore(client, DynamoDbStoreOptions.DefaultTableName, TimeSpan.FromSeconds(30));
        await store.PingAsync(timeout.Token);

        await fixture.StopAsync(Resource, timeout.Token);
        await Assert.ThrowsAsync<Flasky.Core.Storage.CandidateStoreUnavailableException>(() => store.PingAsync(timeout.Token));
        await fixture.StartAsync(Resource, timeout.Token);

        // In memory, so the restarted instance starts empty: the table is back because the resource creates it.
        var table = await client.DescribeTableAsync(new DescribeTableRequest { TableName = DynamoDbStoreOptions.DefaultTableName }, timeout.Token);
        Assert.Equal("CandidateName", Assert.Single(table.Table.KeySchema).AttributeName);
        await store.PingAsync(timeout.Token);
    }

    [Fact]
    public async Task Without_java_the_resource_fails_saying_what_to_install_and_the_azure_flavour_still_runs()
    {
        File.CreateSymbolicLink(Path.Combine(_nodeOnly.FullName, "node"), NodePath());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Flasky_AppHost>(
            ["Parameters:function-key=no-java-test-key", "DcpPublisher:RandomizePorts=true"], timeout.Token);
        builder.CreateResourceBuilder<DynamoDbLocalResource>(Resource)
            .WithEnvironment("PATH", _nodeOnly.FullName)
            .WithEnvironment("JAVA_HOME", "");
        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);

        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var message = WaitForLogAsync(logs, "install Java 17+", timeout.Token);
        var exited = await app.ResourceNotifications.WaitForResourceAsync(
            Resource, e => e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart", timeout.Token);
        Assert.Contains("DynamoDB Local needs it", await message);
        Assert.Equal(2, exited.Snapshot.ExitCode);

        await app.ResourceNotifications.WaitForResourceHealthyAsync(AppHostFixture.FunctionsResource, timeout.Token);
    }

    public void Dispose() => _nodeOnly.Delete(recursive: true);

    private static async Task<string> WaitForLogAsync(ResourceLoggerService logs, string text, CancellationToken cancellationToken)
    {
        await foreach (var batch in logs.WatchAsync(Resource).WithCancellation(cancellationToken))
        {
            foreach (var line in batch)
            {
                if (line.Content.Contains(text, StringComparison.Ordinal))
                {
                    return line.Content;
                }
            }
        }

        throw new InvalidOperationException($"The {Resource} log ended without '{text}'.");
    }

    private static string NodePath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "node"))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("node is not on PATH: install Node.js 20+ (the emulators run on it).");
}
