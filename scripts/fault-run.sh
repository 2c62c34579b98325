#!/usr/bin/env bash
# The long form of the fault runs (issue 13): for each local front (Azure, AWS, GCP) and each database fault (frozen,
# cut off, blackholed, throttling), 8 clients write and read distinct candidates for FAULT_SECONDS of fault, then every
# acknowledged write is read back. Prints one line of figures per run and asserts the latency targets with margins.
# The fronts run one after another, so that they do not measure each other.
#
#   scripts/fault-run.sh [FAULT_SECONDS]      # default 15; needs Node.js, Java 17+ and gcloud's Firestore emulator
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-15}"
report="$(mktemp)"
trap 'rm -f "$report"' EXIT

dotnet build Flasky.Tests >/dev/null
status=0
FLASKY_FAULT_SECONDS="$seconds" FLASKY_FAULT_REPORT="$report" \
  dotnet test Flasky.Tests --no-build --filter "FullyQualifiedName~Flasky.Tests.Faults" \
    -- xUnit.ParallelizeTestCollections=false || status=$?

echo
echo "Fault runs, ${seconds} s of fault each (front, fault, figures):"
sort "$report"
exit "$status"
