#!/usr/bin/env bash
# Builds Release and prints every performance table of the repository, each figure next to its ratio against a
# baseline measured in the same run:
#   1. load: each local host (in-memory store) vs a bare Kestrel API / a bare Lambda handler (bench/Flasky.Load);
#   2. cold start: process spawn -> first 200, each host vs its bare baseline, from the build output (bench/Flasky.Load);
#   3. cold start again, from each host published as it is deployed (ReadyToRun, framework-dependent), into
#      artifacts/bench/published;
#   4. micro-benchmarks of Core per route vs the minimal code doing the same job, with allocations (bench/Flasky.Benchmarks).
# Arguments go to the load harness (./bench.sh --help lists them); --no-micro skips step 4, --no-published step 3.
# With --url (a deployment), --help or -h, only the load harness runs.
set -euo pipefail
cd "$(dirname "$0")"

micro=1
published=1
load_args=()
for arg in "$@"; do
  case "$arg" in
    --no-micro) micro=0 ;;
    --no-published) published=0 ;;
    --url | -h | --help) micro=0; published=0; load_args+=("$arg") ;;
    *) load_args+=("$arg") ;;
  esac
done

dotnet build bench/Flasky.Load -c Release -nologo -v quiet
if [ "$micro" -eq 1 ]; then
  dotnet build bench/Flasky.Benchmarks -c Release -nologo -v quiet
fi

# The runtime identifier of this machine, for the ReadyToRun publish (crossgen2 compiles for one platform).
rid() {
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=osx ;; *) os=win ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=x64 ;; esac
  echo "$os-$arch"
}

published_root=artifacts/bench/published
if [ "$published" -eq 1 ]; then
  runtime=$(rid)
  for project in bench/Flasky.Baseline Flasky.Functions Flasky.CloudRun Flasky.Lambda Flasky.LocalApiGateway; do
    name=$(basename "$project")
    dotnet publish "$project" -c Release -r "$runtime" --self-contained false -p:PublishReadyToRun=true \
      -o "$published_root/$name" -nologo -v quiet
  done
fi

echo "Machine load before: $(uptime)"
status=0
dotnet bench/Flasky.Load/bin/Release/net10.0/Flasky.Load.dll "${load_args[@]}" || status=$?
if [ "$published" -eq 1 ]; then
  dotnet bench/Flasky.Load/bin/Release/net10.0/Flasky.Load.dll --no-load --published "$published_root" "${load_args[@]}" || status=$?
fi
if [ "$micro" -eq 1 ]; then
  dotnet bench/Flasky.Benchmarks/bin/Release/net10.0/Flasky.Benchmarks.dll --filter '*'
fi
echo "Machine load after: $(uptime)"
exit "$status"
