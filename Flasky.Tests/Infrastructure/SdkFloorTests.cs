using System.Text.Json;
using System.Xml.Linq;

namespace Flasky.Tests.Infrastructure;

/// <summary>
/// global.json asks for the lowest .NET SDK the build needs, so that `azd package` works with any .NET 10 SDK a user
/// has (distribution packages ship the 10.0.1xx feature band), and the README says so.
/// </summary>
public sealed class SdkFloorTests
{
    // net10.0 needs a .NET 10 SDK, and 10.0.100 is the first; Aspire.AppHost.Sdk 13.6.4 resolves its DCP/dashboard RID
    // with the SDK's PickBestRid task from 10.0.100 on (Sdk.targets), and nothing in the build needs a later band.
    private const string Floor = "10.0.100";

    private static readonly JsonElement Sdk =
        JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("global.json"))).RootElement.GetProperty("sdk");

    [Fact]
    public void Global_json_asks_for_the_floor_and_rolls_forward_to_any_later_feature_band()
    {
        Assert.Equal(Floor, Sdk.GetProperty("version").GetString());
        Assert.Equal("latestFeature", Sdk.GetProperty("rollForward").GetString());
        Assert.False(Sdk.GetProperty("allowPrerelease").GetBoolean(), "a preview SDK must not be picked over a released one");
    }

    [Theory]
    [InlineData("10.0.100", true)]
    [InlineData("10.0.105", true)]   // Debian/Ubuntu packages: the 1xx band
    [InlineData("10.0.203", true)]
    [InlineData("10.0.401", true)]   // this machine and CI
    [InlineData("9.0.306", false)]
    [InlineData("11.0.100", false)]  // another major would also mean another TargetFramework
    public void Global_json_accepts_every_dotnet_10_sdk(string installed, bool accepted) =>
        Assert.Equal(accepted, Accepts(Version.Parse(Sdk.GetProperty("version").GetString()!), Sdk.GetProperty("rollForward").GetString()!,
            Version.Parse(installed)));

    [Fact]
    public void Floor_matches_the_target_framework()
    {
        var targetFramework = XDocument.Load(RepositoryRoot.Combine("Directory.Build.props")).Descendants("TargetFramework").Single().Value;
        Assert.Equal($"net{Version.Parse(Floor).ToString(2)}", targetFramework);
    }

    [Fact]
    public void Readme_states_the_floor_in_the_deploy_prerequisites()
    {
        var readme = File.ReadAllText(RepositoryRoot.Combine("README.md"));
        var deploy = readme[readme.IndexOf("## Deploy to Azure", StringComparison.Ordinal)..];
        Assert.Contains($".NET SDK {Floor} or later", deploy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sdk_on_this_machine_satisfies_global_json()
    {
        var run = await ExternalTool.RunAsync("dotnet", ["--version"]);
        Assert.True(run.ExitCode == 0, run.Diagnostics);
        Assert.True(Accepts(Version.Parse(Floor), "latestFeature", Version.Parse(run.StandardOutput.Trim().Split('-')[0])), run.StandardOutput);
    }

    // The SDK's documented selection for the policies this repository may use: a patch (last two digits) rolls within
    // the feature band, a feature band (hundreds) within the minor version, and neither across major.minor.
    private static bool Accepts(Version requested, string rollForward, Version installed)
    {
        if (installed.Major != requested.Major || installed.Minor != requested.Minor)
        {
            return false;
        }

        var sameBand = installed.Build / 100 == requested.Build / 100;
        return rollForward switch
        {
            "disable" => installed == requested,
            "patch" or "latestPatch" => sameBand && installed.Build >= requested.Build,
            "feature" or "latestFeature" => installed.Build >= requested.Build,
            _ => throw new InvalidOperationException($"rollForward '{rollForward}' is not modelled here"),
        };
    }
}
