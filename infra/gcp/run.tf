# The service's own identity. It holds one role: Firestore data access. Not the Compute Engine default service account,
# which has Editor on the whole project in many projects.
resource "google_service_account" "run" {
  account_id   = "${var.name}-run"
  display_name = "Flasky Cloud Run service"

  depends_on = [google_project_service.apis]
}

resource "google_project_iam_member" "run_datastore_user" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.run.email}"
}

resource "google_cloud_run_v2_service" "api" {
  name     = var.name
  location = var.region

  # Reachable from the internet, but Cloud Run's IAM check stays on: only principals with roles/run.invoker (below)
  # get through, with a Google-signed ID token; anyone else gets 403 before the container sees the request.
  ingress              = "INGRESS_TRAFFIC_ALL"
  invoker_iam_disabled = false

  # `down` must be able to delete it (the provider's default is true).
  deletion_protection = false

  template {
    service_account = google_service_account.run.email

    # Scale to zero when idle (no cost), and a hard ceiling under load.
    scaling {
      min_instance_count = 0
      max_instance_count = var.max_instances
    }

    max_instance_request_concurrency = 80
    timeout                          = "30s"

    containers {
      image = var.image

      # Cloud Run sets PORT to this and Flasky.CloudRun listens on $PORT.
      ports {
        container_port = 8080
      }

      # What the Firestore store reads (the same names the AppHost sets locally); credentials come from the metadata
      # server as the service account above.
      env {
        name  = "GOOGLE_CLOUD_PROJECT"
        value = var.project_id
      }
      env {
        name  = "Firestore__Database"
        value = google_firestore_database.default.name
      }
      env {
        name  = "Firestore__Collection"
        value = local.candidates_collection
      }

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        # CPU only while serving requests (request-based billing), boosted during start-up to shorten cold starts.
        cpu_idle          = true
        startup_cpu_boost = true
      }
    }
  }

  depends_on = [
    google_project_service.apis,
    google_firestore_database.default,
    google_project_iam_member.run_datastore_user,
  ]
}

# Who may invoke it: the principals listed in var.invokers (deploy.sh adds the deploying account) ...
resource "google_cloud_run_v2_service_iam_member" "invokers" {
  for_each = toset(var.invokers)

  name     = google_cloud_run_v2_service.api.name
  location = google_cloud_run_v2_service.api.location
  role     = "roles/run.invoker"
  member   = each.value
}

# ... and everyone, only when explicitly asked for with anonymous = true.
resource "google_cloud_run_v2_service_iam_member" "anonymous" {
  count = var.anonymous ? 1 : 0

  name     = google_cloud_run_v2_service.api.name
  location = google_cloud_run_v2_service.api.location
  role     = "roles/run.invoker"
  member   = "allUsers"
}
