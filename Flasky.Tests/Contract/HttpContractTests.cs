using Flasky.Check;

namespace Flasky.Tests.Contract;

/// <summary>
/// The HTTP contract suite as tests: one test case per check of <see cref="ContractSuite"/>, the same list the
/// Flasky.Check CLI runs. Derive once per host and say where the host is and how to authenticate to it: an anonymous
/// host derives this class and runs every check that applies without credentials; a host behind authentication
/// derives <see cref="AuthenticatedHttpContractTests"/>, which adds the checks of how it rejects bad credentials. A
/// check that does not apply to a host is not a test case of it at all, so it is never reported as passed.
/// </summary>
public abstract class HttpContractTests
{
    /// <summary>The checks every host must pass, anonymous or not.</summary>
    public static TheoryData<string> Checks => new(ContractSuite.All.Where(c => !c.NeedsCredentials).Select(c => c.Name));

    /// <summary>The host under test, already started (usually by a class fixture).</summary>
    protected abstract ContractTarget Target { get; }

    /// <summary>
    /// Short request timeouts: a local host answers in milliseconds, and no test may hang. A host whose store is
    /// thrown away after the tests should also set <see cref="ContractRunOptions.WriteEdgeNames"/>.
    /// </summary>
    protected virtual ContractRunOptions Options => new() { RequestTimeout = TimeSpan.FromSeconds(5) };

    [Theory]
    [MemberData(nameof(Checks))]
    public Task Host_keeps_the_contract(string check) => RunAsync(check);

    [Fact]
    public void The_test_class_runs_the_credential_checks_exactly_when_the_host_has_credentials()
    {
        // Deriving the wrong class would either drop the credential checks of a keyed host without a word, or run
        // checks that can't apply to an anonymous one: both are mistakes in the test, and fail here.
        var keyed = Target.Authenticator.Rejection is not null;
        Assert.True(
            keyed == this is AuthenticatedHttpContractTests,
            keyed
                ? $"{GetType().Name} checks a host with {Target.Authenticator}: derive {nameof(AuthenticatedHttpContractTests)} so the credential checks run."
                : $"{GetType().Name} checks an anonymous host: derive {nameof(HttpContractTests)}; credential checks can't apply to it.");
    }

    protected async Task RunAsync(string check)
    {
        var contractCheck = ContractSuite.Get(check);
        Assert.True(contractCheck.AppliesTo(Target), $"\"{check}\" does not apply to {Target.BaseAddress}: it must not be a test case of this host.");
        using var runner = new ContractRunner(Target, Options);
        using var timeout = new CancellationTokenSource(Options.CheckTimeout + TimeSpan.FromSeconds(5));
        var outcome = await runner.RunAsync(contractCheck, timeout.Token);
        Assert.True(outcome.Passed, outcome.Reason);
    }
}

/// <summary>The contract suite for a host behind authentication: every check, the credential checks included.</summary>
public abstract class AuthenticatedHttpContractTests : HttpContractTests
{
    /// <summary>How the host must reject missing or wrong credentials.</summary>
    public static TheoryData<string> CredentialChecks => new(ContractSuite.All.Where(c => c.NeedsCredentials).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CredentialChecks))]
    public Task Host_rejects_bad_credentials(string check) => RunAsync(check);
}
