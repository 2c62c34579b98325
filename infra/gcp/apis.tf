# The APIs this deployment uses, enabled by Terraform rather than by hand.
locals {
  services = [
    "artifactregistry.googleapis.com", # the image repository
    "cloudbuild.googleapis.com",       # deploy.sh builds the image with Cloud Build (unless told to use local Docker)
    "firestore.googleapis.com",        # the database
    "iam.googleapis.com",              # the service account
    "run.googleapis.com",              # the service
  ]
}

resource "google_project_service" "apis" {
  for_each = toset(local.services)
  service  = each.value

  # Left enabled by `down`: disabling an API affects everything else in the project that uses it.
  disable_on_destroy = false
}
