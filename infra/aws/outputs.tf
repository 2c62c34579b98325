output "api_url" {
  description = "Base URL of the API ($default stage, no path prefix)."
  value       = trimsuffix(aws_apigatewayv2_stage.default.invoke_url, "/")
}

output "authorization_type" {
  description = "AWS_IAM: callers sign with SigV4 (curl --aws-sigv4, Flasky.Check --sigv4). NONE: anonymous."
  value       = aws_apigatewayv2_route.default.authorization_type
}

output "region" {
  value = var.region
}

output "function_name" {
  value = aws_lambda_function.api.function_name
}

output "table_name" {
  value = aws_dynamodb_table.candidates.name
}
