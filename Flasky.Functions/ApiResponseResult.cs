using Flasky.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace Flasky.Functions;

/// <summary>Translates ASP.NET Core's request into the API's, and the API's response back. No contract decisions.</summary>
internal static class HttpAdapter
{
    public static ApiRequest ToApiRequest(HttpRequest request)
    {
        // The raw target keeps the client's percent-encoding, so the API decodes names exactly once.
        var rawTarget = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget) || rawTarget[0] != '/')
        {
            rawTarget = request.PathBase.ToUriComponent() + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        }

        return new ApiRequest(request.Method, rawTarget, request.ContentType, request.Body);
    }

    public static async Task WriteAsync(ApiResponse response, HttpResponse http)
    {
        http.StatusCode = response.StatusCode;
        if (response.ContentType is not null)
        {
            http.ContentType = response.ContentType;
        }

        foreach (var (name, value) in response.Headers)
        {
            http.Headers.Append(name, value);
        }

        http.ContentLength = response.Body.Length;
        if (!response.Body.IsEmpty)
        {
            await http.Body.WriteAsync(response.Body, http.HttpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}

/// <summary>The API's response as an action result, the return type the Functions worker understands.</summary>
internal sealed class ApiResponseResult(ApiResponse response) : IActionResult
{
    public ApiResponse Response { get; } = response;

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return HttpAdapter.WriteAsync(Response, context.HttpContext.Response);
    }
}
