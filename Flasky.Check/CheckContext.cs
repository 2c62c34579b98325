using System.Net.Http.Headers;
using System.Text;
using Flasky.Check.Auth;

namespace Flasky.Check;

/// <summary>
/// What a check works with: requests to the host under test with the raw target sent byte for byte, the run's
/// candidate names, and the deadline. Every response of 400 or more is scanned for leaked internals.
/// </summary>
public sealed class CheckContext
{
    // Without this, Uri removes "%2E" and "%2E%2E" dot segments and /candidate/%2E would be sent as /candidate/.
    private static readonly UriCreationOptions ExactTarget = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private readonly HttpClient _http;
    private readonly string _origin;
    private readonly string _basePath;

    internal CheckContext(HttpClient http, ContractTarget target, ContractRunOptions options, string runPrefix, CancellationToken cancellationToken)
    {
        _http = http;
        Target = target;
        Options = options;
        RunPrefix = runPrefix;
        CancellationToken = cancellationToken;
        _origin = target.BaseAddress.GetLeftPart(UriPartial.Authority);
        _basePath = target.BaseAddress.AbsolutePath.TrimEnd('/');
    }

    public ContractTarget Target { get; }

    public ContractRunOptions Options { get; }

    public IRequestAuthenticator Authenticator => Target.Authenticator;

    /// <summary>Every candidate a check writes is named with this prefix, e.g. <c>flasky-check-1a2b3c4d-</c>.</summary>
    public string RunPrefix { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>A candidate name of this run: the run prefix, then <paramref name="suffix"/> (unique per check).</summary>
    public string Name(string suffix) => RunPrefix + suffix;

    /// <summary>The raw target of a candidate: every byte outside the unreserved set percent-encoded.</summary>
    public static string CandidatePath(string name) => "/candidate/" + EncodeSegment(name);

    /// <summary>
    /// Percent-encodes a path segment. A segment of dots only is encoded as <c>%2E</c>…, so that nothing on the way
    /// treats it as a dot segment.
    /// </summary>
    public static string EncodeSegment(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (segment.Length > 0 && segment.All(c => c == '.'))
        {
            return string.Concat(Enumerable.Repeat("%2E", segment.Length));
        }

        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(segment))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    public Task<CheckResponse> GetAsync(string rawTarget, IRequestAuthenticator? authenticator = null) =>
        SendAsync(HttpMethod.Get, rawTarget, content: null, authenticator);

    public Task<CheckResponse> PostAsync(string rawTarget, HttpContent? content, IRequestAuthenticator? authenticator = null) =>
        SendAsync(HttpMethod.Post, rawTarget, content, authenticator);

    /// <summary>A POST whose body is <paramref name="json"/> as <c>application/json</c> (no charset parameter).</summary>
    public Task<CheckResponse> PostJsonAsync(string rawTarget, string json, IRequestAuthenticator? authenticator = null) =>
        PostAsync(rawTarget, Json(json), authenticator);

    public static HttpContent Json(string json)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Sends <paramref name="rawTarget"/> (path and query, below the base address) exactly as written.</summary>
    public async Task<CheckResponse> SendAsync(HttpMethod method, string rawTarget, HttpContent? content = null, IRequestAuthenticator? authenticator = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(rawTarget);
        var target = _basePath + rawTarget;
        using var request = new HttpRequestMessage(method, new Uri(_origin + target, ExactTarget)) { Content = content };
        await (authenticator ?? Authenticator).AuthenticateAsync(request, CancellationToken).ConfigureAwait(false);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        timeout.CancelAfter(Options.RequestTimeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                headers.TryAdd(name, string.Join(", ", values));
            }

            var checkResponse = new CheckResponse(
                method.Method, rawTarget, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, headers, body);
            if (checkResponse.Status >= 400)
            {
                Expect.NoLeak(checkResponse, this);
            }

            return checkResponse;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !CancellationToken.IsCancellationRequested)
        {
            throw new CheckFailedException($"{method.Method} {rawTarget}: no response within {Options.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            throw new CheckFailedException($"{method.Method} {rawTarget}: request failed ({ex.HttpRequestError}: {ex.Message})", ex);
        }
    }
}
