output "service_url" {
  description = "The service's URL (the audience of the ID tokens it accepts)."
  value       = google_cloud_run_v2_service.api.uri
}

output "anonymous" {
  description = "true when anyone may call the service without a token."
  value       = var.anonymous
}

output "repository_url" {
  description = "Where deploy.sh pushes images: REGION-docker.pkg.dev/PROJECT/REPOSITORY."
  value       = "${google_artifact_registry_repository.images.location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}

output "service_account" {
  value = google_service_account.run.email
}
