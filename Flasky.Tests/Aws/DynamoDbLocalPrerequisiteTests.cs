using System.Net;
using Amazon.Runtime;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Flasky.Core.Names;
using Flasky.Core.Storage;
using Flasky.DynamoDb;
using Flasky.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;

namespace Flasky.Tests.Aws;

/// <summary>
/// The AppHost's <c>dynamodb</c> resource as a referencing project sees it, and the AWS flavour without Java: a
/// failure of that one resource, with a message saying what to install, while Azure and GCP run on.
/// </summary>
/// <remarks>
/// In the AppHost collection although it starts AppHosts of its own: so they never start while the collection's
/// shared AppHost does, nor run beside the other AppHost tests (two cores, and each AppHost starts eight processes).
/// </remarks>
[Collection(AppHostTestGroup.Name)]
public sealed class DynamoDbLocalPrerequisiteTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_referencing_project_gets_credentials_dynamodb_local_accepts()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var builder = DistributedApplicationTestingBuilder.Create(["DcpPublisher:RandomizePorts=true"]);
        var dynamodb = builder.AddDynamoDbLocal("dynamodb").WithTable("Candidates", hashKey: "CandidateName");

        // A stand-in app that prints what it was given, as a referencing project reads it from its environment.
        builder.AddExecutable("app", "sh", builder.AppHostDirectory, "-c",
                "echo \"seen $AWS_ACCESS_KEY_ID $AWS_SECRET_ACCESS_KEY $AWS_REGION $DynamoDb__TableName\"; sleep 600")
            .WithReference(dynamodb);
        await using var running = await builder.BuildAsync(timeout.Token);
        await running.StartAsync(timeout.Token);
        await running.ResourceNotifications.WaitForResourceHealthyAsync("dynamodb", timeout.Token);

        var line = await ResourceLogs.FirstLineAsync(running, "app", l => l.Contains("seen ", StringComparison.Ordinal) && !l.Contains("$AWS", StringComparison.Ordinal), timeout.Token);
        var seen = line[line.IndexOf("seen ", StringComparison.Ordinal)..].Split(' ');
        Assert.Equal(DynamoDbLocalExtensions.PlaceholderCredential, seen[1]);

        // Exactly those credentials work against DynamoDB Local: a write and a read through the store.
        using var client = DynamoDbClientFactory.Create(
            DynamoDbLocalFixture.OptionsFor(dynamodb.Resource.Endpoint.Url is { } url ? new Uri(url) : throw new InvalidOperationException()),
            new BasicAWSCredentials(seen[1], seen[2]));
        var store = new DynamoDbCandidateStore(client, seen[4], TimeSpan.FromSeconds(30));
        var name = CandidateName.FromDecoded("via the apphost").Name!;
        await store.UpsertAsync(Candidate.WithoutAttributes(name), timeout.Token);
        Assert.NotNull(await store.GetAsync(name, timeout.Token));
        Assert.Equal(DynamoDbLocalResource.Region, seen[3]);
    }

    [Fact]
    public async Task Without_java_dynamodb_fails_with_what_to_install_and_azure_and_gcp_keep_running()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var functionKey = "nojava-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Flasky_AppHost>(
            [
                // Only this resource's Java is replaced, by one that does not exist: the machine is not touched.
                $"{DynamoDbLocalExtensions.JavaConfigurationKey}=/nonexistent/flasky-no-java/bin/java",
                $"Parameters:function-key={functionKey}",
                "Parameters:aws-access-key-id=AKIANOJAVA0000000001",
                "Parameters:aws-secret-access-key=nojava-secret-0123456789",
                $"Parameters:gcp-token-signing-key={Flasky.LocalCloudRun.SigningKey.GeneratePkcs8Base64()}",
                "DcpPublisher:RandomizePorts=true",
            ],
            timeout.Token);
        await using var app = await builder.BuildAsync(timeout.Token);

        // Not awaited: the AppHost's start only completes once every resource was created, and the function, which
        // waits for its database, never is. That is the state under test.
        var starting = app.StartAsync(timeout.Token);
        _ = starting.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

        var exited = await app.ResourceNotifications.WaitForResourceAsync(
            AppHostFixture.DynamoDbResource, e => e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart", timeout.Token);
        Assert.Equal(2, exited.Snapshot.ExitCode);
        var line = await ResourceLogs.FirstLineAsync(app, AppHostFixture.DynamoDbResource, l => l.Contains("Java was not found", StringComparison.Ordinal), timeout.Token);
        Assert.Contains("install Java 17+", line, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/flasky-no-java/bin/java", line, StringComparison.Ordinal);

        // Azure serves requests; GCP's front is healthy (its emulator and host behind it started).
        await app.ResourceNotifications.WaitForResourceHealthyAsync(AppHostFixture.FunctionsResource, timeout.Token);
        using var functions = new HttpClient { BaseAddress = HttpEndpoint(app, AppHostFixture.FunctionsResource), Timeout = TimeSpan.FromSeconds(60) };
        functions.DefaultRequestHeaders.Add("x-functions-key", functionKey);
        Assert.Equal(HttpStatusCode.OK, (await functions.GetAsync(new Uri("/gtg?details", UriKind.Relative), timeout.Token)).StatusCode);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(AppHostFixture.CloudRunFrontResource, timeout.Token);

        // The function waits for its database and does not start; the failed resource stays failed.
        var lambda = await app.ResourceNotifications.WaitForResourceAsync(AppHostFixture.LambdaResource, _ => true, timeout.Token);
        Assert.Equal(KnownResourceStates.Waiting, lambda.Snapshot.State?.Text);
        var dynamodb = await app.ResourceNotifications.WaitForResourceAsync(AppHostFixture.DynamoDbResource, _ => true, timeout.Token);
        Assert.Equal(2, dynamodb.Snapshot.ExitCode);
    }

    /// <summary>A resource's http endpoint from the model (the testing helpers want a fully started AppHost).</summary>
    private static Uri HttpEndpoint(DistributedApplication app, string resource)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var withEndpoints = (IResourceWithEndpoints)model.Resources.Single(r => r.Name == resource);
        return new Uri(withEndpoints.GetEndpoint("http").Url);
    }
}
