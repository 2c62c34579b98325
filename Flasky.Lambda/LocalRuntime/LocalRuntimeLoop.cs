using Microsoft.Extensions.Logging;

namespace Flasky.Lambda.LocalRuntime;

/// <summary>
/// What the managed runtime does around <see cref="Function.HandleAsync(Stream)"/>, for local runs: build the function
/// (reporting an init error if that fails), then take one event at a time from the Runtime API until stopped.
/// </summary>
internal static partial class LocalRuntimeLoop
{
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(RuntimeApiClient runtime, Func<Function> create, ILogger logger, CancellationToken cancellationToken)
    {
        Function function;
        try
        {
            function = create();
        }
        catch (Exception ex)
        {
            LogInitFailed(logger, ex);
            await runtime.ReportInitErrorAsync(ex.InnerException ?? ex, cancellationToken).ConfigureAwait(false);
            return 1;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            Invocation invocation;
            try
            {
                invocation = await runtime.NextAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                // The local front may start after this process or restart: keep polling, as a runtime waits for its host.
                LogRuntimeApiUnavailable(logger, ex.Message);
                await Task.Delay(Reconnect, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            await InvokeAsync(runtime, function, invocation, logger, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task InvokeAsync(RuntimeApiClient runtime, Function function, Invocation invocation, ILogger logger, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var remaining = invocation.Deadline - DateTimeOffset.UtcNow;
        if (remaining < TimeSpan.FromDays(1))
        {
            deadline.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }

        Stream output;
        try
        {
            output = await function.HandleAsync(new MemoryStream(invocation.Payload, writable: false), deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogInvocationFailed(logger, ex, invocation.RequestId);
            await runtime.ReportErrorAsync(invocation.RequestId, ex, cancellationToken).ConfigureAwait(false);
            return;
        }

        await using (output.ConfigureAwait(false))
        {
            await runtime.RespondAsync(invocation.RequestId, output, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The function failed to initialise")]
    private static partial void LogInitFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation {RequestId} failed")]
    private static partial void LogInvocationFailed(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Runtime API is not reachable ({Reason}); retrying")]
    private static partial void LogRuntimeApiUnavailable(ILogger logger, string reason);
}
