using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flasky.Tests.Infrastructure;

/// <summary>
/// A deployed function app as the postdeploy hook sees it, on a free loopback port: the host's key check on
/// <c>/gtg</c>, and <c>/gtg?details</c> answering from a script of results (Cosmos access arriving late, or never).
/// Records every request, so tests see what the hook sent.
/// </summary>
internal sealed class FakeFunctionApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, bool Connected)> _details = new();

    private FakeFunctionApp(WebApplication app) => _app = app;

    public required string FunctionKey { get; init; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Status of GET /gtg without a key (the host's own check: 401 when keys are enforced).</summary>
    public int AnonymousStatus { get; set; } = StatusCodes.Status401Unauthorized;

    /// <summary>Answer to /gtg?details once the scripted ones are used up.</summary>
    public (int Status, bool Connected) DetailsAfterScript { get; set; } = (StatusCodes.Status200OK, true);

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public static async Task<FakeFunctionApp> StartAsync(string functionKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var fake = new FakeFunctionApp(builder.Build()) { FunctionKey = functionKey };
        fake._app.Run(fake.HandleAsync);
        await fake._app.StartAsync();
        var address = fake._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        fake.BaseAddress = new Uri(address);
        return fake;
    }

    /// <summary>The next answers of /gtg?details, in order.</summary>
    public void ScriptDetails(params (int Status, bool Connected)[] answers)
    {
        foreach (var answer in answers)
        {
            _details.Enqueue(answer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var key = context.Request.Headers["x-functions-key"].ToString();
        var query = context.Request.QueryString.Value ?? "";
        Requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "", query, key));

        if (context.Request.Path != "/gtg")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (key.Length == 0)
        {
            context.Response.StatusCode = AnonymousStatus;
            return;
        }

        if (key != FunctionKey)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (query != "?details")
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        var (status, connected) = _details.TryDequeue(out var scripted) ? scripted : DetailsAfterScript;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"connected":"{{(connected ? "true" : "false")}}","instance-id":"fake"}""");
    }
}

internal sealed record RecordedRequest(string Method, string Path, string Query, string FunctionKey);
