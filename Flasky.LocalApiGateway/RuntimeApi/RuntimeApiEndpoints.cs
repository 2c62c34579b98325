using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Flasky.LocalApiGateway.RuntimeApi;

/// <summary>
/// The Lambda Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), served on its own port
/// to the function process: <c>GET invocation/next</c>, <c>POST invocation/{id}/response</c>,
/// <c>POST invocation/{id}/error</c>, <c>POST init/error</c>.
/// </summary>
internal static partial class RuntimeApiEndpoints
{
    private const string Prefix = "/2018-06-01/runtime";

    public static void Map(IEndpointRouteBuilder routes, InvocationBroker queue, GatewayOptions options, ILogger logger, Func<HttpContext, bool> isRuntimePort)
    {
        var group = routes.MapGroup(Prefix).AddEndpointFilter(async (context, next) =>
            isRuntimePort(context.HttpContext) ? await next(context).ConfigureAwait(false) : Results.NotFound());

        group.MapGet("/invocation/next", async (HttpContext context, IHostApplicationLifetime lifetime) =>
        {
            SuppressTrace();

            // A long poll must not hold up shutdown: the function reconnects to the next front.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            PendingInvocation invocation;
            try
            {
                invocation = await queue.NextAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            var response = context.Response;
            response.Headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
            response.Headers["Lambda-Runtime-Deadline-Ms"] = invocation.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = options.FunctionArn;
            if (invocation.TraceId is not null)
            {
                response.Headers["Lambda-Runtime-Trace-Id"] = invocation.TraceId;
            }

            response.ContentType = "application/json";
            response.ContentLength = invocation.Payload.Length;
            await response.Body.WriteAsync(invocation.Payload, context.RequestAborted).ConfigureAwait(false);
        });

        group.MapPost("/invocation/{requestId}/response", async (string requestId, HttpContext context) =>
        {
            SuppressTrace();
            var output = await ReadUpToAsync(context.Request.Body, options.MaxInvocationPayloadBytes, context.RequestAborted).ConfigureAwait(false);
            if (output is null)
            {
                // Lambda's own answer to an oversized response; the invocation then fails.
                queue.Complete(requestId, InvocationOutcome.ResponseTooLarge);
                LogResponseTooLarge(logger, requestId, options.MaxInvocationPayloadBytes);
                return Results.Json(
                    new RuntimeError($"Exceeded maximum allowed payload size ({options.MaxInvocationPayloadBytes} bytes).", "RequestEntityTooLarge"),
                    RuntimeApiJsonContext.Default.RuntimeError,
                    statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            return queue.Complete(requestId, InvocationOutcome.Succeeded(output)) ? Accepted() : InvalidRequestId();
        });

        group.MapPost("/invocation/{requestId}/error", (string requestId) =>
        {
            SuppressTrace();
            LogFunctionError(logger, requestId);
            return queue.Complete(requestId, InvocationOutcome.FunctionError) ? Accepted() : InvalidRequestId();
        });

        group.MapPost("/init/error", () =>
        {
            SuppressTrace();
            LogInitError(logger);
            queue.FailInit();
            return Accepted();
        });
    }

    private static IResult Accepted() =>
        Results.Json(new RuntimeStatus("OK"), RuntimeApiJsonContext.Default.RuntimeStatus, statusCode: StatusCodes.Status202Accepted);

    private static IResult InvalidRequestId() =>
        Results.Json(new RuntimeError("Invalid request ID", "InvalidRequestID"), RuntimeApiJsonContext.Default.RuntimeError, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>The function's long polls are plumbing, not requests: keep their spans out of the dashboard.</summary>
    private static void SuppressTrace()
    {
        if (Activity.Current is { } activity)
        {
            activity.IsAllDataRequested = false;
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/>.</summary>
    internal static async Task<byte[]?> ReadUpToAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invocation {RequestId}: the function's response exceeds {Limit} bytes")]
    private static partial void LogResponseTooLarge(ILogger logger, string requestId, long limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invocation {RequestId}: the function reported an error")]
    private static partial void LogFunctionError(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The function reported an init error")]
    private static partial void LogInitError(ILogger logger);
}

internal sealed record RuntimeStatus(string Status);

internal sealed record RuntimeError(string ErrorMessage, string ErrorType);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(RuntimeStatus))]
[System.Text.Json.Serialization.JsonSerializable(typeof(RuntimeError))]
internal sealed partial class RuntimeApiJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
