using Flasky.Firestore;
using Microsoft.Extensions.Configuration;

namespace Flasky.Tests.Gcp;

public sealed class FirestoreStoreOptionsTests
{
    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value))).Build();

    [Fact]
    public void Nothing_set_is_not_configured()
    {
        Assert.False(FirestoreStoreOptions.IsConfigured(Configuration(("GOOGLE_CLOUD_PROJECT", " "), ("FIRESTORE_EMULATOR_HOST", ""))));
    }

    [Fact]
    public void The_project_alone_means_google_with_the_seed_layout()
    {
        var configuration = Configuration(("GOOGLE_CLOUD_PROJECT", "my-project"));

        Assert.True(FirestoreStoreOptions.IsConfigured(configuration));
        var options = FirestoreStoreOptions.FromConfiguration(configuration);
        Assert.Equal("my-project", options.ProjectId);
        Assert.Equal("(default)", options.Database);
        Assert.Equal("candidates", options.Collection);
        Assert.False(options.UsesEmulator);
        Assert.Equal(new Uri("https://firestore.googleapis.com/"), options.Endpoint);
    }

    [Fact]
    public void The_firestore_section_names_the_database_and_collection()
    {
        var options = FirestoreStoreOptions.FromConfiguration(Configuration(
            ("GOOGLE_CLOUD_PROJECT", "p"), ("Firestore:Database", "flasky"), ("Firestore:Collection", "people")));

        Assert.Equal("flasky", options.Database);
        Assert.Equal("people", options.Collection);
    }

    [Theory]
    [InlineData("127.0.0.1:8080", "http://127.0.0.1:8080/")]
    [InlineData(" localhost:9000 ", "http://localhost:9000/")]
    [InlineData("::1:8918", "http://[::1]:8918/")]
    [InlineData("[::1]:8918", "http://[::1]:8918/")]
    public void The_emulator_host_is_read_as_googles_libraries_read_it(string value, string expected)
    {
        var options = FirestoreStoreOptions.FromConfiguration(Configuration(("GOOGLE_CLOUD_PROJECT", "p"), ("FIRESTORE_EMULATOR_HOST", value)));

        Assert.True(options.UsesEmulator);
        Assert.Equal(new Uri(expected), options.Endpoint);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("127.0.0.1:8080/path")]
    public void A_malformed_emulator_host_fails_at_start_up(string value)
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            FirestoreStoreOptions.FromConfiguration(Configuration(("GOOGLE_CLOUD_PROJECT", "p"), ("FIRESTORE_EMULATOR_HOST", value))));
        Assert.Contains("FIRESTORE_EMULATOR_HOST", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_emulator_without_a_project_is_configured_but_says_what_is_missing()
    {
        var configuration = Configuration(("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080"));

        Assert.True(FirestoreStoreOptions.IsConfigured(configuration));
        var ex = Assert.Throws<InvalidOperationException>(() => FirestoreStoreOptions.FromConfiguration(configuration));
        Assert.Contains("GOOGLE_CLOUD_PROJECT", ex.Message, StringComparison.Ordinal);
    }
}
