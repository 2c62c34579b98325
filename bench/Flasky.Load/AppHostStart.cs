using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.NetworkInformation;
using System.Security.Cryptography;
using System.Text;
using Flasky.Check.Auth;
using Flasky.LocalCloudRun;

namespace Flasky.Load;

/// <summary>When one part of the AppHost's system first showed up (a process of its kind) and first listened on a port.</summary>
public sealed record ResourceTiming(string Resource, double? AppearedMs, double? ListeningMs, double? LastSeenMs);

/// <summary>One AppHost start: spawn → each front's first authenticated 200, what each part did when, and the stop.</summary>
public sealed record AppHostRun(
    IReadOnlyDictionary<string, double> FrontMs,
    double AllFrontsMs,
    double? ApplicationStartedMs,
    IReadOnlyList<ResourceTiming> Resources,
    double StopMs,
    int LeftoversKilled);

/// <summary>
/// Times the AppHost the way the README starts it, <c>dotnet run --project Flasky.AppHost</c>: on the prebuilt tree
/// (<c>--no-build -c &lt;configuration&gt;</c>) N times, or once in a fresh clone (restore, build, npm, start). From the
/// spawn it polls each local front with its cloud's real authentication — Azure <c>:7071</c> (function key), AWS
/// <c>:7072</c> (SigV4), GCP <c>:7073</c> (ID token) — until <c>GET /gtg</c> answers 200. The credentials are the
/// AppHost's own parameters, supplied as configuration (<c>Parameters__function-key</c> …) so the harness knows them
/// and the user's secrets are neither read nor written. Meanwhile it watches the AppHost's process tree in /proc: when
/// each emulator, host and front process appears and first listens, which shows what waits for what. It stops the
/// AppHost with SIGTERM (DCP then stops its resources), then kills by PID whatever of the run's processes is left.
/// </summary>
public static class AppHostStart
{
    public const string Azure = "Azure :7071 (function key)";
    public const string Aws = "AWS :7072 (SigV4)";
    public const string Gcp = "GCP :7073 (ID token)";
    public const string AllFronts = "all fronts";

    /// <summary>The fixed ports of the AppHost: the three fronts and the dashboard's launch profile.</summary>
    public static readonly int[] FixedPorts = [7071, 7072, 7073, 15080, 19080, 20080];

    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan FreshCloneTimeout = TimeSpan.FromMinutes(20);

    private const string Marker = "FLASKY_APPHOST_BENCH_RUN";

    /// <summary>The AppHost's other parameters that hold credentials (AppHost.cs), supplied as <c>Parameters__NAME</c>.</summary>
    public static readonly string[] CredentialParameters = ["function-key", "aws-access-key-id", "aws-secret-access-key"];

    /// <summary>The AppHost's parameter for the local token-signing key (CloudRunExtensions.SigningKeyParameter there).</summary>
    public const string SigningKeyParameter = "gcp-token-signing-key";

    /// <summary>Which part of the system a process is, from its command line; null for anything else.</summary>
    public static string? Classify(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        string? Contains(string text, string label) => commandLine.Contains(text, StringComparison.Ordinal) ? label : null;
        var executable = Path.GetFileName(commandLine.Split(' ')[0]);
        if (executable == "dotnet" && commandLine.Contains(" run ", StringComparison.Ordinal))
        {
            // Aspire starts each project with `dotnet run --no-build`: the launcher's MSBuild evaluation is part of the start.
            var project = commandLine.Split(' ').FirstOrDefault(a => a.EndsWith(".csproj", StringComparison.Ordinal) || a.EndsWith("Flasky.AppHost", StringComparison.Ordinal));
            return project is null ? null : $"dotnet run {Path.GetFileName(project).Replace(".csproj", "", StringComparison.Ordinal)} (launcher)";
        }

        return Contains("DynamoDBLocal.jar", "DynamoDB Local (JVM)")
            ?? Contains("emulators/dynamodb", "DynamoDB Local launcher (node)")
            ?? (executable == "java" && commandLine.Contains("firestore", StringComparison.OrdinalIgnoreCase) ? "Firestore emulator (JVM)" : null)
            ?? (commandLine.Contains("gcloud", StringComparison.Ordinal) && commandLine.Contains("firestore", StringComparison.Ordinal) ? "Firestore emulator (gcloud wrapper)" : null)
            ?? Contains("emulators/cosmos", "Cosmos server (node)")
            ?? Contains("server.mjs", "Cosmos server (node)")
            ?? Contains("start.mjs", "DynamoDB Local launcher (node)")
            ?? Contains("Flasky.LocalCloudRun", "cloudrun-front (Flasky.LocalCloudRun)")
            ?? Contains("Flasky.CloudRun", "cloudrun (Flasky.CloudRun)")
            ?? Contains("Flasky.LocalApiGateway", "apigateway (Flasky.LocalApiGateway)")
            ?? Contains("Flasky.Lambda", "lambda (Flasky.Lambda)")
            ?? Contains("Flasky.Functions", "functions (Flasky.Functions)")
            ?? Contains("Aspire.Dashboard", "Aspire dashboard")
            ?? (executable.StartsWith("dcp", StringComparison.Ordinal) ? "DCP" : null)
            ?? (commandLine.Contains("npm", StringComparison.Ordinal) && commandLine.Contains(" ci", StringComparison.Ordinal) ? "npm ci" : null)
            ?? Contains("MSBuild.dll", "MSBuild")
            ?? Contains("Flasky.AppHost", "AppHost process");
    }

    /// <summary><paramref name="runs"/> starts of the prebuilt AppHost, one after the other.</summary>
    public static async Task<IReadOnlyList<AppHostRun>> PrebuiltAsync(string repositoryRoot, string configuration, int runs, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var built = Path.Combine(repositoryRoot, "Flasky.AppHost", "bin", configuration, "net10.0", "Flasky.AppHost.dll");
        if (!File.Exists(built))
        {
            throw new FileNotFoundException($"{built} does not exist: build the AppHost first (dotnet build Flasky.AppHost -c {configuration}).", built);
        }

        var results = new List<AppHostRun>();
        for (var run = 1; run <= runs; run++)
        {
            var result = await OnceAsync(repositoryRoot, ["run", "--project", "Flasky.AppHost", "--no-build", "-c", configuration], StartTimeout, progress, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            await progress.WriteLineAsync(Invariant(
                $"  AppHost start {run}/{runs}: {string.Join(", ", new[] { Azure, Aws, Gcp }.Select(f => $"{f} {result.FrontMs[f]:F0} ms"))}; stopped in {result.StopMs:F0} ms, {result.LeftoversKilled} left-over process(es) killed; load {Harness.LoadAverage()}")).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>Clones the repository's HEAD into a temporary directory and times its first <c>dotnet run --project Flasky.AppHost</c>.</summary>
    public static async Task<(double CloneMs, AppHostRun Run)> FreshCloneAsync(string repositoryRoot, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var directory = Path.Combine(Path.GetTempPath(), "flasky-fresh-clone-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var clone = Stopwatch.StartNew();
            var git = new ProcessStartInfo("git") { UseShellExecute = false, RedirectStandardError = true };
            foreach (var argument in new[] { "clone", "--quiet", repositoryRoot, directory })
            {
                git.ArgumentList.Add(argument);
            }

            using (var process = Process.Start(git) ?? throw new InvalidOperationException("git did not start."))
            {
                var error = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"git clone failed: {error}");
                }
            }

            clone.Stop();
            await progress.WriteLineAsync(Invariant($"  cloned into {directory} in {clone.Elapsed.TotalMilliseconds:F0} ms")).ConfigureAwait(false);
            var run = await OnceAsync(directory, ["run", "--project", "Flasky.AppHost"], FreshCloneTimeout, progress, cancellationToken).ConfigureAwait(false);
            return (clone.Elapsed.TotalMilliseconds, run);
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await progress.WriteLineAsync($"  could not delete {directory}: {ex.Message}").ConfigureAwait(false);
            }
        }
    }

    public static string FrontTable(IReadOnlyList<AppHostRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var text = new StringBuilder();
        text.AppendLine("| Front | spawn → first authenticated 200, median s | every run, s |");
        text.AppendLine("|---|---:|---|");
        foreach (var front in new[] { Azure, Aws, Gcp, AllFronts })
        {
            var values = runs.Select(r => front == AllFronts ? r.AllFrontsMs : r.FrontMs[front]).ToList();
            text.AppendLine(Invariant($"| {front} | {Statistics.Median(values) / 1000:F1} | {string.Join(", ", values.Select(Seconds))} |"));
        }

        var started = runs.Where(r => r.ApplicationStartedMs is not null).Select(r => r.ApplicationStartedMs!.Value).ToList();
        if (started.Count > 0)
        {
            text.AppendLine(Invariant($"| (AppHost log: \"Distributed application started\") | {Statistics.Median(started) / 1000:F1} | {string.Join(", ", started.Select(Seconds))} |"));
        }

        return text.ToString();
    }

    public static string ResourceTable(IReadOnlyList<AppHostRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var text = new StringBuilder();
        text.AppendLine("| Process (resource) | appears, median s | first listens, median s | listens − appears, s | last seen, median s |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        var names = runs.SelectMany(r => r.Resources).Select(r => r.Resource).Distinct()
            .OrderBy(name => Median(runs, name, t => t.AppearedMs) ?? double.MaxValue);
        foreach (var name in names)
        {
            var appeared = Median(runs, name, t => t.AppearedMs);
            var listening = Median(runs, name, t => t.ListeningMs);
            var lastSeen = Median(runs, name, t => t.LastSeenMs);
            text.AppendLine(Invariant(
                $"| {name} | {Seconds(appeared)} | {Seconds(listening)} | {(appeared is { } a && listening is { } l ? Seconds(l - a) : "—")} | {Seconds(lastSeen)} |"));
        }

        return text.ToString();
    }

    private static double? Median(IReadOnlyList<AppHostRun> runs, string name, Func<ResourceTiming, double?> pick)
    {
        var values = runs.SelectMany(r => r.Resources).Where(t => t.Resource == name).Select(pick).OfType<double>().ToList();
        return values.Count == 0 ? null : Statistics.Median(values);
    }

    private static string Seconds(double? ms) => ms is { } m ? (m / 1000).ToString("F1", CultureInfo.InvariantCulture) : "—";

    private static string Seconds(double ms) => (ms / 1000).ToString("F1", CultureInfo.InvariantCulture);

    private static async Task<AppHostRun> OnceAsync(string workingDirectory, IReadOnlyList<string> dotnetArguments, TimeSpan timeout, TextWriter progress, CancellationToken cancellationToken)
    {
        var busy = IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners().Select(e => e.Port).Intersect(FixedPorts).ToList();
        if (busy.Count > 0)
        {
            throw new InvalidOperationException($"Port(s) {string.Join(", ", busy)} are taken (another AppHost running?): the AppHost needs them free.");
        }

        var functionKey = RandomText(40, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        var accessKeyId = "AKIA" + RandomText(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
        var secretAccessKey = RandomText(40, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        var signingKey = SigningKey.GeneratePkcs8Base64();
        var marker = Guid.NewGuid().ToString("N");

        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in dotnetArguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Parameters__function-key"] = functionKey;
        start.Environment["Parameters__aws-access-key-id"] = accessKeyId;
        start.Environment["Parameters__aws-secret-access-key"] = secretAccessKey;
        start.Environment["Parameters__" + SigningKeyParameter] = signingKey;
        start.Environment[Marker] = marker;

        IRequestAuthenticator gcpAuth;
        using (var key = SigningKey.FromPkcs8Base64(signingKey))
        {
            gcpAuth = IdTokenAuthenticator.WithToken(IdTokens.Create(key, "http://localhost:7073", DateTimeOffset.UtcNow, IdTokens.DefaultLifetime));
        }

        var fronts = new Dictionary<string, LoadTarget>
        {
            [Azure] = new(Azure, new Uri("http://localhost:7071"), FunctionKeyAuthenticator.WithKey(functionKey), null),
            [Aws] = new(Aws, new Uri("http://localhost:7072"), SigV4Authenticator.WithCredentials("us-east-1", accessKeyId, secretAccessKey), null),
            [Gcp] = new(Gcp, new Uri("http://localhost:7073"), gcpAuth, null),
        };

        var timings = new ConcurrentDictionary<string, double>();
        var tail = new ConcurrentQueue<string>();
        double? applicationStarted = null;
        var spawned = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            if (applicationStarted is null && line.Contains("Distributed application started", StringComparison.Ordinal))
            {
                applicationStarted = Stopwatch.GetElapsedTime(spawned).TotalMilliseconds;
            }

            tail.Enqueue(line);
            while (tail.Count > 60)
            {
                tail.TryDequeue(out _);
            }
        }

        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var appeared = new Dictionary<string, double>();
        var listening = new Dictionary<string, double>();
        var lastSeen = new Dictionary<string, double>();
        var known = new Dictionary<int, bool>();
        var ready = new Dictionary<string, double>();
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2), PooledConnectionLifetime = TimeSpan.FromSeconds(1) })
            {
                Timeout = TimeSpan.FromSeconds(5),
            };
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            var lastStatus = new ConcurrentDictionary<string, string>(fronts.Keys.ToDictionary(k => k, _ => "no answer"));
            var answered = new ConcurrentDictionary<string, double>();
            var probes = new Dictionary<string, Task>();
            // Each front is probed on its own (a front may hold a request while its backend starts), and the process
            // table is read every 200 ms regardless, so neither waits for the other.
            async Task ProbeAsync(string name, LoadTarget front)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, front.Resolve("/gtg"));
                    await front.Authenticator.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
                    using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
                    lastStatus[name] = $"status {(int)response.StatusCode}";
                    if (response.StatusCode == System.Net.HttpStatusCode.OK)
                    {
                        answered.TryAdd(name, Stopwatch.GetElapsedTime(spawned).TotalMilliseconds);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    lastStatus[name] = ex.Message;
                }
            }

            while (answered.Count < fronts.Count)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException(
                        $"Not every front answered within {timeout.TotalSeconds:F0} s ({string.Join("; ", lastStatus.Select(s => $"{s.Key}: {s.Value}"))}). AppHost output:\n{string.Join('\n', tail)}");
                }

                if (process.HasExited)
                {
                    throw new InvalidOperationException($"The AppHost exited ({process.ExitCode}) while starting:\n{string.Join('\n', tail)}");
                }

                Observe(marker, known, Stopwatch.GetElapsedTime(spawned).TotalMilliseconds, appeared, listening, lastSeen);
                foreach (var (name, front) in fronts)
                {
                    if (!answered.ContainsKey(name) && (!probes.TryGetValue(name, out var probe) || probe.IsCompleted))
                    {
                        probes[name] = ProbeAsync(name, front);
                    }
                }

                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }

            await Task.WhenAll(probes.Values).ConfigureAwait(false);
            foreach (var (name, ms) in answered)
            {
                ready[name] = ms;
            }

            // One more look, so that processes that came up with the last front have their listening time.
            Observe(marker, known, Stopwatch.GetElapsedTime(spawned).TotalMilliseconds, appeared, listening, lastSeen);
        }
        finally
        {
            var (stopMs, killed) = await StopAsync(process, marker, progress).ConfigureAwait(false);
            timings["stop"] = stopMs;
            timings["killed"] = killed;
        }

        var resources = appeared.Keys
            .Select(name => new ResourceTiming(name, appeared[name], listening.TryGetValue(name, out var l) ? l : null, lastSeen[name]))
            .ToList();
        return new AppHostRun(ready, ready.Values.Max(), applicationStarted, resources, timings["stop"], (int)timings["killed"]);
    }

    /// <summary>One look at the run's processes (those with its environment marker): which parts exist and which listen.</summary>
    private static void Observe(string marker, Dictionary<int, bool> known, double elapsedMs, Dictionary<string, double> appeared, Dictionary<string, double> listening, Dictionary<string, double> lastSeen)
    {
        if (!ProcFs.Available)
        {
            return;
        }

        var sockets = ProcFs.ListeningSockets();
        foreach (var pid in ProcFs.WithEnvironment($"{Marker}={marker}", known))
        {
            var commandLine = ProcFs.CommandLine(pid);
            if (commandLine is null || Classify(commandLine) is not { } name)
            {
                continue;
            }

            appeared.TryAdd(name, elapsedMs);
            lastSeen[name] = elapsedMs;
            if (!listening.ContainsKey(name) && ProcFs.ListeningPorts(pid, sockets).Count > 0)
            {
                listening[name] = elapsedMs;
            }
        }
    }

    /// <summary>
    /// SIGTERM to the AppHost's own process (so that DCP stops the emulators and hosts), then up to 60 s for every
    /// process of the run (its environment marker: DCP and the resources leave the AppHost's tree) to end; SIGKILL by
    /// PID for whatever is still alive after that. Returns the time to a clean stop and how many were killed.
    /// </summary>
    private static async Task<(double StopMs, int Killed)> StopAsync(Process root, string marker, TextWriter progress)
    {
        var stopping = Stopwatch.StartNew();
        var entry = $"{Marker}={marker}";
        var known = new Dictionary<int, bool>();
        var appHost = ProcFs.Available ? ProcFs.WithEnvironment(entry, known).FirstOrDefault(pid => Classify(ProcFs.CommandLine(pid) ?? "") == "AppHost process") : 0;
        if (!root.HasExited)
        {
            ProcFs.Terminate(appHost != 0 ? appHost : root.Id);
        }

        IReadOnlyList<int> Remaining() => ProcFs.Available ? [.. ProcFs.WithEnvironment(entry, known).Where(pid => pid != Environment.ProcessId && !IsBuildServer(pid))] : [];
        var deadline = TimeSpan.FromSeconds(60);
        while (stopping.Elapsed < deadline && (!root.HasExited || Remaining().Count > 0))
        {
            await Task.Delay(100).ConfigureAwait(false);
        }

        var stopMs = stopping.Elapsed.TotalMilliseconds;
        var killed = 0;
        if (!root.HasExited)
        {
            root.Kill(entireProcessTree: true);
            killed++;
        }

        foreach (var pid in Remaining())
        {
            await progress.WriteLineAsync($"  left running 60 s after the SIGTERM, killed: {pid} {Shorten(ProcFs.CommandLine(pid) ?? "")}").ConfigureAwait(false);
            killed += ProcFs.Kill(pid) ? 1 : 0;
        }

        return (stopMs, killed);
    }

    /// <summary>A compiler or MSBuild server the fresh clone's build started may serve other builds by now: it ends itself when idle.</summary>
    private static bool IsBuildServer(int pid)
    {
        var commandLine = ProcFs.CommandLine(pid) ?? "";
        return commandLine.Contains("VBCSCompiler", StringComparison.Ordinal) || commandLine.Contains("MSBuild.dll", StringComparison.Ordinal)
            || commandLine.Contains("rzc.dll", StringComparison.Ordinal);
    }

    private static string Shorten(string commandLine) => commandLine.Length > 160 ? commandLine[..160] + "…" : commandLine;

    private static string RandomText(int length, string alphabet) =>
        string.Create(length, alphabet, (span, chars) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = chars[RandomNumberGenerator.GetInt32(chars.Length)];
            }
        });

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
