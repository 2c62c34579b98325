using Flasky.Core.Storage;
using Flasky.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flasky.Tests.Hosting;

/// <summary>
/// A Kestrel host built the way Cloud Run's and the local fronts' are: Flasky.Hosting's services, its management
/// endpoint and <see cref="CandidateApiEndpoints.MapCandidateApi"/>, on loopback ports.
/// </summary>
internal sealed class KestrelApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelApiHost(WebApplication app, Uri apiAddress, Uri? managementAddress)
    {
        _app = app;
        ApiAddress = apiAddress;
        ManagementAddress = managementAddress;
    }

    public Uri ApiAddress { get; }

    /// <summary>The management port's address, when the host has one.</summary>
    public Uri? ManagementAddress { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<KestrelApiHost> StartAsync(
        ICandidateStore? store = null,
        bool withManagementPort = true,
        string? pathBase = null,
        Action<Flasky.Core.Http.CandidateApiOptions>? configureApi = null)
    {
        var managementPort = withManagementPort ? Flasky.Emulators.FreePorts.Loopback() : (int?)null;
        string[] args =
        [
            "--CandidateStore=InMemory",
            managementPort is { } port ? $"--urls=http://127.0.0.1:0;http://127.0.0.1:{port}" : "--urls=http://127.0.0.1:0",
            .. managementPort is { } p ? [$"--Management:Port={p}"] : Array.Empty<string>(),
        ];
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        builder.Services.AddHealthChecks();
        builder.Services.AddCandidateApi(builder.Configuration, [], api =>
        {
            api.InstanceId = "kestrel-test";
            configureApi?.Invoke(api);
        });
        if (store is not null)
        {
            builder.Services.AddSingleton(store);
        }

        var app = builder.Build();
        if (pathBase is not null)
        {
            app.UsePathBase(pathBase);
        }

        app.UseManagementEndpoint();
        app.MapCandidateApi();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);

        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(a => new Uri(a)).ToList();
        var api = addresses.Single(a => a.Port != managementPort);
        var management = addresses.SingleOrDefault(a => a.Port == managementPort);
        return new KestrelApiHost(app, api, management);
    }

    public static HttpClient CreateClient(Uri baseAddress) => new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
