using Flasky.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Flasky.Tests.Azure;

public sealed class CosmosStoreOptionsTests
{
    private const string Key = "c2VjcmV0LWtleS1tdXN0LW5vdC1sZWFr";

    [Fact]
    public void A_key_connection_string_is_used_as_is()
    {
        var connectionString = $"AccountEndpoint=https://127.0.0.1:8081/;AccountKey={Key};DisableServerCertificateValidation=True;";
        var options = CosmosStoreOptions.FromConfiguration(Configuration(("ConnectionStrings:cosmos", connectionString)));

        Assert.Equal(connectionString, options.ConnectionString);
        Assert.Null(options.AccountEndpoint);
        Assert.Equal(new Uri("https://127.0.0.1:8081/"), options.Endpoint());
        Assert.Equal(("CandidateDatabase", "Candidates"), (options.DatabaseName, options.ContainerName));
    }

    [Theory]
    [InlineData("ConnectionStrings:cosmos", "https://flasky.documents.azure.com:443/")]
    [InlineData("ConnectionStrings:cosmos", "AccountEndpoint=https://flasky.documents.azure.com:443/;")]
    [InlineData("cosmos:accountEndpoint", "https://flasky.documents.azure.com:443/")]
    public void An_endpoint_without_a_key_means_entra_id(string key, string value)
    {
        var options = CosmosStoreOptions.FromConfiguration(Configuration((key, value), ("AZURE_CLIENT_ID", "client-id")));

        Assert.Null(options.ConnectionString);
        Assert.Equal(new Uri("https://flasky.documents.azure.com:443/"), options.AccountEndpoint);
        Assert.Equal("client-id", options.ManagedIdentityClientId);
    }

    [Fact]
    public void Names_and_connection_mode_are_configurable()
    {
        var options = CosmosStoreOptions.FromConfiguration(Configuration(
            ("cosmos:accountEndpoint", "https://flasky.documents.azure.com/"),
            ("cosmos:databaseName", "db"),
            ("cosmos:containerName", "items"),
            ("cosmos:connectionMode", "direct")));

        Assert.Equal(("db", "items", Microsoft.Azure.Cosmos.ConnectionMode.Direct), (options.DatabaseName, options.ContainerName, options.ConnectionMode));
    }

    [Fact]
    public void Missing_configuration_fails_without_echoing_values()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CosmosStoreOptions.FromConfiguration(Configuration(("cosmos:databaseName", Key))));
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ConnectionStrings:cosmos", "AccountEndpoint=https://a.documents.azure.com:443/;AccountKey=a2V5;", true)]
    [InlineData("cosmos:accountEndpoint", "https://a.documents.azure.com:443/", true)]
    [InlineData("ConnectionStrings:cosmos", " ", false)]
    [InlineData("cosmos:databaseName", "CandidateDatabase", false)]
    public void IsConfigured_is_true_only_for_the_names_FromConfiguration_reads(string key, string value, bool expected)
    {
        var configuration = Configuration((key, value));
        Assert.Equal(expected, CosmosStoreOptions.IsConfigured(configuration));
        if (expected)
        {
            Assert.NotNull(CosmosStoreOptions.FromConfiguration(configuration));
        }
        else
        {
            Assert.Throws<InvalidOperationException>(() => CosmosStoreOptions.FromConfiguration(configuration));
        }
    }

    private static DictionaryConfiguration Configuration(params (string Key, string Value)[] values) =>
        new(values.ToDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase), prefix: "");

    /// <summary>Just enough IConfiguration for reading keys and sections (the test project has no configuration providers).</summary>
    private sealed class DictionaryConfiguration(Dictionary<string, string> values, string prefix) : IConfigurationSection
    {
        public string? this[string key]
        {
            get => values.GetValueOrDefault(prefix + key);
            set => throw new NotSupportedException();
        }

        public string Key => Path.Split(':')[^1];

        public string Path => prefix.TrimEnd(':');

        public string? Value
        {
            get => values.GetValueOrDefault(Path);
            set => throw new NotSupportedException();
        }

        public IConfigurationSection GetSection(string key) => new DictionaryConfiguration(values, $"{prefix}{key}:");

        public IEnumerable<IConfigurationSection> GetChildren() => throw new NotSupportedException();

        public IChangeToken GetReloadToken() => throw new NotSupportedException();
    }
}
