using Flasky.Load;

namespace Flasky.Tests.Performance;

/// <summary>
/// The benchmark harness still works end to end: every host starts from this build's output, every route answers
/// through each one with its real auth, and the tables have every row. Tiny durations and no timing assertions: the
/// figures themselves come from <c>./bench.sh</c> on a quiet machine.
/// </summary>
[Collection(LoadGeneratorGroup.Name)]
public sealed class LoadHarnessSmokeTests
{
    private static readonly string[] Hosts =
    [
        LocalHosts.BareKestrel, LocalHosts.Functions, LocalHosts.CloudRun, LocalHosts.CloudRunFront, LocalHosts.Lambda, LocalHosts.BareLambda,
    ];

    [Fact]
    public async Task The_harness_prints_a_row_for_every_route_on_every_host_and_every_cold_start()
    {
        var options = new HarnessOptions
        {
            // This test's own build: bin/<configuration>/net10.0.
            Configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name,
            Settings = new LoadSettings
            {
                Connections = 2,
                Warmup = TimeSpan.Zero,
                Duration = TimeSpan.FromMilliseconds(200),
                Rounds = 1,
                ColdStartRuns = 1,
            },
        };
        using var output = new StringWriter();
        // Eight processes for the load part and five spawns for the cold starts: about a minute on a quiet machine,
        // over five on two cores shared with four other builds; the bound only turns a hang into a failure.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));

        var exitCode = await Harness.RunAsync(options, output, timeout.Token);

        var text = output.ToString();
        Assert.True(exitCode == 0, $"The harness saw errors:\n{text}");
        foreach (var route in LoadRoute.All)
        {
            foreach (var host in Hosts)
            {
                Assert.Contains($"| {route.Name} | {host} | ", text, StringComparison.Ordinal);
            }
        }

        foreach (var host in new[] { LocalHosts.BareKestrel, LocalHosts.Functions, LocalHosts.CloudRun, LocalHosts.BareLambda, LocalHosts.Lambda })
        {
            Assert.Matches($@"\| {System.Text.RegularExpressions.Regex.Escape(host)} \| \d+ \|", text);
        }
    }

    [Fact]
    public void Remote_targets_take_each_auth_after_their_url_and_the_first_is_the_baseline()
    {
        var options = HarnessOptions.Parse(["--url", "http://a.example/", "--function-key", "k", "--url", "http://b.example/", "--id-token", "t", "--rounds", "2"])!;

        Assert.Equal(2, options.Remote.Count);
        Assert.Equal(Flasky.Check.Auth.AuthScheme.FunctionKey, options.Remote[0].Authenticator.Scheme);
        Assert.Null(options.Remote[0].BaselineName);
        Assert.Equal(Flasky.Check.Auth.AuthScheme.GoogleIdToken, options.Remote[1].Authenticator.Scheme);
        Assert.Equal(options.Remote[0].Name, options.Remote[1].BaselineName);
        Assert.Equal(2, options.Settings.Rounds);
        Assert.Throws<ArgumentException>(() => HarnessOptions.Parse(["--function-key", "k"]));
    }
}
