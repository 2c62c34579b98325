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
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, as the Aspire dashboard and Azure's collectors expect),
/// health checks, service discovery and standard resilience for outgoing HTTP.
/// </summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>The activity sources of the Azure SDKs the hosts use (Cosmos DB emits <c>Azure.Cosmos.Operation</c>).</summary>
    public static readonly IReadOnlyList<string> AzureSdkActivitySources = ["Azure.Cosmos.Operation", "Azure.*"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, ServiceDefaultsOptions? options = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        options ??= new ServiceDefaultsOptions();

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

        // The Azure SDKs only publish their ActivitySource spans when this switch is on.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);

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
                tracing.AddSource([.. AzureSdkActivitySources, .. options.ActivitySources]);
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
    /// False under the Azure Functions host: the host already traces the incoming request, and the worker's
    /// internal proxied request would show up as a duplicate server span.
    /// </summary>
    public bool InstrumentAspNetCore { get; init; } = true;

    public IReadOnlyList<string> ActivitySources { get; init; } = [];

    /// <summary>Query parameters whose values never reach a span, e.g. <c>code</c>, which carries Azure function keys.</summary>
    public IReadOnlyList<string> SensitiveQueryParameters { get; init; } = [];

    public IReadOnlyList<string> Meters { get; init; } = [];

    /// <summary>Host-specific additions, e.g. the Functions worker's own instrumentation.</summary>
    public Action<OpenTelemetryBuilder>? ConfigureTelemetry { get; init; }
}
