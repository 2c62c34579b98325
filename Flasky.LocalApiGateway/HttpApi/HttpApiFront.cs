using System.Diagnostics;
using System.Text.Json;
using Flasky.Lambda.HttpApi;
using Flasky.LocalApiGateway.RuntimeApi;
using Flasky.LocalApiGateway.SigV4;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Flasky.LocalApiGateway.HttpApi;

/// <summary>
/// The HTTP API: every request is checked as an <c>AWS_IAM</c> route checks it, turned into a format 2.0 event,
/// handed to the function through the Runtime API, and its answer turned back into HTTP — or API Gateway's own
/// answer when there is none to give.
/// </summary>
internal sealed partial class HttpApiFront(GatewayOptions options, SigV4Verifier verifier, InvocationBroker queue, TimeProvider time, ILogger<HttpApiFront> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString("N")[..16];
        var request = context.Request;
        if (request.ContentLength > options.MaxRequestBodyBytes)
        {
            await GatewayResponses.WriteAsync(context, GatewayResponses.RequestTooLarge, requestId).ConfigureAwait(false);
            return;
        }

        var body = await RuntimeApiEndpoints.ReadUpToAsync(request.Body, options.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            await GatewayResponses.WriteAsync(context, GatewayResponses.RequestTooLarge, requestId).ConfigureAwait(false);
            return;
        }

        var received = Receive(context, body);
        var outcome = verifier.Verify(
            new SigV4Request(received.Method, received.RawPath, received.RawQuery, received.Headers, body),
            time.GetUtcNow());
        if (outcome != SigV4Outcome.Valid)
        {
            LogRejected(logger, received.Method, outcome);
            await GatewayResponses.WriteAsync(context, GatewayResponses.Forbidden, requestId).ConfigureAwait(false);
            return;
        }

        var pathBase = options.Stage == "$default" ? "" : "/" + options.Stage;
        if (pathBase.Length > 0 && !(received.RawPath == pathBase || received.RawPath.StartsWith(pathBase + "/", StringComparison.Ordinal)))
        {
            await GatewayResponses.WriteAsync(context, GatewayResponses.NotFound, requestId).ConfigureAwait(false);
            return;
        }

        await InvokeAsync(context, received, requestId).ConfigureAwait(false);
    }

    private async Task InvokeAsync(HttpContext context, ReceivedRequest received, string requestId)
    {
        var now = time.GetUtcNow();
        var accessKey = options.Credentials[0].AccessKeyId;
        var httpEvent = HttpApiEvents.Create(received, options, requestId, accessKey, now);

        // So that the function's span sits under this request's span in the dashboard (API Gateway would pass the
        // caller's own traceparent through; this local front adds its hop).
        if (Activity.Current is { } activity)
        {
            httpEvent.Headers!["traceparent"] = activity.Id!;
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(httpEvent, HttpApiJsonContext.Default.HttpApiRequest);
        if (payload.Length > options.MaxInvocationPayloadBytes || queue.InitFailed)
        {
            // Lambda rejects the invocation itself (RequestEntityTooLarge, or the function failed to initialise).
            LogInvokeRejected(logger, payload.Length, queue.InitFailed);
            await GatewayResponses.WriteAsync(context, GatewayResponses.InternalServerError, requestId).ConfigureAwait(false);
            return;
        }

        var invocation = queue.Enqueue(payload, now + options.IntegrationTimeout, null);
        InvocationOutcome outcome;
        try
        {
            outcome = await invocation.Outcome.WaitAsync(options.IntegrationTimeout, time, context.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            outcome = InvocationOutcome.TimedOut;
        }
        finally
        {
            queue.Abandon(invocation);
        }

        switch (outcome.Status)
        {
            case InvocationStatus.Succeeded when await GatewayResponses.TryWriteFunctionResponseAsync(context, outcome.Output!, requestId).ConfigureAwait(false):
                return;
            case InvocationStatus.Succeeded:
                LogMalformed(logger, invocation.RequestId);
                await GatewayResponses.WriteAsync(context, GatewayResponses.InternalServerError, requestId).ConfigureAwait(false);
                return;
            case InvocationStatus.TimedOut:
                LogTimedOut(logger, invocation.RequestId, options.IntegrationTimeout.TotalSeconds);
                await GatewayResponses.WriteAsync(context, GatewayResponses.ServiceUnavailable, requestId).ConfigureAwait(false);
                return;
            default:
                await GatewayResponses.WriteAsync(context, GatewayResponses.InternalServerError, requestId).ConfigureAwait(false);
                return;
        }
    }

    private static ReceivedRequest Receive(HttpContext context, byte[] body)
    {
        var request = context.Request;

        // The target exactly as sent: the signature covers the client's encoding, and so does the event.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget) || rawTarget[0] != '/')
        {
            rawTarget = request.PathBase.ToUriComponent() + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        }

        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                headers.Add(new(name, value ?? ""));
            }
        }

        return new ReceivedRequest(
            request.Method,
            queryStart < 0 ? rawTarget : rawTarget[..queryStart],
            queryStart < 0 ? "" : rawTarget[(queryStart + 1)..],
            request.Host.Value ?? "",
            request.Protocol,
            context.Connection.RemoteIpAddress?.ToString(),
            headers,
            body);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method}: 403, the signature check gave {Outcome}")]
    private static partial void LogRejected(ILogger logger, string method, SigV4Outcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lambda would reject this invocation ({PayloadBytes} bytes, init failed: {InitFailed}): 500")]
    private static partial void LogInvokeRejected(ILogger logger, int payloadBytes, bool initFailed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invocation {RequestId}: the function's output is not a format 2.0 response: 500")]
    private static partial void LogMalformed(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invocation {RequestId}: no answer within the integration timeout of {Seconds} s: 503")]
    private static partial void LogTimedOut(ILogger logger, string requestId, double seconds);
}
