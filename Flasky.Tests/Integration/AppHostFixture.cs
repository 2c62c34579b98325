using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Flasky.Tests.Integration;

/// <summary>
/// The whole AppHost — the local Cosmos server and the Functions app — started once for the integration tests
/// and stopped afterwards (disposing the application stops every process it started, even after a failure).
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public const string FunctionsResource = "functions";
    public const string CosmosResource = "cosmos";
    public const string ApiGatewayResource = "apigateway";
    public const string LambdaResource = "lambda";
    public const string DynamoDbResource = "dynamodb";
    public const string CloudRunFrontResource = "cloudrun-front";
    public const string FirestoreResource = "firestore";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private DistributedApplication? _app;

    /// <summary>A fresh key per run, given to the AppHost's secret parameter instead of the generated one.</summary>
    public string FunctionKey { get; } = "it-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));

    /// <summary>A fresh key pair per run for the local API Gateway, given instead of the generated parameters.</summary>
    public string AwsAccessKeyId { get; } = "AKIA" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    public string AwsSecretAccessKey { get; } = "it-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));

    /// <summary>A fresh token-signing key per run, given to the AppHost's secret parameter instead of the persisted one.</summary>
    public string TokenSigningKey { get; } = Flasky.LocalCloudRun.SigningKey.GeneratePkcs8Base64();

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    public Uri FunctionsEndpoint => App.GetEndpoint(FunctionsResource, "http");

    public Uri ApiGatewayEndpoint => App.GetEndpoint(ApiGatewayResource, "http");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Flasky_AppHost>(
            [
                $"Parameters:function-key={FunctionKey}",
                $"Parameters:aws-access-key-id={AwsAccessKeyId}",
                $"Parameters:aws-secret-access-key={AwsSecretAccessKey}",
                $"Parameters:gcp-token-signing-key={TokenSigningKey}",
                "DcpPublisher:RandomizePorts=true",
            ],
            timeout.Token);
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(FunctionsResource, timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(ApiGatewayResource, timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(DynamoDbResource, timeout.Token);
        await _app.ResourceNotifications.WaitForResourceAsync(LambdaResource, KnownResourceStates.Running, timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(CloudRunFrontResource, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));
        }
    }

    public HttpClient CreateClient(TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = FunctionsEndpoint, Timeout = timeout };
        client.DefaultRequestHeaders.Add("x-functions-key", FunctionKey);
        return client;
    }

    /// <summary>A client for the local API Gateway that signs every request with the AWS SDK's SigV4 handler.</summary>
    public HttpClient CreateAwsClient(TimeSpan timeout) =>
        new(new Amazon.Runtime.Signing.SigV4SigningHandler(
            new Amazon.Runtime.BasicAWSCredentials(AwsAccessKeyId, AwsSecretAccessKey),
            Amazon.RegionEndpoint.GetBySystemName(LocalApiGatewayExtensions.Region),
            "execute-api",
            new SocketsHttpHandler()))
        {
            BaseAddress = ApiGatewayEndpoint,
            Timeout = timeout,
        };

    public async Task StopAsync(string resource, CancellationToken cancellationToken)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, cancellationToken);
        Assert.True(result.Success, $"stopping {resource} failed: {result.Message}");
        await App.ResourceNotifications.WaitForResourceAsync(
            resource, e => e.Snapshot.State?.Text is "Exited" or "Finished" or "Stopped", cancellationToken);
    }

    public async Task StartAsync(string resource, CancellationToken cancellationToken)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);
        Assert.True(result.Success, $"starting {resource} failed: {result.Message}");
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
    }
}

[CollectionDefinition(Name)]
public sealed class AppHostTestGroup : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}
