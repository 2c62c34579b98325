using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Flasky.LocalApiGateway.RuntimeApi;

/// <summary>
/// Events waiting for the function, and the invocations it is working on. The HTTP side enqueues and awaits an
/// outcome; the Runtime API side hands events to whichever function process polls and records what it answers.
/// </summary>
public sealed class InvocationBroker
{
    private readonly Channel<PendingInvocation> _waiting = Channel.CreateUnbounded<PendingInvocation>();
    private readonly ConcurrentDictionary<string, PendingInvocation> _pending = new(StringComparer.Ordinal);
    private volatile bool _initFailed;

    /// <summary>True after the function reported <c>init/error</c>, until a process polls again.</summary>
    public bool InitFailed => _initFailed;

    public PendingInvocation Enqueue(byte[] payload, DateTimeOffset deadline, string? traceId)
    {
        var invocation = new PendingInvocation(Guid.NewGuid().ToString(), payload, deadline, traceId);
        _pending[invocation.RequestId] = invocation;
        _waiting.Writer.TryWrite(invocation);
        return invocation;
    }

    /// <summary>The next event no one has finished with (timed-out ones are skipped), as <c>invocation/next</c> returns it.</summary>
    public async Task<PendingInvocation> NextAsync(CancellationToken cancellationToken)
    {
        _initFailed = false;
        while (true)
        {
            var invocation = await _waiting.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (!invocation.Outcome.IsCompleted)
            {
                return invocation;
            }
        }
    }

    /// <summary>Records the function's answer; false when the id is unknown or already answered.</summary>
    public bool Complete(string requestId, InvocationOutcome outcome) =>
        _pending.TryRemove(requestId, out var invocation) && invocation.TrySetOutcome(outcome);

    /// <summary>The caller stopped waiting (integration timeout): a late answer is then dropped, as API Gateway drops it.</summary>
    public void Abandon(PendingInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (_pending.TryRemove(invocation.RequestId, out var removed))
        {
            removed.TrySetOutcome(InvocationOutcome.TimedOut);
        }
    }

    /// <summary>The function could not start: every invocation waiting for it fails.</summary>
    public void FailInit()
    {
        _initFailed = true;
        foreach (var id in _pending.Keys)
        {
            Complete(id, InvocationOutcome.FunctionError);
        }
    }
}

public sealed class PendingInvocation(string requestId, byte[] payload, DateTimeOffset deadline, string? traceId)
{
    private readonly TaskCompletionSource<InvocationOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string RequestId { get; } = requestId;

    public byte[] Payload { get; } = payload;

    public DateTimeOffset Deadline { get; } = deadline;

    public string? TraceId { get; } = traceId;

    public Task<InvocationOutcome> Outcome => _outcome.Task;

    internal bool TrySetOutcome(InvocationOutcome outcome) => _outcome.TrySetResult(outcome);
}

/// <summary>How an invocation ended: the function's output, or why there is none.</summary>
public sealed record InvocationOutcome(InvocationStatus Status, byte[]? Output)
{
    public static InvocationOutcome FunctionError { get; } = new(InvocationStatus.FunctionError, null);

    public static InvocationOutcome ResponseTooLarge { get; } = new(InvocationStatus.ResponseTooLarge, null);

    public static InvocationOutcome TimedOut { get; } = new(InvocationStatus.TimedOut, null);

    public static InvocationOutcome Succeeded(byte[] output) => new(InvocationStatus.Succeeded, output);
}

public enum InvocationStatus
{
    Succeeded,
    FunctionError,
    ResponseTooLarge,
    TimedOut,
}
