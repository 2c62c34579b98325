using Microsoft.Extensions.Configuration;

namespace Flasky.LocalCloudRun;

/// <summary>Configuration section <c>LocalCloudRun</c> (environment <c>LocalCloudRun__…</c>).</summary>
public sealed class FrontOptions
{
    public const string Section = "LocalCloudRun";

    /// <summary>Where the AppHost keeps the key: its parameter <c>gcp-token-signing-key</c>, persisted in its user secrets.</summary>
    public const string AppHostUserSecretsId = "flasky-apphost";

    public const string AppHostParameterKey = "Parameters:gcp-token-signing-key";

    public const int DefaultPort = 7073;

    public const int DefaultManagementPort = 7074;

    /// <summary>The Cloud Run host every accepted request goes to, e.g. <c>http://localhost:8080</c>.</summary>
    public Uri? Destination { get; set; }

    /// <summary>The port users call (the "service URL"); 0 picks a free one.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>The port of the JWKS and health endpoints, kept apart so that every path on <see cref="Port"/> needs a token.</summary>
    public int ManagementPort { get; set; } = DefaultManagementPort;

    /// <summary>The audience tokens must carry: the service URL. Default <c>http://localhost:{Port}</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>The signing key as base64 PKCS#8; when unset, the AppHost's user-secrets entry is read.</summary>
    public string? SigningKey { get; set; }

    public TimeSpan ClockSkew { get; set; } = IdTokenVerifier.DefaultClockSkew;

    public static FrontOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new FrontOptions();
        configuration.GetSection(Section).Bind(options);
        return options;
    }

    public string ResolveAudience() => string.IsNullOrWhiteSpace(Audience) ? $"http://localhost:{Port}" : Audience.Trim();

    /// <summary>
    /// Cloud Run accepts the service URL as audience; Google's own samples write it with a trailing slash
    /// (https://cloud.google.com/run/docs/samples/cloudrun-service-to-service-auth), so both spellings pass.
    /// </summary>
    public IReadOnlyList<string> ResolveAudiences()
    {
        var audience = ResolveAudience().TrimEnd('/');
        return [audience, audience + "/"];
    }

    /// <summary>
    /// The key from <c>LocalCloudRun:SigningKey</c>, else from the AppHost's user secrets — the one place it is kept,
    /// so the front and the <c>token</c> command always agree.
    /// </summary>
    /// <exception cref="InvalidOperationException">No key anywhere: the AppHost has not run yet.</exception>
    public SigningKey LoadSigningKey()
    {
        var value = SigningKey;
        if (string.IsNullOrWhiteSpace(value))
        {
            var secrets = new ConfigurationBuilder().AddUserSecrets(AppHostUserSecretsId, reloadOnChange: false).Build();
            value = secrets[AppHostParameterKey];
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                "No token-signing key: run the AppHost once (dotnet run --project Flasky.AppHost), which generates it and keeps it in its "
                + $"user secrets as {AppHostParameterKey}, or set {Section}__SigningKey.");
        }

        return LocalCloudRun.SigningKey.FromPkcs8Base64(value);
    }
}
