using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Flasky.Check.Auth;

namespace Aspire.Hosting;

/// <summary>
/// Each local front's credentials for the dashboard commands, taken from the AppHost's own parameters, and the curl
/// command a developer runs in a shell, which reads the same values from the AppHost's user secrets into variables.
/// </summary>
public static class ApiCredentials
{
    /// <summary>A shell expression that prints one AppHost parameter from its user secrets.</summary>
    public static string UserSecret(string parameter) =>
        $"$(dotnet user-secrets list --project Flasky.AppHost | sed -n 's/^Parameters:{parameter} = //p')";

    public static Func<Uri, CancellationToken, Task<IRequestAuthenticator>> FunctionKey(IResourceBuilder<ParameterResource> key) =>
        async (_, cancellationToken) => FunctionKeyAuthenticator.WithKey(await RequiredValueAsync(key.Resource, cancellationToken).ConfigureAwait(false));

    public static string FunctionKeyCurl(Uri baseAddress) => $"""
        KEY={UserSecret("function-key")}
        curl -i -H "x-functions-key: $KEY" "{new Uri(baseAddress, "/candidates?limit=10")}"
        """;

    public static Func<Uri, CancellationToken, Task<IRequestAuthenticator>> SigV4(
        IResourceBuilder<ParameterResource> accessKeyId, IResourceBuilder<ParameterResource> secretAccessKey) =>
        async (_, cancellationToken) => SigV4Authenticator.WithCredentials(
            LocalApiGatewayExtensions.Region,
            await RequiredValueAsync(accessKeyId.Resource, cancellationToken).ConfigureAwait(false),
            await RequiredValueAsync(secretAccessKey.Resource, cancellationToken).ConfigureAwait(false));

    /// <summary>curl 7.x signs <c>?details</c> without <c>=</c>, so the example lists (README, "AWS flavour locally").</summary>
    public static string SigV4Curl(Uri baseAddress) => $"""
        AWS_ACCESS_KEY_ID={UserSecret("aws-access-key-id")}
        AWS_SECRET_ACCESS_KEY={UserSecret("aws-secret-access-key")}
        curl -i --aws-sigv4 "aws:amz:{LocalApiGatewayExtensions.Region}:execute-api" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" "{new Uri(baseAddress, "/candidates?limit=10")}"
        """;

    /// <summary>
    /// A fresh ID token for the front's URL, minted by the front's own <c>token</c> command with the AppHost's signing
    /// key (handed over in the child's environment, never as an argument).
    /// </summary>
    public static Func<Uri, CancellationToken, Task<IRequestAuthenticator>> IdToken(ParameterResource signingKey) =>
        async (baseAddress, cancellationToken) =>
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "run", "--no-build", "--no-launch-profile", "-c", BuildConfiguration, "--project", new Projects.Flasky_LocalCloudRun().ProjectPath, "--", "token", "--audience", Audience(baseAddress) })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["LocalCloudRun__SigningKey"] = await RequiredValueAsync(signingKey, cancellationToken).ConfigureAwait(false);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet to mint an ID token");
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            var token = (await output.ConfigureAwait(false)).Trim();
            if (process.ExitCode != 0 || token.Length == 0)
            {
                throw new InvalidOperationException($"Flasky.LocalCloudRun token exited with {process.ExitCode}: {(await error.ConfigureAwait(false)).Trim()}");
            }

            return IdTokenAuthenticator.WithToken(token);
        };

    public static string IdTokenCurl(Uri baseAddress) => $"""
        TOKEN=$(dotnet run --project Flasky.LocalCloudRun -- token --audience {Audience(baseAddress)})
        curl -i -H "Authorization: Bearer $TOKEN" "{new Uri(baseAddress, "/candidates?limit=10")}"
        """;

    /// <summary>The service URL, as the front's audience is set (the endpoint's URL, no trailing slash).</summary>
    private static string Audience(Uri baseAddress) => baseAddress.GetLeftPart(UriPartial.Authority);

    private static async Task<string> RequiredValueAsync(ParameterResource parameter, CancellationToken cancellationToken) =>
        await parameter.GetValueAsync(cancellationToken).ConfigureAwait(false) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"The parameter {parameter.Name} has no value.");

#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif
}
