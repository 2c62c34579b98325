using System.Diagnostics;
using Flasky.Emulators;

namespace Flasky.Tests.Aws;

/// <summary>The launcher's answers when Java is missing or too old: a failure that says what to install.</summary>
public sealed class DynamoDbLocalLauncherTests : IDisposable
{
    private readonly DirectoryInfo _bin = Directory.CreateTempSubdirectory("flasky-no-java-");

    public DynamoDbLocalLauncherTests()
    {
        // A PATH with node and nothing else, so the script runs but finds no java.
        File.CreateSymbolicLink(Path.Combine(_bin.FullName, "node"), NodePath());
    }

    [Fact]
    public async Task Without_java_the_launcher_fails_saying_to_install_java_17()
    {
        var error = await Assert.ThrowsAsync<EmulatorStartException>(() => DynamoDbLocal.StartAsync(
            ["Candidates=CandidateName"],
            TimeSpan.FromSeconds(30),
            new Dictionary<string, string?> { ["PATH"] = _bin.FullName, ["JAVA_HOME"] = null }));

        Assert.Contains("install Java 17+", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.ExitCode);
        Assert.Contains("exit code 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_java_8_the_launcher_fails_naming_the_version_found()
    {
        var java = Path.Combine(_bin.FullName, "java");
        await File.WriteAllTextAsync(java, "#!/bin/sh\necho 'java version \"1.8.0_392\"' >&2\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(java, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        }

        var error = await Assert.ThrowsAsync<EmulatorStartException>(() => DynamoDbLocal.StartAsync(
            [], TimeSpan.FromSeconds(30), new Dictionary<string, string?> { ["PATH"] = _bin.FullName, ["JAVA_HOME"] = null }));

        Assert.Contains("found Java 8", error.Message, StringComparison.Ordinal);
        Assert.Contains("install Java 17+", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _bin.Delete(recursive: true);

    private static string NodePath()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(directory, "node");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("node is not on PATH: install Node.js 20+ (the emulators run on it).");
    }
}
