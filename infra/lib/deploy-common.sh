#!/usr/bin/env bash
# Shared by infra/aws/deploy.sh and infra/gcp/deploy.sh (sourced, not run): messages, tool checks, the up|down argument
# and the Terraform steps both clouds run the same way.

fail() {
  echo "deploy.sh: $*" >&2
  exit 1
}

step() {
  echo "deploy.sh: $*"
}

require() {
  command -v "$1" >/dev/null 2>&1 || fail "$1 is required: $2"
}

# action="$(parse_action "$@")": the one argument, up or down; anything else prints the usage and exits 2.
parse_action() {
  if [ $# -ne 1 ] || { [ "$1" != up ] && [ "$1" != down ]; }; then
    echo "usage: $0 up|down" >&2
    exit 2
  fi
  printf '%s' "$1"
}

require_terraform() {
  require terraform "install Terraform 1.5 or later (https://developer.hashicorp.com/terraform/install)"
}

# terraform_init DIR
terraform_init() {
  step "terraform init"
  terraform -chdir="$1" init -input=false || fail "terraform init failed"
}

# terraform_output DIR NAME: the output's raw value; fails when Terraform fails or the value is empty.
terraform_output() {
  local value
  value="$(terraform -chdir="$1" output -raw "$2")" || fail "terraform output $2 failed"
  [ -n "$value" ] || fail "terraform returned no $2"
  printf '%s' "$value"
}
