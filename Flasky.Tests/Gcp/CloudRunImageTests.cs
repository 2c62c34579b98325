using System.Text.RegularExpressions;
using System.Xml.Linq;
using Flasky.CloudRun;
using Flasky.Tests.Infrastructure;

namespace Flasky.Tests.Gcp;

/// <summary>
/// Pins the Cloud Run image definition offline (no Docker here): what it builds, what it runs, as whom, on which port,
/// and that it keeps ICU (names are normalised to NFC at run time).
/// </summary>
public sealed partial class CloudRunImageTests
{
    private static readonly string DockerfilePath = RepositoryRoot.Combine("Flasky.CloudRun", "Dockerfile");

    private static List<string> Instructions() =>
        File.ReadAllText(DockerfilePath).Replace("\\\n", " ", StringComparison.Ordinal).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();

    [Fact]
    public void It_builds_with_the_sdk_and_runs_on_the_aspnet_runtime_of_the_projects_target_framework()
    {
        var from = Instructions().Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        var version = TargetFrameworkVersion();
        Assert.Equal(2, from.Count);
        Assert.Equal($"FROM mcr.microsoft.com/dotnet/sdk:{version} AS build", from[0]);

        // The plain Debian-based runtime image: the chiseled, -extra-less and Alpine variants lack ICU or need it added.
        Assert.Equal($"FROM mcr.microsoft.com/dotnet/aspnet:{version} AS runtime", from[1]);
    }

    [Fact]
    public void It_publishes_flasky_cloudrun_in_release_and_runs_that_assembly()
    {
        var lines = Instructions();
        var publish = Assert.Single(lines, l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal));
        Assert.Contains("Flasky.CloudRun/Flasky.CloudRun.csproj", publish, StringComparison.Ordinal);
        Assert.Contains("-c Release", publish, StringComparison.Ordinal);
        Assert.Contains("-o /app", publish, StringComparison.Ordinal);
        Assert.Contains("COPY --from=build /app .", lines);
        var assembly = typeof(CloudRunHost).Assembly.GetName().Name;
        Assert.Equal($"ENTRYPOINT [\"dotnet\", \"{assembly}.dll\"]", lines[^1]);
    }

    [Fact]
    public void It_listens_where_cloud_run_sends_traffic_by_default()
    {
        var lines = Instructions();
        Assert.Contains($"EXPOSE {CloudRunHost.DefaultPort}", lines);
        var env = Assert.Single(lines, l => l.StartsWith("ENV ", StringComparison.Ordinal));
        Assert.Matches($@"\bPORT={CloudRunHost.DefaultPort}\b", env);
    }

    [Fact]
    public void It_runs_as_the_images_unprivileged_user()
    {
        var lines = Instructions();
        var runtimeStage = lines.SkipWhile(l => !l.EndsWith(" AS runtime", StringComparison.Ordinal)).ToList();
        Assert.Equal("USER $APP_UID", Assert.Single(runtimeStage, l => l.StartsWith("USER ", StringComparison.Ordinal)));
        Assert.DoesNotContain(runtimeStage, l => l.StartsWith("RUN ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_build_context_leaves_out_outputs_secrets_and_git()
    {
        var ignored = File.ReadAllLines(DockerfilePath + ".dockerignore").Select(l => l.Trim()).ToHashSet();
        foreach (var pattern in new[] { "**/bin/", "**/obj/", ".git/", "**/local.settings.json", "**/secrets.json", "**/node_modules/" })
        {
            Assert.Contains(pattern, ignored);
        }

        Assert.DoesNotContain(Instructions(), l => ArgOrEnvWithSecret().IsMatch(l));
    }

    private static string TargetFrameworkVersion()
    {
        var props = XDocument.Load(RepositoryRoot.Combine("Directory.Build.props"));
        var framework = props.Descendants("TargetFramework").Single().Value;
        var match = Regex.Match(framework, @"^net(\d+\.\d+)$");
        Assert.True(match.Success, framework);
        return match.Groups[1].Value;
    }

    [GeneratedRegex("^(ARG|ENV) .*(KEY|SECRET|TOKEN|PASSWORD)", RegexOptions.IgnoreCase)]
    private static partial Regex ArgOrEnvWithSecret();
}
