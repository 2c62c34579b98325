variable "project_id" {
  description = "The Google Cloud project to deploy into. deploy.sh passes gcloud's current project."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Run service and the Artifact Registry repository."
  type        = string
  default     = "us-central1"
}

variable "firestore_location" {
  description = "Location of the Firestore database: a multi-region (nam5, eur3) or a region; it cannot change later."
  type        = string
  default     = "nam5"
}

variable "name" {
  description = "Name of the Cloud Run service and the image repository; prefix of the service account."
  type        = string
  default     = "flasky"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "name must be 2-21 lowercase letters, digits or hyphens, starting with a letter (service account ids are at most 30 characters)."
  }
}

variable "image" {
  description = "The container image Cloud Run runs (REGION-docker.pkg.dev/PROJECT/NAME/flasky:TAG); deploy.sh builds and pushes it. Empty only while deploy.sh creates the repository the image goes to (a targeted apply) and for `down`."
  type        = string
  default     = ""

  validation {
    condition     = var.image == "" || can(regex("^[a-z0-9-]+-docker\\.pkg\\.dev/[^/]+/[^/]+/[^/:@]+[:@].+$", var.image))
    error_message = "image must be an Artifact Registry image reference with a tag or digest: REGION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE:TAG."
  }
}

variable "invokers" {
  description = "Principals allowed to call the service (roles/run.invoker), e.g. [\"user:you@example.com\"]. deploy.sh adds the deploying account."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for m in var.invokers : !contains(["allUsers", "allAuthenticatedUsers"], m)])
    error_message = "invokers must name principals; anonymous access is the separate, explicit `anonymous = true`."
  }
}

variable "anonymous" {
  description = "true: anyone on the internet may call the service (allUsers gets roles/run.invoker). Off by default."
  type        = bool
  default     = false
}

variable "max_instances" {
  description = "Upper bound on Cloud Run instances: bounds cost and Firestore load under a flood."
  type        = number
  default     = 5

  validation {
    condition     = var.max_instances >= 1 && var.max_instances <= 100
    error_message = "max_instances must be between 1 and 100."
  }
}
