using System.Text.Json;

namespace Flasky.Tests.Infrastructure;

/// <summary>Pins each security property of the compiled Azure template, one property (or one concern) per test.</summary>
[Collection(SharedAzureTemplate.Name)]
public sealed class AzureTemplateSecurityTests(AzureTemplateFixture template)
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string AppPrincipal = "[parameters('appPrincipalId')]";

    // The data plane the Cosmos store needs (see the comment in infra/azure/app/cosmos.bicep for why each is there).
    private static readonly string[] CandidateDataActions =
    [
        "Microsoft.DocumentDB/databaseAccounts/readMetadata",
        "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read",
        "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery",
        "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/readChangeFeed",
        "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/upsert",
        "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/delete",
    ];

    private JsonElement FunctionApp => template.SingleResource("Microsoft.Web/sites").Resource;

    private JsonElement FunctionAppProperties => FunctionApp.GetProperty("properties");

    [Fact]
    public void Function_app_is_https_only() =>
        Assert.True(FunctionAppProperties.GetProperty("httpsOnly").GetBoolean());

    [Fact]
    public void Function_app_requires_tls_1_2() =>
        Assert.Equal("1.2", FunctionAppProperties.GetProperty("siteConfig").GetProperty("minTlsVersion").GetString());

    [Fact]
    public void Function_app_disables_ftps() =>
        Assert.Equal("Disabled", FunctionAppProperties.GetProperty("siteConfig").GetProperty("ftpsState").GetString());

    [Fact]
    public void Basic_publishing_credentials_are_off_for_ftp_and_scm()
    {
        var policies = template.Resources("Microsoft.Web/sites/basicPublishingCredentialsPolicies")
            .ToDictionary(
                p => p.Resource.GetProperty("name").GetString()!.Split('\'')[^2],
                p => p.Resource.GetProperty("properties").GetProperty("allow").GetBoolean());
        Assert.Equal(new Dictionary<string, bool> { ["ftp"] = false, ["scm"] = false }, policies);
    }

    [Fact]
    public void Function_app_runs_as_its_two_user_assigned_identities_only()
    {
        var identity = FunctionApp.GetProperty("identity");
        Assert.Equal("UserAssigned", identity.GetProperty("type").GetString());
        const string RuntimeIdentity = "resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName'))";
        const string DeploymentIdentity = "resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('deploymentIdentityName'))";
        Assert.Equal([$"[format('{{0}}', {RuntimeIdentity})]", $"[format('{{0}}', {DeploymentIdentity})]"],
            identity.GetProperty("userAssignedIdentities").EnumerateObject().Select(i => i.Name));

        // The platform fetches the package as the deployment identity, never as the runtime identity.
        var deploymentAuth = FunctionAppProperties.GetProperty("functionAppConfig").GetProperty("deployment")
            .GetProperty("storage").GetProperty("authentication");
        Assert.Equal("UserAssignedIdentity", deploymentAuth.GetProperty("type").GetString());
        Assert.Equal($"[{DeploymentIdentity}]", deploymentAuth.GetProperty("userAssignedIdentityResourceId").GetString());
    }

    [Fact]
    public void Function_app_is_flex_consumption_running_dotnet_isolated_10()
    {
        var (_, plan) = template.SingleResource("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        Assert.True(plan.GetProperty("properties").GetProperty("reserved").GetBoolean(), "Flex Consumption is Linux-only");

        var runtime = FunctionAppProperties.GetProperty("functionAppConfig").GetProperty("runtime");
        Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
        Assert.Equal("10.0", runtime.GetProperty("version").GetString());
        Assert.Equal("blobContainer", FunctionAppProperties.GetProperty("functionAppConfig").GetProperty("deployment")
            .GetProperty("storage").GetProperty("type").GetString());
    }

    [Fact]
    public void Function_app_carries_the_azd_service_tag() =>
        Assert.Equal("[union(parameters('tags'), createObject('azd-service-name', 'api'))]",
            FunctionApp.GetProperty("tags").GetString());

    [Fact]
    public void Nothing_overrides_function_key_authorization()
    {
        // Keys are enforced by the host for AuthorizationLevel.Function; EasyAuth settings are the one place a
        // template could put an anonymous front door in front of that (and Flex Consumption doesn't support EasyAuth).
        var configNames = template.Resources("Microsoft.Web/sites/config")
            .Select(c => c.Resource.GetProperty("name").GetString()!.Split('\'')[^2]);
        Assert.Equal(["appsettings"], configNames);
        Assert.False(FunctionAppProperties.TryGetProperty("clientCertMode", out _));
    }

    [Fact]
    public void Storage_refuses_shared_keys_public_blobs_and_old_tls()
    {
        var accounts = template.Resources("Microsoft.Storage/storageAccounts");
        Assert.Equal(["deploymentStorage", "storage"], accounts.Select(a => a.Module).Order(StringComparer.Ordinal));
        foreach (var (_, account) in accounts)
        {
            var properties = account.GetProperty("properties");
            Assert.False(properties.GetProperty("allowSharedKeyAccess").GetBoolean());
            Assert.False(properties.GetProperty("allowBlobPublicAccess").GetBoolean());
            Assert.Equal("TLS1_2", properties.GetProperty("minimumTlsVersion").GetString());
            Assert.True(properties.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
        }

        Assert.Equal("None", template.SingleResource("Microsoft.Storage/storageAccounts/blobServices/containers")
            .Resource.GetProperty("properties").GetProperty("publicAccess").GetString());
    }

    [Fact]
    public void Azure_role_assignments_are_exactly_the_listed_roles_of_each_identity()
    {
        var assignments = template.Resources("Microsoft.Authorization/roleAssignments")
            .Select(a => (a.Module, Resource: a.Resource, Properties: a.Resource.GetProperty("properties")))
            .Select(a => (a.Module,
                Role: RoleGuid(a.Module, a.Properties.GetProperty("roleDefinitionId").GetString()!),
                Principal: template.ResolveString(a.Module, a.Properties.GetProperty("principalId")),
                Type: a.Properties.GetProperty("principalType").GetString(),
                Scope: a.Resource.GetProperty("scope").GetString()))
            .OrderBy(a => a.Module, StringComparer.Ordinal).ThenBy(a => a.Role, StringComparer.Ordinal)
            .ToList();

        Assert.Equal(
            [
                ("deploymentStorage", StorageBlobDataContributor),
                ("monitoring", MonitoringMetricsPublisher),
                ("storage", StorageTableDataContributor),
                ("storage", StorageBlobDataOwner),
            ],
            assignments.Select(a => (a.Module, a.Role)));
        Assert.All(assignments, a => Assert.Equal("ServicePrincipal", a.Type));
        Assert.All(assignments.Where(a => a.Module != "deploymentStorage"), a => AssertAppIdentityPrincipal(a.Principal));

        // The deployment identity holds one role, on the package container alone (not the account).
        var package = Assert.Single(assignments, a => a.Module == "deploymentStorage");
        Assert.Contains("'Microsoft.Resources/deployments', 'deploymentIdentity')", package.Principal);
        Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('name'), 'default', parameters('containerName'))]",
            package.Scope);
    }

    [Fact]
    public void App_identity_principal_is_the_user_assigned_identity()
    {
        foreach (var module in new[] { "storage", "cosmos", "monitoring" })
        {
            AssertAppIdentityPrincipal(template.ResolveString(module, AppPrincipal));
        }

        Assert.Equal("[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('name')), '2023-01-31').principalId]",
            template.ModuleTemplate("identity").GetProperty("outputs").GetProperty("principalId").GetProperty("value").GetString());
    }

    [Fact]
    public void Cosmos_is_serverless_entra_only_and_tls_1_2()
    {
        var properties = template.SingleResource("Microsoft.DocumentDB/databaseAccounts").Resource.GetProperty("properties");
        Assert.True(properties.GetProperty("disableLocalAuth").GetBoolean());
        Assert.True(properties.GetProperty("disableKeyBasedMetadataWriteAccess").GetBoolean());
        Assert.Equal("Tls12", properties.GetProperty("minimalTlsVersion").GetString());
        Assert.Equal(["EnableServerless"],
            properties.GetProperty("capabilities").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Fact]
    public void Cosmos_layout_matches_the_seed_deployments()
    {
        var (module, database) = template.SingleResource("Microsoft.DocumentDB/databaseAccounts/sqlDatabases");
        Assert.Equal("CandidateDatabase", template.ResolveString(module,
            database.GetProperty("properties").GetProperty("resource").GetProperty("id")));

        var (_, container) = template.SingleResource("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");
        var resource = container.GetProperty("properties").GetProperty("resource");
        Assert.Equal("Candidates", template.ResolveString(module, resource.GetProperty("id")));
        Assert.Equal(["/CandidateName"],
            resource.GetProperty("partitionKey").GetProperty("paths").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public void Cosmos_custom_role_grants_exactly_the_least_privilege_data_actions()
    {
        var (module, role) = template.SingleResource("Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions");
        var properties = role.GetProperty("properties");
        Assert.Equal("CustomRole", properties.GetProperty("type").GetString());

        var permission = Assert.Single(properties.GetProperty("permissions").EnumerateArray());
        Assert.False(permission.TryGetProperty("notDataActions", out _), "Cosmos native RBAC ignores notDataActions");
        var actions = template.Resolve(module, permission.GetProperty("dataActions"))
            .EnumerateArray().Select(a => a.GetString()!).ToList();
        Assert.DoesNotContain(actions, a => a.Contains('*', StringComparison.Ordinal));
        Assert.Equal(CandidateDataActions.Order(StringComparer.Ordinal), actions.Order(StringComparer.Ordinal));

        var scope = Assert.Single(properties.GetProperty("assignableScopes").EnumerateArray());
        Assert.Equal("[variables('databaseScope')]", scope.GetString());
        Assert.EndsWith("/dbs/{1}', resourceId('Microsoft.DocumentDB/databaseAccounts', parameters('accountName')), parameters('databaseName'))]",
            template.ResolveString(module, scope));
    }

    [Fact]
    public void Cosmos_role_is_assigned_to_the_app_identity_and_optionally_to_the_deploying_user()
    {
        var assignments = template.Resources("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments");
        Assert.Equal(2, assignments.Count);
        foreach (var (_, assignment) in assignments)
        {
            var properties = assignment.GetProperty("properties");
            Assert.Contains("Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions", properties.GetProperty("roleDefinitionId").GetString());
            Assert.Equal("[variables('databaseScope')]", properties.GetProperty("scope").GetString());
        }

        var app = Assert.Single(assignments, a => !a.Resource.TryGetProperty("condition", out _));
        AssertAppIdentityPrincipal(template.ResolveString(app.Module, app.Resource.GetProperty("properties").GetProperty("principalId")));

        // The developer's assignment exists only when azd passes AZURE_PRINCIPAL_ID, and gets the same narrow role.
        var user = Assert.Single(assignments, a => a.Resource.TryGetProperty("condition", out _));
        Assert.Equal("[not(empty(parameters('userPrincipalId')))]", user.Resource.GetProperty("condition").GetString());
        Assert.Equal("[parameters('principalId')]", template.ResolveString(user.Module, user.Resource.GetProperty("properties").GetProperty("principalId")));
    }

    [Fact]
    public void Application_insights_accepts_only_entra_authenticated_telemetry() =>
        Assert.True(template.SingleResource("Microsoft.Insights/components").Resource
            .GetProperty("properties").GetProperty("DisableLocalAuth").GetBoolean());

    [Fact]
    public void No_template_reads_keys_or_secrets()
    {
        var text = template.Build.StandardOutput;
        foreach (var function in new[] { "listKeys(", "listConnectionStrings(", "listSecrets(", "listAccountSas(", "listServiceSas(", "listCredentials(" })
        {
            Assert.DoesNotContain(function, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Outputs_are_the_azd_values_and_carry_no_secrets()
    {
        string[] expected =
        [
            "AZURE_LOCATION", "AZURE_TENANT_ID", "AZURE_RESOURCE_GROUP", "AZURE_FUNCTION_APP_NAME", "API_URL",
            "COSMOS_ENDPOINT", "AZURE_COSMOS_DATABASE", "AZURE_COSMOS_CONTAINER",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal),
            template.Root.GetProperty("outputs").EnumerateObject().Select(o => o.Name).Order(StringComparer.Ordinal));

        // Module outputs show up in the deployment history too, so they are held to the same rule.
        string[] secretLooking = ["key", "secret", "password", "connectionstring", "instrumentation", "sas", "token", "list"];
        foreach (var (module, t) in template.Templates())
        {
            if (!t.TryGetProperty("outputs", out var outputs))
            {
                continue;
            }

            foreach (var output in outputs.EnumerateObject())
            {
                var where = $"output '{output.Name}' of {(module == "" ? "main" : module)}";
                Assert.False(output.Value.GetProperty("type").GetString()!.StartsWith("secure", StringComparison.OrdinalIgnoreCase), where);
                var value = output.Value.GetProperty("value").GetRawText();
                Assert.DoesNotContain(secretLooking, s => output.Name.Contains(s, StringComparison.OrdinalIgnoreCase)
                    || value.Contains($".{s}", StringComparison.OrdinalIgnoreCase) || value.Contains($"{s}(", StringComparison.OrdinalIgnoreCase));
            }
        }
    }

    // main.bicep hands every module the identity module's principalId output.
    private static void AssertAppIdentityPrincipal(string? principal)
    {
        Assert.NotNull(principal);
        Assert.Contains("'Microsoft.Resources/deployments', 'identity')", principal);
        Assert.EndsWith(".outputs.principalId.value]", principal);
    }

    // "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('x'))]" -> the built-in role's GUID.
    private string RoleGuid(string module, string roleDefinitionId)
    {
        const string Prefix = "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ";
        Assert.StartsWith(Prefix, roleDefinitionId);
        return template.ResolveString(module, $"[{roleDefinitionId[Prefix.Length..^2]}]")!;
    }
}
