#!/usr/bin/env bash
# azd postdeploy hook (posix; postdeploy.ps1 is the same steps for Windows): prove the deployed API is live,
# key-protected and contract-conformant.
#   1. GET $API_URL/gtg without a key must be 401 (function keys enforced); retried while a fresh host starts;
#   2. the default function key is read with the Azure CLI, in azd's subscription (AZURE_SUBSCRIPTION_ID);
#   3. GET $API_URL/gtg?details with the key is polled until it reports "connected":"true": the Cosmos DB role
#      assignments of a new deployment take minutes to reach the data plane, and until then every store call fails;
#   4. the contract check (Flasky.Check) runs against $API_URL with that key, passed in its environment
#      (FLASKY_FUNCTION_KEY), never on its command line; it overwrites the same fixed set of check candidates each run.
# Any failure exits non-zero, which fails `azd deploy` / `azd up`.
# The key is never printed (no `set -x`, no echo of a command line holding it); curl reads its header from stdin.
set -euo pipefail

: "${API_URL:?API_URL is not set (azd sets it from the Bicep outputs)}"
# azd passes the environment's subscription to hooks; without it `az` would use its own default subscription, which
# need not be azd's, and fail with "resource group not found" after a good deployment.
: "${AZURE_SUBSCRIPTION_ID:?AZURE_SUBSCRIPTION_ID is not set (azd sets it for hooks; outside azd, export the subscription azd deployed to)}"
: "${AZURE_RESOURCE_GROUP:?AZURE_RESOURCE_GROUP is not set}"
: "${AZURE_FUNCTION_APP_NAME:?AZURE_FUNCTION_APP_NAME is not set}"

# Bounds of both waits. Defaults: 2 minutes for the host to answer, 15 minutes for data access.
warmup_attempts="${POSTDEPLOY_WARMUP_ATTEMPTS:-12}"
access_attempts="${POSTDEPLOY_ACCESS_ATTEMPTS:-90}"
interval="${POSTDEPLOY_POLL_INTERVAL_SECONDS:-10}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
api_url="${API_URL%/}"

fail() {
  echo "postdeploy: $*" >&2
  exit 1
}

command -v az >/dev/null 2>&1 || fail "the Azure CLI (az) is required"
command -v curl >/dev/null 2>&1 || fail "curl is required"
command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK (dotnet) is required"

body_file="$(mktemp)"
trap 'rm -f "$body_file"' EXIT

anonymous_status=""
for attempt in $(seq 1 "$warmup_attempts"); do
  anonymous_status="$(curl --silent --output /dev/null --write-out '%{http_code}' --max-time 30 "$api_url/gtg" || true)"
  case "$anonymous_status" in
    401) break ;;
    200) fail "GET /gtg without a function key returned 200: the API is reachable anonymously" ;;
  esac
  echo "postdeploy: GET /gtg without a key returned '$anonymous_status' (attempt $attempt of $warmup_attempts); waiting for the host..."
  sleep "$interval"
done
[ "$anonymous_status" = "401" ] || fail "GET /gtg without a function key returned '$anonymous_status', expected 401"
echo "postdeploy: GET /gtg without a key is rejected with 401"

function_key="$(az functionapp keys list \
  --subscription "$AZURE_SUBSCRIPTION_ID" \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --name "$AZURE_FUNCTION_APP_NAME" \
  --query functionKeys.default \
  --output tsv)" || fail "could not read the default function key with the Azure CLI (subscription $AZURE_SUBSCRIPTION_ID)"
[ -n "$function_key" ] || fail "the function app has no default function key"

connected=""
for attempt in $(seq 1 "$access_attempts"); do
  details_status="$(printf 'x-functions-key: %s\n' "$function_key" \
    | curl --silent --output "$body_file" --write-out '%{http_code}' --max-time 30 --header @- "$api_url/gtg?details" \
    || true)"
  if [ "$details_status" = "200" ] && grep -Eq '"connected"[[:space:]]*:[[:space:]]*"true"' "$body_file"; then
    connected="yes"
    break
  fi
  echo "postdeploy: GET /gtg?details returned '$details_status' (attempt $attempt of $access_attempts): the app cannot reach Cosmos DB yet; new role assignments can take several minutes to apply, waiting..."
  sleep "$interval"
done
[ -n "$connected" ] || fail "GET /gtg?details never reported \"connected\":\"true\" after $access_attempts attempts: check the app's Cosmos DB role assignment and its logs in Application Insights"
echo "postdeploy: the app reaches Cosmos DB (GET /gtg?details: connected)"

echo "postdeploy: running the contract check against $api_url"
# The key goes to the check in its environment, never as an argument (arguments are visible to every user in `ps`).
# The check writes only its fixed, documented set of flasky-check-… candidates, overwritten on every deployment.
FLASKY_FUNCTION_KEY="$function_key" dotnet run --project "$repo_root/Flasky.Check" -- "$api_url" \
  || fail "the contract check failed against $api_url"
echo "postdeploy: contract check passed"
