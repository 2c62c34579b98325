namespace Flasky.Emulators;

/// <summary>
/// How the official Firestore emulator is started (<c>gcloud emulators firestore start</c>) and what it needs:
/// one place for the AppHost resource and for the tests that start their own emulator.
/// </summary>
public static class FirestoreEmulatorCommand
{
    /// <summary>The line the emulator prints once it serves requests.</summary>
    public const string ReadyLine = "Dev App Server is now running";

    /// <summary>What a user must install when <see cref="FindPrerequisiteProblem"/> finds something missing.</summary>
    public const string InstallHint =
        "Install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install) and its Firestore emulator component: "
        + "'gcloud components install cloud-firestore-emulator', or with apt 'sudo apt-get install google-cloud-cli-firestore-emulator'. "
        + "The emulator also needs Java 11 or later on PATH.";

    /// <summary>The arguments that start the emulator in Native mode, before <see cref="HostPortOption"/>.</summary>
    public static IReadOnlyList<string> StartArguments { get; } = ["emulators", "firestore", "start", "--database-mode=firestore-native"];

    /// <summary>
    /// Followed by <c>host:port</c>. The emulator needs a real port: given 0 it binds one but reports 0.
    /// </summary>
    public const string HostPortOption = "--host-port=";

    /// <summary>
    /// Environment for the gcloud process: a private configuration directory (so neither the user's account and
    /// project nor another run's state is involved) and no interactive prompts (a missing component fails instead of
    /// asking).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Environment(string configDirectory) => new Dictionary<string, string>
    {
        ["CLOUDSDK_CONFIG"] = configDirectory,
        ["CLOUDSDK_CORE_DISABLE_PROMPTS"] = "1",
    };

    /// <summary>The gcloud executable on <paramref name="path"/> (a PATH value), or null.</summary>
    public static string? FindGcloud(string? path)
    {
        foreach (var directory in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "gcloud");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// Null when gcloud is on <paramref name="path"/> with the emulator component installed; else a message that says
    /// what is missing and what to install.
    /// </summary>
    public static string? FindPrerequisiteProblem(string? path)
    {
        var gcloud = FindGcloud(path);
        if (gcloud is null)
        {
            return $"The Firestore emulator needs the gcloud CLI, which is not on PATH. {InstallHint}";
        }

        // gcloud lives in <sdk>/bin (often behind a symlink such as /usr/bin/gcloud); components in <sdk>/platform.
        var resolved = new FileInfo(gcloud).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? gcloud;
        var sdkRoot = Path.GetDirectoryName(Path.GetDirectoryName(resolved));
        return sdkRoot is not null && Directory.Exists(Path.Combine(sdkRoot, "platform", "cloud-firestore-emulator"))
            ? null
            : $"gcloud is installed ({resolved}) but its Firestore emulator component is not. {InstallHint}";
    }
}
