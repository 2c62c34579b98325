# The (default) database in Native mode, which the store's REST calls address as databases/(default). The seed created
# it by hand in the console; here Terraform owns it, and `down` deletes it.
resource "google_firestore_database" "default" {
  name        = "(default)"
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"

  # Reads as of any minute of the last 7 days, as DynamoDB's point-in-time recovery on AWS.
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"

  # `down` must really delete it: the provider's default deletion_policy (ABANDON) only forgets it.
  delete_protection_state = "DELETE_PROTECTION_DISABLED"
  deletion_policy         = "DELETE"

  depends_on = [google_project_service.apis]
}

# The collection the store keeps candidates in (Firestore creates collections implicitly): declared once, here, and
# passed to the service with the database's name (run.tf).
locals {
  candidates_collection = "candidates"
}
