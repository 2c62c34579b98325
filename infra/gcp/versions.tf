terraform {
  # 1.5: `import` blocks, to adopt a (default) Firestore database the seed created by hand (see docs/deploy-gcp.md).
  required_version = ">= 1.5"

  required_providers {
    google = {
      source = "hashicorp/google"
      # 7.x: google_project_service no longer disables APIs on destroy by default, google_cloud_run_v2_service has
      # deletion_protection and invoker_iam_disabled, google_firestore_database has deletion_policy.
      version = "~> 7.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = {
    app        = "flasky"
    managed-by = "terraform"
  }
}
