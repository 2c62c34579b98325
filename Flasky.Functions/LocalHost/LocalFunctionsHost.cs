using System.Diagnostics;
using Flasky.Core.Http;
using Flasky.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Flasky.Functions.LocalHost;

/// <summary>
/// Serves this assembly's HTTP functions on Kestrel when no Functions host is present (Functions Core Tools
/// can't run everywhere): same routes, same functions, same function-key check, same empty route prefix.
/// </summary>
internal static partial class LocalFunctionsHost
{
    public const string ActivitySourceName = "Flasky.Functions";
    private static readonly ActivitySource Source = new(ActivitySourceName);

    // ApiResponseResult reads only the HttpContext: one descriptor serves every invocation.
    private static readonly ActionDescriptor NoActionDescriptor = new();

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The slim builder leaves out what the local host never uses (HTTPS certificate configuration, IIS, EventLog,
        // regex route constraints), which shortens its cold start; configuration and user secrets load as before.
        var builder = WebApplication.CreateSlimBuilder(args);

        // Kestrel's request log writes the whole URL, and a function key may travel in ?code=.
        // The request spans carry the same information with the query redacted.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.AddServiceDefaults(new ServiceDefaultsOptions
        {
            ActivitySources = [ActivitySourceName, .. AzureTelemetry.ActivitySources],
            AppContextSwitches = AzureTelemetry.AppContextSwitches,
            SensitiveQueryParameters = [FunctionKeys.QueryName],
        });
        // Kestrel counts the bytes it has buffered, not only those the API asked for: a cap a little above the contract's
        // 16 KiB lets the API answer 413 itself, while a larger body is never read (nor drained) beyond it.
        builder.ConfigureKestrelLimits(maxRequestBodySize: 4 * CandidateApi.MaxBodyBytes);
        builder.Services.AddAzureCandidateApi(builder.Configuration);
        builder.Services.AddSingleton(FunctionKeys.FromConfiguration(builder.Configuration));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseSafeErrors();
        app.UseManagementEndpoint();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LocalFunctionsHost));
        var keys = app.Services.GetRequiredService<FunctionKeys>();
        foreach (var function in FunctionEndpoint.Discover(typeof(LocalFunctionsHost).Assembly))
        {
            RequestDelegate invoke = context => InvokeAsync(function, keys, logger, context);
            var endpoint = function.Methods.Count == 0
                ? app.Map(function.Route, invoke)
                : app.MapMethods(function.Route, function.Methods, invoke);
            endpoint.WithDisplayName(function.Name);
            LogMapped(logger, function.Name, function.Route, function.AuthLevel);
        }

        return app;
    }

    private static async Task InvokeAsync(FunctionEndpoint function, FunctionKeys keys, ILogger logger, HttpContext context)
    {
        if (!keys.IsAuthorized(context.Request, function.Name, function.AuthLevel))
        {
            // As the Functions host: 401 with an empty body.
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.ContentLength = 0;
            return;
        }

        // The span the Functions host records around each invocation, so local traces look like Azure's.
        using var activity = Source.StartActivity(function.SpanName, ActivityKind.Internal);
        activity?.SetTag("faas.trigger", "http");
        activity?.SetTag("faas.name", function.Name);
        activity?.SetTag("faas.invocation_id", context.TraceIdentifier);

        var started = Stopwatch.GetTimestamp();
        var result = await function.InvokeAsync(context).ConfigureAwait(false);
        await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), NoActionDescriptor)).ConfigureAwait(false);

        if (logger.IsEnabled(LogLevel.Debug))
        {
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogExecuted(logger, function.Name, context.Response.StatusCode, elapsedMs);
        }
    }

    // The Functions host logs each execution at Information; here that line cost more than the function itself on the
    // console (docs/performance.md), and the Invoke span above carries the same name, status and duration.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Executed 'Functions.{FunctionName}' with status {StatusCode} in {DurationMs:F1} ms")]
    private static partial void LogExecuted(ILogger logger, string functionName, int statusCode, double durationMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving function {FunctionName} at /{Route} (authLevel {AuthLevel})")]
    private static partial void LogMapped(ILogger logger, string functionName, string route, Microsoft.Azure.Functions.Worker.AuthorizationLevel authLevel);
}
