#!/usr/bin/env bash
# azd postdeploy hook: prove the deployed API is live, key-protected and contract-conformant.
#   1. GET $API_URL/gtg without a key must be 401 (function keys enforced);
#   2. the contract check (Flasky.Check) runs against $API_URL with the default function key.
# Any failure exits non-zero, which fails `azd deploy` / `azd up`.
# The key is read with the Azure CLI into a variable and handed to the check as an argument; it is never printed
# (no `set -x`, no echo of the command line).
set -euo pipefail

: "${API_URL:?API_URL is not set (azd sets it from the Bicep outputs)}"
: "${AZURE_RESOURCE_GROUP:?AZURE_RESOURCE_GROUP is not set}"
: "${AZURE_FUNCTION_APP_NAME:?AZURE_FUNCTION_APP_NAME is not set}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
api_url="${API_URL%/}"

fail() {
  echo "postdeploy: $*" >&2
  exit 1
}

command -v az >/dev/null 2>&1 || fail "the Azure CLI (az) is required"
command -v curl >/dev/null 2>&1 || fail "curl is required"
command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK (dotnet) is required"

# A fresh Flex Consumption app can take a minute before the host answers; retry while it warms up.
anonymous_status=""
for attempt in 1 2 3 4 5 6 7 8 9 10 11 12; do
  anonymous_status="$(curl --silent --output /dev/null --write-out '%{http_code}' --max-time 30 "$api_url/gtg" || true)"
  case "$anonymous_status" in
    401) break ;;
    200) fail "GET /gtg without a function key returned 200: the API is reachable anonymously" ;;
  esac
  echo "postdeploy: GET /gtg without a key returned '$anonymous_status' (attempt $attempt); waiting for the host..."
  sleep 10
done
[ "$anonymous_status" = "401" ] || fail "GET /gtg without a function key returned '$anonymous_status', expected 401"
echo "postdeploy: GET /gtg without a key is rejected with 401"

function_key="$(az functionapp keys list \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --name "$AZURE_FUNCTION_APP_NAME" \
  --query functionKeys.default \
  --output tsv)" || fail "could not read the default function key with the Azure CLI"
[ -n "$function_key" ] || fail "the function app has no default function key"

echo "postdeploy: running the contract check against $api_url"
dotnet run --project "$repo_root/Flasky.Check" -- "$api_url" --function-key "$function_key" \
  || fail "the contract check failed against $api_url"
echo "postdeploy: contract check passed"
