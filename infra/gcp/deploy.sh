#!/usr/bin/env bash
# Deploys Flasky to Google Cloud (Cloud Run + Firestore + Artifact Registry) with Terraform, or destroys it.
#
#   infra/gcp/deploy.sh up     terraform init; create the APIs and the image repository (a targeted apply); build and
#                              push the image (Cloud Build, or local Docker with FLASKY_IMAGE_BUILDER=docker);
#                              terraform apply; then run the contract check (Flasky.Check) with an ID token
#   infra/gcp/deploy.sh down   terraform destroy: the service, the database and its data, the repository and its images,
#                              the service account (the APIs stay enabled)
#
# Project: GOOGLE_CLOUD_PROJECT, else gcloud's configured project. Terraform authenticates with application-default
# credentials (gcloud auth application-default login); the gcloud account deploying is granted roles/run.invoker.
# Other inputs: TF_VAR_* (TF_VAR_region, TF_VAR_anonymous=true to allow unauthenticated calls, ...).
# Tokens never appear on a command line or in the output: the contract check runs the gcloud command that prints one.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
builder="${FLASKY_IMAGE_BUILDER:-cloudbuild}"

# shellcheck source=infra/lib/deploy-common.sh
. "$here/../lib/deploy-common.sh"
action="$(parse_action "$@")"
case "$builder" in
  cloudbuild | docker) ;;
  *) fail "FLASKY_IMAGE_BUILDER must be 'cloudbuild' (the default) or 'docker', not '$builder'" ;;
esac

require_terraform
require gcloud "install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install)"
if [ "$action" = up ]; then
  require dotnet "install the .NET 10 SDK (https://dotnet.microsoft.com/download)"
  require curl "install curl"
  if [ "$builder" = docker ]; then
    require docker "install Docker, or build with Cloud Build (unset FLASKY_IMAGE_BUILDER)"
  fi
fi

project="${GOOGLE_CLOUD_PROJECT:-}"
if [ -z "$project" ]; then
  project="$(gcloud config get-value project 2>/dev/null || true)"
fi
[ -n "$project" ] || fail "no Google Cloud project: set GOOGLE_CLOUD_PROJECT or run 'gcloud config set project <id>'"

account="$(gcloud auth list --filter=status:ACTIVE --format='value(account)' 2>/dev/null | head -n 1 || true)"
[ -n "$account" ] || fail "no active gcloud account: run 'gcloud auth login'"
# Terraform's Google provider reads application-default credentials, not gcloud's own login. The token is discarded.
gcloud auth application-default print-access-token >/dev/null 2>&1 \
  || fail "no application-default credentials for Terraform: run 'gcloud auth application-default login'"
step "project $project, account $account"

case "$account" in
  *.gserviceaccount.com) member="serviceAccount:$account" ;;
  *) member="user:$account" ;;
esac

terraform_vars=(-var "project_id=$project")

terraform_init "$here"

if [ "$action" = down ]; then
  step "terraform destroy (the database and its data go too)"
  terraform -chdir="$here" destroy -input=false -auto-approve "${terraform_vars[@]}" || fail "terraform destroy failed"
  step "everything is destroyed (the project's APIs stay enabled)"
  exit 0
fi

# The image must exist before the service can be created, and its repository before the image: create the repository
# (and the APIs it depends on) first.
step "terraform apply: APIs and the image repository"
terraform -chdir="$here" apply -input=false -auto-approve "${terraform_vars[@]}" \
  -target=google_artifact_registry_repository.images \
  || fail "terraform apply (APIs and image repository) failed"
repository="$(terraform_output "$here" repository_url)" || exit 1

image="$repository/flasky:$(date -u +%Y%m%d-%H%M%S)"
if [ "$builder" = docker ]; then
  step "building $image with Docker"
  docker build --file "$repo_root/Flasky.CloudRun/Dockerfile" --tag "$image" "$repo_root" || fail "docker build failed"
  gcloud auth configure-docker "${repository%%/*}" --quiet || fail "gcloud auth configure-docker failed"
  docker push "$image" || fail "docker push failed"
else
  step "building $image with Cloud Build"
  gcloud builds submit "$repo_root" --project "$project" --config "$here/cloudbuild.yaml" \
    --substitutions "_IMAGE=$image" \
    || fail "the Cloud Build build failed"
fi

step "terraform apply"
terraform -chdir="$here" apply -input=false -auto-approve "${terraform_vars[@]}" \
  -var "image=$image" -var "invokers=[\"$member\"]" \
  || fail "terraform apply failed"

service_url="$(terraform_output "$here" service_url)" || exit 1
anonymous="$(terraform_output "$here" anonymous)" || exit 1
step "service: $service_url (anonymous: $anonymous)"

# gcloud mints ID tokens for a chosen audience only for service accounts; a user account's token has gcloud's own client
# id as audience, which Cloud Run accepts from principals holding roles/run.invoker.
token_command=(gcloud auth print-identity-token)
case "$account" in
  *.gserviceaccount.com) token_command+=("--audiences=$service_url") ;;
esac

# A new invoker binding takes a while to reach Cloud Run: wait (up to two minutes) until GET /gtg answers 200. The token
# stays in a shell variable and goes to curl on its standard input (--header @-), never on a command line.
curl_args=(--silent --output /dev/null --write-out '%{http_code}' --max-time 30)
status=""
for attempt in 1 2 3 4 5 6 7 8 9 10 11 12; do
  if [ "$anonymous" = true ]; then
    status="$(curl "${curl_args[@]}" "$service_url/gtg" || true)"
  else
    token="$("${token_command[@]}" 2>/dev/null || true)"
    status="$(printf 'Authorization: Bearer %s\n' "$token" | curl "${curl_args[@]}" --header @- "$service_url/gtg" || true)"
    unset token
  fi
  [ "$status" = 200 ] && break
  step "GET /gtg answered '$status' (attempt $attempt of 12); waiting for the revision and the invoker binding..."
  sleep 10
done
[ "$status" = 200 ] || fail "GET $service_url/gtg answered '$status', not 200, for two minutes"

check_args=("$service_url")
if [ "$anonymous" != true ]; then
  check_args+=(--id-token-command "${token_command[*]}")
fi

# The check writes only its fixed, documented set of flasky-check-… candidates (docs/contract-check.md), overwritten
# on every deployment: repeated deployments leave nothing that grows.
step "running the contract check against $service_url"
dotnet run --project "$repo_root/Flasky.Check" -- "${check_args[@]}" \
  || fail "the contract check failed against $service_url"
step "contract check passed; destroy with: $0 down"
