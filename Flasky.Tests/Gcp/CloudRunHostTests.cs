using System.Net;
using Flasky.CloudRun;
using Microsoft.Extensions.Configuration;

namespace Flasky.Tests.Gcp;

/// <summary>What is specific to the Cloud Run host: $PORT, the instance id, the store it refuses to guess.</summary>
public sealed class CloudRunHostTests(InProcessCloudRun cloudRun) : IClassFixture<InProcessCloudRun>
{
    [Fact]
    public void The_instance_id_is_the_revision_plus_a_per_process_suffix()
    {
        var id = CloudRunInstance.Id(name => name == "K_REVISION" ? "flasky-00042-abc" : null);
        Assert.StartsWith("flasky-00042-abc-", id, StringComparison.Ordinal);
        Assert.Equal(id, CloudRunInstance.Id(name => name == "K_REVISION" ? "flasky-00042-abc" : null));
        Assert.True(id.Length > "flasky-00042-abc-".Length);
    }

    [Fact]
    public void Without_cloud_run_the_instance_id_falls_back_to_the_machine_name()
    {
        Assert.StartsWith(Environment.MachineName + "-", CloudRunInstance.Id(_ => null), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("-1")]
    [InlineData("65536")]
    public void A_port_that_is_not_a_port_stops_the_start(string port)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => CloudRunHost.Build([], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["PORT"] = port, ["CandidateStore"] = "InMemory" })));
        Assert.Contains("PORT", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_no_store_configured_it_refuses_to_start_and_names_the_settings()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => CloudRunHost.Build([], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["PORT"] = "0",
                ["GOOGLE_CLOUD_PROJECT"] = "",
                ["FIRESTORE_EMULATOR_HOST"] = "",
            })));
        Assert.Contains("GOOGLE_CLOUD_PROJECT", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CandidateStore=InMemory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_host_itself_serves_the_api_on_its_port_and_answers_unknown_paths_404()
    {
        using var http = new HttpClient { BaseAddress = cloudRun.HostAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var gtg = await http.GetAsync(new Uri("/gtg?details", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, gtg.StatusCode);
        Assert.Contains("\"instance-id\"", await gtg.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, health.StatusCode);
    }
}
