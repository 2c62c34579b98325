using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Flasky.Core.Names;
using Flasky.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flasky.DynamoDb;

/// <summary>
/// Candidates in an Amazon DynamoDB table laid out as the seed left it: hash key <c>CandidateName</c> (S), one item
/// per candidate, attributes as native DynamoDB values (see <see cref="CandidateItem"/>).
/// </summary>
/// <remarks>
/// Reads are strongly consistent (<c>GetItem</c> and <c>Scan</c> with <c>ConsistentRead</c>): a candidate that was
/// just written is found and listed, at twice the read cost. Listing pages with <c>Scan</c> and follows
/// <c>LastEvaluatedKey</c> to the end (the seed ignored it and lost a quarter of its items). The store never creates
/// the table: in AWS its role may only <c>GetItem</c>, <c>PutItem</c>, <c>Scan</c> and <c>DescribeTable</c>.
/// </remarks>
public sealed partial class DynamoDbCandidateStore : ICandidateStore
{
    /// <summary>The spans of every store call (a host adds this source to its tracing; the SDK's HTTP calls nest below).</summary>
    public const string ActivitySourceName = "Flasky.DynamoDb";

    private const string ContinuationPrefix = "ddb1.";

    /// <summary>Throttling clears within a second or so in DynamoDB (capacity is per second); a hint for the caller.</summary>
    private static readonly TimeSpan ThrottledRetryAfter = TimeSpan.FromSeconds(1);

    private static readonly ActivitySource Source = new(ActivitySourceName);

    private static readonly StoreUnavailability Unavailability =
        new("DynamoDB", ClassifyFailure, exception => (exception as AmazonServiceException)?.StatusCode.ToString());

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly IAmazonDynamoDB _client;
    private readonly string _tableName;
    private readonly TimeSpan _operationTimeout;
    private readonly ILogger _logger;

    /// <param name="client">A shared client (see <see cref="DynamoDbClientFactory"/>).</param>
    /// <param name="tableName">The candidates table.</param>
    /// <param name="operationTimeout">
    /// An upper bound on one store call, SDK retries included; hitting it means the store is unavailable.
    /// </param>
    /// <param name="logger">Where the store reports degraded operation.</param>
    public DynamoDbCandidateStore(IAmazonDynamoDB client, string tableName, TimeSpan operationTimeout, ILogger<DynamoDbCandidateStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(operationTimeout, TimeSpan.Zero);
        _client = client;
        _tableName = tableName;
        _operationTimeout = operationTimeout;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public async Task<Candidate?> GetAsync(CandidateName name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var activity = StartActivity("GetItem");
        using var timeout = StartTimeout(cancellationToken);
        try
        {
            var response = await _client.GetItemAsync(
                new GetItemRequest { TableName = _tableName, Key = CandidateItem.Key(name.Value), ConsistentRead = true },
                timeout.Token).ConfigureAwait(false);

            // SDK 4.x: a miss is a null (not empty) Item.
            return response.Item is { Count: > 0 } item ? CandidateItem.FromItem(item) : null;
        }
        catch (Exception ex) when (Unavailability.IsUnavailable(ex, cancellationToken, out var retryAfter))
        {
            throw Unavailable(activity, "GetItem", retryAfter, ex);
        }
    }

    public async Task UpsertAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var item = CandidateItem.ToItem(candidate);
        using var activity = StartActivity("PutItem");
        using var timeout = StartTimeout(cancellationToken);
        try
        {
            // A put replaces the whole item: exactly "replace all attributes", and concurrent puts of one name leave
            // one item holding one of them (the last one DynamoDB applied).
            await _client.PutItemAsync(new PutItemRequest { TableName = _tableName, Item = item }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (Unavailability.IsUnavailable(ex, cancellationToken, out var retryAfter))
        {
            throw Unavailable(activity, "PutItem", retryAfter, ex);
        }
    }

    public async Task<CandidatePage> ListAsync(string? continuation, int maxItems, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        var startAfter = continuation is null ? null : UnwrapContinuation(continuation);
        using var activity = StartActivity("Scan");
        using var timeout = StartTimeout(cancellationToken);
        try
        {
            if (startAfter is not null)
            {
                await EnsureIssuedAsync(startAfter, timeout.Token).ConfigureAwait(false);
            }

            var exclusiveStartKey = startAfter is null ? null : CandidateItem.Key(startAfter);
            for (; ; )
            {
                // One more than asked for: if it arrives, the page ends at an item we return and the continuation is
                // that item's key, so a walk never ends on an empty page. Without a filter every evaluated item is
                // returned, so Limit bounds the page; the 1 MB response limit may end a page early (with a key).
                var response = await _client.ScanAsync(new ScanRequest
                {
                    TableName = _tableName,
                    Limit = Math.Min(maxItems, int.MaxValue - 1) + 1,
                    ExclusiveStartKey = exclusiveStartKey,
                    ConsistentRead = true,
                }, timeout.Token).ConfigureAwait(false);

                var items = response.Items ?? [];
                var lastEvaluated = response.LastEvaluatedKey is { Count: > 0 } key ? key : null;
                if (items.Count == 0 && lastEvaluated is not null)
                {
                    exclusiveStartKey = lastEvaluated;
                    continue;
                }

                var page = items.Count > maxItems ? items.GetRange(0, maxItems) : items;
                var candidates = new List<Candidate>(page.Count);
                foreach (var item in page)
                {
                    candidates.Add(CandidateItem.FromItem(item) ?? throw InvalidStoredItem(item));
                }

                string? next = items.Count > maxItems
                    ? CandidateItem.StoredName(page[^1])
                    : lastEvaluated is null ? null : CandidateItem.StoredName(lastEvaluated);
                activity?.SetTag("flasky.page.items", candidates.Count);
                return new CandidatePage(candidates, next is null ? null : WrapContinuation(next));
            }
        }
        catch (Exception ex) when (Unavailability.IsUnavailable(ex, cancellationToken, out var retryAfter))
        {
            throw Unavailable(activity, "Scan", retryAfter, ex);
        }
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        using var activity = StartActivity("DescribeTable");
        using var timeout = StartTimeout(cancellationToken);
        try
        {
            var response = await _client.DescribeTableAsync(new DescribeTableRequest { TableName = _tableName }, timeout.Token)
                .ConfigureAwait(false);
            var status = response.Table?.TableStatus;
            if (status != TableStatus.ACTIVE && status != TableStatus.UPDATING)
            {
                throw new CandidateStoreUnavailableException($"The DynamoDB table is {status?.Value ?? "unknown"}.");
            }
        }
        catch (Exception ex) when (Unavailability.IsUnavailable(ex, cancellationToken, out var retryAfter))
        {
            throw Unavailable(activity, "DescribeTable", retryAfter, ex);
        }
    }

    /// <summary>
    /// DynamoDB resumes a scan after any key, existing or not, so a well-formed but forged token would silently start
    /// a listing somewhere arbitrary. Every token this store issues names an item it listed (items are never deleted
    /// through the API), so a token whose item does not exist was not issued here. One key-only read per page.
    /// </summary>
    private async Task EnsureIssuedAsync(string storedName, CancellationToken cancellationToken)
    {
        var response = await _client.GetItemAsync(new GetItemRequest
        {
            TableName = _tableName,
            Key = CandidateItem.Key(storedName),
            ProjectionExpression = "#k",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#k"] = CandidateItem.KeyAttribute },
        }, cancellationToken).ConfigureAwait(false);
        if (response.Item is not { Count: > 0 })
        {
            throw new InvalidContinuationException("The continuation names no item of this table.");
        }
    }

    private static string WrapContinuation(string storedName) =>
        ContinuationPrefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(storedName));

    /// <summary>The stored name a continuation resumes after; the structure is checked strictly before DynamoDB sees it.</summary>
    private static string UnwrapContinuation(string continuation)
    {
        if (!continuation.StartsWith(ContinuationPrefix, StringComparison.Ordinal))
        {
            throw new InvalidContinuationException("The continuation was not issued by this store.");
        }

        // Exactly the unpadded alphabet this store writes: the decoder alone would also take padding and whitespace.
        var payload = continuation.AsSpan(ContinuationPrefix.Length);
        if (payload.IsEmpty || payload.ContainsAnyExcept(Base64UrlAlphabet)
            || !Base64Url.IsValid(payload, out var length) || length > CandidateItem.MaxKeyBytes)
        {
            throw new InvalidContinuationException("The continuation is malformed.");
        }

        try
        {
            return StrictUtf8.GetString(Base64Url.DecodeFromChars(payload));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            throw new InvalidContinuationException("The continuation is malformed.", ex);
        }
    }

    private static Activity? StartActivity(string operation)
    {
        var activity = Source.StartActivity($"DynamoDB.{operation}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            // OpenTelemetry's semantic conventions for AWS SDK / DynamoDB client spans.
            activity.SetTag("rpc.system", "aws-api");
            activity.SetTag("rpc.service", "DynamoDB");
            activity.SetTag("rpc.method", operation);
            activity.SetTag("db.system.name", "aws.dynamodb");
            activity.SetTag("db.operation.name", operation);
        }

        return activity;
    }

    private CancellationTokenSource StartTimeout(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(_operationTimeout);
        return source;
    }

    private static ServiceFailure ClassifyFailure(Exception exception) => exception switch
    {
        ProvisionedThroughputExceededException or RequestLimitExceededException or ThrottlingException
            or AmazonServiceException { ErrorCode: "ThrottlingException" or "TooManyRequestsException" or "RequestThrottled" } =>
            ServiceFailure.Unavailable(ThrottledRetryAfter),

        // The table is missing (a restarted DynamoDB Local before its table is back, or a broken deployment).
        ResourceNotFoundException => ServiceFailure.Unavailable(),
        AmazonServiceException service when (int)service.StatusCode >= 500 => ServiceFailure.Unavailable(),
        IOException or SocketException or TimeoutException => ServiceFailure.Unavailable(),

        // The SDK wraps connection failures (refused, reset, DNS) after its retries.
        AmazonClientException or AmazonServiceException when exception.InnerException is { } inner => ServiceFailure.Wrapping(inner),
        _ => ServiceFailure.Unknown,
    };

    private CandidateStoreUnavailableException Unavailable(Activity? activity, string operation, TimeSpan? retryAfter, Exception inner)
    {
        activity?.SetStatus(ActivityStatusCode.Error, inner.GetType().Name);
        return Unavailability.Exception(_logger, operation, retryAfter, inner);
    }

    private InvalidStoredCandidateException InvalidStoredItem(Dictionary<string, AttributeValue> item)
    {
        // Skipping it would drop a candidate from the listing without a trace; failing names it in the log.
        var storedName = CandidateItem.StoredName(item);
        LogInvalidStoredItem(_logger, storedName is null ? "(no string CandidateName)" : Escape(storedName));
        return new InvalidStoredCandidateException("The table holds an item whose CandidateName is not a valid candidate name.");
    }

    private static string Escape(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    [LoggerMessage(Level = LogLevel.Error, Message = "Listing stopped at an item whose CandidateName is not a valid name: {StoredName}")]
    private static partial void LogInvalidStoredItem(ILogger logger, string storedName);
}
