using Flasky.Check.Auth;

namespace Flasky.Check.Checks;

internal static class AuthChecks
{
    public static Task NoCredentialsRejectedAsync(CheckContext context) =>
        ExpectRejectedEverywhereAsync(context, context.Authenticator.WithoutCredentials(), "no credentials");

    public static async Task WrongCredentialsRejectedAsync(CheckContext context)
    {
        foreach (var (what, wrong) in context.Authenticator.WrongCredentialVariants())
        {
            await ExpectRejectedEverywhereAsync(context, wrong, what).ConfigureAwait(false);
        }
    }

    public static async Task WrongCredentialsWriteNothingAsync(CheckContext context)
    {
        var variant = 0;
        foreach (var (what, wrong) in context.Authenticator.WrongCredentialVariants())
        {
            var name = context.Name($"wrong credentials {++variant}");
            ExpectRejected(context, await context.PostJsonAsync(CheckContext.CandidatePath(name), """{"written":true}""", wrong).ConfigureAwait(false), wrong, what);
            Expect.NotFound(await context.GetAsync(CheckContext.CandidatePath(name)).ConfigureAwait(false));
        }
    }

    private static async Task ExpectRejectedEverywhereAsync(CheckContext context, IRequestAuthenticator credentials, string what)
    {
        var candidate = CheckContext.CandidatePath(context.Name("rejected"));
        ExpectRejected(context, await context.GetAsync("/gtg", credentials).ConfigureAwait(false), credentials, what);
        ExpectRejected(context, await context.GetAsync("/gtg?details", credentials).ConfigureAwait(false), credentials, what);
        ExpectRejected(context, await context.GetAsync("/candidates", credentials).ConfigureAwait(false), credentials, what);
        ExpectRejected(context, await context.GetAsync("/candidates?limit=1", credentials).ConfigureAwait(false), credentials, what);
        ExpectRejected(context, await context.GetAsync(candidate, credentials).ConfigureAwait(false), credentials, what);
        ExpectRejected(context, await context.PostJsonAsync(candidate, """{"written":true}""", credentials).ConfigureAwait(false), credentials, what);

        // Read back with the run's own credentials: the rejected POST wrote nothing.
        var read = await context.GetAsync(candidate).ConfigureAwait(false);
        Expect.That(read.Status == 404, $"a POST with {what} was rejected but wrote the candidate: {read.Describe()}");
        Expect.NotFound(read);
    }

    private static void ExpectRejected(CheckContext context, CheckResponse response, IRequestAuthenticator credentials, string what)
    {
        // A scheme may refuse each kind of bad credentials differently (Cloud Run: 403 without a token, 401 for a bad one).
        var rejection = credentials.Rejection ?? context.Authenticator.Rejection!;
        Expect.That(
            rejection.Matches(response.Status, response.Text),
            $"with {what}, expected {rejection.Describe()}, got {response.Describe()}");
    }
}
