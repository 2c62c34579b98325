using Flasky.Check;
using Flasky.Check.Auth;

namespace Flasky.Tests.Contract;

/// <summary>The contract suite against Flasky.Core behind a bare Kestrel adapter, anonymous.</summary>
public sealed class InProcessCoreHostContractTests(AnonymousInProcessCoreHostFixture fixture)
    : HttpContractTests, IClassFixture<AnonymousInProcessCoreHostFixture>
{
    protected override ContractTarget Target => new(fixture.Host.BaseAddress, NoAuthentication.Instance);
}

/// <summary>
/// The same host enforcing function keys the way the Functions host does, so the auth checks run too; its store is
/// thrown away, so it also writes the exact edge names.
/// </summary>
public sealed class InProcessCoreHostWithFunctionKeyContractTests(KeyedInProcessCoreHostFixture fixture)
    : HttpContractTests, IClassFixture<KeyedInProcessCoreHostFixture>
{
    protected override ContractTarget Target => new(fixture.Host.BaseAddress, FunctionKeyAuthenticator.WithKey(KeyedInProcessCoreHostFixture.Key));

    protected override ContractRunOptions Options => base.Options with { WriteEdgeNames = true };
}

public abstract class InProcessCoreHostFixture : IAsyncLifetime
{
    private InProcessCoreHost? _host;

    internal InProcessCoreHost Host => _host ?? throw new InvalidOperationException("The host has not started.");

    internal abstract InProcessCoreHostOptions Options { get; }

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _host = await InProcessCoreHost.StartAsync(Options, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

public sealed class AnonymousInProcessCoreHostFixture : InProcessCoreHostFixture
{
    internal override InProcessCoreHostOptions Options => new();
}

public sealed class KeyedInProcessCoreHostFixture : InProcessCoreHostFixture
{
    public const string Key = "in-process-test-function-key";

    internal override InProcessCoreHostOptions Options => new() { FunctionKey = Key };
}
