using Flasky.Core.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Flasky.Hosting;

public static class CandidateApiEndpoints
{
    /// <summary>
    /// Hands every path and method to <see cref="CandidateApi"/>, which answers unknown paths and wrong methods
    /// itself, as the contract says. For Kestrel-based hosts whose platform authenticates callers in front of them.
    /// </summary>
    public static IEndpointConventionBuilder MapCandidateApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.Map("/{**path}", HandleAsync).WithDisplayName("candidate-api");
    }

    /// <summary>Serves one request through the API: for hosts that decide themselves when to call it (after their own auth).</summary>
    public static async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var api = context.RequestServices.GetRequiredService<CandidateApi>();
        var response = await api.HandleAsync(ApiHttpAdapter.ToApiRequest(context.Request), context.RequestAborted).ConfigureAwait(false);
        await ApiHttpAdapter.WriteAsync(response, context.Response, context.RequestAborted).ConfigureAwait(false);
    }
}
