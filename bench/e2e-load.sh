#!/usr/bin/env bash
# End-to-end load comparison: N loopback targets (node_exporter fixture, about 510 series each: 200 targets ~100k
# series) scraped by fed-functions on one Azurite, inline (one process) and fanned out (one scheduler, two worker
# processes), and by a real Prometheus 2.42; prints one markdown table per run (scrape-run time, storage requests
# and bytes per run, /federate) and the /federate path-by-path table.
#   bench/e2e-load.sh [targets] [requests per path] [inline|workers|both]   (defaults 200, 10 and both)
#   e.g. bench/e2e-load.sh 3000 3 workers; then bench/e2e-load.sh 3000 3 inline   (a long run split in two)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
dotnet build src/Functions -c Release --nologo --verbosity quiet
dotnet run -c Release --project bench/FedFunctions.LoadTest -- "${1:-200}" "${2:-10}" "${3:-both}"
