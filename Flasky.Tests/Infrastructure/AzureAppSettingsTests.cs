using System.Text.Json;
using Flasky.Cosmos;
using Microsoft.Extensions.Configuration;

namespace Flasky.Tests.Infrastructure;

/// <summary>The function app's settings are exactly the ones something reads, wired to the right resources.</summary>
[Collection(SharedAzureTemplate.Name)]
public sealed class AzureAppSettingsTests(AzureTemplateFixture template)
{
    // The single list of settings the deployment provides, with who reads each. Adding a setting to api.bicep means
    // adding it here, with its reader.
    private static readonly string[] ExpectedSettings =
    [
        "AzureWebJobsStorage__blobServiceUri",       // Functions host: host storage blobs (keys, leases), identity-based
        "AzureWebJobsStorage__tableServiceUri",      // Functions host: diagnostic events table, identity-based
        "AzureWebJobsStorage__credential",           // Functions host: "managedidentity"
        "AzureWebJobsStorage__clientId",             // Functions host: which user-assigned identity to use
        "APPLICATIONINSIGHTS_CONNECTION_STRING",     // Functions host and worker telemetry
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", // Functions host: Entra auth to Application Insights (local auth off)
        "cosmos__accountEndpoint",                   // Flasky.Functions Cosmos store: account endpoint (no key)
        "cosmos__databaseName",                      // Flasky.Functions Cosmos store: the database the template creates
        "cosmos__containerName",                     // Flasky.Functions Cosmos store: the container the template creates
        "AZURE_CLIENT_ID",                           // Flasky.Functions: DefaultAzureCredential picks the user-assigned identity
    ];

    private JsonElement Settings => template.SingleResource("Microsoft.Web/sites/config").Resource.GetProperty("properties");

    private const string IdentityClientId =
        "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName')), '2023-01-31').clientId]";

    [Fact]
    public void App_settings_are_exactly_the_ones_the_host_and_the_code_read() =>
        Assert.Equal(ExpectedSettings.Order(StringComparer.Ordinal),
            Settings.EnumerateObject().Select(s => s.Name).Order(StringComparer.Ordinal));

    [Fact]
    public void Runtime_comes_from_function_app_config_not_from_app_settings()
    {
        // Deprecated on Flex Consumption ("Flex Consumption plan deprecations" in the Functions app settings reference).
        string[] deprecatedOnFlex =
        [
            "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "FUNCTIONS_WORKER_RUNTIME_VERSION",
            "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
        ];
        Assert.DoesNotContain(Settings.EnumerateObject(), s => deprecatedOnFlex.Contains(s.Name, StringComparer.OrdinalIgnoreCase));
        Assert.False(template.SingleResource("Microsoft.Web/sites").Resource.GetProperty("properties").GetProperty("siteConfig")
            .TryGetProperty("appSettings", out _), "app settings live in the one sites/config resource");
    }

    [Fact]
    public void Host_storage_connects_with_the_user_assigned_identity_and_no_key()
    {
        Assert.Equal("managedidentity", Settings.GetProperty("AzureWebJobsStorage__credential").GetString());
        Assert.Equal(IdentityClientId, Settings.GetProperty("AzureWebJobsStorage__clientId").GetString());
        Assert.Equal("[reference(resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName')), '2024-01-01').primaryEndpoints.blob]",
            Settings.GetProperty("AzureWebJobsStorage__blobServiceUri").GetString());
        Assert.DoesNotContain(Settings.EnumerateObject(), s => s.Name.Equals("AzureWebJobsStorage", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Code_gets_the_cosmos_endpoint_and_the_identity_client_id()
    {
        Assert.Equal(IdentityClientId, Settings.GetProperty("AZURE_CLIENT_ID").GetString());
        var endpoint = template.ResolveString("api", Settings.GetProperty("cosmos__accountEndpoint"));
        Assert.Contains("'Microsoft.Resources/deployments', 'cosmos')", endpoint);
        Assert.EndsWith(".outputs.endpoint.value]", endpoint);
        Assert.Equal("[reference(resourceId('Microsoft.DocumentDB/databaseAccounts', parameters('accountName')), '2024-11-15').documentEndpoint]",
            template.ModuleTemplate("cosmos").GetProperty("outputs").GetProperty("endpoint").GetProperty("value").GetString());
    }

    [Fact]
    public void Application_insights_telemetry_authenticates_as_the_identity()
    {
        Assert.Equal($"[format('ClientId={{0}};Authorization=AAD', {IdentityClientId[1..^1]})]",
            Settings.GetProperty("APPLICATIONINSIGHTS_AUTHENTICATION_STRING").GetString());
        // Read from the resource inside the api module: the connection string never passes through an output.
        Assert.Equal("[reference(resourceId('Microsoft.Insights/components', parameters('applicationInsightsName')), '2020-02-02').ConnectionString]",
            Settings.GetProperty("APPLICATIONINSIGHTS_CONNECTION_STRING").GetString());
    }

    [Theory]
    [InlineData("cosmos__databaseName", "databaseName", "CandidateDatabase")]
    [InlineData("cosmos__containerName", "containerName", "Candidates")]
    public void Cosmos_names_reach_the_code_from_the_resources_the_template_creates(string setting, string output, string seedName)
    {
        // The setting is the cosmos module's output ...
        var value = template.ResolveString("api", Settings.GetProperty(setting));
        Assert.Contains("'Microsoft.Resources/deployments', 'cosmos')", value);
        Assert.EndsWith($".outputs.{output}.value]", value);

        // ... which is the created resource's name, declared once in main.bicep (the seed's layout).
        var created = template.ModuleTemplate("cosmos").GetProperty("outputs").GetProperty(output).GetProperty("value");
        Assert.Equal(seedName, template.ResolveString("cosmos", created));

        // ... under the key the store reads.
        var options = CosmosStoreOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["cosmos:accountEndpoint"] = "https://flasky.documents.azure.com:443/",
            [setting.Replace("__", ":", StringComparison.Ordinal)] = "from-the-setting",
        }).Build());
        Assert.Equal("from-the-setting", output == "databaseName" ? options.DatabaseName : options.ContainerName);
    }
}
