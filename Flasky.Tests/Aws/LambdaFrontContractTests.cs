using Flasky.Check;
using Flasky.Check.Auth;
using Flasky.Tests.Contract;

namespace Flasky.Tests.Aws;

/// <summary>
/// The HTTP contract suite through the local API Gateway with SigV4, signed by AWSSDK.Core's signer, with
/// Flasky.Lambda in its own process behind the Runtime API (in-memory store).
/// </summary>
public sealed class LambdaFrontContractTests(LambdaFrontFixture fixture)
    : AuthenticatedHttpContractTests, IClassFixture<LambdaFrontFixture>
{
    protected override ContractTarget Target => new(
        fixture.Front.BaseAddress,
        SigV4Authenticator.WithCredentials(LocalApiGatewayHost.Region, LocalApiGatewayHost.AccessKeyId, LocalApiGatewayHost.SecretAccessKey));

    protected override ContractRunOptions Options => base.Options with { RequestTimeout = TimeSpan.FromSeconds(15), WriteEdgeNames = true };
}

/// <summary>The front in-process and the function in its own process, started once per test class.</summary>
public sealed class LambdaFrontFixture : IAsyncLifetime
{
    private LocalApiGatewayHost? _front;
    private LambdaProcess? _lambda;

    internal LocalApiGatewayHost Front => _front ?? throw new InvalidOperationException("The front has not started.");

    internal LambdaProcess Lambda => _lambda ?? throw new InvalidOperationException("The function has not started.");

    public async Task InitializeAsync()
    {
        _front = await LocalApiGatewayHost.StartAsync();
        _lambda = LambdaProcess.Start(_front.RuntimeApi);

        // Ready once the function answers through the front (a cold start takes a few seconds).
        using var client = _front.CreateSignedClient(TimeSpan.FromSeconds(30));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await client.GetAsync(new Uri("/gtg", UriKind.Relative), timeout.Token);
        Assert.True(response.IsSuccessStatusCode, $"the function did not answer through the front: {(int)response.StatusCode}\n{_lambda.Output}");
    }

    public async Task DisposeAsync()
    {
        if (_lambda is not null)
        {
            await _lambda.DisposeAsync();
        }

        if (_front is not null)
        {
            await _front.DisposeAsync();
        }
    }
}
