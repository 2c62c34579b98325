#!/usr/bin/env bash
# Builds Release and prints every performance table of the repository, each figure next to its ratio against a
# baseline measured in the same run (bench/Flasky.Load unless said otherwise):
#   1. load: each local host (in-memory store) vs a bare Kestrel API / a bare Lambda handler;
#   2. cold start: process spawn -> first 200, each host vs its bare baseline, from the build output;
#   3. cold start again, from each host published as it is deployed (ReadyToRun, framework-dependent), into
#      artifacts/bench/published;
#   4. emulators: each cloud's host on its local emulator vs on the in-memory store vs the store's SDK client alone;
#   5. list scaling: 1k/10k/100k candidates walked page by page through each host: time and memory growth;
#   6. AppHost start: the prebuilt AppHost, spawn -> :7071/:7072/:7073 each answering an authenticated 200 (3 starts;
#      needs those ports free, so stop your own AppHost first);
#   7. micro-benchmarks of Core per route vs the minimal code doing the same job, with allocations (bench/Flasky.Benchmarks).
# --no-published, --no-emulators, --no-list-scaling, --no-apphost, --no-micro skip steps 3-7. --duration, --warmup,
# --rounds, --connections and --cold-start-runs apply to every step that uses them. Any other harness option
# (--url for a deployment, --emulators azure, --list-scaling SIZES, --apphost-start N, --apphost-fresh-clone, --help)
# runs only the harness with the options given. ./bench.sh --help lists them.
set -euo pipefail
cd "$(dirname "$0")"

published=1 emulators=1 list_scaling=1 apphost=1 micro=1 only=0
args=()
for arg in "$@"; do
  case "$arg" in
    --no-published) published=0 ;;
    --no-emulators) emulators=0 ;;
    --no-list-scaling) list_scaling=0 ;;
    --no-apphost) apphost=0 ;;
    --no-micro) micro=0 ;;
    --url | -h | --help | --emulators | --list-scaling | --apphost-start | --apphost-fresh-clone) only=1; args+=("$arg") ;;
    *) args+=("$arg") ;;
  esac
done

harness() { dotnet bench/Flasky.Load/bin/Release/net10.0/Flasky.Load.dll "$@"; }

dotnet build bench/Flasky.Load -c Release -nologo -v quiet
dotnet build Flasky.AppHost -c Release -nologo -v quiet
if [ "$only" -eq 1 ]; then
  harness "${args[@]}"
  exit
fi
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
    dotnet publish "$project" -c Release -r "$runtime" --self-contained false -p:PublishReadyToRun=true \
      -o "$published_root/$(basename "$project")" -nologo -v quiet
  done
fi

echo "Machine load before: $(uptime)"
status=0
harness "${args[@]}" || status=$?
if [ "$published" -eq 1 ]; then
  harness --no-load --published "$published_root" "${args[@]}" || status=$?
fi
if [ "$emulators" -eq 1 ]; then
  harness --emulators "${args[@]}" || status=$?
fi
if [ "$list_scaling" -eq 1 ]; then
  harness --list-scaling 1000,10000,100000 "${args[@]}" || status=$?
fi
if [ "$apphost" -eq 1 ]; then
  harness --apphost-start 3 "${args[@]}" || status=$?
fi
if [ "$micro" -eq 1 ]; then
  dotnet bench/Flasky.Benchmarks/bin/Release/net10.0/Flasky.Benchmarks.dll --filter '*' || status=$?
fi
echo "Machine load after: $(uptime)"
exit "$status"
