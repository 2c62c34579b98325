using System.Diagnostics;
using Flasky.Check.Auth;
using Flasky.Emulators;
using Flasky.LocalCloudRun;

namespace Flasky.Load;

/// <summary>A host started for the harness: its processes (the measured one last) and the target to load.</summary>
public sealed class LaunchedHost(LoadTarget target, IReadOnlyList<HostProcess> processes) : IAsyncDisposable
{
    public LoadTarget Target { get; } = target;

    public IReadOnlyList<HostProcess> Processes { get; } = processes;

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Processes.Reverse())
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>
/// Starts each local host as its own process with the in-memory store, on free loopback ports, with credentials made up
/// for this run: the Functions local host (function key), the Lambda handler behind Flasky.LocalApiGateway (SigV4), the
/// Cloud Run host (bare, as Cloud Run's front sees it) and behind Flasky.LocalCloudRun (ID token), plus the baselines.
/// Each runs from its build output, or (<paramref name="publishedRoot"/>) from <c>&lt;root&gt;/&lt;Project&gt;/</c>, where
/// bench.sh publishes each project as it is deployed (ReadyToRun).
/// </summary>
public sealed class LocalHosts(string repositoryRoot, string configuration, string? publishedRoot = null)
{
    public const string BareKestrel = "bare Kestrel (baseline)";
    public const string Functions = "Functions local host";
    public const string CloudRun = "Cloud Run host";
    public const string CloudRunFront = "Cloud Run via LocalCloudRun";
    public const string Lambda = "Lambda via LocalApiGateway";
    public const string BareLambda = "bare Lambda via LocalApiGateway";

    public const string FunctionKey = "bench-function-key-0123456789";
    private const string AccessKeyId = "AKIAFLASKYBENCH00001";
    private const string SecretAccessKey = "flasky-bench-secret/0123456789abcdefghij";
    private const string Region = "us-east-1";

    private readonly string _signingKey = SigningKey.GeneratePkcs8Base64();

    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    public string Assembly(string project)
    {
        if (publishedRoot is not null)
        {
            return Path.Combine(publishedRoot, project, project + ".dll");
        }

        var folder = project.StartsWith("Flasky.Baseline", StringComparison.Ordinal) ? Path.Combine("bench", project) : project;
        return Path.Combine(repositoryRoot, folder, "bin", configuration, "net10.0", project + ".dll");
    }

    public IRequestAuthenticator FunctionKeyAuth { get; } = FunctionKeyAuthenticator.WithKey(FunctionKey);

    public IRequestAuthenticator SigV4Auth { get; } = SigV4Authenticator.WithCredentials(Region, AccessKeyId, SecretAccessKey);

    public HostProcess SpawnBareKestrel(int port) => HostProcess.Start(BareKestrel, Assembly("Flasky.Baseline"), [], new Dictionary<string, string>
    {
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        ["FunctionKeys__Host__default"] = FunctionKey,
    });

    /// <param name="port">The API port.</param>
    /// <param name="store">The store's settings (<c>CandidateStore</c> and its connection); null for the in-memory store.</param>
    public HostProcess SpawnFunctions(int port, IReadOnlyDictionary<string, string>? store = null) => HostProcess.Start(Functions, Assembly("Flasky.Functions"), [$"--urls=http://127.0.0.1:{port}"], WithStore(store, new()
    {
        ["FunctionKeys__Host__default"] = FunctionKey,
    }));

    /// <param name="port">The API port ($PORT).</param>
    /// <param name="store">The store's settings (<c>CandidateStore</c> and its connection); null for the in-memory store.</param>
    public HostProcess SpawnCloudRun(int port, IReadOnlyDictionary<string, string>? store = null) => HostProcess.Start(CloudRun, Assembly("Flasky.CloudRun"), [], WithStore(store, new()
    {
        ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }));

    public HostProcess SpawnCloudRunFront(int port, Uri destination) => HostProcess.Start(CloudRunFront, Assembly("Flasky.LocalCloudRun"),
        [
            $"--LocalCloudRun:Destination={destination}",
            $"--LocalCloudRun:Port={port}",
            $"--LocalCloudRun:ManagementPort={FreePorts.Loopback()}",
            $"--LocalCloudRun:Audience={FrontAudience(port)}",
        ],
        new Dictionary<string, string> { ["LocalCloudRun__SigningKey"] = _signingKey });

    public HostProcess SpawnGateway(string name, int httpPort, int runtimePort) => HostProcess.Start(name + " (gateway)", Assembly("Flasky.LocalApiGateway"), [], new Dictionary<string, string>
    {
        ["ApiGateway__AccessKeyId"] = AccessKeyId,
        ["ApiGateway__SecretAccessKey"] = SecretAccessKey,
        ["ApiGateway__Region"] = Region,
        ["ApiGateway__HttpPort"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ApiGateway__RuntimeApiPort"] = runtimePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    /// <summary>Flasky.Lambda's local runtime loop, or (bare) the baseline's bare handler, polling a gateway's Runtime API.</summary>
    /// <param name="runtimePort">The gateway's Runtime API port.</param>
    /// <param name="bare">The baseline's bare handler instead of Flasky.Lambda.</param>
    /// <param name="store">The store's settings (<c>CandidateStore</c> and its connection); null for the in-memory store.</param>
    public HostProcess SpawnLambda(int runtimePort, bool bare, IReadOnlyDictionary<string, string>? store = null) => HostProcess.Start(
        bare ? BareLambda : Lambda,
        Assembly(bare ? "Flasky.Baseline" : "Flasky.Lambda"),
        [],
        WithStore(store, new()
        {
            ["AWS_LAMBDA_RUNTIME_API"] = $"127.0.0.1:{runtimePort}",
            ["AWS_LAMBDA_LOG_STREAM_NAME"] = "bench/[$LATEST]" + Guid.NewGuid().ToString("N"),
        }));

    /// <summary>
    /// The Lambda handler behind a gateway of its own, as in <see cref="StartAllAsync"/>: the gateway first (its
    /// Runtime API must listen before the function polls it), then <paramref name="environments"/> execution
    /// environments polling it (each serves one invocation at a time, as in Lambda).
    /// </summary>
    public async Task<LaunchedHost> StartLambdaAsync(
        string name, string? baseline, IReadOnlyDictionary<string, string>? store, CancellationToken cancellationToken, int environments = 1)
    {
        int httpPort = FreePorts.Loopback(), runtimePort = FreePorts.Loopback();
        var target = Target(name, httpPort, SigV4Auth, baseline);
        var processes = new List<HostProcess> { SpawnGateway(name, httpPort, runtimePort) };
        try
        {
            await WaitForGatewayAsync(target, processes[0], cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < environments; i++)
            {
                processes.Add(SpawnLambda(runtimePort, bare: false, store));
            }

            return new LaunchedHost(target, processes);
        }
        catch
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    private static Dictionary<string, string> WithStore(IReadOnlyDictionary<string, string>? store, Dictionary<string, string> environment)
    {
        environment["CandidateStore"] = "InMemory";
        foreach (var (key, value) in store ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return environment;
    }

    public IRequestAuthenticator IdTokenAuth(int frontPort)
    {
        using var key = SigningKey.FromPkcs8Base64(_signingKey);
        return IdTokenAuthenticator.WithToken(IdTokens.Create(key, FrontAudience(frontPort), DateTimeOffset.UtcNow, IdTokens.DefaultLifetime));
    }

    /// <summary>Starts every host for a load run and waits until each answers <c>/gtg</c> with 200.</summary>
    public async Task<IReadOnlyList<LaunchedHost>> StartAllAsync(CancellationToken cancellationToken)
    {
        var launched = new List<LaunchedHost>();
        try
        {
            var kestrelPort = FreePorts.Loopback();
            launched.Add(new(Target(BareKestrel, kestrelPort, FunctionKeyAuth, null), [SpawnBareKestrel(kestrelPort)]));

            var functionsPort = FreePorts.Loopback();
            launched.Add(new(Target(Functions, functionsPort, FunctionKeyAuth, BareKestrel), [SpawnFunctions(functionsPort)]));

            var cloudRunPort = FreePorts.Loopback();
            var cloudRun = SpawnCloudRun(cloudRunPort);
            launched.Add(new(Target(CloudRun, cloudRunPort, NoAuthentication.Instance, BareKestrel), [cloudRun]));

            var frontPort = FreePorts.Loopback();
            launched.Add(new(
                Target(CloudRunFront, frontPort, IdTokenAuth(frontPort), BareKestrel),
                [SpawnCloudRunFront(frontPort, new Uri($"http://127.0.0.1:{cloudRunPort}"))]));

            foreach (var bare in new[] { false, true })
            {
                int httpPort = FreePorts.Loopback(), runtimePort = FreePorts.Loopback();
                var name = bare ? BareLambda : Lambda;
                // One execution environment takes one invocation at a time (as in Lambda), so the Lambda row's fair
                // baseline is the bare handler behind the same gateway; the bare handler's own is bare Kestrel.
                var target = Target(name, httpPort, SigV4Auth, bare ? BareKestrel : BareLambda);
                var gateway = SpawnGateway(name, httpPort, runtimePort);
                launched.Add(new(target, [gateway]));
                await WaitForGatewayAsync(target, gateway, cancellationToken).ConfigureAwait(false);
                launched[^1] = new(target, [gateway, SpawnLambda(runtimePort, bare)]);
            }

            foreach (var host in launched)
            {
                await WaitUntilServingAsync(host.Target, host.Processes, cancellationToken).ConfigureAwait(false);
            }

            return launched;
        }
        catch
        {
            foreach (var host in launched)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Waits until the gateway refuses an unsigned request itself (403): it is up, and its Runtime API too.</summary>
    public static Task<TimeSpan> WaitForGatewayAsync(LoadTarget target, HostProcess gateway, CancellationToken cancellationToken) =>
        WaitUntilServingAsync(target with { Authenticator = NoAuthentication.Instance }, [gateway], cancellationToken, status: 403);

    public static LoadTarget Target(string name, int port, IRequestAuthenticator auth, string? baseline) =>
        new(name, new Uri($"http://127.0.0.1:{port}"), auth, baseline);

    /// <summary>
    /// Polls <c>GET /gtg</c> (with the target's credentials) until it answers <paramref name="status"/>; returns the time
    /// from the last process's spawn. A request the gateway holds for a function that is still starting simply waits.
    /// </summary>
    public static async Task<TimeSpan> WaitUntilServingAsync(LoadTarget target, IReadOnlyList<HostProcess> processes, CancellationToken cancellationToken, int status = 200)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(processes);
        var measured = processes[^1];
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = StartTimeout };
        var deadline = Stopwatch.GetTimestamp() + (long)(StartTimeout.TotalSeconds * Stopwatch.Frequency);
        string last = "no answer";
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (processes.FirstOrDefault(p => p.HasExited) is { } exited)
            {
                throw new InvalidOperationException($"{exited.Name} exited while starting:\n{exited.Tail}");
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, target.Resolve("/gtg"));
                await target.Authenticator.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
                using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if ((int)response.StatusCode == status)
                {
                    return Stopwatch.GetElapsedTime(measured.SpawnedTimestamp);
                }

                last = $"status {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"{target.Name} did not answer GET /gtg with {status} within {StartTimeout.TotalSeconds} s (last: {last}):\n{measured.Tail}");
    }

    private static string FrontAudience(int port) => $"http://localhost:{port}";
}
