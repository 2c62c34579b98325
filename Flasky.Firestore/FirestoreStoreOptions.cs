using Microsoft.Extensions.Configuration;

namespace Flasky.Firestore;

/// <summary>
/// Where the candidates live and how patiently to talk to them: a Firestore (Native mode) database in a Google Cloud
/// project, reached through Google's endpoint with application-default credentials, or through the local emulator
/// when <c>FIRESTORE_EMULATOR_HOST</c> is set.
/// </summary>
public sealed record FirestoreStoreOptions
{
    public const string ProjectVariable = "GOOGLE_CLOUD_PROJECT";
    public const string EmulatorHostVariable = "FIRESTORE_EMULATOR_HOST";
    public const string SectionName = "Firestore";
    public const string DefaultDatabase = "(default)";
    public const string DefaultCollection = "candidates";

    /// <summary>Firestore's public REST endpoint.</summary>
    public static readonly Uri GoogleEndpoint = new("https://firestore.googleapis.com/");

    public required string ProjectId { get; init; }

    public string Database { get; init; } = DefaultDatabase;

    public string Collection { get; init; } = DefaultCollection;

    /// <summary><c>host:port</c> of the emulator; null for Google's endpoint.</summary>
    public string? EmulatorHost { get; init; }

    /// <summary>One HTTP request to Firestore (the store retries nothing itself).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A whole store call (a lookup may take two requests); beyond it the store reports itself unavailable. The hosts'
    /// budget (<c>StoreResilience:CallTimeout</c>, 3 s) bounds every call anyway; this bounds the store used on its own.
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public bool UsesEmulator => EmulatorHost is not null;

    /// <summary>The REST base: the emulator over plain http (as Google's client libraries reach it), else Google's endpoint.</summary>
    public Uri Endpoint => EmulatorHost is null ? GoogleEndpoint : EmulatorEndpoint(EmulatorHost);

    /// <summary>True when either the project or the emulator is set, so a host can choose this store.</summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return NonEmpty(configuration[ProjectVariable]) is not null || NonEmpty(configuration[EmulatorHostVariable]) is not null;
    }

    /// <summary>
    /// Reads the ecosystem's names: <c>GOOGLE_CLOUD_PROJECT</c>, <c>FIRESTORE_EMULATOR_HOST</c>,
    /// <c>Firestore:Database</c> (default <c>(default)</c>) and <c>Firestore:Collection</c> (default <c>candidates</c>).
    /// </summary>
    public static FirestoreStoreOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var project = NonEmpty(configuration[ProjectVariable])
            ?? throw new InvalidOperationException($"Firestore is not configured: set {ProjectVariable} to the Google Cloud project id.");
        var emulator = NonEmpty(configuration[EmulatorHostVariable]);
        if (emulator is not null)
        {
            // Fail at start-up, not on the first request.
            _ = EmulatorEndpoint(emulator);
        }

        return new FirestoreStoreOptions
        {
            ProjectId = project,
            Database = NonEmpty(section["Database"]) ?? DefaultDatabase,
            Collection = NonEmpty(section["Collection"]) ?? DefaultCollection,
            EmulatorHost = emulator,
        };
    }

    /// <summary>
    /// <c>host:port</c> as Google's client libraries read it: trimmed (empty means unset), plain http, and a bare IPv6
    /// address such as <c>::1:8080</c> (the form the emulator itself prints) taken as <c>[::1]:8080</c>.
    /// </summary>
    internal static Uri EmulatorEndpoint(string hostAndPort)
    {
        var value = hostAndPort.Trim();
        if (value.StartsWith("::", StringComparison.Ordinal))
        {
            var colon = value.LastIndexOf(':');
            value = $"[{value[..colon]}]{value[colon..]}";
        }

        return Uri.TryCreate($"http://{value}/", UriKind.Absolute, out var uri) && uri.AbsolutePath == "/" && uri.Query.Length == 0
            ? uri
            : throw new InvalidOperationException($"{EmulatorHostVariable} must be host:port (for example 127.0.0.1:8080).");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
