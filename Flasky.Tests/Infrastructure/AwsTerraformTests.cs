using System.Text.Json;

namespace Flasky.Tests.Infrastructure;

/// <summary>
/// Pins the properties issue 10 asks of infra/aws, over the parsed HCL: the function and its package, the HTTP API and
/// its authorization, the table, least privilege, and no long-lived credentials anywhere.
/// </summary>
[Collection(SharedAwsTerraform.Name)]
public sealed class AwsTerraformTests(AwsTerraform module) : TerraformModuleTests(module)
{
    private JsonElement Function => Module.Resource("aws_lambda_function", "api");

    protected override IReadOnlyList<string> Files => ["api.tf", "dynamodb.tf", "iam.tf", "lambda.tf", "outputs.tf", "variables.tf", "versions.tf"];

    // 6.27.0 is the first provider release whose runtime validation knows dotnet10.
    protected override (string Name, string Source, string Version) Provider => ("aws", "hashicorp/aws", "~> 6.27");

    [Fact]
    public void Function_runs_the_lambda_handler_on_the_managed_dotnet10_runtime()
    {
        Assert.Equal("dotnet10", TerraformModule.Value(Function, "runtime"));
        Assert.Equal("Flasky.Lambda::Flasky.Lambda.Function::HandleAsync", TerraformModule.Value(Function, "handler"));
        Assert.Equal("Zip", TerraformModule.Value(Function, "package_type"));
        Assert.Equal("${var.package_path}", TerraformModule.Value(Function, "filename"));
        // A destroy evaluates this too, and `down` has no package on disk.
        Assert.Equal("${fileexists(var.package_path) ? filebase64sha256(var.package_path) : null}",
            TerraformModule.Value(Function, "source_code_hash"));
        Assert.Equal("${aws_iam_role.function.arn}", TerraformModule.Value(Function, "role"));
    }

    [Fact]
    public void Architecture_and_memory_are_chosen_and_justified()
    {
        Assert.Equal(["x86_64"], TerraformModule.List(Function, "architectures"));
        Assert.Equal("${var.memory_size}", TerraformModule.Value(Function, "memory_size"));
        Assert.Equal(1024, Module.Variable("memory_size").GetProperty("default").GetInt32());
        Assert.Contains("validation", Module.Variable("memory_size").EnumerateObject().Select(p => p.Name));

        var comments = Module.FileText("lambda.tf");
        Assert.Contains("# Architecture x86_64:", comments, StringComparison.Ordinal);
        Assert.Contains("# Memory 1024 MB", comments, StringComparison.Ordinal);
    }

    [Fact]
    public void Function_timeout_is_below_the_integration_timeout()
    {
        var timeout = Function.GetProperty("timeout").GetInt32();
        var integration = Module.Resource("aws_apigatewayv2_integration", "function").GetProperty("timeout_milliseconds").GetInt32();
        Assert.InRange(timeout * 1000, 1000, integration - 1);
        Assert.InRange(integration, 1, 30000); // HTTP APIs' maximum
    }

    [Fact]
    public void Function_environment_is_exactly_the_table_name()
    {
        // AWS_REGION is Lambda's own (reserved); credentials come from the role. Nothing else is configured.
        var variables = TerraformModule.Block(Function, "environment").GetProperty("variables");
        Assert.Equal(
            new Dictionary<string, string> { ["DynamoDb__TableName"] = "${aws_dynamodb_table.candidates.name}" },
            variables.EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetString()!));
    }

    [Fact]
    public void Http_api_sends_every_route_to_the_one_function_with_payload_2()
    {
        Assert.Equal("HTTP", TerraformModule.Value(Module.Resource("aws_apigatewayv2_api", "api"), "protocol_type"));

        var (_, integration) = Module.SingleResource("aws_apigatewayv2_integration");
        Assert.Equal("AWS_PROXY", TerraformModule.Value(integration, "integration_type"));
        Assert.Equal("2.0", TerraformModule.Value(integration, "payload_format_version"));
        Assert.Equal("${aws_lambda_function.api.invoke_arn}", TerraformModule.Value(integration, "integration_uri"));

        // One $default route: Flasky.Core, not the gateway, answers 404 and 405.
        var (_, route) = Module.SingleResource("aws_apigatewayv2_route");
        Assert.Equal("$default", TerraformModule.Value(route, "route_key"));
        Assert.Equal("integrations/${aws_apigatewayv2_integration.function.id}", TerraformModule.Value(route, "target"));
        Assert.Single(Module.Resources("aws_lambda_function"));
    }

    [Fact]
    public void Route_authorization_defaults_to_aws_iam_and_none_is_only_an_explicit_opt_in()
    {
        var route = Module.Resource("aws_apigatewayv2_route", "default");
        Assert.Equal("${var.authorization_type}", TerraformModule.Value(route, "authorization_type"));

        var variable = Module.Variable("authorization_type");
        Assert.Equal("AWS_IAM", TerraformModule.Value(variable, "default"));
        var validation = TerraformModule.Block(variable, "validation");
        Assert.Equal("${contains([\"AWS_IAM\", \"NONE\"], var.authorization_type)}", TerraformModule.Value(validation, "condition"));
        Assert.Equal("${aws_apigatewayv2_route.default.authorization_type}",
            TerraformModule.Value(Module.Output("authorization_type"), "value"));
    }

    [Fact]
    public void Stage_is_the_default_one_with_throttling_and_access_logs()
    {
        var (_, stage) = Module.SingleResource("aws_apigatewayv2_stage");
        Assert.Equal("$default", TerraformModule.Value(stage, "name"));
        Assert.True(stage.GetProperty("auto_deploy").GetBoolean());

        var throttling = TerraformModule.Block(stage, "default_route_settings");
        Assert.Equal("${var.throttling_rate_limit}", TerraformModule.Value(throttling, "throttling_rate_limit"));
        Assert.Equal("${var.throttling_burst_limit}", TerraformModule.Value(throttling, "throttling_burst_limit"));
        Assert.InRange(Module.Variable("throttling_rate_limit").GetProperty("default").GetInt32(), 1, 10000);
        Assert.InRange(Module.Variable("throttling_burst_limit").GetProperty("default").GetInt32(), 1, 5000);

        var logs = TerraformModule.Block(stage, "access_log_settings");
        Assert.Equal("${aws_cloudwatch_log_group.access.arn}", TerraformModule.Value(logs, "destination_arn"));
        var format = TerraformModule.Value(logs, "format")!;
        Assert.Contains("\"$context.requestId\"", format, StringComparison.Ordinal); // API Gateway requires it
        Assert.Contains("\"$context.status\"", format, StringComparison.Ordinal);
        // Nothing that can carry a credential: no headers, no query string, no access key id.
        Assert.DoesNotContain("header", format, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("accessKey", format, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("querystring", format, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Every_log_group_has_a_retention_and_the_function_logs_to_its_own()
    {
        var groups = Module.Resources("aws_cloudwatch_log_group");
        Assert.Equal(["access", "function"], groups.Keys.Order(StringComparer.Ordinal));
        Assert.All(groups.Values, g => Assert.Equal("${var.log_retention_days}", TerraformModule.Value(g, "retention_in_days")));
        Assert.Equal(30, Module.Variable("log_retention_days").GetProperty("default").GetInt32());
        Assert.Equal("/aws/lambda/${var.name}", TerraformModule.Value(groups["function"], "name"));
        Assert.Equal("${aws_cloudwatch_log_group.function.name}",
            TerraformModule.Value(TerraformModule.Block(Function, "logging_config"), "log_group"));
    }

    [Fact]
    public void Table_is_the_seeds_on_demand_with_point_in_time_recovery_and_encryption()
    {
        var (name, table) = Module.SingleResource("aws_dynamodb_table");
        Assert.Equal("candidates", name);
        Assert.Equal("${var.table_name}", TerraformModule.Value(table, "name"));
        Assert.Equal("Candidates", TerraformModule.Value(Module.Variable("table_name"), "default"));
        Assert.Equal("PAY_PER_REQUEST", TerraformModule.Value(table, "billing_mode"));
        Assert.Equal("CandidateName", TerraformModule.Value(table, "hash_key"));
        Assert.False(table.TryGetProperty("range_key", out _), "the seed's table has a hash key only");
        var attribute = Assert.Single(TerraformModule.Blocks(table, "attribute"));
        Assert.Equal(("CandidateName", "S"), (TerraformModule.Value(attribute, "name"), TerraformModule.Value(attribute, "type")));
        Assert.Empty(TerraformModule.Blocks(table, "global_secondary_index"));
        Assert.True(TerraformModule.Block(table, "point_in_time_recovery").GetProperty("enabled").GetBoolean());
        Assert.True(TerraformModule.Block(table, "server_side_encryption").GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public void Execution_role_is_assumable_by_lambda_only()
    {
        var (_, role) = Module.SingleResource("aws_iam_role");
        Assert.Equal("${data.aws_iam_policy_document.lambda_assume_role.json}", TerraformModule.Value(role, "assume_role_policy"));
        var statement = Assert.Single(TerraformModule.Blocks(Module.Data("aws_iam_policy_document", "lambda_assume_role"), "statement"));
        Assert.Equal(["sts:AssumeRole"], TerraformModule.List(statement, "actions"));
        var principal = TerraformModule.Block(statement, "principals");
        Assert.Equal("Service", TerraformModule.Value(principal, "type"));
        Assert.Equal(["lambda.amazonaws.com"], TerraformModule.List(principal, "identifiers"));
    }

    [Fact]
    public void Execution_role_may_do_exactly_what_the_store_and_the_logs_need()
    {
        var (_, policy) = Module.SingleResource("aws_iam_role_policy");
        Assert.Equal("${aws_iam_role.function.id}", TerraformModule.Value(policy, "role"));
        Assert.Equal("${data.aws_iam_policy_document.function.json}", TerraformModule.Value(policy, "policy"));

        var statements = TerraformModule.Blocks(Module.Data("aws_iam_policy_document", "function"), "statement")
            .ToDictionary(
                s => string.Join(',', TerraformModule.List(s, "resources")),
                s => TerraformModule.List(s, "actions").Order(StringComparer.Ordinal).ToList());
        Assert.Equal(
            new Dictionary<string, List<string>>
            {
                ["${aws_dynamodb_table.candidates.arn}"] =
                    ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Scan"],
                ["${aws_cloudwatch_log_group.function.arn}:*"] = ["logs:CreateLogStream", "logs:PutLogEvents"],
            },
            statements);
        Assert.All(TerraformModule.Blocks(Module.Data("aws_iam_policy_document", "function"), "statement"),
            s => Assert.False(s.TryGetProperty("effect", out var effect) && effect.GetString() != "Allow"));

        // No managed policy: AWSLambdaBasicExecutionRole alone allows writing to every log group in the account.
        Assert.Empty(Module.Resources("aws_iam_role_policy_attachment"));
        Assert.Empty(Module.Resources("aws_iam_policy"));
        Assert.False(Module.Resource("aws_iam_role", "function").TryGetProperty("managed_policy_arns", out _));
    }

    [Fact]
    public void Only_this_api_may_invoke_the_function()
    {
        var (_, permission) = Module.SingleResource("aws_lambda_permission");
        Assert.Equal("lambda:InvokeFunction", TerraformModule.Value(permission, "action"));
        Assert.Equal("apigateway.amazonaws.com", TerraformModule.Value(permission, "principal"));
        Assert.Equal("${aws_lambda_function.api.function_name}", TerraformModule.Value(permission, "function_name"));
        Assert.StartsWith("${aws_apigatewayv2_api.api.execution_arn}/", TerraformModule.Value(permission, "source_arn"), StringComparison.Ordinal);
    }

    [Fact]
    public void No_iam_user_or_access_key_anywhere()
    {
        // The seed created an IAM user with access keys, which put the secret in Terraform state.
        Assert.DoesNotContain(Module.ResourceTypes(), t => t.StartsWith("aws_iam_user", StringComparison.Ordinal)
            || t is "aws_iam_access_key" or "aws_iam_service_specific_credential");
        var provider = Assert.Single(Module.Root.GetProperty("provider").GetProperty("aws").EnumerateArray());
        Assert.DoesNotContain(provider.EnumerateObject(), p => p.Name is "access_key" or "secret_key" or "token" or "profile");
        Assert.DoesNotContain("AKIA", File.ReadAllText(Path.Combine(Module.Directory, "deploy.sh")), StringComparison.Ordinal);
        TerraformAssert.NoOutputIsSensitive(Module);
    }

    [Fact]
    public void Outputs_give_the_url_of_the_default_stage()
    {
        Assert.Equal("${trimsuffix(aws_apigatewayv2_stage.default.invoke_url, \"/\")}", TerraformModule.Value(Module.Output("api_url"), "value"));
        Assert.Equal("${var.region}", TerraformModule.Value(Module.Output("region"), "value"));
    }
}
