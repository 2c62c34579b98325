using Flasky.Core.Names;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Flasky.Core.Storage.Resilience;

/// <summary>
/// Every store, as every host uses it: each call bounded by <see cref="CandidateStoreResilienceOptions.CallTimeout"/>,
/// and a circuit breaker that stops sending calls into a store known to be down. Whatever the store does, the caller
/// gets an answer or <see cref="CandidateStoreUnavailableException"/> within the budget.
/// </summary>
/// <remarks>
/// Nothing is retried here: an upsert that timed out may still land, and replaying it later could overwrite a newer
/// write by another client, so the caller gets a 503 and decides. Reads are not retried either: the SDKs already retry
/// transient failures within the budget, and a second attempt here could only push the answer past it. The store's
/// own classification decides what is an unavailability; a timeout here is one too.
/// </remarks>
public sealed partial class ResilientCandidateStore : ICandidateStore
{
    private readonly ICandidateStore _inner;
    private readonly ResiliencePipeline _calls;
    private readonly ResiliencePipeline _pings;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly CandidateStoreResilienceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _hintUntilTicks;
    private int _answered; // the Operation kinds that have answered once

    // Each kind of call runs its own SDK code path for the first time (a point read, an upsert, a query, a query resumed
    // from a continuation token, a ping), so each gets the first-call allowance until it has answered once.
    [Flags]
    private enum Operation
    {
        Get = 1,
        Upsert = 2,
        List = 4,
        ListContinued = 8,
        Ping = 16,
    }

    private static readonly ResiliencePropertyKey<Operation> OperationKey = new("flasky.store.operation");

    public ResilientCandidateStore(
        ICandidateStore inner,
        CandidateStoreResilienceOptions options,
        ILogger<ResilientCandidateStore>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        _inner = inner;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _calls = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = _circuit,
                ShouldHandle = new PredicateBuilder().Handle<CandidateStoreUnavailableException>().Handle<TimeoutRejectedException>(),
                OnOpened = args =>
                {
                    LogOpened(_logger, args.BreakDuration.TotalMilliseconds);
                    return default;
                },
                OnClosed = _ =>
                {
                    LogClosed(_logger);
                    return default;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions { TimeoutGenerator = args => new ValueTask<TimeSpan>(Budget(options.CallTimeout, args.Context)) })
            .Build();

        // A ping neither opens nor closes the circuit (a health probe's shorter budget must not trip it), but it is
        // refused at once while the circuit is open.
        _pings = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddTimeout(new TimeoutStrategyOptions { TimeoutGenerator = args => new ValueTask<TimeSpan>(Budget(options.PingTimeout, args.Context)) })
            .Build();
    }

    /// <summary>The store this one bounds.</summary>
    public ICandidateStore Inner => _inner;

    /// <summary>The circuit's state, for tests and diagnostics.</summary>
    public CircuitState CircuitState => _circuit.CircuitState;

    public Task<Candidate?> GetAsync(CandidateName name, CancellationToken cancellationToken) =>
        CallAsync(_calls, Operation.Get, ct => _inner.GetAsync(name, ct), cancellationToken);

    public Task UpsertAsync(Candidate candidate, CancellationToken cancellationToken) =>
        CallAsync(_calls, Operation.Upsert, async ct =>
        {
            await _inner.UpsertAsync(candidate, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<CandidatePage> ListAsync(string? continuation, int maxItems, CancellationToken cancellationToken) =>
        CallAsync(_calls, continuation is null ? Operation.List : Operation.ListContinued, ct => _inner.ListAsync(continuation, maxItems, ct), cancellationToken);

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        if (_circuit.CircuitState is CircuitState.Open or CircuitState.Isolated)
        {
            throw Refused(null);
        }

        await CallAsync(_pings, Operation.Ping, async ct =>
        {
            await _inner.PingAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The budget, or <see cref="CandidateStoreResilienceOptions.FirstCallTimeout"/> until this kind of call has answered
    /// once: an SDK's first calls also build its client state (account metadata, connections, query engine) and run code
    /// paths of their own for the first time; a Cosmos DB query that needs a plan starts the SDK's native query engine.
    /// </summary>
    private TimeSpan Budget(TimeSpan warm, ResilienceContext context)
    {
        var operation = context.Properties.GetValue(OperationKey, default);
        return (Volatile.Read(ref _answered) & (int)operation) != 0 ? warm : TimeSpan.FromTicks(Math.Max(warm.Ticks, _options.FirstCallTimeout.Ticks));
    }

    private async Task<T> CallAsync<T>(ResiliencePipeline pipeline, Operation operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(OperationKey, operation);
        try
        {
            var result = await pipeline.ExecuteAsync(static (context, call) => Bounded(call, context.CancellationToken), context, call).ConfigureAwait(false);
            Interlocked.Or(ref _answered, (int)operation);
            return result;
        }
        catch (TimeoutRejectedException ex)
        {
            LogTimedOut(_logger, ex.Timeout.TotalMilliseconds);
            throw new CandidateStoreUnavailableException("The candidate store did not answer in time.", null, ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw Refused(ex);
        }
        catch (CandidateStoreUnavailableException ex) when (ex.RetryAfter is { } hint && hint > TimeSpan.Zero)
        {
            RememberHint(hint);
            throw;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Waits for the call at most until the pipeline's timeout cancels it. Polly's timeout is cooperative: an SDK that
    /// ignored its token would hold the caller; here the caller goes and the abandoned call is left to finish alone.
    /// </summary>
    private static async ValueTask<T> Bounded<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var task = call(cancellationToken);
        try
        {
            return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!task.IsCompleted)
        {
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            // A store's own classification decides what is an unavailability; a connection that broke where the store
            // did not expect it (a reset while its response body was being read: an IOException) is one too.
            throw new CandidateStoreUnavailableException("The candidate store's connection failed.", null, ex);
        }
    }

    private static bool IsTransportFailure(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is IOException or System.Net.Sockets.SocketException or System.Net.Http.HttpRequestException)
            {
                return true;
            }
        }

        return false;
    }

    private CandidateStoreUnavailableException Refused(BrokenCircuitException? inner)
    {
        // Retry after the break, or after the store's own last hint if that is later (a throttled store said when).
        var wait = inner?.RetryAfter ?? _options.BreakDuration;
        var hint = new DateTimeOffset(Interlocked.Read(ref _hintUntilTicks), TimeSpan.Zero) - _time.GetUtcNow();
        if (hint > wait)
        {
            wait = hint;
        }

        return new CandidateStoreUnavailableException("The candidate store is known to be unavailable; not calling it.", wait, inner);
    }

    private void RememberHint(TimeSpan hint)
    {
        var until = (_time.GetUtcNow() + hint).UtcTicks;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _hintUntilTicks);
            if (seen >= until)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _hintUntilTicks, until, seen) != seen);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Candidate store circuit opened: calls are refused for {BreakMs} ms")]
    private static partial void LogOpened(ILogger logger, double breakMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Candidate store circuit closed: the store answers again")]
    private static partial void LogClosed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Candidate store call exceeded its budget of {TimeoutMs} ms")]
    private static partial void LogTimedOut(ILogger logger, double timeoutMs);
}
