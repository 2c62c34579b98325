using System.Net;
using Flasky.Core.Http;
using Flasky.Core.Storage;
using Flasky.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flasky.Tests.Contract;

/// <summary>
/// The thinnest possible host: Kestrel on a free loopback port handing every request to <see cref="CandidateApi"/>
/// over an <see cref="InMemoryCandidateStore"/>, through the hosting layer's HTTP adapter. With
/// <see cref="InProcessCoreHostOptions"/> it can be broken on purpose. (Keyed hosts: use the Functions local host.)
/// </summary>
internal sealed class InProcessCoreHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessCoreHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<InProcessCoreHost> StartAsync(InProcessCoreHostOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new InProcessCoreHostOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();

        var api = new CandidateApi(
            new InMemoryCandidateStore(),
            new CandidateApiOptions { InstanceId = "in-process-test" },
            NullLogger<CandidateApi>.Instance);

        app.Run(async context =>
        {
            var request = ApiHttpAdapter.ToApiRequest(context.Request);
            var response = await api.HandleAsync(request, context.RequestAborted);
            response = options.Tamper?.Invoke(request, response) ?? response;
            await ApiHttpAdapter.WriteAsync(response, context.Response, context.RequestAborted);
        });

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new InProcessCoreHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}

internal sealed record InProcessCoreHostOptions
{
    /// <summary>Changes the API's answer: a deliberately broken host, to prove that the suite notices.</summary>
    public Func<ApiRequest, ApiResponse, ApiResponse>? Tamper { get; init; }
}
