using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Kestrel-based Flasky process (the API hosts and the local fronts) sets so that neither a failure nor a
/// slow or greedy client can hurt it: Kestrel's limits, and an error handler that never shows a stack trace.
/// </summary>
/// <remarks>
/// Limits (configuration section <c>HostLimits</c>, durations as <see cref="TimeSpan"/>s): <c>RequestHeadersTimeout</c>
/// 10 s (a client that trickles its headers, slowloris-style, is cut off; Kestrel's default is 30 s),
/// <c>KeepAliveTimeout</c> 2 min (an idle connection is closed; longer than the fronts' and SDKs' pooled idle
/// connections so a reused connection is not closed under them), <c>MaxConcurrentConnections</c> 1000 (Cloud Run's
/// highest concurrency per instance), headers at most 16 KiB in total (a function key, a SigV4 signature or an ID token
/// is well under 4 KiB), and a request body slower than 240 bytes/s after a 5 s grace is abandoned (a client that
/// trickles its body holds nothing).
/// </remarks>
public static partial class HostHardening
{
    public const string SectionName = "HostLimits";

    public static readonly TimeSpan DefaultRequestHeadersTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultKeepAliveTimeout = TimeSpan.FromMinutes(2);
    public const int DefaultMaxConcurrentConnections = 1000;
    public const int MaxRequestHeadersTotalSize = 16 * 1024;

    /// <summary>
    /// Sets Kestrel's limits; <paramref name="maxRequestBodySize"/> caps every request body (null: no cap, for a front
    /// that enforces its platform's own limit itself).
    /// </summary>
    public static TBuilder ConfigureKestrelLimits<TBuilder>(this TBuilder builder, long? maxRequestBodySize)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            // Read when the server starts, so configuration added after this call counts too.
            var section = configuration.GetSection(SectionName);
            var headersTimeout = Duration(section, "RequestHeadersTimeout") ?? DefaultRequestHeadersTimeout;
            var keepAlive = Duration(section, "KeepAliveTimeout") ?? DefaultKeepAliveTimeout;
            var connections = int.TryParse(section["MaxConcurrentConnections"], NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max > 0
                ? max
                : DefaultMaxConcurrentConnections;
            var limits = kestrel.Limits;
            limits.RequestHeadersTimeout = headersTimeout;
            limits.KeepAliveTimeout = keepAlive;
            limits.MaxConcurrentConnections = connections;
            limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
            limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
            limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
            limits.MaxRequestBodySize = maxRequestBodySize;
        });
        return builder;
    }

    /// <summary>
    /// The outermost handler of the app's own pipeline: an exception becomes <paramref name="writeError"/>'s answer
    /// (by default a 500 problem with a fixed text), in every environment, so the developer exception page that
    /// ASP.NET Core adds in Development never sees it. After the response has started, the connection is aborted
    /// instead: the client sees an incomplete response, never a short valid-looking one.
    /// </summary>
    public static IApplicationBuilder UseSafeErrors(this IApplicationBuilder app, RequestDelegate? writeError = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HostHardening).FullName!);
        writeError ??= WriteProblemAsync;
        return app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
            {
                LogUnhandled(logger, ex);
                if (context.Response.HasStarted)
                {
                    context.Abort();
                    return;
                }

                context.Response.Clear();
                await writeError(context).ConfigureAwait(false);
            }
        });
    }

    private static Task WriteProblemAsync(HttpContext context)
    {
        var body = Encoding.UTF8.GetBytes(
            """{"type":"https://tools.ietf.org/html/rfc9110#section-15.6.1","title":"Internal Server Error","status":500,"detail":"The request could not be completed."}""");
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.ContentType = "application/problem+json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private static TimeSpan? Duration(IConfigurationSection section, string key)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var duration) && duration > TimeSpan.Zero
            ? duration
            : throw new InvalidOperationException($"{SectionName}:{key} must be a positive duration such as 00:00:10.");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception while serving a request; the client got a generic error")]
    private static partial void LogUnhandled(ILogger logger, Exception exception);
}
