using System.Security.Cryptography;
using System.Text;
using Flasky.Core.Names;

namespace Flasky.Core.Storage;

/// <summary>A thread-safe store in memory: for tests, and for running the API with no database at all.</summary>
public sealed class InMemoryCandidateStore : ICandidateStore
{
    private const string ContinuationPrefix = "mem1:";

    private readonly SortedList<string, Candidate> _items = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    // Signs this instance's continuations, so that a well-formed token it did not issue is rejected as the interface
    // promises (a token is the last name of a page, which anyone could otherwise write).
    private readonly byte[] _tokenKey = RandomNumberGenerator.GetBytes(32);

    public Task<Candidate?> GetAsync(CandidateName name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_lock)
        {
            return Task.FromResult(_items.GetValueOrDefault(name.Value));
        }
    }

    public Task UpsertAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        lock (_lock)
        {
            _items[candidate.Name.Value] = candidate;
        }

        return Task.CompletedTask;
    }

    public Task<CandidatePage> ListAsync(string? continuation, int maxItems, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        var after = continuation is null ? null : DecodeContinuation(continuation);
        lock (_lock)
        {
            var start = after is null ? 0 : FirstIndexAfter(after);
            var end = Math.Min(start + maxItems, _items.Count);
            var page = new List<Candidate>(end - start);
            for (var i = start; i < end; i++)
            {
                page.Add(_items.Values[i]);
            }

            var hasMore = end < _items.Count;
            var next = hasMore ? EncodeContinuation(page[^1].Name.Value) : null;
            return Task.FromResult(new CandidatePage(page, next));
        }
    }

    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private int FirstIndexAfter(string key)
    {
        int low = 0, high = _items.Count;
        while (low < high)
        {
            var mid = low + ((high - low) / 2);
            if (string.CompareOrdinal(_items.Keys[mid], key) <= 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    private string EncodeContinuation(string lastName)
    {
        var payload = Encoding.UTF8.GetBytes(lastName);
        return ContinuationPrefix + Convert.ToBase64String(payload) + "." + Convert.ToBase64String(HMACSHA256.HashData(_tokenKey, payload));
    }

    private string DecodeContinuation(string continuation)
    {
        if (!continuation.StartsWith(ContinuationPrefix, StringComparison.Ordinal))
        {
            throw new InvalidContinuationException("The continuation was not issued by this store.");
        }

        var parts = continuation[ContinuationPrefix.Length..].Split('.');
        byte[] payload, signature;
        try
        {
            if (parts.Length != 2)
            {
                throw new FormatException("A continuation has two parts.");
            }

            payload = Convert.FromBase64String(parts[0]);
            signature = Convert.FromBase64String(parts[1]);
        }
        catch (FormatException ex)
        {
            throw new InvalidContinuationException("The continuation is malformed.", ex);
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_tokenKey, payload)))
        {
            throw new InvalidContinuationException("The continuation was not issued by this store.");
        }

        return Encoding.UTF8.GetString(payload);
    }
}
