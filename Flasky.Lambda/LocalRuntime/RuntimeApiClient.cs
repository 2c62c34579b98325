using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Flasky.Lambda.LocalRuntime;

/// <summary>
/// The Lambda Runtime API as a custom runtime uses it
/// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html): long-poll <c>invocation/next</c>, then post the
/// result to <c>invocation/{id}/response</c> or <c>invocation/{id}/error</c>; <c>init/error</c> when the function
/// cannot start. Base address: <c>http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/</c>.
/// </summary>
internal sealed class RuntimeApiClient(HttpClient http) : IDisposable
{
    public const string ApiVersion = "2018-06-01";

    public static RuntimeApiClient ForEndpoint(string hostAndPort) => new(new HttpClient
    {
        BaseAddress = new Uri($"http://{hostAndPort}/{ApiVersion}/"),

        // invocation/next blocks until there is an event: no client-side timeout.
        Timeout = Timeout.InfiniteTimeSpan,
    });

    public async Task<Invocation> NextAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("runtime/invocation/next", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var id = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new InvalidDataException("invocation/next answered without Lambda-Runtime-Aws-Request-Id.");
        var deadline = long.TryParse(Header(response, "Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.MaxValue;
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new Invocation(id, deadline, payload);
    }

    public async Task RespondAsync(string requestId, Stream output, CancellationToken cancellationToken)
    {
        using var content = new StreamContent(output);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(new Uri($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge)
        {
            // As in Lambda: the invocation fails; the function itself carries on with the next event.
            return;
        }

        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            // The front no longer knows this invocation (its caller went away, or the integration timed out), so the
            // answer is dropped, as API Gateway drops a late one; the function carries on rather than exiting.
            return;
        }

        response.EnsureSuccessStatusCode();
    }

    public Task ReportErrorAsync(string requestId, Exception error, CancellationToken cancellationToken) =>
        PostErrorAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", error, cancellationToken);

    public Task ReportInitErrorAsync(Exception error, CancellationToken cancellationToken) =>
        PostErrorAsync("runtime/init/error", error, cancellationToken);

    private async Task PostErrorAsync(string path, Exception error, CancellationToken cancellationToken)
    {
        // The error document the runtimes send; API Gateway never shows it to the caller.
        var body = new MemoryStream();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("errorMessage", error.Message);
            writer.WriteString("errorType", error.GetType().Name);
            writer.WriteStartArray("stackTrace");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        body.Position = 0;
        using var content = new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.TryAddWithoutValidation("Lambda-Runtime-Function-Error-Type", "Unhandled." + error.GetType().Name);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public void Dispose() => http.Dispose();
}

internal sealed record Invocation(string RequestId, DateTimeOffset Deadline, byte[] Payload);
