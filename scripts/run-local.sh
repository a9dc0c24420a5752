#!/usr/bin/env bash
# One command for a fresh machine: installs what is missing, starts Azurite and fed-functions with
# samples/prometheus.yml (the app scrapes its own /metrics every 15 s) and prints a curl line.
#   scripts/run-local.sh           run until Ctrl-C
#   scripts/run-local.sh --smoke   wait for the first federated series, print them, stop (used by the tests)
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=false
[[ "${1:-}" == "--smoke" ]] && smoke=true
port="${FED_PORT:-7071}"

die() { echo "run-local: $*" >&2; exit 1; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

scripts/setup.sh

mkdir -p .local/azurite
listening "$port" && die "port $port is taken; set FED_PORT to a free one"
# The sample scrapes the app itself: point it at the port actually used.
config="${Federation__ConfigPath:-}"
if [[ -z "$config" ]]; then
  config=.local/prometheus.yml
  sed "s/127.0.0.1:7071/127.0.0.1:$port/" samples/prometheus.yml > "$config"
fi
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# Azurite on its default ports, so the default FederationStorage=UseDevelopmentStorage=true works.
if ! listening 10002; then
  node_modules/.bin/azurite --silent --skipApiVersionCheck --disableTelemetry \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --location .local/azurite --debug .local/azurite/debug.log >.local/azurite.log 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do listening 10002 && break; sleep 0.2; done
  listening 10002 || die "Azurite did not start (see .local/azurite.log)"
  echo "run-local: Azurite listening on 127.0.0.1:10000 (blob) and :10002 (table)"
else
  echo "run-local: using the Azurite already listening on 127.0.0.1:10002"
fi

dotnet build src/Functions -c Release --nologo --verbosity quiet
Federation__ConfigPath="$config" ScrapeSchedule="${ScrapeSchedule:-*/15 * * * * *}" \
  dotnet src/Functions/bin/Release/net10.0/FedFunctions.Functions.dll --urls "http://127.0.0.1:$port" &
pids+=($!)
app=$!
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; kill -0 "$app" 2>/dev/null || break; sleep 0.2; done
curl -sf "http://127.0.0.1:$port/" >/dev/null || die "fed-functions did not start (see its output above)"

url="http://127.0.0.1:$port/federate?match[]=%7Bjob%3D%22fed-functions%22%7D"
echo
echo "run-local: fed-functions is running on http://127.0.0.1:$port (config: $config)."
echo "run-local: within one scrape interval (15 s) this shows the federated series:"
echo "  curl -sg '$url'"
echo

if $smoke; then
  for _ in $(seq 1 40); do
    body=$(curl -sfg "$url" || true)
    # The app's own up series, healthy: the whole path (scrape, Azurite, federate) works.
    if grep -qE '^up\{.*\} 1 [0-9]+$' <<<"$body"; then echo "$body" | grep -E '^(# TYPE up|up\{)'; exit 0; fi
    sleep 1
  done
  echo "run-local: no federated series after 40 s" >&2
  exit 1
fi
wait
