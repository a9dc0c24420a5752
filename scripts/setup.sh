#!/usr/bin/env bash
# Installs what fed-functions needs on a fresh machine, idempotently:
#   - Azurite (npm, pinned in package.json / package-lock.json) for storage, and action-validator
#     (same lock file) for the workflow tests;
#   - with --test: Prometheus 2.42 and promtool (Debian package) for the end-to-end tests;
#   - with --test: Chromium (Debian package) for the /targets page test (driven headless, no browser download);
#   - NuGet packages (dotnet restore).
set -euo pipefail
cd "$(dirname "$0")/.."

with_prometheus=false
[[ "${1:-}" == "--test" ]] && with_prometheus=true

command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: Node.js 20 and npm are required (for Azurite)" >&2; exit 1; }

# Azurite for storage, action-validator for the workflow tests (tests/Infra.Tests); both run offline.
if [[ ! -x node_modules/.bin/azurite || ! -x node_modules/.bin/action-validator ]]; then
  echo "setup: installing Azurite and action-validator from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
fi

if $with_prometheus && ! command -v prometheus >/dev/null; then
  echo "setup: installing Prometheus and promtool (Debian package)"
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq prometheus >/dev/null
  # The package may start a system service on :9090; the tests start their own on free ports.
  $sudo systemctl stop prometheus 2>/dev/null || true
fi

if $with_prometheus && ! command -v chromium >/dev/null; then
  echo "setup: installing Chromium (Debian package) for the /targets page test"
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

if $with_prometheus && [[ ! -x /usr/bin/prometheus-node-exporter ]]; then
  echo "setup: installing node_exporter (Debian package) for the text/protobuf scrape tests"
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus-node-exporter >/dev/null
  # The package starts a system service on :9100; the tests run their own on free loopback ports.
  $sudo systemctl stop prometheus-node-exporter 2>/dev/null || true
fi

dotnet restore fed-functions.sln --verbosity quiet
