namespace Flasky.Tests.Infrastructure;

/// <summary>
/// infra/gcp/deploy.sh run against stand-ins for terraform, gcloud, docker, curl and dotnet: the steps in order with
/// the right arguments, a failed step stops it with a clear message, and no token reaches a command line or the output.
/// </summary>
public sealed class GcpDeployScriptTests : DeployScriptTests, IClassFixture<SystemPathWithoutCloudTools>
{
    private const string Project = "flasky-test";
    private const string UserAccount = "dev@example.com";
    private const string ServiceAccount = "deployer@flasky-test.iam.gserviceaccount.com";
    private const string Repository = "us-central1-docker.pkg.dev/flasky-test/flasky";
    private const string Image = Repository + "/flasky:20261130-120000";
    private const string ServiceUrl = "https://flasky-abc123-uc.a.run.app";
    private const string IdToken = "eyJ.test-id-token.5f2a";
    private const string AccessToken = "ya29.test-access-token-c7e1";

    private static readonly string[] CheckProject = ["dotnet", "run", "--project", RepositoryRoot.Combine("Flasky.Check"), "--", ServiceUrl];

    public GcpDeployScriptTests(SystemPathWithoutCloudTools systemPath)
        : base("gcp", systemPath)
    {
        Stubs.Add("gcloud", $$"""
            case "$1 $2" in
              "config get-value") printf '%s\n' "${STUB_PROJECT:-}" ;;
              "auth list") printf '%s\n' "${STUB_ACCOUNT:-}" ;;
              "auth application-default") echo '{{AccessToken}}' ;;
              "auth print-identity-token") echo '{{IdToken}}' ;;
            esac
            """);
        Stubs.Add("terraform", $$"""
            case "$2 $4" in
              "output repository_url") printf '%s' '{{Repository}}' ;;
              "output service_url") printf '%s' '{{ServiceUrl}}' ;;
              "output anonymous") printf '%s' "${STUB_ANONYMOUS:-false}" ;;
            esac
            """);
        // curl keeps the headers it was given on stdin and answers 403 for the first STUB_FORBIDDEN_ANSWERS calls.
        Stubs.Add("curl", """
            case " $* " in *" --header @- "*) cat >> "$STUB_DIR/curl-stdin" ;; esac
            n=$(( $(cat "$STUB_DIR/curl-count" 2>/dev/null || echo 0) + 1 ))
            echo "$n" > "$STUB_DIR/curl-count"
            if [ "$n" -le "${STUB_FORBIDDEN_ANSWERS:-0}" ]; then printf 403; else printf 200; fi
            """);
        Stubs.Add("dotnet", """exit "${STUB_CHECK_EXIT:-0}" """);
        Stubs.Add("docker");
        Stubs.Add("date", "echo 20261130-120000");
        Stubs.Add("sleep");
    }

    private string[] Init => ["terraform", $"-chdir={TerraformDir}", "init", "-input=false"];

    [Fact]
    public async Task Up_creates_the_repository_builds_applies_waits_and_checks_with_an_id_token()
    {
        var run = await RunAsync("up");

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        Assert.Equal(
            [
                ["gcloud", "auth", "list", "--filter=status:ACTIVE", "--format=value(account)"],
                ["gcloud", "auth", "application-default", "print-access-token"],
                Init,
                ["terraform", $"-chdir={TerraformDir}", "apply", "-input=false", "-auto-approve", "-var", $"project_id={Project}",
                    "-target=google_artifact_registry_repository.images"],
                ["terraform", $"-chdir={TerraformDir}", "output", "-raw", "repository_url"],
                ["date", "-u", "+%Y%m%d-%H%M%S"],
                ["gcloud", "builds", "submit", RepositoryRoot.Path, "--project", Project, "--config", Path.Combine(TerraformDir, "cloudbuild.yaml"),
                    "--substitutions", $"_IMAGE={Image}"],
                ["terraform", $"-chdir={TerraformDir}", "apply", "-input=false", "-auto-approve", "-var", $"project_id={Project}",
                    "-var", $"image={Image}", "-var", $"invokers=[\"user:{UserAccount}\"]"],
                ["terraform", $"-chdir={TerraformDir}", "output", "-raw", "service_url"],
                ["terraform", $"-chdir={TerraformDir}", "output", "-raw", "anonymous"],
                ["gcloud", "auth", "print-identity-token"],
                ["curl", "--silent", "--output", "/dev/null", "--write-out", "%{http_code}", "--max-time", "30", "--header", "@-", $"{ServiceUrl}/gtg"],
                [.. CheckProject, "--id-token-command", "gcloud auth print-identity-token"],
            ],
            Stubs.Calls());
        Assert.Contains("contract check passed", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_never_reach_a_command_line_or_the_output()
    {
        var run = await RunAsync("up", new() { ["STUB_FORBIDDEN_ANSWERS"] = "2" });

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        // The ID token went to curl on stdin; the check gets the command that prints one, not the token.
        Assert.Equal(
            string.Concat(Enumerable.Repeat($"Authorization: Bearer {IdToken}\n", 3)),
            await File.ReadAllTextAsync(Path.Combine(Stubs.Scratch, "curl-stdin")));
        foreach (var token in new[] { IdToken, AccessToken })
        {
            Assert.DoesNotContain(token, run.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain(token, run.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain(Stubs.CallLines(), line => line.Contains(token, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_service_account_gets_tokens_for_the_service_url_as_audience()
    {
        var run = await RunAsync("up", new() { ["STUB_ACCOUNT"] = ServiceAccount });

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        Assert.Contains(Stubs.Calls(), c => c is ["terraform", _, "apply", ..] && c[^1] == $"invokers=[\"serviceAccount:{ServiceAccount}\"]");
        Assert.Contains(["gcloud", "auth", "print-identity-token", $"--audiences={ServiceUrl}"], Stubs.Calls());
        Assert.Equal([.. CheckProject, "--id-token-command", $"gcloud auth print-identity-token --audiences={ServiceUrl}"], Stubs.Calls()[^1]);
    }

    [Fact]
    public async Task Up_waits_for_the_invoker_binding_before_checking()
    {
        var run = await RunAsync("up", new() { ["STUB_FORBIDDEN_ANSWERS"] = "3" });

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        Assert.Equal(4, Stubs.Calls().Count(c => c[0] == "curl"));
        Assert.Equal(3, Stubs.Calls().Count(c => c is ["sleep", "10"]));
        Assert.Equal(CheckProject[0], Stubs.Calls()[^1][0]);
    }

    [Fact]
    public async Task Up_fails_when_the_service_never_answers_and_does_not_run_the_check()
    {
        var run = await RunAsync("up", new() { ["STUB_FORBIDDEN_ANSWERS"] = "100" });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains($"deploy.sh: GET {ServiceUrl}/gtg answered '403', not 200, for two minutes", run.StandardError, StringComparison.Ordinal);
        Assert.Equal(12, Stubs.Calls().Count(c => c[0] == "curl"));
        Assert.DoesNotContain(Stubs.Calls(), c => c is ["dotnet", "run", ..]);
    }

    [Fact]
    public async Task An_anonymous_service_is_checked_without_a_token()
    {
        var run = await RunAsync("up", new() { ["STUB_ANONYMOUS"] = "true" });

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        Assert.DoesNotContain(Stubs.Calls(), c => c is ["gcloud", "auth", "print-identity-token", ..]);
        Assert.False(File.Exists(Path.Combine(Stubs.Scratch, "curl-stdin")), "no header is sent");
        Assert.Contains(["curl", "--silent", "--output", "/dev/null", "--write-out", "%{http_code}", "--max-time", "30", $"{ServiceUrl}/gtg"], Stubs.Calls());
        Assert.Equal(CheckProject, Stubs.Calls()[^1]);
    }

    [Fact]
    public async Task Local_docker_builds_and_pushes_instead_of_cloud_build()
    {
        var run = await RunAsync("up", new() { ["FLASKY_IMAGE_BUILDER"] = "docker" });

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        var lines = Stubs.Calls();
        var build = lines.ToList().FindIndex(c => c is ["docker", "build", ..]);
        Assert.Equal(
            [
                ["docker", "build", "--file", RepositoryRoot.Combine("Flasky.CloudRun", "Dockerfile"), "--tag", Image, RepositoryRoot.Path],
                ["gcloud", "auth", "configure-docker", "us-central1-docker.pkg.dev", "--quiet"],
                ["docker", "push", Image],
            ],
            lines.Skip(build).Take(3));
        Assert.DoesNotContain(lines, c => c is ["gcloud", "builds", ..]);
    }

    [Fact]
    public async Task Project_comes_from_gcloud_configuration_when_the_environment_has_none()
    {
        var run = await RunAsync("up", new() { ["GOOGLE_CLOUD_PROJECT"] = "", ["STUB_PROJECT"] = "configured-project" });

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        Assert.Equal(["gcloud", "config", "get-value", "project"], Stubs.Calls()[0]);
        Assert.All(Stubs.Calls().Where(c => c is ["terraform", _, "apply", ..]), c => Assert.Contains("project_id=configured-project", c));
    }

    [Fact]
    public async Task Down_destroys_everything_without_building_anything()
    {
        Stubs.Remove("dotnet");
        Stubs.Remove("curl");

        var run = await RunAsync("down");

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        Assert.Equal(
            [
                ["gcloud", "auth", "list", "--filter=status:ACTIVE", "--format=value(account)"],
                ["gcloud", "auth", "application-default", "print-access-token"],
                Init,
                ["terraform", $"-chdir={TerraformDir}", "destroy", "-input=false", "-auto-approve", "-var", $"project_id={Project}"],
            ],
            Stubs.Calls());
    }

    [Theory]
    [InlineData("terraform * init *", "terraform init failed")]
    [InlineData("terraform * -target=*", "terraform apply (APIs and image repository) failed")]
    [InlineData("terraform * output -raw repository_url", "terraform output repository_url failed")]
    [InlineData("gcloud builds submit *", "the Cloud Build build failed")]
    [InlineData("terraform * apply * image=*", "terraform apply failed")]
    [InlineData("terraform * output -raw service_url", "terraform output service_url failed")]
    [InlineData("dotnet run *", "the contract check failed against " + ServiceUrl)]
    public async Task A_failed_step_stops_the_script_with_a_clear_message(string failingCall, string message)
    {
        var run = await RunAsync("up", new() { ["STUB_FAIL"] = failingCall });

        Stubs.AssertStoppedAt(run, failingCall, message);
    }

    [Theory]
    [InlineData("docker build *", "docker build failed")]
    [InlineData("docker push *", "docker push failed")]
    public async Task A_failed_docker_step_stops_the_script(string failingCall, string message)
    {
        var run = await RunAsync("up", new() { ["FLASKY_IMAGE_BUILDER"] = "docker", ["STUB_FAIL"] = failingCall });

        Stubs.AssertStoppedAt(run, failingCall, message);
        Assert.DoesNotContain(Stubs.Calls(), c => c is ["terraform", _, "apply", ..] && c.Contains($"image={Image}"));
    }

    [Fact]
    public async Task Missing_application_default_credentials_stop_the_script_with_what_to_do()
    {
        var run = await RunAsync("up", new() { ["STUB_FAIL"] = "gcloud auth application-default *" });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("run 'gcloud auth application-default login'", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(Stubs.Calls(), c => c[0] == "terraform");
    }

    [Theory]
    [InlineData("terraform", "terraform is required")]
    [InlineData("gcloud", "gcloud is required")]
    [InlineData("dotnet", "dotnet is required")]
    [InlineData("curl", "curl is required")]
    public Task A_missing_tool_stops_the_script_before_anything_runs(string tool, string message) =>
        AssertStopsWithoutAsync(tool, message);

    [Fact]
    public async Task Docker_is_required_only_to_build_locally()
    {
        Stubs.Remove("docker");

        var local = await RunAsync("up", new() { ["FLASKY_IMAGE_BUILDER"] = "docker" });
        Assert.NotEqual(0, local.ExitCode);
        Assert.Contains("deploy.sh: docker is required", local.StandardError, StringComparison.Ordinal);

        var cloud = await RunAsync("up");
        Assert.True(cloud.ExitCode == 0, cloud.Diagnostics);
    }

    [Theory]
    [InlineData("GOOGLE_CLOUD_PROJECT", "no Google Cloud project: set GOOGLE_CLOUD_PROJECT")]
    [InlineData("STUB_ACCOUNT", "no active gcloud account: run 'gcloud auth login'")]
    public async Task A_missing_project_or_account_stops_the_script_with_what_to_do(string cleared, string message)
    {
        var run = await RunAsync("up", new() { [cleared] = "" });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains($"deploy.sh: {message}", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(Stubs.Calls(), c => c[0] == "terraform");
    }

    [Fact]
    public async Task An_unknown_image_builder_is_refused()
    {
        var run = await RunAsync("up", new() { ["FLASKY_IMAGE_BUILDER"] = "kaniko" });

        Stubs.AssertStoppedBeforeAnyCall(run, "FLASKY_IMAGE_BUILDER must be 'cloudbuild' (the default) or 'docker'");
    }

    private protected override Dictionary<string, string> Environment() =>
        new()
        {
            ["GOOGLE_CLOUD_PROJECT"] = Project,
            ["STUB_ACCOUNT"] = UserAccount,
            ["FLASKY_IMAGE_BUILDER"] = "",
        };
}
