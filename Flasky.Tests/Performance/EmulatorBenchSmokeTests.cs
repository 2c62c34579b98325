using System.Text.RegularExpressions;
using Flasky.Load;

namespace Flasky.Tests.Performance;

/// <summary>
/// The harness's emulator mode still works end to end on the cheapest emulator (the local Cosmos server: node): the
/// emulator starts, the Functions host runs with the in-memory store and with the Cosmos store, the store runs alone,
/// every store-bound route answers on all three and gets a row with its ratios and verdict. A cloud whose prerequisite
/// is missing fails its own rows with what to install, and the other clouds still run. A fraction of a second of load
/// per route and no timing assertions: the figures come from <c>./bench.sh --emulators</c>.
/// </summary>
[Collection(LoadGeneratorGroup.Name)]
public sealed partial class EmulatorBenchSmokeTests
{
    [Fact]
    public async Task Each_cloud_gets_a_row_per_route_and_a_missing_prerequisite_fails_only_its_own_cloud()
    {
        // This test's own build: bin/<configuration>/net10.0.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var stack = new LocalHosts(Flasky.Emulators.EmulatorPaths.RepositoryRoot, configuration);
        var settings = new LoadSettings { Connections = 2, Warmup = TimeSpan.Zero, Duration = TimeSpan.FromMilliseconds(200), Rounds = 1 };
        var noGcloud = Directory.CreateTempSubdirectory("flasky-no-gcloud-");
        using var output = new StringWriter();
        // An emulator, two hosts, 300 seeding writes and 12 short runs: well under a minute on a quiet machine; the
        // bound only turns a hang into a failure.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));

        int exitCode;
        try
        {
            // GCP first, with no gcloud where it looks: its failure must not stop Azure's run after it.
            exitCode = await EmulatorBench.RunAsync(stack, [EmulatorCloud.Gcp, EmulatorCloud.Azure], settings, output, timeout.Token, gcloudSearchPath: noGcloud.FullName);
        }
        finally
        {
            noGcloud.Delete(recursive: true);
        }

        var text = output.ToString();
        Assert.True(exitCode == 1, $"A failed cloud must fail the run:\n{text}");
        foreach (var route in LoadRoute.StoreBound)
        {
            var gcp = Row(text, "Gcp", route.Name);
            Assert.Contains("failed: could not start", gcp, StringComparison.Ordinal);
            Assert.Contains("Install the Google Cloud CLI", gcp, StringComparison.Ordinal);

            var azure = Row(text, "Azure", route.Name);
            Assert.Matches(Measured(), azure);
            Assert.Matches(@"\| (emulator-bound|host-bound|host \+ emulator) \|$", azure);
        }
    }

    [Fact]
    public void The_emulators_flag_takes_an_optional_comma_list_of_clouds()
    {
        var all = new[] { EmulatorCloud.Azure, EmulatorCloud.Aws, EmulatorCloud.Gcp };
        Assert.Equal(all, HarnessOptions.Parse(["--emulators"])!.Emulators!);
        Assert.Equal(all, HarnessOptions.Parse(["--emulators", "--rounds", "1"])!.Emulators!);
        Assert.Equal(new[] { EmulatorCloud.Gcp, EmulatorCloud.Azure }, HarnessOptions.Parse(["--emulators", "gcp,AZURE"])!.Emulators!);
        Assert.Null(HarnessOptions.Parse([])!.Emulators);
        Assert.Equal(1, HarnessOptions.Parse(["--emulators"])!.LambdaEnvironments);
        Assert.Equal(16, HarnessOptions.Parse(["--emulators", "aws", "--lambda-environments", "16"])!.LambdaEnvironments);
        Assert.Throws<ArgumentException>(() => HarnessOptions.Parse(["--emulators", "azure,oracle"]));
        Assert.Throws<ArgumentException>(() => HarnessOptions.Parse(["--emulators", "--url", "http://a.example/"]));
    }

    private static string Row(string text, string cloud, string route)
    {
        var prefix = $"| {cloud} | {route} | ";
        return text.Split('\n').Select(line => line.TrimEnd('\r')).SingleOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"No row {prefix}…:\n{text}");
    }

    /// <summary>Three measured cells (req/s · p50 · p99) and two ratios.</summary>
    [GeneratedRegex(@"^\| \w+ \| [^|]+ \| \d+ · [\d.]+ · [\d.]+ \| \d+ · [\d.]+ · [\d.]+ \| \d+ · [\d.]+ · [\d.]+ \| [\d.]+× \| [\d.]+× \|")]
    private static partial Regex Measured();
}
