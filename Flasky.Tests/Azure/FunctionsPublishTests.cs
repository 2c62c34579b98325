using System.Text.Json;
using Flasky.Tests.Infrastructure;

namespace Flasky.Tests.Azure;

/// <summary><c>dotnet publish</c> of Flasky.Functions gives what the Functions host (and azd) deploys.</summary>
public sealed class FunctionsPublishTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("flasky-publish-").FullName;

    [Fact]
    public async Task Publish_produces_a_functions_app_with_keyed_routes_and_no_route_prefix()
    {
        var project = Path.Combine(RepositoryRoot.Path, "Flasky.Functions", "Flasky.Functions.csproj");
        var configuration = typeof(FunctionsPublishTests).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var publish = await ExternalTool.RunAsync(
            "dotnet", ["publish", project, "-c", configuration, "--no-build", "-o", _output, "--nologo"], timeout: TimeSpan.FromMinutes(3), cancellationToken: timeout.Token);
        Assert.True(publish.ExitCode == 0, publish.Diagnostics);

        using var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "functions.metadata"), timeout.Token));
        var triggers = metadata.RootElement.EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => f.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "httpTrigger"));
        Assert.Equal(["candidate", "candidates", "fallback", "gtg"], triggers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("gtg", triggers["gtg"].GetProperty("route").GetString());
        Assert.Equal("candidate/{name}", triggers["candidate"].GetProperty("route").GetString());
        Assert.Equal("candidates", triggers["candidates"].GetProperty("route").GetString());
        Assert.All(triggers.Values, t => Assert.Equal("Function", t.GetProperty("authLevel").GetString()));

        using var host = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "host.json"), timeout.Token));
        Assert.Equal(string.Empty, host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.True(File.Exists(Path.Combine(_output, "worker.config.json")));
        Assert.True(File.Exists(Path.Combine(_output, "Flasky.Functions.dll")));
    }

    /// <summary>
    /// What azd runs (<c>dotnet publish -c Release</c>, which builds) publishes ReadyToRun for the Flex Consumption
    /// workers (linux-x64); a publish of an existing build (<c>--no-build</c>, as above) keeps the portable output.
    /// The properties are evaluated as MSBuild sees them in each case, without publishing.
    /// </summary>
    [Theory]
    [InlineData(false, "true", "linux-x64")]
    [InlineData(true, "", "")]
    public async Task A_building_publish_is_ready_to_run_for_linux_x64(bool noBuild, string readyToRun, string runtimeIdentifier)
    {
        var project = Path.Combine(RepositoryRoot.Path, "Flasky.Functions", "Flasky.Functions.csproj");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var evaluation = await ExternalTool.RunAsync(
            "dotnet",
            ["msbuild", project, "-nologo", "-p:Configuration=Release", "-p:_IsPublishing=true", $"-p:NoBuild={noBuild.ToString().ToLowerInvariant()}",
             "-getProperty:PublishReadyToRun", "-getProperty:RuntimeIdentifier", "-getProperty:SelfContained"],
            timeout: TimeSpan.FromMinutes(2),
            cancellationToken: timeout.Token);
        Assert.True(evaluation.ExitCode == 0, evaluation.Diagnostics);

        using var properties = JsonDocument.Parse(evaluation.StandardOutput);
        var values = properties.RootElement.GetProperty("Properties");
        Assert.Equal(readyToRun, values.GetProperty("PublishReadyToRun").GetString());
        Assert.Equal(runtimeIdentifier, values.GetProperty("RuntimeIdentifier").GetString());
        Assert.NotEqual("true", values.GetProperty("SelfContained").GetString());
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);
}
