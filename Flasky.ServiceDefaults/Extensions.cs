using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Adds the common services every Flasky host uses: OpenTelemetry (exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, as the Aspire dashboard and the clouds' collectors expect),
/// health checks, service discovery and standard resilience for outgoing HTTP.
/// </summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>The default level of ASP.NET Core's own categories that <see cref="AddServiceDefaults"/> sets (Warning).</summary>
    public const string RequestLogLevelKey = "Logging:LogLevel:Microsoft.AspNetCore";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, ServiceDefaultsOptions? options = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        options ??= new ServiceDefaultsOptions();

        // ASP.NET Core writes four Information lines per request (hosting's "Request starting/finished", routing's
        // "Executing/Executed endpoint"); with no appsettings.json to lower them, as the ASP.NET Core templates do, they
        // went to the console on every request, the largest per-request cost the load harness found in the hosts
        // (docs/performance.md). The request spans carry the same facts. As the lowest-precedence configuration source,
        // any other (Logging__LogLevel__Microsoft.AspNetCore=Information) still wins.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = [new(RequestLogLevelKey, "Warning")] });

        builder.ConfigureOpenTelemetry(options);
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, ServiceDefaultsOptions options)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        foreach (var (name, value) in options.AppContextSwitches)
        {
            AppContext.SetSwitch(name, value);
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(options.Meters.ToArray()))
            .WithTracing(tracing =>
            {
                tracing.AddSource(builder.Environment.ApplicationName);
                tracing.AddSource([.. options.ActivitySources]);
                if (options.SensitiveQueryParameters.Count > 0)
                {
                    // Added before any exporter, so it runs first when a span ends.
                    tracing.AddProcessor(new QueryRedactionProcessor(options.SensitiveQueryParameters));
                }

                tracing.AddHttpClientInstrumentation(http =>
                    http.FilterHttpRequestMessage = request => !IsTelemetryExport(request.RequestUri));
                if (options.InstrumentAspNetCore)
                {
                    tracing.AddAspNetCoreInstrumentation(aspnet =>
                    {
                        aspnet.Filter = context =>
                            !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                            && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath);
                    });
                }
            });

        if (options.InstrumentAspNetCore)
        {
            telemetry.WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation());
        }

        options.ConfigureTelemetry?.Invoke(telemetry);

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    private static bool IsTelemetryExport(Uri? uri) =>
        uri is not null && uri.AbsolutePath.StartsWith("/v1/", StringComparison.Ordinal)
        && (uri.AbsolutePath.EndsWith("/traces", StringComparison.Ordinal)
            || uri.AbsolutePath.EndsWith("/logs", StringComparison.Ordinal)
            || uri.AbsolutePath.EndsWith("/metrics", StringComparison.Ordinal));
}

/// <summary>What differs between the hosts that use the service defaults.</summary>
public sealed class ServiceDefaultsOptions
{
    /// <summary>
    /// False where a platform host in front already traces the incoming request (under the Azure Functions host the
    /// worker's internal proxied request would show up as a duplicate server span).
    /// </summary>
    public bool InstrumentAspNetCore { get; init; } = true;

    /// <summary>The host's own and its SDKs' activity sources (the Azure host passes the Azure SDKs').</summary>
    public IReadOnlyList<string> ActivitySources { get; init; } = [];

    /// <summary>Switches some SDKs read before they publish telemetry (e.g. the Azure SDKs' ActivitySource switch).</summary>
    public IReadOnlyDictionary<string, bool> AppContextSwitches { get; init; } = new Dictionary<string, bool>();

    /// <summary>Query parameters whose values never reach a span, e.g. a query parameter that carries a key.</summary>
    public IReadOnlyList<string> SensitiveQueryParameters { get; init; } = [];

    public IReadOnlyList<string> Meters { get; init; } = [];

    /// <summary>Host-specific additions, e.g. the Functions worker's own instrumentation.</summary>
    public Action<OpenTelemetryBuilder>? ConfigureTelemetry { get; init; }
}
