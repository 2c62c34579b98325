using System.Globalization;
using Flasky.Check.Auth;

namespace Flasky.Load;

/// <summary>The command line. Without <c>--url</c> the harness starts every local host itself.</summary>
public sealed record HarnessOptions
{
    public const string Usage = """
        Usage: Flasky.Load [options]                       every local host (in-memory store) vs bare baselines, plus cold starts
               Flasky.Load --url URL [AUTH] [--url URL [AUTH]]... [options]
                                                          any deployment; the first --url is the baseline of the others
          AUTH (applies to the --url before it; none = anonymous):
            --function-key KEY       Azure Functions key (x-functions-key)
            --sigv4 REGION           SigV4 for execute-api, keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
            --id-token TOKEN         Cloud Run: Authorization: Bearer TOKEN
            --id-token-command CMD   Cloud Run: the token CMD prints, e.g. "gcloud auth print-identity-token --audiences=URL"
          options:
            --duration SECONDS       measured time per route, target and round (default 3)
            --warmup SECONDS         unmeasured time before each measurement (default 1)
            --rounds N               rounds, targets interleaved in each (default 3)
            --connections N          concurrent connections (closed loop; default 16)
            --cold-start-runs N      spawns per host for the cold-start table, 0 to skip (default 5; local only)
            --configuration NAME     the build whose outputs are started (default Release)
            --published DIR          start each host from DIR/<Project>/<Project>.dll instead (bench.sh publishes them
                                     there ReadyToRun, as they are deployed)
            --no-load                only the cold-start table
            --emulators [CLOUDS]     instead of the tables above: per cloud (azure,aws,gcp; default all three), its host with
                                     the in-memory store vs with its local emulator (Cosmos server, DynamoDB Local, Firestore
                                     emulator) vs the store's SDK client alone, for the routes that reach the store
            --lambda-environments N  with --emulators: Lambda execution environments behind each gateway (default 1;
                                     each has its own in-memory store, so the in-memory GET rows 404 beyond 1)
          separate runs (any of these runs only what it names):
            --apphost-start N        N starts of the prebuilt AppHost (dotnet run --project Flasky.AppHost --no-build -c
                                     CONFIGURATION): spawn → :7071/:7072/:7073 each answer an authenticated 200, and when
                                     each emulator/host process appears and listens; needs those ports and 15080/19080/20080 free
            --apphost-fresh-clone    git clone of HEAD into a temp dir, then its first dotnet run --project Flasky.AppHost
            --list-scaling SIZES     e.g. 1000,10000,100000: per size and in-memory host, seed that many candidates, walk
                                     the listing by its Link pages: time, ms per 1k, host RSS before/after (/proc)
            --list-page-size N       limit of each listing page (default 1000)
        Writes only candidates named flasky-bench-… (150 seeded, 100 rewritten by the POST route).
        """;

    public LoadSettings Settings { get; init; } = new();

    public string Configuration { get; init; } = "Release";

    public bool Load { get; init; } = true;

    /// <summary>Where each host is published (<c>DIR/&lt;Project&gt;/</c>), or null to run the build outputs.</summary>
    public string? Published { get; init; }

    /// <summary>Separate runs: AppHost starts, fresh-clone start, list scaling (see AppHostStart, ListScaling).</summary>
    public SeparateRuns Separate { get; init; } = new();

    /// <summary>The clouds whose emulators to run (<c>--emulators</c>); null for the host and cold-start tables.</summary>
    public IReadOnlyList<EmulatorCloud>? Emulators { get; init; }

    /// <summary>With <see cref="Emulators"/>: Lambda execution environments polling each gateway.</summary>
    public int LambdaEnvironments { get; init; } = 1;

    /// <summary>Deployed targets; empty for the local stack.</summary>
    public IReadOnlyList<LoadTarget> Remote { get; init; } = [];

    /// <returns>The options, or null when help was asked for.</returns>
    /// <exception cref="ArgumentException">A usage error, with what is wrong.</exception>
    public static HarnessOptions? Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new HarnessOptions();
        var settings = new LoadSettings();
        var remote = new List<LoadTarget>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                ? args[++i]
                : throw new ArgumentException($"{arg} needs a value.");
            double Seconds() => double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0
                ? s
                : throw new ArgumentException($"{arg} needs a number of seconds.");
            int Count(int min) => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
                ? n
                : throw new ArgumentException($"{arg} needs a whole number ≥ {min}.");
            void Authenticate(IRequestAuthenticator authenticator)
            {
                if (remote.Count == 0)
                {
                    throw new ArgumentException($"{arg} applies to the --url before it.");
                }

                remote[^1] = remote[^1] with { Authenticator = authenticator };
            }

            switch (arg)
            {
                case "-h" or "--help":
                    return null;
                case "--url":
                    var url = Value();
                    if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                    {
                        throw new ArgumentException($"--url needs an absolute http(s) URL, not \"{url}\".");
                    }

                    remote.Add(new LoadTarget(uri.ToString(), uri, NoAuthentication.Instance, remote.Count == 0 ? null : remote[0].Name));
                    break;
                case "--function-key":
                    Authenticate(FunctionKeyAuthenticator.WithKey(Value()));
                    break;
                case "--sigv4":
                    Authenticate(SigV4Authenticator.FromEnvironment(Value(), Environment.GetEnvironmentVariable));
                    break;
                case "--id-token":
                    Authenticate(IdTokenAuthenticator.WithToken(Value()));
                    break;
                case "--id-token-command":
                    Authenticate(IdTokenAuthenticator.WithCommand(Value()));
                    break;
                case "--duration":
                    settings = settings with { Duration = TimeSpan.FromSeconds(Seconds()) };
                    break;
                case "--warmup":
                    settings = settings with { Warmup = TimeSpan.FromSeconds(Seconds()) };
                    break;
                case "--rounds":
                    settings = settings with { Rounds = Count(1) };
                    break;
                case "--connections":
                    settings = settings with { Connections = Count(1) };
                    break;
                case "--cold-start-runs":
                    settings = settings with { ColdStartRuns = Count(0) };
                    break;
                case "--configuration":
                    options = options with { Configuration = Value() };
                    break;
                case "--published":
                    var published = Path.GetFullPath(Value());
                    options = Directory.Exists(published)
                        ? options with { Published = published }
                        : throw new ArgumentException($"--published needs an existing directory, not \"{published}\".");
                    break;
                case "--no-load":
                    options = options with { Load = false };
                    break;
                case "--apphost-start" or "--apphost-fresh-clone" or "--list-scaling" or "--list-page-size":
                    options = options with { Separate = options.Separate.Parse(arg, Value) };
                    break;
                case "--lambda-environments":
                    options = options with { LambdaEnvironments = Count(1) };
                    break;
                case "--emulators":
                    var clouds = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "azure,aws,gcp";
                    options = options with { Emulators = ParseClouds(clouds) };
                    break;
                default:
                    throw new ArgumentException($"Unknown argument \"{arg}\".");
            }
        }

        if (options.Emulators is not null && remote.Count > 0)
        {
            throw new ArgumentException("--emulators runs the local emulators and hosts; it does not combine with --url.");
        }

        return options with { Settings = settings, Remote = remote };
    }

    private static List<EmulatorCloud> ParseClouds(string list)
    {
        var clouds = new List<EmulatorCloud>();
        foreach (var name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            EmulatorCloud cloud = name.ToUpperInvariant() switch
            {
                "AZURE" => EmulatorCloud.Azure,
                "AWS" => EmulatorCloud.Aws,
                "GCP" => EmulatorCloud.Gcp,
                _ => throw new ArgumentException($"--emulators takes a comma list of azure, aws, gcp; not \"{name}\"."),
            };
            if (!clouds.Contains(cloud))
            {
                clouds.Add(cloud);
            }
        }

        return clouds.Count > 0 ? clouds : throw new ArgumentException("--emulators needs at least one of azure, aws, gcp.");
    }
}
