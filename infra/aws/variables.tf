variable "region" {
  description = "AWS region for every resource, e.g. eu-west-1. deploy.sh passes the CLI's region."
  type        = string
}

variable "name" {
  description = "Prefix of every resource name except the table (the function, the API, the role, the log groups)."
  type        = string
  default     = "flasky"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "table_name" {
  description = "DynamoDB table: the seed's name, which the store reads from DynamoDb__TableName."
  type        = string
  default     = "Candidates"
}

variable "package_path" {
  description = "The function's deployment package: a zip of `dotnet publish Flasky.Lambda` output (deploy.sh builds it)."
  type        = string
}

variable "authorization_type" {
  description = "Who may call the API. AWS_IAM (default): only SigV4-signed requests from principals allowed execute-api:Invoke. NONE: anyone on the internet; an explicit opt-in."
  type        = string
  default     = "AWS_IAM"

  validation {
    condition     = contains(["AWS_IAM", "NONE"], var.authorization_type)
    error_message = "authorization_type must be AWS_IAM (the default) or NONE (anonymous access, an explicit opt-in)."
  }
}

variable "memory_size" {
  description = "Lambda memory in MB; CPU is allocated in proportion (one full vCPU at 1769 MB)."
  type        = number
  default     = 1024

  validation {
    condition     = var.memory_size >= 512 && var.memory_size <= 10240
    error_message = "memory_size must be between 512 and 10240 MB (below 512 MB the .NET runtime's cold start degrades sharply)."
  }
}

variable "throttling_rate_limit" {
  description = "Steady-state requests per second the stage admits before answering 429 (bounds cost and DynamoDB load)."
  type        = number
  default     = 50

  validation {
    condition     = var.throttling_rate_limit > 0 && var.throttling_rate_limit <= 10000
    error_message = "throttling_rate_limit must be between 1 and 10000 requests per second."
  }
}

variable "throttling_burst_limit" {
  description = "Requests the stage admits in a burst above the steady rate."
  type        = number
  default     = 100

  validation {
    condition     = var.throttling_burst_limit > 0 && var.throttling_burst_limit <= 5000
    error_message = "throttling_burst_limit must be between 1 and 5000 requests."
  }
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps the function's logs and the API's access logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch Logs' retention periods (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}
