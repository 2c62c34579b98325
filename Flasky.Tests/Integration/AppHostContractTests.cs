using Flasky.Check;
using Flasky.Check.Auth;
using Flasky.Tests.Contract;

namespace Flasky.Tests.Integration;

/// <summary>The HTTP contract suite through the AppHost: the real Functions resource and the local Cosmos server.</summary>
[Collection(AppHostTestGroup.Name)]
public sealed class AppHostContractTests(AppHostFixture fixture) : AuthenticatedHttpContractTests
{
    protected override ContractTarget Target => new(fixture.FunctionsEndpoint, FunctionKeyAuthenticator.WithKey(fixture.FunctionKey));

    // The local Cosmos server keeps everything in memory and goes away with the test run.
    protected override ContractRunOptions Options => base.Options with { RequestTimeout = TimeSpan.FromSeconds(20), WriteEdgeNames = true };
}
