using System.Diagnostics;
using System.Text.Json;
using Flasky.Lambda.HttpApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Flasky.Lambda;

/// <summary>
/// The Lambda function behind every route: <c>Flasky.Lambda::Flasky.Lambda.Function::HandleAsync</c>.
/// </summary>
/// <remarks>
/// The managed .NET runtime (Amazon.Lambda.RuntimeSupport's <c>InvokeDelegateBuilder</c>, github.com/aws/aws-lambda-dotnet,
/// Libraries/src/Amazon.Lambda.RuntimeSupport/Bootstrap/InvokeDelegateBuilder.cs) accepts a handler with at most one input
/// plus an optional ILambdaContext, unwraps a <c>Task&lt;T&gt;</c> result, and uses no serializer when the input and
/// <c>T</c> are <see cref="Stream"/>: so this signature needs neither Amazon.Lambda.Core nor a serializer attribute.
/// The runtime creates one instance with the public parameterless constructor and calls it once per event.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "The handler string Flasky.Lambda::Flasky.Lambda.Function::HandleAsync is fixed by the deployment.")]
public sealed partial class Function
{
    /// <summary>Spans of each invocation (local mode exports them to the Aspire dashboard).</summary>
    public const string ActivitySourceName = "Flasky.Lambda";

    internal static readonly ActivitySource Source = new(ActivitySourceName);

    // Built once per execution environment, during the runtime's init phase (the first touch of this type).
    private static readonly Lazy<LambdaApplication> SharedApplication = new(
        () => LambdaApplication.Create(new ConfigurationBuilder().AddEnvironmentVariables().Build()),
        LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly LambdaApplication _application;

    public Function()
        : this(SharedApplication.Value)
    {
    }

    internal Function(LambdaApplication application) => _application = application;

    /// <summary>Handles one API Gateway HTTP API (payload format 2.0) event.</summary>
    public Task<Stream> HandleAsync(Stream payload) => HandleAsync(payload, CancellationToken.None);

    internal async Task<Stream> HandleAsync(Stream payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var request = await JsonSerializer.DeserializeAsync(payload, HttpApiJsonContext.Default.HttpApiRequest, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException("The event is null.");

        using var activity = StartActivity(request);
        var started = Stopwatch.GetTimestamp();
        var handled = await _application.Api.HandleAsync(HttpApiMapping.ToApiRequest(request), cancellationToken).ConfigureAwait(false);

        // A Lambda response is one JSON document: a listing is never streamed here, it is cut to the budget instead.
        var response = await handled.BufferAsync(cancellationToken).ConfigureAwait(false);
        activity?.SetTag("http.response.status_code", response.StatusCode);
        if (_application.Logger.IsEnabled(LogLevel.Debug))
        {
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogInvoked(_application.Logger, request.RequestContext?.Http?.Method, response.StatusCode, elapsedMs);
        }

        var output = new MemoryStream();
        await JsonSerializer.SerializeAsync(
            output,
            HttpApiMapping.ToHttpApiResponse(response, request.RequestContext?.Stage),
            HttpApiJsonContext.Default.HttpApiResponse,
            cancellationToken).ConfigureAwait(false);
        output.Position = 0;
        return output;
    }

    private static Activity? StartActivity(HttpApiRequest request)
    {
        // API Gateway forwards the client's headers, W3C traceparent included: continue the caller's trace.
        string? traceParent = null;
        request.Headers?.TryGetValue("traceparent", out traceParent);
        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = Source.StartActivity("Invoke " + (request.RouteKey ?? "$default"), ActivityKind.Server, parent);
        activity?.SetTag("faas.trigger", "http");
        activity?.SetTag("faas.invocation_id", request.RequestContext?.RequestId);
        activity?.SetTag("http.request.method", request.RequestContext?.Http?.Method);
        return activity;
    }

    // Debug, not Information: Lambda itself writes START, END and REPORT (with the duration) for every invocation, and
    // one more line per request to stdout cost the local runtime a measurable share of its throughput (docs/performance.md).
    [LoggerMessage(Level = LogLevel.Debug, Message = "Handled {Method} with status {StatusCode} in {DurationMs:F1} ms")]
    private static partial void LogInvoked(ILogger logger, string? method, int statusCode, double durationMs);
}
