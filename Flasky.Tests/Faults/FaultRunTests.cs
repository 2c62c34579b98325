using Xunit.Abstractions;

namespace Flasky.Tests.Faults;

/// <summary>
/// Load with faults through each cloud's local request path: N clients writing and reading distinct candidates while
/// the database is frozen, cut off, blackholed or throttling, then every acknowledged write read back. The short form
/// (a few seconds per fault) runs in <c>./test.sh</c> and asserts the promises that hold however loaded the machine is;
/// the long form (<c>scripts/fault-run.sh</c>, <c>FLASKY_FAULT_SECONDS</c>) also asserts the latency targets, with margins.
/// </summary>
public abstract class FaultRunTests(ITestOutputHelper output)
{
    /// <summary>The store call budget (StoreResilience:CallTimeout) the targets are stated against.</summary>
    private static readonly TimeSpan Budget = new Flasky.Core.Storage.Resilience.CandidateStoreResilienceOptions().CallTimeout;

    public static TheoryData<DatabaseFault> Faults => [DatabaseFault.Frozen, DatabaseFault.CutOff, DatabaseFault.Blackholed, DatabaseFault.Throttling];

    internal abstract FaultFront Front { get; }

    protected async Task RunAsync(DatabaseFault fault)
    {
        var plan = FaultRunPlan.FromEnvironment();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(plan.IsLong ? 10 : 3));
        FaultRunResult result;
        try
        {
            result = await FaultLoad.RunAsync(Front, fault, plan, timeout.Token);
        }
        finally
        {
            output.WriteLine(Front.Diagnostics);
        }

        output.WriteLine(result.ToString());
        if (Environment.GetEnvironmentVariable("FLASKY_FAULT_REPORT") is { Length: > 0 } report)
        {
            lock (typeof(FaultRunTests))
            {
                File.AppendAllText(report, result + Environment.NewLine);
            }
        }

        Assert.True(result.Violations.Count == 0, $"{result}\n{string.Join("\n", result.Violations.Take(30))}\n{Front.Diagnostics}");
        Assert.True(result.WritesAcknowledged > 0, $"no write was acknowledged: {result}");
        Assert.Equal(result.WritesAcknowledged, result.WritesVerified);
        Assert.True(result.Responses503 > 0, $"the fault never showed (no 503 at all): {result}");
        Assert.True(result.SameInstance, $"the serving instance changed: the function restarted. {result}");
        Assert.True(result.RecoveryMs is not null, $"no 200 within 30 s of lifting the fault: {result}");
        if (plan.IsLong)
        {
            // Targets: p99 ≤ budget + 1 s, first 200 within 2 s, /gtg?details about 1 s; doubled for a shared machine.
            Assert.True(result.FaultedP99Ms <= 2 * (Budget + TimeSpan.FromSeconds(1)).TotalMilliseconds, $"p99 while faulted: {result}");
            Assert.True(result.RecoveryMs <= 2 * 2000 + (fault == DatabaseFault.Blackholed ? Budget.TotalMilliseconds : 0), $"recovery: {result}");
            Assert.True(result.GtgDetailsFaultedMaxMs <= 2 * 1500, $"/gtg?details while faulted: {result}");
        }
    }
}

public sealed class AzureFaultFixture : IAsyncLifetime
{
    internal FaultFront Front { get; private set; } = null!;

    public async Task InitializeAsync() => Front = await AzureFaultFront.StartAsync();

    public async Task DisposeAsync() => await Front.DisposeAsync();
}

public sealed class AwsFaultFixture : IAsyncLifetime
{
    internal FaultFront Front { get; private set; } = null!;

    // One execution environment per concurrent caller (the clients and the /gtg?details probe), as Lambda scales.
    public async Task InitializeAsync() => Front = await AwsFaultFront.StartAsync(FaultRunPlan.FromEnvironment().Clients + 1);

    public async Task DisposeAsync() => await Front.DisposeAsync();
}

public sealed class GcpFaultFixture : IAsyncLifetime
{
    internal FaultFront Front { get; private set; } = null!;

    public async Task InitializeAsync() => Front = await GcpFaultFront.StartAsync();

    public async Task DisposeAsync() => await Front.DisposeAsync();
}

[Collection(Flasky.Tests.Performance.LoadGeneratorGroup.Name)]
public sealed class AzureFaultRunTests(AzureFaultFixture fixture, ITestOutputHelper output) : FaultRunTests(output), IClassFixture<AzureFaultFixture>
{
    internal override FaultFront Front => fixture.Front;

    [Theory]
    [MemberData(nameof(Faults))]
    public Task Functions_and_cosmos_keep_every_promise_under_the_fault(DatabaseFault fault) => RunAsync(fault);
}

[Collection(Flasky.Tests.Performance.LoadGeneratorGroup.Name)]
public sealed class AwsFaultRunTests(AwsFaultFixture fixture, ITestOutputHelper output) : FaultRunTests(output), IClassFixture<AwsFaultFixture>
{
    internal override FaultFront Front => fixture.Front;

    [Theory]
    [MemberData(nameof(Faults))]
    public Task Api_gateway_lambda_and_dynamodb_keep_every_promise_under_the_fault(DatabaseFault fault) => RunAsync(fault);
}

[Collection(Flasky.Tests.Performance.LoadGeneratorGroup.Name)]
public sealed class GcpFaultRunTests(GcpFaultFixture fixture, ITestOutputHelper output) : FaultRunTests(output), IClassFixture<GcpFaultFixture>
{
    internal override FaultFront Front => fixture.Front;

    [Theory]
    [MemberData(nameof(Faults))]
    public Task Cloud_run_and_firestore_keep_every_promise_under_the_fault(DatabaseFault fault) => RunAsync(fault);
}
