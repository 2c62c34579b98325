using System.Text.Json;

namespace Flasky.Tests.Infrastructure;

/// <summary>
/// Pins the properties issue 11 asks of infra/gcp, over the parsed HCL: APIs, image repository, the Cloud Run service and
/// its identity, invoker-only access, the Firestore database, and that `down` can really delete it all.
/// </summary>
[Collection(SharedGcpTerraform.Name)]
public sealed class GcpTerraformTests(GcpTerraform module) : TerraformModuleTests(module)
{
    private const string RunServiceAccount = "serviceAccount:${google_service_account.run.email}";

    private JsonElement Service => Module.Resource("google_cloud_run_v2_service", "api");

    private JsonElement Template => TerraformModule.Block(Service, "template");

    private JsonElement Container => TerraformModule.Block(Template, "containers");

    protected override IReadOnlyList<string> Files => ["apis.tf", "firestore.tf", "outputs.tf", "registry.tf", "run.tf", "variables.tf", "versions.tf"];

    protected override (string Name, string Source, string Version) Provider => ("google", "hashicorp/google", "~> 7.0");

    [Fact]
    public void Terraform_enables_the_apis_it_uses_and_leaves_them_enabled_on_destroy()
    {
        var (_, apis) = Module.SingleResource("google_project_service");
        Assert.Equal("${toset(local.services)}", TerraformModule.Value(apis, "for_each"));
        Assert.Equal("${each.value}", TerraformModule.Value(apis, "service"));
        Assert.False(apis.GetProperty("disable_on_destroy").GetBoolean());
        Assert.Equal(
            ["artifactregistry.googleapis.com", "cloudbuild.googleapis.com", "firestore.googleapis.com", "iam.googleapis.com", "run.googleapis.com"],
            Module.Local("services").EnumerateArray().Select(s => s.GetString()!).Order(StringComparer.Ordinal));

        // Everything that calls an API waits for it to be enabled.
        foreach (var (type, name) in new[]
        {
            ("google_artifact_registry_repository", "images"), ("google_firestore_database", "default"),
            ("google_service_account", "run"), ("google_cloud_run_v2_service", "api"),
        })
        {
            Assert.Contains("${google_project_service.apis}", TerraformModule.List(Module.Resource(type, name), "depends_on"));
        }
    }

    [Fact]
    public void Images_live_in_an_artifact_registry_docker_repository()
    {
        var (_, repository) = Module.SingleResource("google_artifact_registry_repository");
        Assert.Equal("DOCKER", TerraformModule.Value(repository, "format"));
        Assert.Equal("${var.region}", TerraformModule.Value(repository, "location"));
        Assert.Contains("${google_artifact_registry_repository.images.repository_id}", TerraformModule.Value(Module.Output("repository_url"), "value"));
        Assert.Equal("${var.image}", TerraformModule.Value(Container, "image"));
    }

    [Fact]
    public void Service_runs_as_a_dedicated_service_account_holding_only_datastore_user()
    {
        Assert.Equal("${google_service_account.run.email}", TerraformModule.Value(Template, "service_account"));

        // The one role grant in the module, to that account, at the narrowest level Firestore roles are granted.
        var (_, grant) = Module.SingleResource("google_project_iam_member");
        Assert.Equal("roles/datastore.user", TerraformModule.Value(grant, "role"));
        Assert.Equal(RunServiceAccount, TerraformModule.Value(grant, "member"));
        Assert.DoesNotContain(Module.ResourceTypes(), t => t is "google_project_iam_binding" or "google_project_iam_policy"
            or "google_service_account_key" or "google_service_account_iam_member" or "google_service_account_iam_binding");
        Assert.Contains("${google_project_iam_member.run_datastore_user}", TerraformModule.List(Service, "depends_on"));
    }

    [Fact]
    public void Ingress_is_open_but_every_call_needs_the_invoker_role()
    {
        Assert.Equal("INGRESS_TRAFFIC_ALL", TerraformModule.Value(Service, "ingress"));
        Assert.False(Service.GetProperty("invoker_iam_disabled").GetBoolean());

        // Additive members only: a binding or policy would silently replace invokers granted elsewhere.
        Assert.DoesNotContain(Module.ResourceTypes(), t => t is "google_cloud_run_v2_service_iam_binding" or "google_cloud_run_v2_service_iam_policy"
            or "google_cloud_run_service_iam_member" or "google_cloud_run_service_iam_binding" or "google_cloud_run_service_iam_policy");
        var invokers = Module.Resources("google_cloud_run_v2_service_iam_member");
        Assert.All(invokers.Values, i =>
        {
            Assert.Equal("roles/run.invoker", TerraformModule.Value(i, "role"));
            Assert.Equal("${google_cloud_run_v2_service.api.name}", TerraformModule.Value(i, "name"));
        });

        Assert.Equal("${each.value}", TerraformModule.Value(invokers["invokers"], "member"));
        Assert.Equal("${toset(var.invokers)}", TerraformModule.Value(invokers["invokers"], "for_each"));
        Assert.Equal("${alltrue([for m in var.invokers : !contains([\"allUsers\", \"allAuthenticatedUsers\"], m)])}",
            TerraformModule.Value(TerraformModule.Block(Module.Variable("invokers"), "validation"), "condition"));
    }

    [Fact]
    public void All_users_are_invokers_only_with_an_explicit_anonymous_true()
    {
        var anonymous = Module.Resource("google_cloud_run_v2_service_iam_member", "anonymous");
        Assert.Equal("allUsers", TerraformModule.Value(anonymous, "member"));
        Assert.Equal("${var.anonymous ? 1 : 0}", TerraformModule.Value(anonymous, "count"));
        Assert.False(Module.Variable("anonymous").GetProperty("default").GetBoolean());
        Assert.Equal("${bool}", TerraformModule.Value(Module.Variable("anonymous"), "type"));

        // No other place grants anything to allUsers or allAuthenticatedUsers.
        var everywhere = Module.Root.GetProperty("resource").GetRawText();
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(everywhere, "\"allUsers\""));
        Assert.DoesNotContain("\"allAuthenticatedUsers\"", everywhere, StringComparison.Ordinal);
    }

    [Fact]
    public void Firestore_native_database_is_created_and_really_deleted_by_down()
    {
        var (_, database) = Module.SingleResource("google_firestore_database");
        Assert.Equal("(default)", TerraformModule.Value(database, "name"));
        Assert.Equal("FIRESTORE_NATIVE", TerraformModule.Value(database, "type"));
        Assert.Equal("${var.firestore_location}", TerraformModule.Value(database, "location_id"));
        Assert.Equal("DELETE", TerraformModule.Value(database, "deletion_policy"));
        Assert.Equal("DELETE_PROTECTION_DISABLED", TerraformModule.Value(database, "delete_protection_state"));
        Assert.Contains("${google_firestore_database.default}", TerraformModule.List(Service, "depends_on"));
    }

    [Fact]
    public void Service_scales_from_zero_to_a_bounded_maximum()
    {
        var scaling = TerraformModule.Block(Template, "scaling");
        Assert.Equal(0, scaling.GetProperty("min_instance_count").GetInt32());
        Assert.Equal("${var.max_instances}", TerraformModule.Value(scaling, "max_instance_count"));
        var max = Module.Variable("max_instances");
        Assert.InRange(max.GetProperty("default").GetInt32(), 1, 100);
        Assert.Equal("${var.max_instances >= 1 && var.max_instances <= 100}",
            TerraformModule.Value(TerraformModule.Block(max, "validation"), "condition"));
    }

    [Fact]
    public void Container_gets_exactly_the_project_and_the_names_the_module_declares()
    {
        var environment = TerraformModule.Blocks(Container, "env")
            .ToDictionary(e => TerraformModule.Value(e, "name")!, e => TerraformModule.Value(e, "value"));
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["GOOGLE_CLOUD_PROJECT"] = "${var.project_id}",
                ["Firestore__Database"] = "${google_firestore_database.default.name}",
                ["Firestore__Collection"] = "${local.candidates_collection}",
            },
            environment);

        // Each name declared once, with the seed's values (docs/api-contract.md, "Data compatibility").
        Assert.Equal("(default)", TerraformModule.Value(Module.Resource("google_firestore_database", "default"), "name"));
        Assert.Equal("candidates", Module.Local("candidates_collection").GetString());
        Assert.Equal(8080, TerraformModule.Block(Container, "ports").GetProperty("container_port").GetInt32());
    }

    [Fact]
    public void Down_can_delete_the_service()
    {
        // The provider's default (true) makes `terraform destroy` fail on the service.
        Assert.False(Service.GetProperty("deletion_protection").GetBoolean());
    }

    [Fact]
    public void Outputs_give_the_service_url_and_carry_no_secret()
    {
        Assert.Equal("${google_cloud_run_v2_service.api.uri}", TerraformModule.Value(Module.Output("service_url"), "value"));
        Assert.Equal("${var.anonymous}", TerraformModule.Value(Module.Output("anonymous"), "value"));
        TerraformAssert.NoOutputIsSensitive(Module);
    }
}
