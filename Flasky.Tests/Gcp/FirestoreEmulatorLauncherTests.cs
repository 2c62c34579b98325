using Flasky.Emulators;
using Xunit.Abstractions;

namespace Flasky.Tests.Gcp;

/// <summary>The emulator launcher: its prerequisites, and that stopping it leaves no process behind.</summary>
public sealed class FirestoreEmulatorLauncherTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Without_gcloud_on_path_the_launcher_says_what_to_install()
    {
        var path = string.Join(Path.PathSeparator, (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator)
            .Where(d => !File.Exists(Path.Combine(d, "gcloud"))));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => FirestoreEmulator.StartAsync(TimeSpan.FromSeconds(30), path));

        Assert.Contains("gcloud CLI", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cloud-firestore-emulator", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gcloud_without_the_emulator_component_is_reported_as_such()
    {
        var sdk = Directory.CreateTempSubdirectory("flasky-fake-sdk-");
        try
        {
            var bin = Directory.CreateDirectory(Path.Combine(sdk.FullName, "bin"));
            File.WriteAllText(Path.Combine(bin.FullName, "gcloud"), "#!/bin/sh\nexit 1\n");
            Directory.CreateDirectory(Path.Combine(sdk.FullName, "platform", "pubsub-emulator"));

            var problem = FirestoreEmulatorCommand.FindPrerequisiteProblem(bin.FullName);

            Assert.NotNull(problem);
            Assert.Contains("component", problem, StringComparison.Ordinal);
            Assert.Contains("cloud-firestore-emulator", problem, StringComparison.Ordinal);
        }
        finally
        {
            sdk.Delete(recursive: true);
        }
    }

    // This machine has gcloud and the component (a prerequisite of the suite): the check must not cry wolf.
    [Fact]
    public void The_prerequisites_of_this_machine_are_found()
    {
        Assert.Null(FirestoreEmulatorCommand.FindPrerequisiteProblem(Environment.GetEnvironmentVariable("PATH")));
    }

    [Fact]
    public async Task The_emulator_starts_answers_and_leaves_no_process_when_stopped()
    {
        var emulator = await FirestoreEmulator.StartAsync(FirestoreEmulatorFixture.StartTimeout);
        int group;
        try
        {
            output.WriteLine($"Firestore emulator ready after {emulator.StartDuration.TotalSeconds:F1} s");
            group = emulator.ProcessGroup;
            Assert.True(ProcessesInGroup(group).Count >= 2, "gcloud and the emulator's Java process run in the group");
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var response = await client.GetAsync(new Uri(emulator.Endpoint, "v1/projects/p/databases/(default)/documents/c"));
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}");
        }
        finally
        {
            await emulator.DisposeAsync();
        }

        Assert.Empty(ProcessesInGroup(group));
    }

    /// <summary>The live processes whose process group is <paramref name="group"/> (from /proc).</summary>
    private static List<int> ProcessesInGroup(int group)
    {
        var members = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may contain spaces, so parse after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture) == group)
                {
                    members.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return members;
    }
}
