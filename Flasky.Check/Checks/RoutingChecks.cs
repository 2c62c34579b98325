namespace Flasky.Check.Checks;

internal static class RoutingChecks
{
    public static async Task UnknownPathNotFoundAsync(CheckContext context)
    {
        var name = CheckContext.EncodeSegment(context.Name("routing"));
        string[] targets =
        [
            "/",
            "/nope",
            "/candidate",
            "/candidate/",
            $"/candidate/{name}/more",
            "/candidates/x",
            "/gtg/x",
            "/api/gtg", // the Azure Functions default prefix, which the contract turns off
        ];
        foreach (var target in targets)
        {
            Expect.NotFound(await context.GetAsync(target).ConfigureAwait(false));
        }

        Expect.NotFound(await context.PostJsonAsync("/nope", "{}").ConfigureAwait(false));
    }

    public static async Task WrongMethodAsync(CheckContext context)
    {
        var candidate = CheckContext.CandidatePath(context.Name("wrong method"));
        Expect.MethodNotAllowed(await context.SendAsync(HttpMethod.Delete, candidate).ConfigureAwait(false), "GET", "POST");
        Expect.MethodNotAllowed(await context.SendAsync(HttpMethod.Put, candidate, CheckContext.Json("{}")).ConfigureAwait(false), "GET", "POST");
        Expect.MethodNotAllowed(await context.PostJsonAsync("/gtg", "{}").ConfigureAwait(false), "GET");
        Expect.MethodNotAllowed(await context.SendAsync(HttpMethod.Put, "/candidates", CheckContext.Json("[]")).ConfigureAwait(false), "GET");
        Expect.MethodNotAllowed(await context.SendAsync(HttpMethod.Delete, "/candidates").ConfigureAwait(false), "GET");
        Expect.NotFound(await context.GetAsync(candidate).ConfigureAwait(false));
    }
}
