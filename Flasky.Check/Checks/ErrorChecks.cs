namespace Flasky.Check.Checks;

internal static class ErrorChecks
{
    /// <summary>
    /// Provokes every kind of error the API produces from outside. Every response of 400 or more that any check sees is
    /// scanned (see <see cref="CheckContext.SendAsync"/>); this check makes sure each kind is seen at least once, and
    /// that it is the API's own answer (its status) rather than something in front of it.
    /// </summary>
    public static async Task NoInternalsLeakAsync(CheckContext context)
    {
        var name = CheckContext.CandidatePath(context.Name("errors"));
        var provoked = new (int Status, Func<Task<CheckResponse>> Send)[]
        {
            (404, () => context.GetAsync("/nope")),
            (404, () => context.GetAsync(name)),
            (400, () => context.GetAsync("/candidate/%FF")),
            (400, () => context.GetAsync("/candidate/%00")),
            (400, () => context.PostJsonAsync(name, """{"a":""")),
            (400, () => context.PostJsonAsync(name, """{"id":1}""")),
            (413, () => context.PostJsonAsync(name, "{\"pad\":\"" + new string('x', 20_000) + "\"}")),
            (405, () => context.SendAsync(HttpMethod.Delete, name)),
            (400, () => context.GetAsync("/candidates?limit=abc")),
            (400, () => context.GetAsync("/candidates?limit=2&next=1.AAAA")),
        };
        foreach (var (status, send) in provoked)
        {
            var response = await send().ConfigureAwait(false);
            Expect.Status(response, status);
            Expect.NoLeak(response, context);
        }
    }
}
