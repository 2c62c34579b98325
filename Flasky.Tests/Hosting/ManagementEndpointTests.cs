using System.Net;
using Flasky.Core.Names;
using Flasky.Core.Storage;
using Microsoft.Extensions.Configuration;

namespace Flasky.Tests.Hosting;

/// <summary>Health endpoints live on the management port only; the API port answers them as any unknown path.</summary>
public sealed class ManagementEndpointTests
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task The_api_port_answers_health_paths_as_unknown_paths(string path)
    {
        await using var host = await KestrelApiHost.StartAsync();
        using var client = KestrelApiHost.CreateClient(host.ApiAddress);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Not Found", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task The_management_port_answers_health(string path)
    {
        await using var host = await KestrelApiHost.StartAsync();
        using var client = KestrelApiHost.CreateClient(host.ManagementAddress!);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/gtg")]
    [InlineData("/candidates")]
    [InlineData("/health/x")]
    public async Task The_management_port_answers_nothing_else(string path)
    {
        await using var host = await KestrelApiHost.StartAsync();
        using var client = KestrelApiHost.CreateClient(host.ManagementAddress!);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Health_reports_a_store_that_does_not_answer_without_its_error_text()
    {
        await using var host = await KestrelApiHost.StartAsync(new UnreachableStore());
        using var client = KestrelApiHost.CreateClient(host.ManagementAddress!);

        using var health = await client.GetAsync("/health");
        using var alive = await client.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_port_there_are_no_health_endpoints()
    {
        await using var host = await KestrelApiHost.StartAsync(withManagementPort: false);
        using var client = KestrelApiHost.CreateClient(host.ApiAddress);

        using var response = await client.GetAsync("/health");

        Assert.Null(host.ManagementAddress);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Not Found", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("http")]
    public void A_management_port_that_is_not_a_port_is_a_startup_error(string value)
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection([new("Management:Port", value)]).Build();

        Assert.Throws<InvalidOperationException>(() => (object?)Flasky.Hosting.ManagementEndpoint.Port(configuration));
    }

    private sealed class UnreachableStore : ICandidateStore
    {
        public Task<Candidate?> GetAsync(CandidateName name, CancellationToken cancellationToken) => throw Failure();

        public Task UpsertAsync(Candidate candidate, CancellationToken cancellationToken) => throw Failure();

        public Task<CandidatePage> ListAsync(string? continuation, int maxItems, CancellationToken cancellationToken) => throw Failure();

        public Task PingAsync(CancellationToken cancellationToken) => throw Failure();

        private static CandidateStoreUnavailableException Failure() => new("connection refused to secret-host:1234");
    }
}
