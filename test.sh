#!/usr/bin/env bash
# Runs every test on a fresh machine: installs the one system tool the tests need, then the whole suite.
# The build itself installs the npm packages of the local emulators.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v shellcheck >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing shellcheck (the infrastructure tests lint every shell script with it)..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null
  else
    echo "shellcheck is missing: install it (e.g. 'sudo apt-get install shellcheck') and run again." >&2
    exit 1
  fi
fi

# PowerShell 7 (pwsh) as a local .NET tool (.config/dotnet-tools.json): the Windows variant of the azd postdeploy hook
# is tested with it, the same way as the bash one.
dotnet tool restore >/dev/null

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Flasky.sln --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?

# One closing line in the plain form any CI reads: "N passed, N failed".
passed=$(sed -n 's/^ *Passed: *\([0-9][0-9]*\)$/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
failed=$(sed -n 's/^ *Failed: *\([0-9][0-9]*\)$/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
# A CI that keeps only the end of the output must still show what failed: repeat each failed test with its message
# (not its stack trace) just before the closing line.
if [ "$failed" -gt 0 ]; then
  echo "failed tests:"
  awk '
    /^ +Failed [^:]/ { show = 1; lines = 0; print; next }
    /^ +(Passed|Skipped) / || /^ +Stack Trace:/ { show = 0 }
    show && lines < 20 { print; lines++ }
  ' "$log"
fi
echo "tests: $passed passed, $failed failed"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
