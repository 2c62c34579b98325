# The function's execution role: assumable only by Lambda, on behalf of this account.
resource "aws_iam_role" "function" {
  name               = "${var.name}-function"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "lambda_assume_role" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# Least privilege, inline so it lives and dies with the role. No managed policy: AWSLambdaBasicExecutionRole allows
# writing to every log group in the account.
resource "aws_iam_role_policy" "function" {
  name   = "${var.name}-function"
  role   = aws_iam_role.function.id
  policy = data.aws_iam_policy_document.function.json
}

data "aws_iam_policy_document" "function" {
  # Exactly what Flasky.DynamoDb calls: GetItem (consistent point read), PutItem (upsert), Scan (paged listing),
  # DescribeTable (the readiness probe behind /gtg?details), on this table only - no indexes, no streams.
  statement {
    sid       = "CandidatesTable"
    actions   = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Scan"]
    resources = [aws_dynamodb_table.candidates.arn]
  }

  # Writing its own log streams; the group itself is created by Terraform.
  statement {
    sid       = "FunctionLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function.arn}:*"]
  }
}
