#!/usr/bin/env bash
# A newcomer's first run, checked in a real browser: starts the AppHost as `dotnet run --project Flasky.AppHost` does,
# opens the dashboard's login link in Debian's headless Chromium (driven by npm playwright-core, which downloads no
# browser), and fails if the first screen shows an error banner (such as "No trusted development certificate").
# Installs what it needs: chromium with apt-get (when run as root; otherwise it says what to install) and
# playwright-core with npm into tools/dashboard-check/node_modules. Stops the AppHost it started, by its PID.
#   tools/dashboard-check.sh [screenshot.png]
set -euo pipefail
cd "$(dirname "$0")/.."
screenshot="${1:-}"

if ! command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium (Debian's package) for the headless browser check..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing: install it (e.g. 'sudo apt-get install chromium') and run again." >&2
    exit 1
  fi
fi
(cd tools/dashboard-check && npm install --no-audit --no-fund --silent >/dev/null)

log="$(mktemp)"
dotnet build Flasky.AppHost -v quiet -nologo >/dev/null
dotnet run --no-build --project Flasky.AppHost >"$log" 2>&1 &
apphost=$!
cleanup() {
  kill -TERM "$apphost" 2>/dev/null || true
  wait "$apphost" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT

login=""
for _ in $(seq 1 180); do
  login="$(grep -o 'http://localhost:[0-9]*/login?t=[0-9a-f]*' "$log" | head -n 1 || true)"
  [ -n "$login" ] && break
  if ! kill -0 "$apphost" 2>/dev/null; then
    cat "$log" >&2
    echo "the AppHost exited before printing the dashboard's login link" >&2
    exit 1
  fi
  sleep 1
done
[ -n "$login" ] || { cat "$log" >&2; echo "no dashboard login link within 3 minutes" >&2; exit 1; }
echo "AppHost started; the dashboard's login link: ${login%%\?*}?t=…"
node tools/dashboard-check/check.mjs "$login" ${screenshot:+"$screenshot"}
