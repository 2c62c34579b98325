namespace Flasky.Check.Checks;

internal static class CandidateChecks
{
    public static async Task RoundTripAsync(CheckContext context)
    {
        var name = context.Name("round trip");
        await CandidateSteps.PostAsync(context, name, """{"team":"check"}""").ConfigureAwait(false);
        var candidate = await CandidateSteps.GetAsync(context, name).ConfigureAwait(false);
        CandidateSteps.ExpectExactly(candidate, """{"team":"check"}""");
    }

    public static async Task UnknownNameNotFoundAsync(CheckContext context)
    {
        var response = await context.GetAsync(CheckContext.CandidatePath(context.Name("never written"))).ConfigureAwait(false);
        Expect.NotFound(response);
    }
}
