using Flasky.Check.Auth;

namespace Flasky.Check.Checks;

internal static class AuthChecks
{
    public static Task NoCredentialsRejectedAsync(CheckContext context) =>
        ExpectRejectedEverywhereAsync(context, context.Authenticator.WithoutCredentials(), "no credentials");

    public static Task WrongCredentialsRejectedAsync(CheckContext context) =>
        ExpectRejectedEverywhereAsync(context, context.Authenticator.WithWrongCredentials(), "wrong credentials");

    public static async Task WrongCredentialsWriteNothingAsync(CheckContext context)
    {
        var name = context.Name("wrong credentials");
        var wrong = context.Authenticator.WithWrongCredentials();
        ExpectRejected(context, await context.PostJsonAsync(CheckContext.CandidatePath(name), """{"written":true}""", wrong).ConfigureAwait(false), "wrong credentials");
        Expect.NotFound(await context.GetAsync(CheckContext.CandidatePath(name)).ConfigureAwait(false));
    }

    private static async Task ExpectRejectedEverywhereAsync(CheckContext context, IRequestAuthenticator credentials, string what)
    {
        var candidate = CheckContext.CandidatePath(context.Name("rejected"));
        ExpectRejected(context, await context.GetAsync("/gtg", credentials).ConfigureAwait(false), what);
        ExpectRejected(context, await context.GetAsync("/gtg?details", credentials).ConfigureAwait(false), what);
        ExpectRejected(context, await context.GetAsync("/candidates", credentials).ConfigureAwait(false), what);
        ExpectRejected(context, await context.GetAsync("/candidates?limit=1", credentials).ConfigureAwait(false), what);
        ExpectRejected(context, await context.GetAsync(candidate, credentials).ConfigureAwait(false), what);
        ExpectRejected(context, await context.PostJsonAsync(candidate, """{"written":true}""", credentials).ConfigureAwait(false), what);

        // Read back with the run's own credentials: the rejected POST wrote nothing.
        var read = await context.GetAsync(candidate).ConfigureAwait(false);
        Expect.That(read.Status == 404, $"a POST with {what} was rejected but wrote the candidate: {read.Describe()}");
        Expect.NotFound(read);
    }

    private static void ExpectRejected(CheckContext context, CheckResponse response, string what)
    {
        var rejection = context.Authenticator.Rejection!;
        Expect.That(
            rejection.Matches(response.Status, response.Text),
            $"with {what}, expected {rejection.Describe()}, got {response.Describe()}");
    }
}
