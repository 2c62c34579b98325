using System.Text.Json;

namespace Flasky.Tests.Infrastructure;

/// <summary>
/// What makes `azd up` work the first time for any user, pinned on the compiled template: resource ordering Azure
/// needs, the regions offered at the prompt, host storage settings that log no errors, and the narrower identities
/// and optional private network (issue 15 items 4, 5, 7, 8).
/// </summary>
[Collection(SharedAzureTemplate.Name)]
public sealed class AzureDeploymentReadinessTests(AzureTemplateFixture template)
{
    // `az functionapp list-flexconsumption-locations` as allowed by Azure-Samples/functions-quickstart-dotnet-azd
    // (February 2026), less the canary region eastus2euap. A copy on purpose: changing the list in main.bicep must be
    // a deliberate change here too.
    private static readonly string[] FlexConsumptionRegions =
    [
        "australiaeast", "australiasoutheast", "brazilsouth", "canadacentral", "centralindia", "centralus", "eastasia",
        "eastus", "eastus2", "francecentral", "germanywestcentral", "italynorth", "japaneast", "koreacentral",
        "northcentralus", "northeurope", "norwayeast", "southafricanorth", "southcentralus", "southeastasia",
        "southindia", "spaincentral", "swedencentral", "uaenorth", "uksouth", "ukwest", "westcentralus", "westeurope",
        "westus", "westus2", "westus3",
    ];

    private JsonElement CosmosTemplate => template.ModuleTemplate("cosmos");

    private JsonElement FunctionAppProperties => template.SingleResource("Microsoft.Web/sites").Resource.GetProperty("properties");

    [Fact]
    public void Cosmos_role_definition_is_created_after_the_container()
    {
        var (_, role) = template.SingleResource("Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions");
        Assert.Contains(
            "[resourceId('Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers', parameters('accountName'), parameters('databaseName'), parameters('containerName'))]",
            DependsOn(role));
    }

    [Fact]
    public void Cosmos_role_assignments_are_written_one_at_a_time()
    {
        // Parallel SQL role assignment writes fail with 412 "exclusive lock": every pair must be ordered, directly or
        // through others, so ARM never starts two together.
        var assignments = CosmosTemplate.GetProperty("resources").EnumerateArray()
            .Where(r => r.GetProperty("type").GetString() == "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments")
            .ToList();
        Assert.True(assignments.Count >= 2, "expected the app's and the developer's assignments");

        // An assignment's resourceId in a dependsOn names the assignee's principal parameter (it is in the guid name).
        var principals = assignments.Select(a => a.GetProperty("properties").GetProperty("principalId").GetString()![1..^1]).ToList();
        var after = assignments.Select(a => DependsOn(a)
                .Where(d => d.Contains("/sqlRoleAssignments'", StringComparison.Ordinal))
                .Select(d => principals.FindIndex(p => d.Contains(p, StringComparison.Ordinal)))
                .ToHashSet())
            .ToList();

        for (var i = 0; i < assignments.Count; i++)
        {
            for (var j = i + 1; j < assignments.Count; j++)
            {
                Assert.True(Reaches(after, i, j) || Reaches(after, j, i),
                    $"the role assignments for {principals[i]} and {principals[j]} can be written at the same time");
            }
        }

        // And the first of the chain waits for the role definition (which waits for the container).
        Assert.All(assignments, a => Assert.Contains(DependsOn(a), d => d.Contains("/sqlRoleDefinitions'", StringComparison.Ordinal)
            || d.Contains("/sqlRoleAssignments'", StringComparison.Ordinal)));
    }

    [Fact]
    public void Location_offers_only_flex_consumption_regions_at_azds_prompt()
    {
        var location = template.Root.GetProperty("parameters").GetProperty("location");
        Assert.Equal(FlexConsumptionRegions, location.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("location", location.GetProperty("metadata").GetProperty("azd").GetProperty("type").GetString());
    }

    [Fact]
    public void Host_storage_uses_service_uris_for_blobs_and_tables_only()
    {
        var settings = template.SingleResource("Microsoft.Web/sites/config").Resource.GetProperty("properties")
            .EnumerateObject().ToDictionary(s => s.Name, s => s.Value.GetString());

        // With __accountName the host derives the queue and table endpoints itself; with URIs it uses only these.
        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("AzureWebJobsStorage__", StringComparison.Ordinal)
            && (k.EndsWith("accountName", StringComparison.Ordinal) || k.EndsWith("queueServiceUri", StringComparison.Ordinal)));
        const string HostStorage = "reference(resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName')), '2024-01-01')";
        Assert.Equal($"[{HostStorage}.primaryEndpoints.blob]", settings["AzureWebJobsStorage__blobServiceUri"]);
        Assert.Equal($"[{HostStorage}.primaryEndpoints.table]", settings["AzureWebJobsStorage__tableServiceUri"]);
    }

    [Fact]
    public void App_package_lives_in_its_own_account_that_only_the_deployment_identity_can_write()
    {
        var deployment = FunctionAppProperties.GetProperty("functionAppConfig").GetProperty("deployment").GetProperty("storage");
        Assert.Equal(
            "[format('{0}{1}', reference(resourceId('Microsoft.Storage/storageAccounts', parameters('deploymentStorageAccountName')), '2024-01-01').primaryEndpoints.blob, parameters('deploymentContainerName'))]",
            deployment.GetProperty("value").GetString());

        // Two different accounts, the package one passed from the deploymentStorage module.
        var apiParameters = template.Module("api").GetProperty("properties").GetProperty("parameters");
        Assert.Contains("'deploymentStorage')", apiParameters.GetProperty("deploymentStorageAccountName").GetProperty("value").GetString());
        Assert.Contains("'storage')", apiParameters.GetProperty("storageAccountName").GetProperty("value").GetString());

        // Nothing in the package account is granted to the runtime identity.
        Assert.All(template.Resources("Microsoft.Authorization/roleAssignments").Where(a => a.Module == "deploymentStorage"),
            a => Assert.Equal("[parameters('deploymentPrincipalId')]", a.Resource.GetProperty("properties").GetProperty("principalId").GetString()));
        Assert.Contains("'Microsoft.Resources/deployments', 'deploymentIdentity')",
            template.ResolveString("deploymentStorage", "[parameters('deploymentPrincipalId')]"));
    }

    [Fact]
    public void Log_analytics_accepts_only_entra_authentication() =>
        Assert.True(template.SingleResource("Microsoft.OperationalInsights/workspaces").Resource.GetProperty("properties")
            .GetProperty("features").GetProperty("disableLocalAuth").GetBoolean());

    [Fact]
    public void Virtual_network_is_optional_and_off_by_default()
    {
        var parameter = template.Root.GetProperty("parameters").GetProperty("vnetEnabled");
        Assert.Equal("bool", parameter.GetProperty("type").GetString());
        Assert.False(parameter.GetProperty("defaultValue").GetBoolean());
        Assert.Equal("[parameters('vnetEnabled')]", template.Module("network").GetProperty("condition").GetString());
        Assert.All(template.Resources("Microsoft.Network/virtualNetworks"), r => Assert.Equal("network", r.Module));

        // Data services close their public endpoints exactly when the private ones exist.
        foreach (var (module, account) in template.Resources("Microsoft.Storage/storageAccounts")
            .Concat(template.Resources("Microsoft.DocumentDB/databaseAccounts")))
        {
            Assert.Equal("[parameters('vnetEnabled')]", template.ResolveString(module, "[parameters('vnetEnabled')]"));
            Assert.Equal("[if(parameters('vnetEnabled'), 'Disabled', 'Enabled')]",
                account.GetProperty("properties").GetProperty("publicNetworkAccess").GetString());
        }

        // The app joins the network's delegated subnet only when it exists.
        var subnet = template.Module("api").GetProperty("properties").GetProperty("parameters").GetProperty("virtualNetworkSubnetId").GetString();
        Assert.StartsWith("[if(parameters('vnetEnabled'), createObject('value', reference(", subnet);
        Assert.Contains("'Microsoft.Resources/deployments', 'network')", subnet);
        Assert.EndsWith(".outputs.appSubnetId.value), createObject('value', ''))]", subnet);
        Assert.Equal("[if(empty(parameters('virtualNetworkSubnetId')), null(), parameters('virtualNetworkSubnetId'))]",
            FunctionAppProperties.GetProperty("virtualNetworkSubnetId").GetString());
    }

    [Fact]
    public void Virtual_network_has_a_private_endpoint_for_every_data_plane_endpoint_the_app_uses()
    {
        var network = template.ModuleTemplate("network");
        var endpoints = network.GetProperty("variables").GetProperty("privateEndpoints").EnumerateArray()
            .Select(e => (Target: e.GetProperty("resourceId").GetString(), GroupId: e.GetProperty("groupId").GetString()))
            .ToList();
        Assert.Equal(
            [
                ("[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]", "blob"),
                ("[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]", "table"),
                ("[resourceId('Microsoft.Storage/storageAccounts', parameters('deploymentStorageAccountName'))]", "blob"),
                ("[resourceId('Microsoft.DocumentDB/databaseAccounts', parameters('cosmosAccountName'))]", "Sql"),
            ],
            endpoints);

        // Flex Consumption integrates only with a subnet delegated to Microsoft.App/environments.
        var (_, vnet) = template.SingleResource("Microsoft.Network/virtualNetworks");
        var app = vnet.GetProperty("properties").GetProperty("subnets").EnumerateArray()
            .Single(s => s.GetProperty("name").GetString() == "[variables('appSubnetName')]");
        Assert.Equal("Microsoft.App/environments", Assert.Single(app.GetProperty("properties").GetProperty("delegations").EnumerateArray())
            .GetProperty("properties").GetProperty("serviceName").GetString());

        // Every endpoint registers in a private DNS zone linked to the network.
        Assert.Equal("[length(variables('privateEndpoints'))]", template.SingleResource("Microsoft.Network/privateEndpoints/privateDnsZoneGroups")
            .Resource.GetProperty("copy").GetProperty("count").GetString());
        Assert.Equal("[length(variables('zoneNames'))]", template.SingleResource("Microsoft.Network/privateDnsZones/virtualNetworkLinks")
            .Resource.GetProperty("copy").GetProperty("count").GetString());
    }

    private static List<string> DependsOn(JsonElement resource) =>
        resource.TryGetProperty("dependsOn", out var dependsOn)
            ? [.. dependsOn.EnumerateArray().Select(d => d.GetString()!)]
            : [];

    private static bool Reaches(List<HashSet<int>> after, int from, int to)
    {
        var seen = new HashSet<int>();
        var pending = new Stack<int>([from]);
        while (pending.TryPop(out var current))
        {
            foreach (var next in after[current].Where(seen.Add))
            {
                if (next == to)
                {
                    return true;
                }

                pending.Push(next);
            }
        }

        return false;
    }
}
