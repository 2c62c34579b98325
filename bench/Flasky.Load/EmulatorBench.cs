using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Flasky.Core.Names;
using Flasky.Core.Storage;
using Flasky.Cosmos;
using Flasky.DynamoDb;
using Flasky.Emulators;
using Flasky.Firestore;

namespace Flasky.Load;

/// <summary>A cloud whose local emulator <c>--emulators</c> runs.</summary>
public enum EmulatorCloud
{
    Azure,
    Aws,
    Gcp,
}

/// <summary>One route of one cloud in the emulator table: (a) host + in-memory, (b) host + emulator, (c) the store alone.</summary>
public sealed record EmulatorRow(EmulatorCloud Cloud, string Route, Measurement? InMemory, Measurement? Emulated, Measurement? Direct, string? Failure)
{
    /// <summary>(b)/(a): what the emulator costs the host.</summary>
    public double HostRatio => Emulated is null || InMemory is null ? double.NaN : Emulated.RequestsPerSecond / InMemory.RequestsPerSecond;

    /// <summary>(b)/(c): how close the host gets to the emulator's own ceiling.</summary>
    public double CeilingRatio => Emulated is null || Direct is null ? double.NaN : Emulated.RequestsPerSecond / Direct.RequestsPerSecond;

    /// <summary>
    /// emulator-bound: the host reaches ≥ 0.8× what the store alone gets from the emulator; host-bound: it does not, but
    /// it runs about as fast as on the in-memory store (the host is the limit); host + emulator: both cost.
    /// </summary>
    public string Verdict => Failure is not null ? "failed"
        : (Emulated?.Errors ?? 0) + (Direct?.Errors ?? 0) > 0 ? "errors (below)"
        : double.IsNaN(CeilingRatio) ? "—"
        : CeilingRatio >= EmulatorBench.BoundRatio ? "emulator-bound"
        : HostRatio >= EmulatorBench.BoundRatio ? "host-bound"
        : "host + emulator";
}

/// <summary>One subject's figures for one route, all rounds together.</summary>
/// <summary>
/// The same load against each cloud's local emulator. For each cloud in turn: start its emulator (the launchers of
/// Flasky.Emulators, as the tests start them), its host twice — (a) with the in-memory store, (b) with the
/// emulator-backed store, selected by configuration as the AppHost selects it — and (c) its SDK-based store in this
/// process, then measure every store-bound route on all three, interleaved round after round, same closed loop, same
/// concurrency. (c) is the emulator's own ceiling; (b) ≈ (c) says the emulator, not the host, is the bottleneck.
/// </summary>
public static class EmulatorBench
{
    public const double BoundRatio = 0.8;

    private const string FirestoreProject = "demo-flasky-bench";

    /// <summary>DynamoDB Local checks no signature; the host and the direct store use the same key and region anyway.</summary>
    private const string DynamoDbKey = "local";

    private const string DynamoDbRegion = "us-east-1";

    /// <summary>How long each subject's first call of a route may take to succeed (one-time costs: a first query plan).</summary>
    private static readonly TimeSpan FirstCallTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A JVM's start on two busy shared cores (DynamoDB Local, the Firestore emulator): seconds to a minute.</summary>
    private static readonly TimeSpan EmulatorStartTimeout = TimeSpan.FromSeconds(120);

    /// <param name="stack">Where the hosts' builds are.</param>
    /// <param name="clouds">The clouds to run, in this order.</param>
    /// <param name="settings">The closed loop's settings (connections, durations, rounds).</param>
    /// <param name="output">Progress, then the table.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <param name="gcloudSearchPath">Where to look for gcloud (a PATH value); null for this process's PATH.</param>
    /// <param name="lambdaEnvironments">Execution environments behind each Lambda subject's gateway.</param>
    /// <returns>0 when every cloud ran without errors, else 1.</returns>
    public static async Task<int> RunAsync(
        LocalHosts stack,
        IReadOnlyList<EmulatorCloud> clouds,
        LoadSettings settings,
        TextWriter output,
        CancellationToken cancellationToken,
        string? gcloudSearchPath = null,
        int lambdaEnvironments = 1)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(clouds);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        var rows = new List<EmulatorRow>();
        foreach (var cloud in clouds)
        {
            await output.WriteLineAsync($"{cloud}: starting its emulator and its host (in-memory and emulator-backed)…").ConfigureAwait(false);
            CloudRig rig;
            try
            {
                rig = await CloudRig.StartAsync(cloud, stack, gcloudSearchPath, lambdaEnvironments, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // A missing prerequisite (or an emulator that did not start) fails this cloud's rows only.
                await output.WriteLineAsync($"{cloud}: could not start: {ex.Message}").ConfigureAwait(false);
                rows.AddRange(LoadRoute.StoreBound.Select(route => new EmulatorRow(cloud, route.Name, null, null, null, "could not start: " + ex.Message)));
                continue;
            }

            await using (rig.ConfigureAwait(false))
            {
                try
                {
                    rows.AddRange(await MeasureAsync(rig, settings, output, cancellationToken).ConfigureAwait(false));
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    await output.WriteLineAsync($"{cloud}: failed: {ex.Message}").ConfigureAwait(false);
                    rows.AddRange(LoadRoute.StoreBound.Select(route => new EmulatorRow(cloud, route.Name, null, null, null, ex.Message)));
                }
            }
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Emulators ({settings.Connections} connections; each cell: req/s (median of the rounds) · p50 ms · p99 ms; (a) host + in-memory store, (b) host + emulator, (c) the store's SDK client alone; verdict from (b)/(c) ≥ {BoundRatio}):")).ConfigureAwait(false);
        await output.WriteLineAsync(Table(rows)).ConfigureAwait(false);
        return rows.Any(r => r.Failure is not null || (r.InMemory?.Errors ?? 0) + (r.Emulated?.Errors ?? 0) + (r.Direct?.Errors ?? 0) > 0) ? 1 : 0;
    }

    public static string Table(IReadOnlyList<EmulatorRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        text.AppendLine("| Cloud | Route | (a) host, in-memory | (b) host, emulator | (c) store alone | (b)/(a) | (b)/(c) | verdict |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            if (row.Failure is not null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Cloud} | {row.Route} | — | — | — | — | — | failed: {FirstLine(row.Failure)} |");
                continue;
            }

            text.AppendLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {row.Cloud} | {row.Route} | {Cell(row.InMemory)} | {Cell(row.Emulated)} | {Cell(row.Direct)} | {Ratio(row.HostRatio)} | {Ratio(row.CeilingRatio)} | {row.Verdict} |"));
        }

        foreach (var row in rows.Where(r => r.Failure is null))
        {
            foreach (var measured in new[] { row.InMemory, row.Emulated, row.Direct }.Where(m => m?.FirstError is not null))
            {
                text.AppendLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"\n{row.Cloud}, {measured!.Subject}, {row.Route}: {measured.Errors} of {measured.Requests} failed; first: {measured.FirstError}"));
            }
        }

        return text.ToString();
    }

    private static async Task<IReadOnlyList<EmulatorRow>> MeasureAsync(CloudRig rig, LoadSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        // (b) and (c) share the emulator: seeding (b) seeds what (c) reads. A host's first store call may outlast its
        // 3 s budget (a cold SDK client on a busy machine): the seeding, idempotent, is retried until it succeeds.
        foreach (var target in new[] { rig.InMemory.Target, rig.Emulated.Target })
        {
            await UntilSucceedsAsync($"seeding {target.Name}", output, async token =>
            {
                await LoadHarness.SeedAsync(target, token).ConfigureAwait(false);
                return null;
            }, cancellationToken).ConfigureAwait(false);
        }

        await WarmUpAsync(rig, output, cancellationToken).ConfigureAwait(false);

        var subjects = new (string Name, Func<LoadRoute, Task<RunResult>> Run)[]
        {
            (rig.InMemory.Target.Name, route => LoadRunner.RunAsync(rig.InMemory.Target, route, settings, cancellationToken)),
            (rig.Emulated.Target.Name, route => LoadRunner.RunAsync(rig.Emulated.Target, route, settings, cancellationToken)),
            (rig.StoreName, route => LoadRunner.RunClosedLoopAsync(settings, StoreOperation(rig.Store, route), cancellationToken)),
        };
        var runs = subjects.ToDictionary(s => s.Name, _ => LoadRoute.StoreBound.ToDictionary(r => r.Name, _ => new List<RunResult>()));
        for (var round = 1; round <= settings.Rounds; round++)
        {
            foreach (var route in LoadRoute.StoreBound)
            {
                // Alternate the order each round, so no subject always runs right after another's burst.
                foreach (var (name, run) in round % 2 == 1 ? subjects.AsEnumerable() : subjects.AsEnumerable().Reverse())
                {
                    var result = await run(route).ConfigureAwait(false);
                    runs[name][route.Name].Add(result);
                    await output.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"  round {round}/{settings.Rounds}  {route.Name,-26} {name,-36} {result.RequestsPerSecond,9:F0} req/s  {result.Errors} errors")).ConfigureAwait(false);
                }
            }
        }

        return [.. LoadRoute.StoreBound.Select(route => new EmulatorRow(
            rig.Cloud,
            route.Name,
            Measurement.Of(subjects[0].Name, runs[subjects[0].Name][route.Name]),
            Measurement.Of(subjects[1].Name, runs[subjects[1].Name][route.Name]),
            Measurement.Of(subjects[2].Name, runs[subjects[2].Name][route.Name]),
            null))];
    }

    /// <summary>
    /// One call of every route on every subject, one at a time, until it succeeds (bounded): a first call's one-time
    /// cost (the Cosmos SDK's first cross-partition query plan takes seconds on a busy machine) then neither lands in
    /// the figures nor, hit by 16 connections at once, times out past the hosts' 3 s budget and opens their circuit
    /// breaker for the whole window.
    /// </summary>
    private static async Task WarmUpAsync(CloudRig rig, TextWriter output, CancellationToken cancellationToken)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = FirstCallTimeout };
        foreach (var route in LoadRoute.StoreBound)
        {
            foreach (var target in new[] { rig.InMemory.Target, rig.Emulated.Target })
            {
                await UntilSucceedsAsync($"{target.Name}, {route.Name}", output, async token =>
                {
                    using var request = new HttpRequestMessage(route.Method, target.Resolve(route.Path(0)));
                    if (route.JsonBody is not null)
                    {
                        request.Content = new StringContent(route.JsonBody, Encoding.UTF8, "application/json");
                    }

                    await target.Authenticator.AuthenticateAsync(request, token).ConfigureAwait(false);
                    using var response = await client.SendAsync(request, token).ConfigureAwait(false);
                    return (int)response.StatusCode == route.ExpectedStatus ? null : $"status {(int)response.StatusCode}";
                }, cancellationToken).ConfigureAwait(false);
            }

            var operation = StoreOperation(rig.Store, route);
            await UntilSucceedsAsync($"{rig.StoreName}, {route.Name}", output, token => operation(0, token), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task UntilSucceedsAsync(string what, TextWriter output, Func<CancellationToken, Task<string?>> call, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(FirstCallTimeout);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            string? problem;
            try
            {
                problem = await call(deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                problem = ex.GetType().Name + ": " + ex.Message;
            }

            if (problem is null)
            {
                var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                if (took > TimeSpan.FromSeconds(1))
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  first call: {what} took {took.TotalSeconds:F1} s")).ConfigureAwait(false);
                }

                return;
            }

            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"{what} did not succeed within {FirstCallTimeout.TotalSeconds} s (last: {problem}).");
            }

            // A host's breaker that opened on the slow first call closes again after its break.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What the host's store does for a route, called directly: the same single store call per request.</summary>
    public static Func<long, CancellationToken, Task<string?>> StoreOperation(ICandidateStore store, LoadRoute route)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(route);
        var attributes = ParseAttributes();
        if (route == LoadRoute.StoreBound[0])
        {
            return async (n, token) => await store.GetAsync(Name(LoadRoute.SeededName(n % LoadRoute.SeededCandidates)), token).ConfigureAwait(false) is null
                ? "not found"
                : null;
        }

        if (route == LoadRoute.StoreBound[1])
        {
            return async (n, token) =>
            {
                await store.UpsertAsync(new Candidate(Name($"{LoadRoute.NamePrefix}post-{n % 100:D3}"), attributes), token).ConfigureAwait(false);
                return null;
            };
        }

        if (route == LoadRoute.StoreBound[2])
        {
            return async (_, token) =>
            {
                await store.PingAsync(token).ConfigureAwait(false);
                return null;
            };
        }

        if (route == LoadRoute.StoreBound[3])
        {
            return async (_, token) => (await store.ListAsync(null, 100, token).ConfigureAwait(false)).Items.Count == 0 ? "empty page" : null;
        }

        throw new ArgumentException($"No store call for {route.Name}.", nameof(route));
    }

    private static CandidateName Name(string name) => CandidateName.FromDecoded(name).Name
        ?? throw new InvalidOperationException($"{name} is not a valid candidate name.");

    private static Dictionary<string, JsonElement> ParseAttributes()
    {
        using var document = JsonDocument.Parse(LoadRoute.AttributesJson);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }

    private static string Cell(Measurement? m) => m is null
        ? "—"
        : string.Create(CultureInfo.InvariantCulture, $"{m.RequestsPerSecond:F0} · {m.P50Ms:F1} · {m.P99Ms:F1}");

    private static string Ratio(double ratio) => double.IsNaN(ratio) || double.IsInfinity(ratio)
        ? "—"
        : ratio.ToString("F2", CultureInfo.InvariantCulture) + "×";

    private static string FirstLine(string text) => text.Split('\n')[0].Replace("|", "/", StringComparison.Ordinal).Trim();

    /// <summary>One cloud's emulator, its two hosts and its store, all stopped together.</summary>
    private sealed class CloudRig : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _owned = [];

        private CloudRig(EmulatorCloud cloud) => Cloud = cloud;

        public EmulatorCloud Cloud { get; }

        public LaunchedHost InMemory { get; private set; } = null!;

        public LaunchedHost Emulated { get; private set; } = null!;

        public ICandidateStore Store { get; private set; } = null!;

        public string StoreName { get; private set; } = "";

        public static async Task<CloudRig> StartAsync(EmulatorCloud cloud, LocalHosts stack, string? gcloudSearchPath, int lambdaEnvironments, CancellationToken cancellationToken)
        {
            var rig = new CloudRig(cloud);
            try
            {
                switch (cloud)
                {
                    case EmulatorCloud.Azure:
                        await rig.StartAzureAsync(stack, cancellationToken).ConfigureAwait(false);
                        break;
                    case EmulatorCloud.Aws:
                        await rig.StartAwsAsync(stack, lambdaEnvironments, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        await rig.StartGcpAsync(stack, gcloudSearchPath, cancellationToken).ConfigureAwait(false);
                        break;
                }

                foreach (var host in new[] { rig.InMemory, rig.Emulated })
                {
                    await LocalHosts.WaitUntilServingAsync(host.Target, host.Processes, cancellationToken).ConfigureAwait(false);
                }

                return rig;
            }
            catch
            {
                await rig.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        private async Task StartAzureAsync(LocalHosts stack, CancellationToken cancellationToken)
        {
            var server = await CosmosServer.StartAsync(
                ["--database", CosmosStoreOptions.DefaultDatabaseName, "--container", $"{CosmosStoreOptions.DefaultContainerName}=/CandidateName"],
                EmulatorStartTimeout).ConfigureAwait(false);
            _owned.Add(server);
            cancellationToken.ThrowIfCancellationRequested();

            var inMemoryPort = FreePorts.Loopback();
            InMemory = Own(new LaunchedHost(
                LocalHosts.Target($"{LocalHosts.Functions} · in-memory", inMemoryPort, stack.FunctionKeyAuth, null),
                [stack.SpawnFunctions(inMemoryPort)]));
            var emulatedPort = FreePorts.Loopback();
            Emulated = Own(new LaunchedHost(
                LocalHosts.Target($"{LocalHosts.Functions} · Cosmos server", emulatedPort, stack.FunctionKeyAuth, null),
                [stack.SpawnFunctions(emulatedPort, new Dictionary<string, string>
                {
                    ["CandidateStore"] = CosmosServiceCollectionExtensions.Registration.Name,
                    ["ConnectionStrings__cosmos"] = server.ConnectionString,
                })]));

            var options = new CosmosStoreOptions { ConnectionString = server.ConnectionString };
            var client = CosmosClientFactory.Create(options);
            _owned.Add(new Disposing(client));
            Store = new CosmosCandidateStore(client.GetContainer(options.DatabaseName, options.ContainerName), options.OperationTimeout);
            StoreName = nameof(CosmosCandidateStore) + " alone";
        }

        private async Task StartAwsAsync(LocalHosts stack, int environments, CancellationToken cancellationToken)
        {
            var dynamo = await DynamoDbLocal.StartAsync([$"{DynamoDbStoreOptions.DefaultTableName}=CandidateName"], EmulatorStartTimeout).ConfigureAwait(false);
            _owned.Add(dynamo);

            // By default one execution environment each, as in the host table: Lambda serves one request per
            // environment at a time, so at N connections the fair comparison with the store alone wants N of them.
            var lambda = environments == 1 ? LocalHosts.Lambda : string.Create(CultureInfo.InvariantCulture, $"{LocalHosts.Lambda} ×{environments}");
            InMemory = Own(await stack.StartLambdaAsync($"{lambda} · in-memory", null, null, cancellationToken, environments).ConfigureAwait(false));
            Emulated = Own(await stack.StartLambdaAsync($"{lambda} · DynamoDB Local", null, new Dictionary<string, string>
            {
                ["CandidateStore"] = DynamoDbServiceCollectionExtensions.Registration.Name,
                ["DynamoDb__TableName"] = DynamoDbStoreOptions.DefaultTableName,
                [DynamoDbStoreOptions.RegionVariable] = DynamoDbRegion,
                [DynamoDbStoreOptions.EndpointVariable] = dynamo.Endpoint.ToString(),
                ["AWS_ACCESS_KEY_ID"] = DynamoDbKey,
                ["AWS_SECRET_ACCESS_KEY"] = DynamoDbKey,
            }, cancellationToken, environments).ConfigureAwait(false));

            var options = new DynamoDbStoreOptions { Region = DynamoDbRegion, ServiceUrl = dynamo.Endpoint };
            var client = DynamoDbClientFactory.Create(options, new BasicAWSCredentials(DynamoDbKey, DynamoDbKey));
            _owned.Add(new Disposing(client));
            Store = new DynamoDbCandidateStore(client, options.TableName, options.OperationTimeout);
            StoreName = nameof(DynamoDbCandidateStore) + " alone";
        }

        private async Task StartGcpAsync(LocalHosts stack, string? gcloudSearchPath, CancellationToken cancellationToken)
        {
            var emulator = await FirestoreEmulator.StartAsync(EmulatorStartTimeout, gcloudSearchPath).ConfigureAwait(false);
            _owned.Add(emulator);
            cancellationToken.ThrowIfCancellationRequested();

            var inMemoryPort = FreePorts.Loopback();
            InMemory = Own(new LaunchedHost(
                LocalHosts.Target($"{LocalHosts.CloudRun} · in-memory", inMemoryPort, Flasky.Check.Auth.NoAuthentication.Instance, null),
                [stack.SpawnCloudRun(inMemoryPort)]));
            var emulatedPort = FreePorts.Loopback();
            Emulated = Own(new LaunchedHost(
                LocalHosts.Target($"{LocalHosts.CloudRun} · Firestore emulator", emulatedPort, Flasky.Check.Auth.NoAuthentication.Instance, null),
                [stack.SpawnCloudRun(emulatedPort, new Dictionary<string, string>
                {
                    ["CandidateStore"] = FirestoreServiceCollectionExtensions.Registration.Name,
                    [FirestoreStoreOptions.ProjectVariable] = FirestoreProject,
                    [FirestoreStoreOptions.EmulatorHostVariable] = emulator.HostAndPort,
                })]));

            var options = new FirestoreStoreOptions { ProjectId = FirestoreProject, EmulatorHost = emulator.HostAndPort };
            var client = FirestoreHttpClient.Create(options);
            _owned.Add(new Disposing(client));
            Store = new FirestoreCandidateStore(client, options);
            StoreName = nameof(FirestoreCandidateStore) + " alone";
        }

        private LaunchedHost Own(LaunchedHost host)
        {
            _owned.Add(host);
            return host;
        }

        /// <summary>Stops what was started, the last first: hosts and clients before the emulator they use.</summary>
        public async ValueTask DisposeAsync()
        {
            for (var i = _owned.Count - 1; i >= 0; i--)
            {
                await _owned[i].DisposeAsync().ConfigureAwait(false);
            }

            _owned.Clear();
        }
    }

    private sealed class Disposing(IDisposable disposable) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            disposable.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
