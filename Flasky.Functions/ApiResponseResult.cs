using Flasky.Core.Http;
using Flasky.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Flasky.Functions;

/// <summary>The API's response as an action result, the return type the Functions worker understands.</summary>
internal sealed class ApiResponseResult(ApiResponse response) : IActionResult
{
    public ApiResponse Response { get; } = response;

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ApiHttpAdapter.WriteAsync(Response, context.HttpContext.Response, context.HttpContext.RequestAborted);
    }
}
