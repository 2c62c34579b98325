using System.Xml.Linq;
using Flasky.Hosting;

namespace Flasky.Tests.Core;

/// <summary>Pins the layering: only the Azure host knows Azure Functions; Core and Hosting know no cloud at all.</summary>
public sealed class ProjectDependencyTests
{
    private static readonly string[] CloudSdkPrefixes = ["Azure", "Microsoft.Azure", "AWSSDK", "Amazon", "Google", "Grpc"];

    public static TheoryData<string> Projects => new(ProjectPaths());

    [Theory]
    [MemberData(nameof(Projects))]
    public void Only_the_functions_project_references_azure_functions_packages(string project)
    {
        var functionsPackages = PackageReferences(project).Where(p => p.StartsWith("Microsoft.Azure.Functions.", StringComparison.OrdinalIgnoreCase)).ToList();

        if (Path.GetFileName(project) != "Flasky.Functions.csproj")
        {
            Assert.Empty(functionsPackages);
        }
    }

    [Theory]
    [InlineData("Flasky.Core/Flasky.Core.csproj")]
    [InlineData("Flasky.Hosting/Flasky.Hosting.csproj")]
    public void Core_and_hosting_reference_no_cloud_sdk_package_and_no_store_or_host_project(string project)
    {
        Assert.DoesNotContain(PackageReferences(project), p => CloudSdkPrefixes.Any(prefix => p.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)));
        Assert.All(ProjectReferences(project), reference => Assert.Equal("Flasky.Core.csproj", reference));
    }

    [Fact]
    public void The_hosting_assembly_references_no_cloud_sdk()
    {
        var references = typeof(ApiHttpAdapter).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("Flasky.Core", references);
        Assert.DoesNotContain(references, r => CloudSdkPrefixes.Any(p => r.StartsWith(p, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void The_guard_sees_the_functions_project_reference_it_allows()
    {
        // Proves the project scan reads real files: the one allowed reference is found.
        Assert.Contains(PackageReferences("Flasky.Functions/Flasky.Functions.csproj"), p => p == "Microsoft.Azure.Functions.Worker");
        Assert.Contains("Flasky.Functions/Flasky.Functions.csproj", ProjectPaths());
        Assert.Contains("Flasky.Hosting/Flasky.Hosting.csproj", ProjectPaths());
    }

    private static List<string> ProjectPaths() =>
        [.. Directory.EnumerateFiles(RepositoryRoot.Path, "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepositoryRoot.Path, p))
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules" or ".git"))
            .Order(StringComparer.Ordinal)];

    private static IEnumerable<string> PackageReferences(string project) =>
        Items(project, "PackageReference").Select(e => (string?)e.Attribute("Include") ?? "");

    private static IEnumerable<string> ProjectReferences(string project) =>
        Items(project, "ProjectReference").Select(e => Path.GetFileName(((string?)e.Attribute("Include") ?? "").Replace('\\', '/')));

    private static IEnumerable<XElement> Items(string project, string itemType) =>
        XDocument.Load(RepositoryRoot.Combine(project.Split('/'))).Descendants(itemType);
}
