using Flasky.Load;

namespace Flasky.Tests.Performance;

/// <summary>
/// The list-scaling and AppHost-start runs of the harness still work: a tiny listing walk through every in-memory host
/// (several Link pages, every candidate counted, the host's memory read), and the pieces of the AppHost run that need
/// no AppHost (options, the process classification, the parameter names it supplies). No timing assertions: the
/// figures come from <c>./bench.sh --list-scaling …</c> / <c>--apphost-start N</c> on a quiet machine.
/// </summary>
[Collection(LoadGeneratorGroup.Name)]
public sealed class ListScalingSmokeTests
{
    [Fact]
    public async Task Every_in_memory_host_lists_every_seeded_candidate_through_its_Link_pages()
    {
        // This test's own build: bin/<configuration>/net10.0.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var stack = new LocalHosts(Flasky.Emulators.EmulatorPaths.RepositoryRoot, configuration);
        using var output = new StringWriter();
        // Four processes started one after the other and 25 POSTs each: seconds on a quiet machine; the bound only
        // turns a hang into a failure.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        var rows = await ListScaling.RunAsync(stack, [25], pageSize: 7, output, timeout.Token);

        Assert.Equal(ListScaling.Hosts, rows.Select(r => r.Host));
        foreach (var row in rows)
        {
            Assert.Equal(25, row.Listed);
            Assert.Equal(4, row.Pages);
            Assert.NotNull(row.ResidentBeforeKiB);
            Assert.NotNull(row.ResidentAfterKiB);
        }

        var table = ListScaling.Table(rows);
        foreach (var host in ListScaling.Hosts)
        {
            Assert.Contains($"| {host} | 25 | 4 | ", table, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_separate_runs_parse_and_reject_bad_values()
    {
        var options = HarnessOptions.Parse(["--list-scaling", "1000, 10000", "--list-page-size", "500", "--apphost-start", "3", "--apphost-fresh-clone"])!;

        Assert.Equal([1000, 10000], options.Separate.ListScalingSizes);
        Assert.Equal(500, options.Separate.ListPageSize);
        Assert.Equal(3, options.Separate.AppHostStartRuns);
        Assert.True(options.Separate.AppHostFreshClone);
        Assert.False(HarnessOptions.Parse([])!.Separate.Any);
        Assert.Throws<ArgumentException>(() => HarnessOptions.Parse(["--list-scaling", "1k"]));
        Assert.Throws<ArgumentException>(() => HarnessOptions.Parse(["--list-page-size", "1001"]));
        Assert.Throws<ArgumentException>(() => HarnessOptions.Parse(["--apphost-start", "0"]));
    }

    [Fact]
    public void The_AppHost_run_supplies_the_AppHosts_own_credential_parameters()
    {
        Assert.Equal(Aspire.Hosting.CloudRunExtensions.SigningKeyParameter, AppHostStart.SigningKeyParameter);
        var appHost = File.ReadAllText(Path.Combine(Flasky.Emulators.EmulatorPaths.RepositoryRoot, "Flasky.AppHost", "AppHost.cs"));
        foreach (var parameter in AppHostStart.CredentialParameters)
        {
            Assert.Contains($"\"{parameter}\"", appHost, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("java -Djava.library.path=/r/emulators/dynamodb/node_modules/x/DynamoDBLocal_lib -jar /r/DynamoDBLocal.jar -inMemory", "DynamoDB Local (JVM)")]
    [InlineData("node /r/emulators/cosmos/server.mjs --port 1234", "Cosmos server (node)")]
    [InlineData("/r/Flasky.LocalCloudRun/bin/Release/net10.0/Flasky.LocalCloudRun", "cloudrun-front (Flasky.LocalCloudRun)")]
    [InlineData("/r/Flasky.CloudRun/bin/Release/net10.0/Flasky.CloudRun", "cloudrun (Flasky.CloudRun)")]
    [InlineData("/r/Flasky.AppHost/bin/Release/net10.0/Flasky.AppHost", "AppHost process")]
    [InlineData("dotnet run --project Flasky.AppHost --no-build -c Release", "dotnet run Flasky.AppHost (launcher)")]
    [InlineData("dotnet run --project /r/Flasky.Lambda/Flasky.Lambda.csproj --no-build --configuration Release", "dotnet run Flasky.Lambda (launcher)")]
    [InlineData("java -Duser.language=en -cp /sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar com.google.cloud.datastore.emulator.firestore.CloudFirestore start", "Firestore emulator (JVM)")]
    [InlineData("python3 /usr/lib/google-cloud-sdk/lib/gcloud.py emulators firestore start --host-port=127.0.0.1:1", "Firestore emulator (gcloud wrapper)")]
    [InlineData("bash", null)]
    public void Processes_are_told_apart_by_their_command_line(string commandLine, string? expected) =>
        Assert.Equal(expected, AppHostStart.Classify(commandLine));
}
