namespace Flasky.Tests.Performance;

/// <summary>
/// Tests that put the machine under load on purpose (the fault runs, the load harness's smoke run). They run alone,
/// after the parallel collections, so that the latency budgets of the other tests (a store call's 3 s) are not
/// measured against CPU these tests take, and their own figures are not skewed by the rest of the suite.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadGeneratorGroup
{
    public const string Name = "Load generators";
}
