using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Flasky.Core.Names;
using Flasky.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Flasky.Core.Http;

/// <summary>
/// The whole HTTP contract: turns a platform-neutral request into the exact status, headers and body that
/// every host returns. Hosts only translate their platform's request and response.
/// </summary>
public sealed partial class CandidateApi(ICandidateStore store, CandidateApiOptions options, ILogger<CandidateApi> logger)
{
    public const int MaxLimit = 1000;

    /// <summary>The largest JSON body a POST may carry (the contract's 16 KiB); hosts cap request bodies to it.</summary>
    public const int MaxBodyBytes = CandidateBody.MaxBytes;

    /// <summary>A streamed listing hands its bytes to the host in chunks of about this size.</summary>
    private const int StreamFlushBytes = 64 * 1024;
    private const string NotFoundText = "Not Found";
    private const string UnableToUpdateText = "Unable to update";

    public async Task<ApiResponse> HandleAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = request.RawTarget.AsSpan();
        var queryStart = target.IndexOf('?');
        var path = queryStart < 0 ? target : target[..queryStart];
        var query = QueryParameters.Parse(queryStart < 0 ? [] : target[queryStart..]);

        var route = ApiRoutes.Match(path, out var rawName);
        if (route == ApiRoute.None)
        {
            return ApiResponse.Text(404, NotFoundText);
        }

        var method = request.Method.ToUpperInvariant();
        var allowed = ApiRoutes.AllowedMethods(route);
        if (!allowed.Contains(method))
        {
            var allow = string.Join(", ", allowed);
            return Problem.Create(405, $"This resource supports {allow}.", new KeyValuePair<string, string>("Allow", allow));
        }

        try
        {
            return route switch
            {
                ApiRoute.Gtg => await GoodToGoAsync(query, cancellationToken).ConfigureAwait(false),
                ApiRoute.Candidates => await ListAsync(request, query, cancellationToken).ConfigureAwait(false),
                _ when method == "GET" => await GetAsync(rawName!, cancellationToken).ConfigureAwait(false),
                _ => await PostAsync(rawName!, request, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (CandidateStoreUnavailableException ex)
        {
            LogStoreUnavailable(logger, ex, route);
            var retryAfter = RetryAfterHeader(ex.RetryAfter);
            return route == ApiRoute.Candidate && method == "POST"
                ? ApiResponse.Text(503, UnableToUpdateText, retryAfter)
                : Problem.Create(503, "The candidate store is unavailable. Try again later.", retryAfter);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogStoreFailed(logger, ex, route);
            return route == ApiRoute.Candidate && method == "POST"
                ? ApiResponse.Text(500, UnableToUpdateText)
                : Problem.Create(500, "The request could not be completed.");
        }
    }

    private async Task<ApiResponse> GoodToGoAsync(QueryParameters query, CancellationToken cancellationToken)
    {
        if (!query.Contains("details"))
        {
            return ApiResponse.Empty(200);
        }

        var connected = true;
        try
        {
            await store.PingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPingFailed(logger, ex);
            connected = false;
        }

        var body = WriteJson(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("connected", connected ? "true" : "false");
            writer.WriteString("instance-id", options.InstanceId);
            writer.WriteEndObject();
        });
        return connected
            ? ApiResponse.JsonBody(200, body)
            : ApiResponse.JsonBody(503, body, RetryAfterHeader(null));
    }

    private async Task<ApiResponse> GetAsync(string rawName, CancellationToken cancellationToken)
    {
        var parsed = CandidateName.FromPathSegment(rawName);
        if (!parsed.IsValid)
        {
            return Problem.Create(400, parsed.Describe());
        }

        var candidate = await store.GetAsync(parsed.Name!, cancellationToken).ConfigureAwait(false);
        if (candidate is null)
        {
            return ApiResponse.Text(404, NotFoundText);
        }

        return ApiResponse.JsonBody(200, WriteJson(writer =>
        {
            writer.WriteStartArray();
            candidate.WriteTo(writer);
            writer.WriteEndArray();
        }));
    }

    private async Task<ApiResponse> PostAsync(string rawName, ApiRequest request, CancellationToken cancellationToken)
    {
        var parsed = CandidateName.FromPathSegment(rawName);
        if (!parsed.IsValid)
        {
            return Problem.Create(400, parsed.Describe());
        }

        if (parsed.Name!.RefusalForWriting() is { } refusal)
        {
            return Problem.Create(400, refusal);
        }

        var candidate = Candidate.WithoutAttributes(parsed.Name);
        if (CandidateBody.IsJson(request.ContentType))
        {
            if (request.ContentLength > CandidateBody.MaxBytes)
            {
                // Refused on its declared length, before a byte of it is read.
                return Problem.Create(413, $"A JSON body must be at most {CandidateBody.MaxBytes} bytes.");
            }

            var (attributes, error) = await CandidateBody.ReadAsync(request.Body, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            candidate = candidate with { Attributes = attributes! };
        }

        await store.UpsertAsync(candidate, cancellationToken).ConfigureAwait(false);
        return ApiResponse.JsonBody(200, WriteJson(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString(Candidate.NameProperty, candidate.Name.Value);
            writer.WriteEndObject();
        }));
    }

    private async Task<ApiResponse> ListAsync(ApiRequest request, QueryParameters query, CancellationToken cancellationToken)
    {
        int? limit = null;
        var limitText = query.Get("limit");
        if (limitText is not null)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsedLimit)
                || parsedLimit is < 1 or > MaxLimit)
            {
                return Problem.Create(400, $"'limit' must be a whole number from 1 to {MaxLimit}.");
            }

            limit = parsedLimit;
        }

        string? continuation = null;
        var nextText = query.Get("next");
        if (nextText is not null)
        {
            if (limit is null)
            {
                return Problem.Create(400, "'next' is only valid together with 'limit'.");
            }

            continuation = PageToken.TryDecode(nextText);
            if (continuation is null)
            {
                return Problem.Create(400, "The 'next' token is not valid.");
            }
        }

        try
        {
            return limit is null && options.ResponseByteBudget is null
                ? await StreamAllAsync(cancellationToken).ConfigureAwait(false)
                : await ListWithinBudgetAsync(request.PathBase, continuation, limit, nextText is not null, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidContinuationException)
        {
            return Problem.Create(400, "The 'next' token is not valid.");
        }
    }

    /// <summary>
    /// The unpaged listing on a host without a byte budget: the first non-empty page is read before answering (so an
    /// empty store is still 404 and an unreachable one 503); after that the array is streamed page by page, so memory
    /// stays flat however many candidates there are.
    /// </summary>
    private async Task<ApiResponse> StreamAllAsync(CancellationToken cancellationToken)
    {
        CandidatePage first;
        string? continuation = null;
        do
        {
            // Follow every store page: a store may return short, even empty, pages before the end.
            first = await store.ListAsync(continuation, options.StorePageSize, cancellationToken).ConfigureAwait(false);
            continuation = first.Continuation;
        }
        while (first.Items.Count == 0 && continuation is not null);

        if (first.Items.Count == 0)
        {
            return ApiResponse.Text(404, NotFoundText);
        }

        if (first.Continuation is null)
        {
            return ApiResponse.JsonBody(200, WriteJson(writer => WriteArray(writer, first.Items)));
        }

        return ApiResponse.JsonBody(200, []) with { StreamedBody = (stream, token) => WriteAllAsync(first, stream, token) };
    }

    private async Task WriteAllAsync(CandidatePage first, Stream stream, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartArray();
        var page = first;
        while (true)
        {
            foreach (var candidate in page.Items)
            {
                candidate.WriteTo(writer);
                if (writer.BytesPending >= StreamFlushBytes)
                {
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            if (page.Continuation is null)
            {
                break;
            }

            try
            {
                page = await store.ListAsync(page.Continuation, options.StorePageSize, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The status line is gone: the host aborts the response, so the client sees it incomplete, never short.
                LogStreamAborted(logger, ex);
                throw;
            }
        }

        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A page (<paramref name="limit"/>) or, on a host with a byte budget, as much of the listing as fits in it. A
    /// response cut short by the budget ends with a <c>Link</c> to the rest, so nothing is dropped silently.
    /// </summary>
    private async Task<ApiResponse> ListWithinBudgetAsync(
        string pathBase, string? continuation, int? limit, bool isFollowUp, CancellationToken cancellationToken)
    {
        var budget = options.ResponseByteBudget ?? long.MaxValue;
        var parts = new List<byte[]>();
        var size = 2L; // "[" and "]"
        var pageStart = continuation;
        string? next = null;
        do
        {
            var wanted = limit is null ? options.StorePageSize : limit.Value - parts.Count;
            var page = await store.ListAsync(pageStart, wanted, cancellationToken).ConfigureAwait(false);
            var serialized = page.Items.Select(Serialize).ToList();
            var fit = CountThatFit(serialized, parts.Count, size, budget);
            if (fit == serialized.Count)
            {
                size += serialized.Sum(item => item.Length + 1L) - (parts.Count == 0 && serialized.Count > 0 ? 1 : 0);
                parts.AddRange(serialized);
                next = pageStart = page.Continuation;
                continue;
            }

            // The budget ends the response inside this page, but the store's continuation points past the whole page:
            // ask again from the page's start for just what fits, and continue after that.
            next = pageStart;
            while (fit > 0)
            {
                var shorter = await store.ListAsync(pageStart, fit, cancellationToken).ConfigureAwait(false);
                var kept = shorter.Items.Select(Serialize).ToList();
                if (CountThatFit(kept, parts.Count, size, budget) == kept.Count)
                {
                    parts.AddRange(kept);
                    next = shorter.Continuation;
                    break;
                }

                // The items changed in between and no longer fit: take fewer.
                fit = Math.Min(fit, kept.Count) - 1;
            }

            break;
        }
        while (next is not null && (limit is null || parts.Count < limit.Value));

        if (parts.Count == 0 && !isFollowUp)
        {
            return ApiResponse.Text(404, NotFoundText);
        }

        var body = new byte[SizeOf(parts) + 2];
        body[0] = (byte)'[';
        var offset = 1;
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0)
            {
                body[offset++] = (byte)',';
            }

            parts[i].CopyTo(body, offset);
            offset += parts[i].Length;
        }

        body[offset] = (byte)']';
        if (next is null)
        {
            return ApiResponse.JsonBody(200, body);
        }

        // An unpaged listing cut by the budget continues in pages of the largest size.
        var link = $"<{pathBase}/candidates?limit={limit ?? MaxLimit}&next={PageToken.Encode(next)}>; rel=\"next\"";
        return ApiResponse.JsonBody(200, body, new KeyValuePair<string, string>("Link", link));
    }

    /// <summary>How many of <paramref name="items"/> fit after <paramref name="count"/> items of <paramref name="size"/> bytes; at least one per response.</summary>
    private static int CountThatFit(List<byte[]> items, int count, long size, long budget)
    {
        var fit = 0;
        foreach (var item in items)
        {
            var added = item.Length + (count + fit > 0 ? 1 : 0);
            if (size + added > budget && count + fit > 0)
            {
                break;
            }

            size += added;
            fit++;
        }

        return fit;
    }

    /// <summary>The bytes of <paramref name="items"/> between an array's brackets, commas included.</summary>
    private static long SizeOf(List<byte[]> items) => items.Sum(item => item.Length + 1L) - (items.Count > 0 ? 1 : 0);

    private static byte[] Serialize(Candidate candidate) => WriteJson(candidate.WriteTo);

    private static void WriteArray(Utf8JsonWriter writer, IReadOnlyList<Candidate> items)
    {
        writer.WriteStartArray();
        foreach (var candidate in items)
        {
            candidate.WriteTo(writer);
        }

        writer.WriteEndArray();
    }

    private KeyValuePair<string, string> RetryAfterHeader(TimeSpan? hint)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((hint ?? options.DefaultRetryAfter).TotalSeconds));
        return new("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
    }

    private static byte[] WriteJson(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Candidate store unavailable while serving {Route}")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception, ApiRoute route);

    [LoggerMessage(Level = LogLevel.Error, Message = "Candidate store failed while serving {Route}")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, ApiRoute route);

    [LoggerMessage(Level = LogLevel.Error, Message = "Candidate store failed while streaming the listing; the response is aborted")]
    private static partial void LogStreamAborted(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Candidate store ping failed")]
    private static partial void LogPingFailed(ILogger logger, Exception exception);
}
