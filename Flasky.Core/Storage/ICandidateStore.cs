using Flasky.Core.Names;

namespace Flasky.Core.Storage;

/// <summary>
/// The one storage abstraction every cloud implements. Implementations translate their SDK's failures into
/// <see cref="CandidateStoreUnavailableException"/> (unreachable, throttled, timed out: the caller may retry)
/// or let anything else propagate (a 500 for the caller).
/// </summary>
public interface ICandidateStore
{
    /// <summary>The candidate with exactly this (NFC) name, or null.</summary>
    Task<Candidate?> GetAsync(CandidateName name, CancellationToken cancellationToken);

    /// <summary>Adds the candidate or replaces all of its attributes.</summary>
    Task UpsertAsync(Candidate candidate, CancellationToken cancellationToken);

    /// <summary>
    /// One page of at most <paramref name="maxItems"/> candidates, in any stable order. A null continuation starts
    /// at the beginning; the page's continuation is null when there is nothing after it. A continuation this store
    /// did not issue throws <see cref="InvalidContinuationException"/>.
    /// </summary>
    Task<CandidatePage> ListAsync(string? continuation, int maxItems, CancellationToken cancellationToken);

    /// <summary>Completes when the store answers a real round trip; throws when it does not.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}

public sealed record CandidatePage(IReadOnlyList<Candidate> Items, string? Continuation);

/// <summary>The store can't serve the request now (down, throttling, timing out); retrying later may work.</summary>
public sealed class CandidateStoreUnavailableException : Exception
{
    public CandidateStoreUnavailableException()
    {
    }

    public CandidateStoreUnavailableException(string message)
        : base(message)
    {
    }

    public CandidateStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CandidateStoreUnavailableException(string message, TimeSpan? retryAfter, Exception? innerException)
        : base(message, innerException)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>The store's own hint, when it gave one.</summary>
    public TimeSpan? RetryAfter { get; }
}

/// <summary>A continuation token that the store did not issue or can no longer honour.</summary>
public sealed class InvalidContinuationException : Exception
{
    public InvalidContinuationException()
    {
    }

    public InvalidContinuationException(string message)
        : base(message)
    {
    }

    public InvalidContinuationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
