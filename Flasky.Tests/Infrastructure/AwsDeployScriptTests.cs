namespace Flasky.Tests.Infrastructure;

/// <summary>
/// infra/aws/deploy.sh run against stand-ins for terraform, aws, dotnet and zip: the steps in order with the right
/// arguments, a failed step stops it with a clear message, and credentials never reach a command line or the output.
/// </summary>
[Collection(SharedAwsTerraform.Name)]
public sealed class AwsDeployScriptTests : DeployScriptTests, IClassFixture<SystemPathWithoutCloudTools>
{
    private const string Region = "eu-west-1";
    private const string ApiUrl = "https://abc123.execute-api.eu-west-1.amazonaws.com";
    private const string AccessKeyId = "ASIATESTKEYID7Q2";
    private const string SecretKey = "test-secret-access-key-b41f07c2";
    private const string SessionToken = "test-session-token-9d3e55a1";


    private readonly AwsTerraform _module;

    public AwsDeployScriptTests(AwsTerraform module, SystemPathWithoutCloudTools systemPath)
        : base("aws", systemPath)
    {
        _module = module;
        Stubs.Add("aws", $$"""
            case "$1 $2" in
              "configure get") printf '%s\n' "${STUB_CONFIGURED_REGION:-}" ;;
              "sts get-caller-identity") echo 123456789012 ;;
              "configure export-credentials")
                printf 'AWS_ACCESS_KEY_ID={{AccessKeyId}}\nAWS_SECRET_ACCESS_KEY={{SecretKey}}\nAWS_SESSION_TOKEN={{SessionToken}}\nAWS_CREDENTIAL_EXPIRATION=2030-01-01T00:00:00Z\n' ;;
            esac
            """);
        Stubs.Add("terraform", $$"""
            case "$2 $4" in
              "output api_url") printf '%s' '{{ApiUrl}}' ;;
              "output authorization_type") printf '%s' "${STUB_AUTHORIZATION:-AWS_IAM}" ;;
            esac
            """);
        // publish creates its output folder; run (the contract check) records the credentials it was given.
        Stubs.Add("dotnet", """
            if [ "$1" = publish ]; then
              while [ $# -gt 0 ]; do [ "$1" = -o ] && mkdir -p "$2" && echo dll > "$2/Flasky.Lambda.dll"; shift; done
            elif [ "$1" = run ]; then
              printf '%s|%s|%s\n' "${AWS_ACCESS_KEY_ID:-}" "${AWS_SECRET_ACCESS_KEY:-}" "${AWS_SESSION_TOKEN:-}" > "$STUB_DIR/check-credentials"
              exit "${STUB_CHECK_EXIT:-0}"
            fi
            """);
        Stubs.Add("zip", """for a in "$@"; do case "$a" in *.zip) echo zip > "$a" ;; esac; done""");
    }

    private string Package => Path.Combine(Stubs.Scratch, "build", "flasky-lambda.zip");

    [Fact]
    public async Task Up_publishes_zips_applies_and_checks_the_live_url_with_sigv4()
    {
        var run = await RunAsync("up");

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        var vars = new[] { "-var", $"region={Region}", "-var", $"package_path={Package}" };
        Assert.Equal(
            [
                ["aws", "sts", "get-caller-identity", "--query", "Account", "--output", "text"],
                ["terraform", $"-chdir={TerraformDir}", "init", "-input=false"],
                ["dotnet", "publish", RepositoryRoot.Combine("Flasky.Lambda"), "-c", "Release", "-r", "linux-x64",
                    "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", Path.Combine(Stubs.Scratch, "build", "publish")],
                ["zip", "-q", "-r", "-X", Package, "."],
                ["terraform", $"-chdir={TerraformDir}", "apply", "-input=false", "-auto-approve", .. vars],
                ["terraform", $"-chdir={TerraformDir}", "output", "-raw", "api_url"],
                ["terraform", $"-chdir={TerraformDir}", "output", "-raw", "authorization_type"],
                ["aws", "configure", "export-credentials", "--format", "env-no-export"],
                ["dotnet", "run", "--project", RepositoryRoot.Combine("Flasky.Check"), "--", ApiUrl, "--sigv4", Region],
            ],
            Stubs.Calls());
        Assert.Contains("contract check passed", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_reach_the_check_through_its_environment_only()
    {
        var run = await RunAsync("up");

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        Assert.Equal($"{AccessKeyId}|{SecretKey}|{SessionToken}",
            (await File.ReadAllTextAsync(Path.Combine(Stubs.Scratch, "check-credentials"))).Trim());
        foreach (var secret in new[] { SecretKey, SessionToken })
        {
            Assert.DoesNotContain(secret, run.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, run.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain(Stubs.CallLines(), line => line.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Credentials_already_in_the_environment_are_used_as_they_are()
    {
        var run = await RunAsync("up", new()
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIAENVKEY",
            ["AWS_SECRET_ACCESS_KEY"] = "env-secret",
            ["AWS_SESSION_TOKEN"] = "",
        });

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        Assert.DoesNotContain(Stubs.Calls(), c => c is ["aws", "configure", "export-credentials", ..]);
        Assert.Equal("AKIAENVKEY|env-secret|", (await File.ReadAllTextAsync(Path.Combine(Stubs.Scratch, "check-credentials"))).Trim());
    }

    [Fact]
    public async Task An_anonymous_api_is_checked_without_signing()
    {
        var run = await RunAsync("up", new() { ["STUB_AUTHORIZATION"] = "NONE" });

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        Assert.Equal(["dotnet", "run", "--project", RepositoryRoot.Combine("Flasky.Check"), "--", ApiUrl], Stubs.Calls()[^1]);
        Assert.DoesNotContain(Stubs.Calls(), c => c is ["aws", "configure", "export-credentials", ..]);
    }

    [Fact]
    public async Task The_package_is_published_for_the_functions_architecture()
    {
        var run = await RunAsync("up");

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        var architecture = Assert.Single(TerraformModule.List(_module.Resource("aws_lambda_function", "api"), "architectures"));
        var runtimeIdentifier = architecture switch
        {
            "x86_64" => "linux-x64",
            "arm64" => "linux-arm64",
            _ => throw new InvalidOperationException($"unknown Lambda architecture {architecture}"),
        };
        var publish = Assert.Single(Stubs.Calls(), c => c is ["dotnet", "publish", ..]);
        Assert.Equal(runtimeIdentifier, publish[Array.IndexOf(publish, "-r") + 1]);
        Assert.Contains("-p:PublishReadyToRun=true", publish);
    }

    [Fact]
    public async Task Region_comes_from_the_cli_configuration_when_the_environment_has_none()
    {
        var run = await RunAsync("up", new() { ["AWS_REGION"] = "", ["STUB_CONFIGURED_REGION"] = "ap-southeast-2" });

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        Assert.Equal(["aws", "configure", "get", "region"], Stubs.Calls()[0]);
        Assert.Contains(Stubs.Calls(), c => c is ["terraform", _, "apply", ..] && c.Contains("region=ap-southeast-2"));
        Assert.Equal("ap-southeast-2", Stubs.Calls()[^1][^1]);
    }

    [Fact]
    public async Task Down_destroys_everything_without_building_anything()
    {
        Stubs.Remove("dotnet");
        Stubs.Remove("zip");

        var run = await RunAsync("down");

        Assert.True(run.ExitCode == 0, run.Diagnostics);
        Assert.Equal(
            [
                ["aws", "sts", "get-caller-identity", "--query", "Account", "--output", "text"],
                ["terraform", $"-chdir={TerraformDir}", "init", "-input=false"],
                ["terraform", $"-chdir={TerraformDir}", "destroy", "-input=false", "-auto-approve",
                    "-var", $"region={Region}", "-var", $"package_path={Package}"],
            ],
            Stubs.Calls());
    }

    [Theory]
    [InlineData("aws sts *", "no valid AWS credentials")]
    [InlineData("terraform * init *", "terraform init failed")]
    [InlineData("dotnet publish *", "dotnet publish Flasky.Lambda failed")]
    [InlineData("zip *", "zip failed")]
    [InlineData("terraform * apply *", "terraform apply failed")]
    [InlineData("terraform * output -raw api_url", "terraform output api_url failed")]
    [InlineData("aws configure export-credentials *", "could not export the AWS CLI's credentials")]
    [InlineData("dotnet run *", "the contract check failed against " + ApiUrl)]
    public async Task A_failed_step_stops_the_script_with_a_clear_message(string failingCall, string message)
    {
        var run = await RunAsync("up", new() { ["STUB_FAIL"] = failingCall });

        // The failing call is the last one: nothing ran after it.
        Stubs.AssertStoppedAt(run, failingCall, message);
        Assert.DoesNotContain(SecretKey, run.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("terraform", "terraform is required")]
    [InlineData("aws", "aws is required")]
    [InlineData("dotnet", "dotnet is required")]
    [InlineData("zip", "zip is required")]
    public Task A_missing_tool_stops_the_script_before_anything_runs(string tool, string message) =>
        AssertStopsWithoutAsync(tool, message);

    [Fact]
    public async Task No_region_anywhere_stops_the_script_with_what_to_do()
    {
        var run = await RunAsync("up", new() { ["AWS_REGION"] = "" });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("no AWS region: set AWS_REGION", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(Stubs.Calls(), c => c[0] is "terraform" or "dotnet");
    }

    private protected override Dictionary<string, string> Environment() =>
        new()
        {
            ["AWS_REGION"] = Region,
            ["AWS_DEFAULT_REGION"] = "",
            ["AWS_ACCESS_KEY_ID"] = "",
            ["AWS_SECRET_ACCESS_KEY"] = "",
            ["AWS_SESSION_TOKEN"] = "",
            ["FLASKY_BUILD_DIR"] = Path.Combine(Stubs.Scratch, "build"),
        };
}
