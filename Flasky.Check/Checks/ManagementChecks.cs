namespace Flasky.Check.Checks;

/// <summary>
/// Health endpoints are no part of the API: on the API's port <c>/health</c> and <c>/alive</c> are paths like any other
/// unknown path — behind the cloud's authentication, then 404. (A host's health probes use a management port of its own.)
/// </summary>
internal static class ManagementChecks
{
    private static readonly string[] HealthPaths = ["/health", "/alive"];

    public static async Task HealthPathsNotFoundAsync(CheckContext context)
    {
        foreach (var path in HealthPaths)
        {
            Expect.NotFound(await context.GetAsync(path).ConfigureAwait(false));
        }
    }

    public static async Task HealthPathsNeedCredentialsAsync(CheckContext context)
    {
        var rejection = context.Authenticator.Rejection!;
        foreach (var path in HealthPaths)
        {
            var response = await context.GetAsync(path, context.Authenticator.WithoutCredentials()).ConfigureAwait(false);
            Expect.That(
                rejection.Matches(response.Status, response.Text),
                $"GET {path} without credentials: expected {rejection.Describe()}, got {response.Describe()}");
        }
    }
}
