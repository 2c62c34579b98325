using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Flasky.LocalCloudRun;

/// <summary>
/// The local stand-in for what Cloud Run puts in front of a private service: every request on the API port must carry
/// a valid ID token for the service URL, and only then is it forwarded, target unchanged, to the Cloud Run host.
/// The public key (JWKS) and health endpoints are served on a separate management port, so no API path is open.
/// </summary>
public sealed partial class LocalCloudRunFront : IAsyncDisposable
{
    public const string JwksPath = "/.well-known/jwks.json";
    private const string ManagementConnection = "flasky.local-cloud-run.management";

    private readonly ListenOptions _api;
    private readonly ListenOptions _management;

    private LocalCloudRunFront(WebApplication app, ListenOptions api, ListenOptions management, SigningKey key)
    {
        App = app;
        _api = api;
        _management = management;
        Key = key;
    }

    public WebApplication App { get; }

    public SigningKey Key { get; }

    /// <summary>The API's base address once started (the real port when 0 was asked for).</summary>
    public Uri ApiAddress => new($"http://localhost:{_api.IPEndPoint!.Port}");

    public Uri ManagementAddress => new($"http://localhost:{_management.IPEndPoint!.Port}");

    public static LocalCloudRunFront Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);

        // The request log would write Authorization-free URLs only, but the proxy's own logs are noisy at Information.
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.AddServiceDefaults();

        // Cloud Run's own limit on an HTTP/1 request body.
        builder.ConfigureKestrelLimits(maxRequestBodySize: 32L * 1024 * 1024);
        configure?.Invoke(builder);

        var options = FrontOptions.From(builder.Configuration);
        if (options.Destination is null || !options.Destination.IsAbsoluteUri)
        {
            throw new InvalidOperationException($"Set {FrontOptions.Section}:Destination to the Cloud Run host's base URL, e.g. http://localhost:8080.");
        }

        var key = options.LoadSigningKey();
        ListenOptions? api = null, management = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            api = Listen(kestrel, options.Port, listen => { });
            management = Listen(kestrel, options.ManagementPort, listen => listen.Use(next => connection =>
            {
                connection.Items[ManagementConnection] = true;
                return next(connection);
            }));
        });
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton(new IdTokenVerifier([key.PublicKey], options.ResolveAudiences(), TimeProvider.System, options.ClockSkew));

        var app = builder.Build();
        app.UseSafeErrors();
        var front = new LocalCloudRunFront(app, api!, management!, key);
        front.Map(options.Destination);
        return front;
    }

    public Task StartAsync(CancellationToken cancellationToken) => App.StartAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await App.StopAsync(stop.Token).ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
        Key.Dispose();
    }

    private static ListenOptions Listen(KestrelServerOptions kestrel, int port, Action<ListenOptions> configure)
    {
        ListenOptions? bound = null;
        void Capture(ListenOptions listen)
        {
            bound ??= listen;
            configure(listen);
        }

        // localhost listens on IPv4 and IPv6, but only a fixed port; a free port (0) is taken on IPv4 loopback.
        if (port == 0)
        {
            kestrel.Listen(IPAddress.Loopback, 0, Capture);
        }
        else
        {
            kestrel.ListenLocalhost(port, Capture);
        }

        return bound!;
    }

    private static bool IsManagement(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(ManagementConnection) == true;

    private void Map(Uri destination)
    {
        var verifier = App.Services.GetRequiredService<IdTokenVerifier>();
        var forwarder = App.Services.GetRequiredService<IHttpForwarder>();
        var logger = App.Services.GetRequiredService<ILoggerFactory>().CreateLogger<LocalCloudRunFront>();
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(15),

            // Keep the incoming trace going into the host, as Cloud Run does with traceparent.
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        });
        App.Lifetime.ApplicationStopped.Register(invoker.Dispose);
        var transformer = new RawTargetTransformer();
        var requestConfig = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) };
        var destinationPrefix = destination.GetLeftPart(UriPartial.Authority);

        App.UseWhen(context => !IsManagement(context), api => api.Run(async context =>
        {
            var check = await verifier.CheckAsync(
                context.Request.Headers["X-Serverless-Authorization"].ToString(),
                context.Request.Headers.Authorization.ToString()).ConfigureAwait(false);
            if (check.Verdict != InvokerVerdict.Accepted)
            {
                LogRejected(logger, context.Request.Method, check.Verdict, check.Reason ?? "");
                await CloudRunRejection.WriteAsync(context, check.Verdict).ConfigureAwait(false);
                return;
            }

            var error = await forwarder.SendAsync(context, destinationPrefix, invoker, requestConfig, transformer, context.RequestAborted).ConfigureAwait(false);
            if (error != ForwarderError.None)
            {
                // YARP has already answered 502/504 with an empty body; the reason stays in the log.
                LogForwardFailed(logger, error);
            }
        }));

        var jwks = JsonSerializer.SerializeToUtf8Bytes(Key.ToJwks());
        App.MapGet(JwksPath, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Bytes(jwks, "application/json");
        });
        App.MapHealthChecks("/health");
        App.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Invoker check refused {Method}: {Verdict} ({Reason})")]
    private static partial void LogRejected(ILogger logger, string method, InvokerVerdict verdict, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to the Cloud Run host failed: {Error}")]
    private static partial void LogForwardFailed(ILogger logger, ForwarderError error);
}
