using Flasky.Check;
using Flasky.Check.Auth;
using Flasky.Tests.Contract;

namespace Flasky.Tests.Azure;

/// <summary>The HTTP contract suite against Flasky.Functions in its local host mode, with a host key.</summary>
public sealed class LocalFunctionsHostContractTests(LocalFunctionsHostFixture fixture)
    : AuthenticatedHttpContractTests, IClassFixture<LocalFunctionsHostFixture>
{
    protected override ContractTarget Target => new(fixture.App.BaseAddress, FunctionKeyAuthenticator.WithKey(LocalFunctionsApp.HostKey));

    // The in-memory store is thrown away with the fixture, so the exact edge names may be written.
    protected override ContractRunOptions Options => base.Options with { WriteEdgeNames = true };
}

public sealed class LocalFunctionsHostFixture : IAsyncLifetime
{
    private LocalFunctionsApp? _app;

    internal LocalFunctionsApp App => _app ?? throw new InvalidOperationException("The host has not started.");

    public async Task InitializeAsync() => _app = await LocalFunctionsApp.StartAsync();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
