using Flasky.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Flasky.Hosting;

/// <summary>Translates ASP.NET Core's request into the API's, and the API's response back. No contract decisions.</summary>
public static class ApiHttpAdapter
{
    public static ApiRequest ToApiRequest(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pathBase = request.PathBase.ToUriComponent();

        // The raw target keeps the client's percent-encoding, so the API decodes names exactly once. It still holds
        // the path base (a route prefix the host strips), which the API gets separately to build its links.
        var rawTarget = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget) || rawTarget[0] != '/')
        {
            rawTarget = pathBase + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        }

        if (pathBase.Length > 0 && rawTarget.StartsWith(pathBase, StringComparison.OrdinalIgnoreCase))
        {
            rawTarget = rawTarget[pathBase.Length..];
        }
        else
        {
            pathBase = "";
        }

        return new ApiRequest(request.Method, rawTarget, request.ContentType, new LimitedRequestBody(request.Body))
        {
            PathBase = pathBase,
            ContentLength = request.ContentLength,
        };
    }

    /// <summary>
    /// Writes the response. A streamed body that fails part-way aborts the connection: the status line is already
    /// sent, and a client must see an incomplete response, never a short but valid-looking one.
    /// </summary>
    public static async Task WriteAsync(ApiResponse response, HttpResponse http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(http);
        http.StatusCode = response.StatusCode;
        if (response.ContentType is not null)
        {
            http.ContentType = response.ContentType;
        }

        foreach (var (name, value) in response.Headers)
        {
            http.Headers.Append(name, value);
        }

        if (response.StreamedBody is { } writeBody)
        {
            try
            {
                await writeBody(http.Body, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                http.HttpContext.Abort();
                throw;
            }

            return;
        }

        http.ContentLength = response.Body.Length;
        if (!response.Body.IsEmpty)
        {
            await http.Body.WriteAsync(response.Body, cancellationToken).ConfigureAwait(false);
        }
    }
}
