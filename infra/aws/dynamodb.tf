# The seed's table, as the store expects it: hash key CandidateName (S), nothing else declared (attributes are
# schemaless). On-demand capacity: no capacity to size or pay for while idle, and no throttling below the account's
# table limits.
resource "aws_dynamodb_table" "candidates" {
  name         = var.table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "CandidateName"

  attribute {
    name = "CandidateName"
    type = "S"
  }

  # Continuous backups: restore to any second of the last 35 days.
  point_in_time_recovery {
    enabled = true
  }

  # Encrypted at rest with the AWS managed key (aws/dynamodb). Its key policy lets any principal of the account use it
  # through DynamoDB, so the function's role needs no kms: permission.
  server_side_encryption {
    enabled = true
  }
}
