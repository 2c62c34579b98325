using Flasky.Core.Storage;
using Flasky.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Flasky.Tests.Hosting;

public sealed class StoreSelectionTests
{
    private static readonly CandidateStoreRegistration Alpha = Registration("Alpha", "Alpha:Endpoint");
    private static readonly CandidateStoreRegistration Beta = Registration("Beta", "Beta:Table");

    private static CandidateStoreRegistration Registration(string name, string key) => new(
        name,
        key,
        configuration => !string.IsNullOrWhiteSpace(configuration[key]),
        (services, _) => services.AddSingleton<ICandidateStore>(new NamedStore(name)));

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static ICandidateStore StoreFor(IConfiguration configuration)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddCandidateApi(configuration, [Alpha, Beta], api => api.InstanceId = "test");
        // Every host's store comes wrapped in the budget and circuit breaker; the choice is what is inside.
        return Assert.IsType<Flasky.Core.Storage.Resilience.ResilientCandidateStore>(services.BuildServiceProvider().GetRequiredService<ICandidateStore>()).Inner;
    }

    [Fact]
    public void InMemory_is_chosen_only_explicitly() =>
        Assert.IsType<InMemoryCandidateStore>(StoreFor(Configuration(("CandidateStore", "InMemory"), ("Alpha:Endpoint", "https://a"))));

    [Fact]
    public void The_one_configured_store_is_chosen() =>
        Assert.Equal("Beta", Assert.IsType<NamedStore>(StoreFor(Configuration(("Beta:Table", "Candidates")))).Name);

    [Fact]
    public void A_store_named_explicitly_wins_over_another_configured_one() =>
        Assert.Equal("Alpha", Assert.IsType<NamedStore>(StoreFor(Configuration(
            ("CandidateStore", "alpha"), ("Alpha:Endpoint", "https://a"), ("Beta:Table", "Candidates")))).Name);

    [Fact]
    public void No_configured_store_is_a_startup_error_naming_every_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => StoreFor(Configuration()));

        Assert.Contains("Alpha:Endpoint", error.Message, StringComparison.Ordinal);
        Assert.Contains("Beta:Table", error.Message, StringComparison.Ordinal);
        Assert.Contains("CandidateStore=InMemory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_configured_stores_are_a_startup_error_naming_both_keys_but_no_values()
    {
        var error = Assert.Throws<InvalidOperationException>(() => StoreFor(Configuration(("Alpha:Endpoint", "secret-value-1"), ("Beta:Table", "secret-value-2"))));

        Assert.Contains("Alpha:Endpoint", error.Message, StringComparison.Ordinal);
        Assert.Contains("Beta:Table", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Gamma")]
    [InlineData("Beta")]
    public void An_unknown_or_unconfigured_store_name_is_a_startup_error(string name)
    {
        var error = Assert.Throws<InvalidOperationException>(() => StoreFor(Configuration(("CandidateStore", name), ("Alpha:Endpoint", "https://a"))));

        Assert.Contains("CandidateStore", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cosmos_store_registers_itself_from_its_connection_string()
    {
        var registration = Flasky.Cosmos.CosmosServiceCollectionExtensions.Registration;
        var configuration = Configuration(("ConnectionStrings:cosmos", "https://account.documents.azure.com:443/"));

        Assert.Same(registration, CandidateApiServiceCollectionExtensions.SelectStore(configuration, [registration]));
        Assert.False(registration.IsConfigured(Configuration()));
    }

    private sealed class NamedStore(string name) : ICandidateStore
    {
        public string Name { get; } = name;

        public Task<Candidate?> GetAsync(Flasky.Core.Names.CandidateName name, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task UpsertAsync(Candidate candidate, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CandidatePage> ListAsync(string? continuation, int maxItems, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
