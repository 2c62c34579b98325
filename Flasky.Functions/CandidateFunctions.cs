using Flasky.Core.Http;
using Flasky.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Flasky.Functions;

/// <summary>
/// The HTTP functions. Each accepts every method so that the API, not the host, answers a wrong method with
/// 405; the catch-all hands unknown paths to the API for the contract's plain-text 404. All of them are behind
/// function keys.
/// </summary>
public sealed class CandidateFunctions(CandidateApi api)
{
    [Function("gtg")]
    public Task<IActionResult> GoodToGoAsync(
        [HttpTrigger(AuthorizationLevel.Function, Route = ApiRoutes.Gtg)] HttpRequest request,
        CancellationToken cancellationToken) => HandleAsync(request, cancellationToken);

    [Function("candidate")]
    public Task<IActionResult> CandidateAsync(
        [HttpTrigger(AuthorizationLevel.Function, Route = ApiRoutes.Candidate)] HttpRequest request,
        CancellationToken cancellationToken) => HandleAsync(request, cancellationToken);

    [Function("candidates")]
    public Task<IActionResult> CandidatesAsync(
        [HttpTrigger(AuthorizationLevel.Function, Route = ApiRoutes.Candidates)] HttpRequest request,
        CancellationToken cancellationToken) => HandleAsync(request, cancellationToken);

    [Function("fallback")]
    public Task<IActionResult> FallbackAsync(
        [HttpTrigger(AuthorizationLevel.Function, Route = ApiRoutes.Fallback)] HttpRequest request,
        CancellationToken cancellationToken) => HandleAsync(request, cancellationToken);

    private async Task<IActionResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var response = await api.HandleAsync(ApiHttpAdapter.ToApiRequest(request), cancellationToken).ConfigureAwait(false);
        return new ApiResponseResult(response);
    }
}
