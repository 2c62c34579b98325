#!/usr/bin/env bash
# Deploys Flasky to AWS (Lambda + API Gateway HTTP API + DynamoDB) with Terraform, or destroys it.
#
#   infra/aws/deploy.sh up     publish + zip Flasky.Lambda, terraform init + apply, then run the contract check
#                              (Flasky.Check, SigV4-signed) against the live URL
#   infra/aws/deploy.sh down   terraform destroy: everything `up` created, the table and its data included
#
# Region: AWS_REGION, else AWS_DEFAULT_REGION, else the CLI's configured region. Credentials: the AWS CLI's usual chain
# (environment, profile, SSO). Other inputs: TF_VAR_* (e.g. TF_VAR_authorization_type=NONE to allow anonymous calls).
# Terraform keeps its state in infra/aws (terraform.tfstate); it holds no secret (no access keys are created).
# Credentials never appear on a command line or in the output: no `set -x`, and the contract check reads them from
# its environment.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
# Where the package is built; tests point it elsewhere.
build_dir="${FLASKY_BUILD_DIR:-$here/.build}"
package="$build_dir/flasky-lambda.zip"

# shellcheck source=infra/lib/deploy-common.sh
. "$here/../lib/deploy-common.sh"
action="$(parse_action "$@")"

require_terraform
require aws "install the AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)"
if [ "$action" = up ]; then
  require dotnet "install the .NET 10 SDK (https://dotnet.microsoft.com/download)"
  require zip "install zip (e.g. 'sudo apt-get install zip')"
fi

region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
if [ -z "$region" ]; then
  region="$(aws configure get region || true)"
fi
[ -n "$region" ] || fail "no AWS region: set AWS_REGION or run 'aws configure set region <region>'"

account="$(aws sts get-caller-identity --query Account --output text)" \
  || fail "no valid AWS credentials: run 'aws configure' or 'aws sso login' (checked with 'aws sts get-caller-identity')"
step "AWS account $account, region $region"

terraform_vars=(-var "region=$region" -var "package_path=$package")

terraform_init "$here"

if [ "$action" = down ]; then
  step "terraform destroy (the table and its data go too)"
  terraform -chdir="$here" destroy -input=false -auto-approve "${terraform_vars[@]}" || fail "terraform destroy failed"
  rm -rf "$build_dir"
  step "everything is destroyed"
  exit 0
fi

step "publishing Flasky.Lambda (linux-x64, ReadyToRun)"
rm -rf "$build_dir"
mkdir -p "$build_dir"
dotnet publish "$repo_root/Flasky.Lambda" -c Release -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true -o "$build_dir/publish" \
  || fail "dotnet publish Flasky.Lambda failed"

step "zipping the package"
(cd "$build_dir/publish" && zip -q -r -X "$package" .) || fail "zip failed"
[ -s "$package" ] || fail "the package $package was not created"

step "terraform apply"
terraform -chdir="$here" apply -input=false -auto-approve "${terraform_vars[@]}" || fail "terraform apply failed"

api_url="$(terraform_output "$here" api_url)" || exit 1
authorization="$(terraform_output "$here" authorization_type)" || exit 1
step "API: $api_url (authorization $authorization)"

check_args=("$api_url")
if [ "$authorization" = AWS_IAM ]; then
  # The check signs with the standard AWS environment variables. With a profile or SSO login there are none yet:
  # export the CLI's resolved credentials into this process's environment (never printed, never an argument).
  if [ -z "${AWS_ACCESS_KEY_ID:-}" ]; then
    credentials="$(aws configure export-credentials --format env-no-export)" \
      || fail "could not export the AWS CLI's credentials for the contract check (needs AWS CLI 2.9 or later)"
    while IFS='=' read -r name value; do
      case "$name" in
        AWS_ACCESS_KEY_ID | AWS_SECRET_ACCESS_KEY | AWS_SESSION_TOKEN) export "$name=$value" ;;
      esac
    done <<<"$credentials"
    unset credentials
  fi
  check_args+=(--sigv4 "$region")
fi

# The check writes only its fixed, documented set of flasky-check-… candidates (docs/contract-check.md), overwritten
# on every deployment: repeated deployments leave nothing that grows.
step "running the contract check against $api_url"
dotnet run --project "$repo_root/Flasky.Check" -- "${check_args[@]}" \
  || fail "the contract check failed against $api_url"
step "contract check passed; destroy with: $0 down"
