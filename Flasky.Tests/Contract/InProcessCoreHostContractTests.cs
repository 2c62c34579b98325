using Flasky.Check;
using Flasky.Check.Auth;

namespace Flasky.Tests.Contract;

/// <summary>The contract suite against Flasky.Core behind a bare Kestrel adapter, anonymous.</summary>
public sealed class InProcessCoreHostContractTests(AnonymousInProcessCoreHostFixture fixture)
    : HttpContractTests, IClassFixture<AnonymousInProcessCoreHostFixture>
{
    protected override ContractTarget Target => new(fixture.Host.BaseAddress, NoAuthentication.Instance);
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
