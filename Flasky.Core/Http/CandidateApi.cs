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

        var candidate = Candidate.WithoutAttributes(parsed.Name!);
        if (CandidateBody.IsJson(request.ContentType))
        {
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

        var items = new List<Candidate>();
        try
        {
            // Follow every store page: a store may return short pages before the end.
            do
            {
                var wanted = limit is null ? options.StorePageSize : limit.Value - items.Count;
                var page = await store.ListAsync(continuation, wanted, cancellationToken).ConfigureAwait(false);
                items.AddRange(page.Items);
                continuation = page.Continuation;
            }
            while (continuation is not null && (limit is null || items.Count < limit.Value));
        }
        catch (InvalidContinuationException)
        {
            return Problem.Create(400, "The 'next' token is not valid.");
        }

        if (items.Count == 0 && nextText is null)
        {
            return ApiResponse.Text(404, NotFoundText);
        }

        var body = WriteJson(writer =>
        {
            writer.WriteStartArray();
            foreach (var candidate in items)
            {
                candidate.WriteTo(writer);
            }

            writer.WriteEndArray();
        });

        if (continuation is null)
        {
            return ApiResponse.JsonBody(200, body);
        }

        var link = $"<{request.PathBase}/candidates?limit={limit}&next={PageToken.Encode(continuation)}>; rel=\"next\"";
        return ApiResponse.JsonBody(200, body, new KeyValuePair<string, string>("Link", link));
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Candidate store ping failed")]
    private static partial void LogPingFailed(ILogger logger, Exception exception);
}
