#!/usr/bin/env bash
# End-to-end load comparison: 200 (or N) loopback targets (node_exporter fixture, ~100k series) scraped by
# fed-functions on Azurite and by a real Prometheus 2.42; prints a side-by-side table.
#   bench/e2e-load.sh [targets] [requests per path]   (defaults 200 and 10)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
dotnet build src/Functions -c Release --nologo --verbosity quiet
dotnet run -c Release --project bench/FedFunctions.LoadTest -- "${1:-200}" "${2:-10}"
