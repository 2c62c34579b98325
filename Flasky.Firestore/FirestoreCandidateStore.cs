using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Flasky.Core.Names;
using Flasky.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flasky.Firestore;

/// <summary>
/// Candidates in a Firestore (Native mode) collection laid out as the seed left it: one document per candidate, the
/// name as document id where Firestore allows it (see <see cref="FirestoreDocumentId"/>), fields <c>CandidateName</c>
/// + the attributes as typed values (see <see cref="FirestoreValues"/>). Spoken over the REST API (v1).
/// </summary>
/// <remarks>
/// Listing is an ordered query (by document name) with a cursor, not <c>pageSize</c>/<c>pageToken</c>: the cursor is
/// ours, so a page size may change between pages, a continuation may be replayed, no trailing empty page is needed
/// (the query asks for one document more than the page), and a continuation this store did not issue is recognised —
/// it names the last document of the previous page with that document's creation time, and the next query starts
/// at that document, so the first result must be exactly it. The emulator accepts forged <c>pageToken</c>s.
/// </remarks>
public sealed partial class FirestoreCandidateStore : ICandidateStore
{
    private const string ContinuationPrefix = "fs1.";

    private static readonly StoreUnavailability Unavailability =
        new("Firestore", ClassifyFailure, exception => (exception as FirestoreRequestException)?.Status);

    private static readonly UriCreationOptions VerbatimPath = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private readonly HttpClient _http;
    private readonly FirestoreStoreOptions _options;
    private readonly ILogger _logger;
    private readonly string _databaseName;
    private readonly string _collectionPrefix;
    private readonly string _documentsUrl;
    private readonly string _collectionUrl;

    /// <param name="http">A client whose handler authorises requests (see <see cref="FirestoreServiceCollectionExtensions"/>).</param>
    /// <param name="options">The database and collection, and the operation timeout.</param>
    /// <param name="logger">Where the store reports degraded operation.</param>
    public FirestoreCandidateStore(HttpClient http, FirestoreStoreOptions options, ILogger<FirestoreCandidateStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.OperationTimeout, TimeSpan.Zero);
        _http = http;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _databaseName = $"projects/{options.ProjectId}/databases/{options.Database}";
        _collectionPrefix = $"{_databaseName}/documents/{options.Collection}/";
        _documentsUrl = options.Endpoint.AbsoluteUri
            + $"v1/projects/{Segment(options.ProjectId)}/databases/{Segment(options.Database)}/documents";
        _collectionUrl = $"{_documentsUrl}/{Segment(options.Collection)}";
    }

    public async Task<Candidate?> GetAsync(CandidateName name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var timeout = StartTimeout(cancellationToken);
        try
        {
            var id = FirestoreDocumentId.Rule.IdFor(name);
            if (id == name.Value || !IsFirestoreId(name.Value))
            {
                using var document = await GetDocumentAsync(id, timeout.Token).ConfigureAwait(false);
                return document is null ? null : ReadCandidate(document.RootElement);
            }

            // The seed stored every name under its plain id; the ones Firestore allows are still found, in the same
            // round trip as our own id. The seed's document wins: upserts keep updating it (see UpsertAsync).
            var body = Json(writer =>
            {
                writer.WriteStartObject();
                writer.WriteStartArray("documents");
                writer.WriteStringValue(_collectionPrefix + name.Value);
                writer.WriteStringValue(_collectionPrefix + id);
                writer.WriteEndArray();
                writer.WriteEndObject();
            });
            using var response = await SendAsync(HttpMethod.Post, _documentsUrl + ":batchGet", body, "read", timeout.Token).ConfigureAwait(false);
            using var results = await ReadJsonAsync(response, timeout.Token).ConfigureAwait(false);
            JsonElement? seed = null, ours = null;
            foreach (var result in results.RootElement.EnumerateArray())
            {
                if (result.TryGetProperty("found", out var found))
                {
                    var documentId = IdOf(found);
                    if (documentId == name.Value)
                    {
                        seed = found;
                    }
                    else if (documentId == id)
                    {
                        ours = found;
                    }
                }
            }

            if (seed is not null)
            {
                LogSeedDocumentFound(_logger);
            }

            return seed is { } document1 ? ReadCandidate(document1) : ours is { } document2 ? ReadCandidate(document2) : null;
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
            var id = FirestoreDocumentId.Rule.IdFor(candidate.Name);
            if (id != candidate.Name.Value && IsFirestoreId(candidate.Name.Value))
            {
                // Keep updating a document the seed wrote under the plain name instead of adding a second document
                // for the same candidate (listing would show it twice).
                using var seed = await GetDocumentAsync(candidate.Name.Value, timeout.Token).ConfigureAwait(false);
                if (seed is not null)
                {
                    id = candidate.Name.Value;
                }
            }

            var body = Json(writer =>
            {
                writer.WriteStartObject();
                writer.WritePropertyName("fields");
                WriteDocumentFields(writer, candidate);
                writer.WriteEndObject();
            });

            // PATCH without updateMask replaces the whole document, creating it if needed: an upsert in one request.
            // The mask only trims the response, which the store doesn't need.
            var url = $"{_collectionUrl}/{DocumentSegment(id)}?mask.fieldPaths={Candidate.NameProperty}";
            using var response = await SendAsync(HttpMethod.Patch, url, body, "upsert", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (Unavailability.IsUnavailable(ex, cancellationToken, out var retryAfter))
        {
            throw Unavailability.Exception(_logger, "upsert", retryAfter, ex);
        }
    }

    public async Task<CandidatePage> ListAsync(string? continuation, int maxItems, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        var cursor = continuation is null ? null : Cursor.Parse(continuation);
        using var timeout = StartTimeout(cancellationToken);
        try
        {
            var items = new List<Candidate>(Math.Min(maxItems, 100));
            while (true)
            {
                var documents = await QueryAsync(cursor, maxItems - items.Count + 1, timeout.Token).ConfigureAwait(false);
                var hasMore = documents.Count > maxItems - items.Count;
                if (hasMore)
                {
                    documents.RemoveAt(documents.Count - 1);
                }

                foreach (var document in documents)
                {
                    // A document another writer left without a valid name fails the listing (api-contract.md, Listing):
                    // skipping it would be a silently short list.
                    items.Add(ReadCandidate(document) ?? throw InvalidStoredDocument(IdOf(document)));
                }

                cursor = documents.Count > 0 ? Cursor.After(IdOf(documents[^1]), documents[^1]) : cursor;
                if (!hasMore)
                {
                    return new CandidatePage(items, null);
                }

                if (items.Count > 0)
                {
                    return new CandidatePage(items, cursor!.ToContinuation());
                }
            }
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
            // A real read of the collection: checks the endpoint, the credentials, the database and the data-plane
            // permission in one request of a single (masked) document at most.
            var url = $"{_collectionUrl}?pageSize=1&mask.fieldPaths={Candidate.NameProperty}";
            using var response = await SendAsync(HttpMethod.Get, url, content: null, "ping", timeout.Token).ConfigureAwait(false);
        }
        catch (FirestoreRequestException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // No such database (a collection itself always "exists").
            throw Unavailability.Exception(_logger, "ping", null, ex);
        }
        catch (Exception ex) when (Unavailability.IsUnavailable(ex, cancellationToken, out var retryAfter))
        {
            throw Unavailability.Exception(_logger, "ping", retryAfter, ex);
        }
    }

    /// <summary>Up to <paramref name="limit"/> documents after the cursor, in document-name order.</summary>
    private async Task<List<JsonElement>> QueryAsync(Cursor? cursor, int limit, CancellationToken cancellationToken)
    {
        var body = Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("structuredQuery");
            writer.WriteStartArray("from");
            writer.WriteStartObject();
            writer.WriteString("collectionId", _options.Collection);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteStartArray("orderBy");
            writer.WriteStartObject();
            writer.WriteStartObject("field");
            writer.WriteString("fieldPath", "__name__");
            writer.WriteEndObject();
            writer.WriteString("direction", "ASCENDING");
            writer.WriteEndObject();
            writer.WriteEndArray();
            if (cursor is not null)
            {
                // Start *at* the cursor's document (before: true), so the first result proves the cursor genuine.
                writer.WriteStartObject("startAt");
                writer.WriteStartArray("values");
                writer.WriteStartObject();
                writer.WriteString("referenceValue", _collectionPrefix + cursor.DocumentId);
                writer.WriteEndObject();
                writer.WriteEndArray();
                writer.WriteBoolean("before", true);
                writer.WriteEndObject();
            }

            writer.WriteNumber("limit", limit + (cursor is null ? 0 : 1));
            writer.WriteEndObject();
            writer.WriteEndObject();
        });

        using var response = await SendAsync(HttpMethod.Post, _documentsUrl + ":runQuery", body, "query", cancellationToken).ConfigureAwait(false);
        using var results = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        var documents = new List<JsonElement>();
        foreach (var result in results.RootElement.EnumerateArray())
        {
            // Results without a document only report progress (readTime, skippedResults).
            if (result.TryGetProperty("document", out var document))
            {
                documents.Add(document.Clone());
            }
        }

        if (cursor is not null)
        {
            if (documents.Count == 0 || IdOf(documents[0]) != cursor.DocumentId || CreateTimeOf(documents[0]) != cursor.CreateTime)
            {
                throw new InvalidContinuationException("The continuation was not issued by this store.");
            }

            documents.RemoveAt(0);
        }

        return documents;
    }

    /// <summary>The document, or null when it does not exist.</summary>
    private async Task<JsonDocument?> GetDocumentAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(HttpMethod.Get, $"{_collectionUrl}/{DocumentSegment(id)}", content: null, "read", cancellationToken)
                .ConfigureAwait(false);
            return await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch (FirestoreRequestException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string url, byte[]? content, string operation, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, in VerbatimPath));
        if (content is not null)
        {
            request.Content = new ByteArrayContent(content);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await FirestoreRequestException.FromResponseAsync(response, operation, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static void WriteDocumentFields(Utf8JsonWriter writer, Candidate candidate)
    {
        var members = new List<KeyValuePair<string, JsonElement>>(candidate.Attributes.Count + 1);
        using var name = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(candidate.Name.Value));
        members.Add(KeyValuePair.Create(Candidate.NameProperty, name.RootElement));
        members.AddRange(candidate.Attributes.Where(a => a.Key != Candidate.NameProperty && !Candidate.IsReservedAttributeName(a.Key)));
        FirestoreValues.WriteFields(writer, members);
    }

    /// <summary>
    /// The candidate a document holds: its attributes are every field except <c>CandidateName</c> and the names the
    /// API reserves. Null when the document has no valid name (not written by this API or the seed).
    /// </summary>
    private static Candidate? ReadCandidate(JsonElement document)
    {
        if (!document.TryGetProperty("fields", out var fields)
            || !fields.TryGetProperty(Candidate.NameProperty, out var nameValue)
            || !nameValue.TryGetProperty("stringValue", out var nameString))
        {
            return null;
        }

        var parsed = CandidateName.FromDecoded(nameString.GetString()!);
        if (!parsed.IsValid)
        {
            return null;
        }

        var attributes = FirestoreValues.ReadFields(fields, n => n == Candidate.NameProperty || Candidate.IsReservedAttributeName(n));
        return new Candidate(parsed.Name!, attributes);
    }

    private static string IdOf(JsonElement document)
    {
        var name = document.GetProperty("name").GetString()!;
        return name[(name.LastIndexOf('/') + 1)..];
    }

    private static string? CreateTimeOf(JsonElement document) =>
        document.TryGetProperty("createTime", out var time) ? time.GetString() : null;

    /// <summary>Whether Firestore accepts the value as a document id (the seed could only have stored those).</summary>
    private static bool IsFirestoreId(string value) =>
        value is not ("." or "..") && !value.Contains('/', StringComparison.Ordinal) && !FirestoreDocumentId.IsReserved(value)
        && Encoding.UTF8.GetByteCount(value) <= FirestoreDocumentId.Rule.MaxBytes;

    private static string Segment(string value) => Uri.EscapeDataString(value);

    /// <summary>
    /// A document id as one path segment. Firestore forbids the ids <c>.</c> and <c>..</c>, and they must never reach
    /// a URL either: as dot segments they would address another resource.
    /// </summary>
    private static string DocumentSegment(string id) =>
        id is "." or ".." || id.Length == 0
            ? throw new InvalidOperationException("A dot segment or an empty id is not a document id.")
            : Segment(id);

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return stream.ToArray();
    }

    private CancellationTokenSource StartTimeout(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(_options.OperationTimeout);
        return source;
    }

    private static ServiceFailure ClassifyFailure(Exception exception) => exception switch
    {
        FirestoreRequestException firestore when firestore.IsTransient => ServiceFailure.Unavailable(firestore.RetryAfter),
        _ => ServiceFailure.Unknown,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Found a candidate under its plain-name document id")]
    private static partial void LogSeedDocumentFound(ILogger logger);

    private InvalidStoredCandidateException InvalidStoredDocument(string documentId)
    {
        LogDocumentWithoutValidName(_logger, documentId);
        return new InvalidStoredCandidateException("The collection holds a document whose CandidateName is not a valid candidate name.");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Firestore document {DocumentId} has no valid CandidateName: listing fails until it is repaired")]
    private static partial void LogDocumentWithoutValidName(ILogger logger, string documentId);

    /// <summary>Where the next page starts: the last document of the previous one, and when that document was created.</summary>
    private sealed record Cursor(string DocumentId, string CreateTime)
    {
        public static Cursor After(string documentId, JsonElement document) =>
            new(documentId, CreateTimeOf(document) ?? throw new FormatException("A Firestore document has no createTime."));

        public string ToContinuation() =>
            ContinuationPrefix + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new[] { DocumentId, CreateTime }));

        public static Cursor Parse(string continuation)
        {
            if (!continuation.StartsWith(ContinuationPrefix, StringComparison.Ordinal))
            {
                throw new InvalidContinuationException("The continuation was not issued by this store.");
            }

            var payload = continuation.AsSpan(ContinuationPrefix.Length);
            try
            {
                if (!payload.IsEmpty && Base64Url.IsValid(payload)
                    && JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(payload)) is [{ Length: > 0 } id, { Length: > 0 } time]
                    && IsFirestoreId(id))
                {
                    return new Cursor(id, time);
                }
            }
            catch (Exception ex) when (ex is JsonException or FormatException)
            {
                throw new InvalidContinuationException("The continuation is malformed.", ex);
            }

            throw new InvalidContinuationException("The continuation is malformed.");
        }
    }
}
