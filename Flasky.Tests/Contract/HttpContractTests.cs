using Flasky.Check;

namespace Flasky.Tests.Contract;

/// <summary>
/// The HTTP contract suite as tests: one test case per check of <see cref="ContractSuite"/>, the same list the
/// Flasky.Check CLI runs. Derive once per host and say where the host is and how to authenticate to it.
/// </summary>
public abstract class HttpContractTests
{
    public static TheoryData<string> Checks => new(ContractSuite.All.Select(c => c.Name));

    /// <summary>The host under test, already started (usually by a class fixture).</summary>
    protected abstract ContractTarget Target { get; }

    /// <summary>
    /// Short request timeouts: a local host answers in milliseconds, and no test may hang. A host whose store is
    /// thrown away after the tests should also set <see cref="ContractRunOptions.WriteEdgeNames"/>.
    /// </summary>
    protected virtual ContractRunOptions Options => new() { RequestTimeout = TimeSpan.FromSeconds(5) };

    [Theory]
    [MemberData(nameof(Checks))]
    public async Task Host_keeps_the_contract(string check)
    {
        var contractCheck = ContractSuite.Get(check);
        if (!contractCheck.AppliesTo(Target))
        {
            // An anonymous host has no rejection to check; the host's keyed variant runs these.
            return;
        }

        using var runner = new ContractRunner(Target, Options);
        using var timeout = new CancellationTokenSource(Options.CheckTimeout + TimeSpan.FromSeconds(5));
        var outcome = await runner.RunAsync(contractCheck, timeout.Token);
        Assert.True(outcome.Passed, outcome.Reason);
    }
}
