using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class CloudRunExtensions
{
    /// <summary>The AppHost parameter (and user-secrets entry <c>Parameters:gcp-token-signing-key</c>) holding the local signing key.</summary>
    public const string SigningKeyParameter = "gcp-token-signing-key";

    public const string JwksPath = "/.well-known/jwks.json";

    /// <summary>
    /// The Cloud Run host (<c>Flasky.CloudRun</c>) on <c>$PORT</c>, as Cloud Run runs it, using the Firestore emulator.
    /// Its endpoint is internal: callers go through the front, which checks their ID tokens as Cloud Run does.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddCloudRunHost(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<FirestoreEmulatorResource> firestore)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddProject<Projects.Flasky_CloudRun>(name, launchProfileName: null)
            .WithHttpEndpoint(name: "http", env: "PORT")
            .WithReference(firestore)
            .WaitFor(firestore)
            .WithManagementEndpoint()
            .WithUrlForEndpoint("http", url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly);
    }

    /// <summary>
    /// The local stand-in for Cloud Run's IAM invoker check (<c>Flasky.LocalCloudRun</c>) at <paramref name="port"/>:
    /// every request needs <c>Authorization: Bearer</c> with an ID token for this URL, signed by the key generated on
    /// first run and kept in user secrets. The public key is served on the management endpoint, apart from the API.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddLocalCloudRunFront(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ProjectResource> cloudRun, int port)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cloudRun);
        var signingKey = builder.AddParameter(SigningKeyParameter, new TokenSigningKeyParameterDefault(), secret: true, persist: true)
            .ExcludeFromManifest();
        var front = builder.AddProject<Projects.Flasky_LocalCloudRun>(name, launchProfileName: null)
            .WithHttpEndpoint(port: port, name: "http", env: "LocalCloudRun__Port")
            .WithHttpEndpoint(name: "management", env: "LocalCloudRun__ManagementPort")
            .WithEnvironment("LocalCloudRun__Destination", cloudRun.GetEndpoint("http"))
            .WithEnvironment("LocalCloudRun__SigningKey", signingKey)
            .WithHttpHealthCheck("/health", endpointName: "management")
            .WaitFor(cloudRun)
            .WithUrlForEndpoint("http", url => url.DisplayText = "API (needs an ID token)")
            .WithUrlForEndpoint("management", url =>
            {
                url.Url += JwksPath;
                url.DisplayText = "JWKS (public key)";
            })
            .ExcludeFromManifest();

        // The audience is the service URL, as on Cloud Run: the URL callers use, not the process's own port.
        return front.WithEnvironment("LocalCloudRun__Audience", front.GetEndpoint("http"));
    }
}
