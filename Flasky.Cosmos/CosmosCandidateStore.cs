using System.Net;
using System.Text.Json;
using Flasky.Core.Names;
using Flasky.Core.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flasky.Cosmos;

/// <summary>
/// Candidates in an Azure Cosmos DB (NoSQL API) container laid out as the seed left it: partition key
/// <c>/CandidateName</c>, one item per candidate, <c>id</c> = the name where that is safe (see <see cref="CosmosItemId"/>).
/// </summary>
/// <remarks>
/// Only the SDK's stream APIs are used: a missing item is a 404 response rather than an exception (misses are common:
/// every POST of a new name and every fallback lookup), the payload goes straight into System.Text.Json without the
/// SDK's Newtonsoft serializer, and the store keeps the item's JSON exactly as written. The store never creates
/// databases or containers: in Azure its identity has data-plane rights only.
/// </remarks>
public sealed partial class CosmosCandidateStore : ICandidateStore
{
    private const string ContinuationPrefix = "cosmos1:";

    private static readonly StoreUnavailability Unavailability =
        new("Cosmos DB", ClassifyFailure, exception => (exception as CosmosException)?.StatusCode.ToString());

    private readonly Container _container;
    private readonly TimeSpan _operationTimeout;
    private readonly ILogger _logger;

    /// <param name="container">The candidates container.</param>
    /// <param name="operationTimeout">
    /// An upper bound on one store call, SDK retries included; hitting it means the store is unavailable.
    /// </param>
    /// <param name="logger">Where the store reports degraded operation.</param>
    public CosmosCandidateStore(Container container, TimeSpan operationTimeout, ILogger<CosmosCandidateStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(operationTimeout, TimeSpan.Zero);
        _container = container;
        _operationTimeout = operationTimeout;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public async Task<Candidate?> GetAsync(CandidateName name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var timeout = StartTimeout(cancellationToken);
        try
        {
            var id = CosmosItemId.For(name);
            var partitionKey = new PartitionKey(name.Value);
            using (var response = await _container.ReadItemStreamAsync(id, partitionKey, cancellationToken: timeout.Token).ConfigureAwait(false))
            {
                if (response.StatusCode != HttpStatusCode.NotFound)
                {
                    response.EnsureSuccessStatusCode();
                    using var document = await JsonDocument.ParseAsync(response.Content, cancellationToken: timeout.Token).ConfigureAwait(false);
                    return CandidateDocument.Read(document.RootElement);
                }
            }

            if (id == name.Value)
            {
                return null;
            }

            // The seed may have stored this name under its plain id, which point reads can't address (or we avoid).
            var legacy = await FindByNameAsync(name, exceptId: null, timeout.Token).ConfigureAwait(false);
            if (legacy is not null)
            {
                LogLegacyItemFound(_logger);
            }

            return legacy is null ? null : CandidateDocument.Read(legacy.Value);
        }
        catch (Exception ex) when (Unavailability.IsUnavailable(ex, cancellationToken, out var retryAfter))
        {
            throw Unavailability.Exception(_logger, "read", retryAfter, ex);
        }
    }

    public async Task UpsertAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        using var timeout = StartTimeout(cancellationToken);
        try
        {
            var partitionKey = new PartitionKey(candidate.Name.Value);
            var encodedId = CosmosItemId.For(candidate.Name);
            var id = encodedId;
            if (encodedId != candidate.Name.Value)
            {
                // Keep updating an item the seed wrote under the plain name instead of adding a second item for the
                // same candidate (listing would show it twice). An upsert carries the id in its body, not its URL, so
                // even ids that point reads can't address are fine here. The lookup ignores our own encoded item, so
                // that every writer picks the same target whichever item a query happens to return first.
                var legacy = await FindByNameAsync(candidate.Name, encodedId, timeout.Token).ConfigureAwait(false);
                if (legacy is { } item && item.TryGetProperty(CandidateDocument.IdProperty, out var legacyId)
                    && legacyId.ValueKind == JsonValueKind.String)
                {
                    id = legacyId.GetString()!;
                }
            }

            using (var body = CandidateDocument.Write(id, candidate))
            using (var response = await _container.UpsertItemStreamAsync(body, partitionKey, cancellationToken: timeout.Token).ConfigureAwait(false))
            {
                response.EnsureSuccessStatusCode();
            }

            if (id != encodedId)
            {
                // The query-then-upsert is not atomic: a seed writer (plain id) racing one of ours (encoded id) can
                // leave both items. The plain one won above; remove ours, so one item is left after this write.
                // Deleting by the encoded id is safe: it is URL-safe by construction, unlike the plain id.
                using var deleted = await _container.DeleteItemStreamAsync(encodedId, partitionKey, cancellationToken: timeout.Token).ConfigureAwait(false);
                if (deleted.StatusCode != HttpStatusCode.NotFound)
                {
                    deleted.EnsureSuccessStatusCode();
                    LogDuplicateMerged(_logger);
                }
            }
        }
        catch (Exception ex) when (Unavailability.IsUnavailable(ex, cancellationToken, out var retryAfter))
        {
            throw Unavailability.Exception(_logger, "upsert", retryAfter, ex);
        }
    }

    public async Task<CandidatePage> ListAsync(string? continuation, int maxItems, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        var cosmosContinuation = continuation is null ? null : UnwrapContinuation(continuation);
        using var timeout = StartTimeout(cancellationToken);
        try
        {
            var options = new QueryRequestOptions { MaxItemCount = maxItems };
            using var iterator = _container.GetItemQueryStreamIterator(new QueryDefinition("SELECT * FROM c"), cosmosContinuation, options);
            var items = new List<Candidate>();

            // A cross-partition page may come back empty with a continuation; keep going until something arrives.
            while (iterator.HasMoreResults)
            {
                using var response = await iterator.ReadNextAsync(timeout.Token).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.BadRequest && cosmosContinuation is not null)
                {
                    throw new InvalidContinuationException("Cosmos DB rejected the continuation.");
                }

                response.EnsureSuccessStatusCode();
                using var document = await JsonDocument.ParseAsync(response.Content, cancellationToken: timeout.Token).ConfigureAwait(false);
                var documents = document.RootElement.GetProperty("Documents");
                if (documents.GetArrayLength() > maxItems - items.Count)
                {
                    // Dropping the surplus would lose candidates: the continuation points past them.
                    throw new InvalidOperationException($"Cosmos DB returned more than the {maxItems} items asked for.");
                }

                foreach (var item in documents.EnumerateArray())
                {
                    if (CandidateDocument.Read(item) is { } candidate)
                    {
                        items.Add(candidate);
                    }
                    else
                    {
                        // Not a candidate (no valid name): only another writer puts such an item here. Skipping it
                        // would be a silent drop, so the listing fails and the log says which item to repair.
                        var itemId = item.TryGetProperty(CandidateDocument.IdProperty, out var idElement) ? idElement.ToString() : "(no id)";
                        LogItemWithoutValidName(_logger, itemId);
                        throw new InvalidStoredCandidateException($"The Cosmos DB item '{itemId}' has no valid CandidateName.");
                    }
                }

                cosmosContinuation = response.ContinuationToken;
                if (items.Count > 0 || cosmosContinuation is null)
                {
                    break;
                }
            }

            return new CandidatePage(items, cosmosContinuation is null ? null : ContinuationPrefix + cosmosContinuation);
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.BadRequest && continuation is not null)
        {
            throw new InvalidContinuationException("Cosmos DB rejected the continuation.", ex);
        }
        catch (Exception ex) when (Unavailability.IsUnavailable(ex, cancellationToken, out var retryAfter))
        {
            throw Unavailability.Exception(_logger, "query", retryAfter, ex);
        }
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        using var timeout = StartTimeout(cancellationToken);
        try
        {
            // Reading the container's properties needs only the data-plane readMetadata right and checks that the
            // account, the database and the container all answer.
            using var response = await _container.ReadContainerStreamAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new CandidateStoreUnavailableException("The Cosmos DB container does not exist.");
            }

            response.EnsureSuccessStatusCode();
        }
        catch (Exception ex) when (Unavailability.IsUnavailable(ex, cancellationToken, out var retryAfter))
        {
            throw Unavailability.Exception(_logger, "ping", retryAfter, ex);
        }
    }

    /// <summary>The item in the name's partition with this name and not <paramref name="exceptId"/>, found by query: one round trip.</summary>
    private async Task<JsonElement?> FindByNameAsync(CandidateName name, string? exceptId, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.CandidateName = @name AND c.id != @except")
            .WithParameter("@name", name.Value)
            .WithParameter("@except", exceptId ?? string.Empty);
        var options = new QueryRequestOptions { PartitionKey = new PartitionKey(name.Value), MaxItemCount = 1 };
        using var iterator = _container.GetItemQueryStreamIterator(query, continuationToken: null, options);
        while (iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync(cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            using var document = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var item in document.RootElement.GetProperty("Documents").EnumerateArray())
            {
                return item.Clone();
            }
        }

        return null;
    }

    private CancellationTokenSource StartTimeout(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(_operationTimeout);
        return source;
    }

    private static string UnwrapContinuation(string continuation)
    {
        // Cosmos's own tokens are JSON; anything else, or anything without our prefix, was not issued here.
        if (!continuation.StartsWith(ContinuationPrefix, StringComparison.Ordinal))
        {
            throw new InvalidContinuationException("The continuation was not issued by this store.");
        }

        var token = continuation[ContinuationPrefix.Length..];
        try
        {
            using var _ = JsonDocument.Parse(token);
        }
        catch (JsonException ex)
        {
            throw new InvalidContinuationException("The continuation is malformed.", ex);
        }

        return token;
    }

    private static ServiceFailure ClassifyFailure(Exception exception) => exception switch
    {
        CosmosException cosmos when cosmos.StatusCode is HttpStatusCode.TooManyRequests
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.RequestTimeout or HttpStatusCode.GatewayTimeout =>
            ServiceFailure.Unavailable(cosmos.RetryAfter),
        _ => ServiceFailure.Unknown,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Merged a duplicate item: a seed-written item and an encoded one held the same candidate")]
    private static partial void LogDuplicateMerged(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Found a candidate under its plain-name id by query")]
    private static partial void LogLegacyItemFound(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cosmos DB item {ItemId} has no valid CandidateName: listing fails until it is repaired")]
    private static partial void LogItemWithoutValidName(ILogger logger, string itemId);
}
