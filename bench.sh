#!/usr/bin/env bash
# Builds Release and prints every performance table of the repository, each figure next to its ratio against a
# baseline measured in the same run:
#   1. load: each local host (in-memory store) vs a bare Kestrel API / a bare Lambda handler (bench/Flasky.Load);
#   2. cold start: process spawn -> first 200, each host vs its bare baseline (bench/Flasky.Load);
#   3. micro-benchmarks of Core per route vs the minimal code doing the same job, with allocations (bench/Flasky.Benchmarks).
# Arguments go to the load harness (./bench.sh --help lists them); --no-micro skips step 3. With --emulators [azure,aws,gcp]
# the harness prints, instead of 1 and 2, each host on its local emulator vs in-memory vs the store alone.
set -euo pipefail
cd "$(dirname "$0")"

micro=1
load_args=()
for arg in "$@"; do
  if [ "$arg" = "--no-micro" ]; then micro=0; else load_args+=("$arg"); fi
done

dotnet build bench/Flasky.Load -c Release -nologo -v quiet
dotnet build bench/Flasky.Benchmarks -c Release -nologo -v quiet
echo "Machine load before: $(uptime)"
status=0
dotnet bench/Flasky.Load/bin/Release/net10.0/Flasky.Load.dll "${load_args[@]}" || status=$?
if [ "$micro" -eq 1 ]; then
  dotnet bench/Flasky.Benchmarks/bin/Release/net10.0/Flasky.Benchmarks.dll --filter '*'
fi
echo "Machine load after: $(uptime)"
exit "$status"
