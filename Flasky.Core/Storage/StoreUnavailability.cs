using Microsoft.Extensions.Logging;

namespace Flasky.Core.Storage;

/// <summary>
/// Which failures of a store's service mean "unavailable" — the caller gets a 503 with Retry-After and may retry —
/// and which propagate (a 500). Every store shares the transport part: the service out of reach
/// (<see cref="HttpRequestException"/>) and a timeout that is not the caller's own cancellation (the caller's
/// cancellation always propagates). Each store builds one with its name and what its SDK reports: throttling and
/// server-side failures (with the service's retry hint), and wrapper exceptions to look inside.
/// </summary>
public sealed partial class StoreUnavailability
{
    private readonly string _storeName;
    private readonly Func<Exception, ServiceFailure> _classify;
    private readonly Func<Exception, string?> _status;

    /// <param name="storeName">The service's name in messages and logs (e.g. <c>Cosmos DB</c>).</param>
    /// <param name="classify">What the store's SDK says about one exception; checked before the shared part.</param>
    /// <param name="status">The service's status for the log (an HTTP status, a gRPC status), or null.</param>
    public StoreUnavailability(string storeName, Func<Exception, ServiceFailure> classify, Func<Exception, string?> status)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeName);
        ArgumentNullException.ThrowIfNull(classify);
        ArgumentNullException.ThrowIfNull(status);
        _storeName = storeName;
        _classify = classify;
        _status = status;
    }

    /// <summary>Whether <paramref name="exception"/> means the store is unavailable, and the service's retry hint if it gave one.</summary>
    /// <param name="exception">The failure of a call to the service.</param>
    /// <param name="callerToken">The caller's token: a cancellation it requested is never an unavailability.</param>
    /// <param name="retryAfter">The service's retry hint, when it gave one.</param>
    public bool IsUnavailable(Exception exception, CancellationToken callerToken, out TimeSpan? retryAfter)
    {
        ArgumentNullException.ThrowIfNull(exception);
        retryAfter = null;
        var failure = _classify(exception);
        if (failure.IsUnavailable)
        {
            retryAfter = failure.RetryAfter;
            return true;
        }

        switch (exception)
        {
            case HttpRequestException:
                // Connection refused or reset, DNS, TLS: the service is out of reach.
                return true;
            case OperationCanceledException when !callerToken.IsCancellationRequested:
                // The SDK's or HttpClient's own timeouts and the store's operation timeout.
                return true;
            default:
                return failure.Inner is { } inner && IsUnavailable(inner, callerToken, out retryAfter);
        }
    }

    /// <summary>Logs the failure (its type and the service's status, never its message) and returns the exception to throw.</summary>
    public CandidateStoreUnavailableException Exception(ILogger logger, string operation, TimeSpan? retryAfter, Exception inner)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(inner);
        LogUnavailable(logger, _storeName, operation, inner.GetType().Name, _status(inner));
        return new CandidateStoreUnavailableException($"{_storeName} is unavailable ({operation}).", retryAfter, inner);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Store} {Operation} failed as unavailable: {ExceptionType} {Status}")]
    private static partial void LogUnavailable(ILogger logger, string store, string operation, string exceptionType, string? status);
}

/// <summary>What a store's SDK says about one failure.</summary>
public readonly record struct ServiceFailure
{
    private ServiceFailure(bool isUnavailable, TimeSpan? retryAfter, Exception? inner)
    {
        IsUnavailable = isUnavailable;
        RetryAfter = retryAfter;
        Inner = inner;
    }

    /// <summary>Nothing the store knows of: the shared rule decides.</summary>
    public static ServiceFailure Unknown => default;

    /// <summary>The service is unavailable (throttling, a server-side failure), with its retry hint if it gave one.</summary>
    public static ServiceFailure Unavailable(TimeSpan? retryAfter = null) => new(true, retryAfter, null);

    /// <summary>A wrapper whose cause decides, when the shared rule does not recognise the wrapper itself.</summary>
    public static ServiceFailure Wrapping(Exception inner) => new(false, null, inner ?? throw new ArgumentNullException(nameof(inner)));

    public bool IsUnavailable { get; }

    public TimeSpan? RetryAfter { get; }

    public Exception? Inner { get; }
}
