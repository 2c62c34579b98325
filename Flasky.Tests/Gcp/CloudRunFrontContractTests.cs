using Flasky.Check;
using Flasky.Check.Auth;
using Flasky.Tests.Contract;

namespace Flasky.Tests.Gcp;

/// <summary>
/// The HTTP contract suite through the local Cloud Run front into the Cloud Run host, with an ID token: every route,
/// plus the auth checks (no token 403; bad signature, expired, other audience 401; nothing written).
/// </summary>
public sealed class CloudRunFrontContractTests(InProcessCloudRun cloudRun) : AuthenticatedHttpContractTests, IClassFixture<InProcessCloudRun>
{
    protected override ContractTarget Target => new(cloudRun.Front.ApiAddress, IdTokenAuthenticator.WithToken(cloudRun.MintToken()));

    // The in-memory store goes away with the test run; 20 s per request because a cold first request on a busy
    // two-core machine has taken more than 5 s.
    protected override ContractRunOptions Options => base.Options with { RequestTimeout = TimeSpan.FromSeconds(20), WriteEdgeNames = true };
}
