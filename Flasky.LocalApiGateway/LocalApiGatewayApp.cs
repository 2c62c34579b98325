using System.Net;
using Flasky.LocalApiGateway.HttpApi;
using Flasky.LocalApiGateway.RuntimeApi;
using Flasky.LocalApiGateway.SigV4;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Flasky.LocalApiGateway;

/// <summary>
/// One Kestrel app, two ports: the HTTP API callers use (<c>ApiGateway:HttpPort</c>, 7072 in the AppHost) and the
/// Lambda Runtime API only the function process uses (<c>ApiGateway:RuntimeApiPort</c>). Port 0 picks a free port.
/// </summary>
public static class LocalApiGatewayApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);

        // Kestrel's request log writes whole URLs, and a presigned URL carries credentials in its query.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.AddServiceDefaults(new ServiceDefaultsOptions
        {
            SensitiveQueryParameters = ["X-Amz-Credential", "X-Amz-Signature", "X-Amz-Security-Token"],
        });

        builder.ConfigureKestrelLimits(maxRequestBodySize: null);
        var options = GatewayOptions.FromConfiguration(builder.Configuration);
        var httpPort = builder.Configuration.GetValue("ApiGateway:HttpPort", 0);
        var runtimePort = builder.Configuration.GetValue("ApiGateway:RuntimeApiPort", 0);
        ListenOptions? httpListener = null, runtimeListener = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, httpPort, listen => httpListener = listen);
            kestrel.Listen(IPAddress.Loopback, runtimePort, listen => runtimeListener = listen);

            // The front reads at most the 10 MB quota itself and answers 413 as API Gateway does.
            kestrel.Limits.MaxRequestBodySize = null;
        });

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new SigV4Verifier(new SigV4VerifierOptions { Region = options.Region, Credentials = options.Credentials }));
        builder.Services.AddSingleton<InvocationBroker>();
        builder.Services.AddSingleton<HttpApiFront>();
        builder.Services.AddSingleton(new GatewayPorts(() => httpListener!.IPEndPoint!.Port, () => runtimeListener!.IPEndPoint!.Port));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseSafeErrors(context => GatewayResponses.WriteAsync(context, GatewayResponses.InternalServerError, context.TraceIdentifier));
        var ports = app.Services.GetRequiredService<GatewayPorts>();
        bool IsRuntimePort(HttpContext context) => context.Connection.LocalPort == ports.RuntimeApi;

        // Health for the AppHost, on the runtime port only: the HTTP API itself answers nothing unsigned.
        app.MapWhen(IsRuntimePort, runtime =>
        {
            runtime.UseRouting();
            runtime.UseEndpoints(endpoints =>
            {
                endpoints.MapGet("/health", () => Results.Text("Healthy"));
                RuntimeApiEndpoints.Map(
                    endpoints,
                    app.Services.GetRequiredService<InvocationBroker>(),
                    options,
                    app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Flasky.LocalApiGateway.RuntimeApi"),
                    IsRuntimePort);
            });
        });

        var front = app.Services.GetRequiredService<HttpApiFront>();
        app.Run(front.HandleAsync);
        return app;
    }
}

/// <summary>The ports Kestrel bound (known once the app has started).</summary>
public sealed class GatewayPorts(Func<int> http, Func<int> runtimeApi)
{
    public int Http => http();

    public int RuntimeApi => runtimeApi();
}
