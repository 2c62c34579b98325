using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flasky.Tests.Infrastructure;

/// <summary>
/// A vulnerability advisory published after a commit must not break the restore of that commit (and so `azd package`)
/// on a connected machine, yet must stay visible. Proven with the repository's own Directory.Build.props and a real
/// `dotnet restore` against a local audit source that reports a high-severity advisory (NU1903) for a package we use.
/// </summary>
public sealed class PackageAuditTests : IAsyncLifetime
{
    private const string AdvisoryUrl = "https://advisories.invalid/flasky-test-advisory";

    private readonly string _project = Directory.CreateTempSubdirectory("flasky-audit-").FullName;
    private WebApplication _feed = null!;
    private int _vulnerabilityRequests;

    public async Task InitializeAsync()
    {
        // NuGet's VulnerabilityInfo resource: a service index, an index of pages, and a page keyed by package id.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _feed = builder.Build();
        _feed.MapGet("/v3/index.json", (HttpContext context) => Results.Text(
            $$"""{"version":"3.0.0","resources":[{"@id":"{{BaseUrl(context)}}/vulnerabilities/index.json","@type":"VulnerabilityInfo/6.7.0"}]}""",
            "application/json"));
        _feed.MapGet("/vulnerabilities/index.json", (HttpContext context) => Results.Text(
            $$"""[{"@name":"base","@id":"{{BaseUrl(context)}}/vulnerabilities/base.json","@updated":"2026-11-01T00:00:00Z"}]""",
            "application/json"));
        _feed.MapGet("/vulnerabilities/base.json", () =>
        {
            Interlocked.Increment(ref _vulnerabilityRequests);
            return Results.Text($$"""{"newtonsoft.json":[{"url":"{{AdvisoryUrl}}","severity":2,"versions":"[13.0.0, 99.0.0)"}]}""", "application/json");
        });
        await _feed.StartAsync();
    }

    public async Task DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _feed.StopAsync(timeout.Token);
        await _feed.DisposeAsync();
        Directory.Delete(_project, recursive: true);
    }

    [Fact]
    public async Task A_new_advisory_is_reported_but_does_not_fail_the_restore()
    {
        var feed = _feed.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        WriteProject(feed);

        var run = await ExternalTool.RunAsync("dotnet", ["restore", Path.Combine(_project, "Audited.csproj"), "--force"],
            timeout: TimeSpan.FromMinutes(5));

        Assert.True(_vulnerabilityRequests > 0, $"NuGet never asked the audit source for vulnerability data:\n{run.Diagnostics}");
        Assert.True(run.ExitCode == 0, $"an advisory failed the restore:\n{run.Diagnostics}");
        Assert.Contains("warning NU1903", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(AdvisoryUrl, run.StandardOutput, StringComparison.Ordinal);
    }

    private static string BaseUrl(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}";

    private void WriteProject(string feed)
    {
        var repositoryProps = RepositoryRoot.Combine("Directory.Build.props");
        var newtonsoftVersion = System.Xml.Linq.XDocument.Load(RepositoryRoot.Combine("Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == "Newtonsoft.Json").Attribute("Version")!.Value;

        // The repository's build settings, unchanged; the package comes from the global packages folder (no source).
        File.WriteAllText(Path.Combine(_project, "Directory.Build.props"), $"""
            <Project>
              <Import Project="{repositoryProps}" />
            </Project>
            """);
        File.WriteAllText(Path.Combine(_project, "Directory.Packages.props"), $"""
            <Project>
              <ItemGroup>
                <PackageVersion Include="Newtonsoft.Json" Version="{newtonsoftVersion}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(_project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
              </packageSources>
              <auditSources>
                <clear />
                <add key="local-advisories" value="{feed}/v3/index.json" allowInsecureConnections="true" />
              </auditSources>
            </configuration>
            """);
        // NU1803 (an http:// source) concerns only this loopback test feed.
        File.WriteAllText(Path.Combine(_project, "Audited.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <NoWarn>$(NoWarn);NU1803</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Newtonsoft.Json" />
              </ItemGroup>
            </Project>
            """);
    }
}
