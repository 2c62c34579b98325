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

    public void Dispose() => Directory.Delete(_output, recursive: true);
}
