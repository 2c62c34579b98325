using Aspire.Hosting;
using Flasky.Check;
using Flasky.Check.Auth;
using Flasky.Tests.Contract;

namespace Flasky.Tests.Integration;

/// <summary>
/// The HTTP contract suite through the AppHost's AWS flavour: SigV4-signed requests to the local API Gateway,
/// Flasky.Lambda in its own process, DynamoDB Local behind it.
/// </summary>
[Collection(AppHostTestGroup.Name)]
public sealed class AwsAppHostContractTests(AppHostFixture fixture) : AuthenticatedHttpContractTests
{
    protected override ContractTarget Target => new(
        fixture.ApiGatewayEndpoint,
        SigV4Authenticator.WithCredentials(LocalApiGatewayExtensions.Region, fixture.AwsAccessKeyId, fixture.AwsSecretAccessKey));

    // DynamoDB Local keeps everything in memory and goes away with the test run.
    protected override ContractRunOptions Options => base.Options with { RequestTimeout = TimeSpan.FromSeconds(35), WriteEdgeNames = true };
}
