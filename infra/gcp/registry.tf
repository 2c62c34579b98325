resource "google_artifact_registry_repository" "images" {
  location      = var.region
  repository_id = var.name
  description   = "Flasky container images (Flasky.CloudRun)"
  format        = "DOCKER"

  # Every deploy pushes a new tag: keep the five newest versions and delete older ones after a week.
  cleanup_policy_dry_run = false
  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 5
    }
  }
  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      tag_state  = "ANY"
      older_than = "604800s"
    }
  }

  depends_on = [google_project_service.apis]
}
