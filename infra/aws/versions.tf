terraform {
  # 1.5: `import` blocks, to adopt a Candidates table the seed left behind (see docs/deploy-aws.md).
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.27.0 is the first release that accepts runtime "dotnet10": the provider validates runtimes against the AWS SDK
      # for Go's enum, which gained it in December 2025 (hashicorp/terraform-provider-aws#45864).
      version = "~> 6.27"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      app        = "flasky"
      managed-by = "terraform"
    }
  }
}
