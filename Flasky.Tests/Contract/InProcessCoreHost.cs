using System.Net;
using System.Security.Cryptography;
using System.Text;
using Flasky.Core.Http;
using Flasky.Core.Storage;
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
/// over an <see cref="InMemoryCandidateStore"/>. It shows what the contract suite expects of a host adapter, and
/// with <see cref="InProcessCoreHostOptions"/> it can enforce function keys or be broken on purpose.
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
            if (options.FunctionKey is not null && !HasFunctionKey(context.Request, options.FunctionKey))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.ContentLength = 0;
                return;
            }

            // The raw target, still percent-encoded: the API decodes names itself, exactly once.
            var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
            var request = new ApiRequest(context.Request.Method, rawTarget, context.Request.ContentType, context.Request.Body);
            var response = await api.HandleAsync(request, context.RequestAborted);
            response = options.Tamper?.Invoke(request, response) ?? response;
            await WriteAsync(context.Response, response, context.RequestAborted);
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

    private static async Task WriteAsync(HttpResponse http, ApiResponse response, CancellationToken cancellationToken)
    {
        http.StatusCode = response.StatusCode;
        if (response.ContentType is not null)
        {
            http.ContentType = response.ContentType;
        }

        foreach (var (name, value) in response.Headers)
        {
            http.Headers.Append(name, value);
        }

        http.ContentLength = response.Body.Length;
        await http.Body.WriteAsync(response.Body, cancellationToken);
    }

    /// <summary>As the Functions host: the header <c>x-functions-key</c> wins, else the query <c>code</c>.</summary>
    private static bool HasFunctionKey(HttpRequest request, string expected)
    {
        string? presented = request.Headers.TryGetValue("x-functions-key", out var header) ? header.ToString() : request.Query["code"].ToString();
        return !string.IsNullOrEmpty(presented)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
    }
}

internal sealed record InProcessCoreHostOptions
{
    /// <summary>When set, every request needs this key, as a Functions host with <c>AuthorizationLevel.Function</c>.</summary>
    public string? FunctionKey { get; init; }

    /// <summary>Changes the API's answer: a deliberately broken host, to prove that the suite notices.</summary>
    public Func<ApiRequest, ApiResponse, ApiResponse>? Tamper { get; init; }
}
