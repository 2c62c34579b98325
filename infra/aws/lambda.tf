# One function serves every route; Flasky.Core answers 404/405 itself.
#
# Runtime: the managed dotnet10 runtime, not Native AOT on provided.al2023 - NFC name normalisation needs ICU at run
# time, which the managed runtime ships and invariant-globalization AOT does not. The package is published ReadyToRun
# (deploy.sh), which cuts JIT work from the cold start.
#
# Architecture x86_64: the package is published for linux-x64 (deploy.sh), the same RID and ReadyToRun code that the
# local front and the tests run, so what is deployed is what was tested. arm64 (Graviton) costs about 20 % less per
# GB-second and ReadyToRun for linux-arm64 also publishes on these machines; switching means changing this value and
# deploy.sh's -r together (a test pins that they agree), and re-measuring the cold start.
#
# Memory 1024 MB (var.memory_size): Lambda allocates CPU in proportion to memory (one full vCPU at 1769 MB) and bills
# per GB-second, so for CPU-bound work - a .NET cold start: runtime start, ICU load, first DynamoDB client; JSON
# handling - more memory costs about the same per request while finishing sooner. The process needs well under 256 MB;
# 512 MB would give it ~0.3 vCPU. 1024 MB is the usual starting point for .NET on Lambda, not a measurement on AWS
# (none was possible here): tune it with real traffic (e.g. AWS Lambda Power Tuning).
resource "aws_lambda_function" "api" {
  function_name = var.name
  description   = "Flasky candidates API (Flasky.Lambda)"
  role          = aws_iam_role.function.arn

  runtime       = "dotnet10"
  handler       = "Flasky.Lambda::Flasky.Lambda.Function::HandleAsync"
  architectures = ["x86_64"]
  memory_size   = var.memory_size
  # Below API Gateway's 30 s integration timeout, so a slow request ends as the function's timeout, not the gateway's.
  timeout = 20

  package_type = "Zip"
  filename     = var.package_path
  # `down` must work without a package on disk: Terraform evaluates this expression when it plans a destroy.
  source_code_hash = fileexists(var.package_path) ? filebase64sha256(var.package_path) : null

  environment {
    variables = {
      # AWS_REGION is set by Lambda itself (a reserved variable); credentials come from the execution role.
      DynamoDb__TableName = aws_dynamodb_table.candidates.name
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.function.name
  }

  depends_on = [aws_iam_role_policy.function]
}

# Created here (not by Lambda on first write) so it has a retention period and is deleted by `down`.
resource "aws_cloudwatch_log_group" "function" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
}
