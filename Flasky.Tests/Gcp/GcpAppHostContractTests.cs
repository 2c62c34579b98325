using Flasky.Check;
using Flasky.Check.Auth;
using Flasky.Tests.Contract;
using Flasky.Tests.Integration;

namespace Flasky.Tests.Gcp;

/// <summary>The HTTP contract suite through the AppHost: the local Cloud Run front, the Cloud Run host, the Firestore emulator.</summary>
[Collection(AppHostTestGroup.Name)]
public sealed class GcpAppHostContractTests(AppHostFixture fixture) : AuthenticatedHttpContractTests
{
    protected override ContractTarget Target => new(fixture.FrontEndpoint(), IdTokenAuthenticator.WithToken(fixture.MintToken()));

    // The emulator keeps everything in memory and goes away with the test run.
    protected override ContractRunOptions Options => base.Options with { RequestTimeout = TimeSpan.FromSeconds(20), WriteEdgeNames = true };
}
