# An HTTP API (payload format 2.0) in front of the one function. The $default route sends every method and path to it,
# so unknown paths get Flasky's own 404/405, and the $default stage serves at the root (no /stage prefix in paths or
# in the Link header).
resource "aws_apigatewayv2_api" "api" {
  name          = var.name
  description   = "Flasky candidates API"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "function" {
  api_id                 = aws_apigatewayv2_api.api.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = aws_lambda_function.api.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 30000
}

resource "aws_apigatewayv2_route" "default" {
  api_id    = aws_apigatewayv2_api.api.id
  route_key = "$default"
  target    = "integrations/${aws_apigatewayv2_integration.function.id}"

  # AWS_IAM: API Gateway verifies the SigV4 signature and the caller's execute-api:Invoke permission before the function
  # runs, and answers 403 itself otherwise.
  authorization_type = var.authorization_type
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.api.id
  name        = "$default"
  auto_deploy = true

  # Applies to every route: bounds what a flood (or a runaway client) can cost in Lambda time and DynamoDB capacity.
  default_route_settings {
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
  }

  # HTTP APIs need no account-level CloudWatch role for access logs, only the log group
  # (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html).
  # Who called what and how it ended; never a header, a query string or a body, so no credential can reach the log.
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      extendedRequestId  = "$context.extendedRequestId"
      requestTime        = "$context.requestTime"
      sourceIp           = "$context.identity.sourceIp"
      caller             = "$context.identity.caller"
      httpMethod         = "$context.httpMethod"
      path               = "$context.path"
      routeKey           = "$context.routeKey"
      status             = "$context.status"
      protocol           = "$context.protocol"
      responseLength     = "$context.responseLength"
      integrationStatus  = "$context.integrationStatus"
      integrationLatency = "$context.integrationLatency"
      errorMessage       = "$context.error.message"
    })
  }
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name}"
  retention_in_days = var.log_retention_days
}

# API Gateway may invoke the function only on behalf of this API (any stage, method and path of it).
resource "aws_lambda_permission" "api" {
  statement_id  = "AllowInvokeFromFlaskyApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.api.execution_arn}/*"
}
