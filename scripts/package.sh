#!/usr/bin/env bash
# Builds the deployment package for Azure Functions (Flex Consumption, runtime dotnet-isolated):
#   scripts/package.sh path/to/prometheus.yml [out.zip]
# (the configuration is required: the local sample scrapes 127.0.0.1:7071, which means nothing in Azure)
# Publishes src/Functions framework-dependent (the dotnet-isolated runtime image carries .NET), checks
# the files the Functions host reads at the root (host.json, functions.metadata, worker.config.json,
# extensions.json and the worker assembly it names), adds the scrape configuration as prometheus.yml
# (Federation__ConfigPath's default) and writes the zip (default .local/fed-functions.zip). Deploy it
# as docs/deploy.md describes.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "package: $*" >&2; exit 1; }

[[ $# -ge 1 ]] || die "usage: scripts/package.sh path/to/prometheus.yml [out.zip] (the scrape configuration to deploy)"
config="$1"
zip_path="${2:-.local/fed-functions.zip}"
mkdir -p "$(dirname "$zip_path")"
zip_path="$(cd "$(dirname "$zip_path")" && pwd)/$(basename "$zip_path")"
# Publish and build in a folder of their own, so a package run never touches bin/ and obj/ of a build
# (or a test run) in progress.
work_dir="$(mktemp -d "${TMPDIR:-/tmp}/fed-package.XXXXXX")"
trap 'rm -rf "$work_dir"' EXIT
publish_dir="$work_dir/publish"

[[ -f "$config" ]] || die "scrape configuration '$config' not found (pass a prometheus.yml as the first argument)"
if grep -q "127.0.0.1:7071" "$config"; then
  echo "package: warning: $config scrapes 127.0.0.1:7071, the local run's address; in Azure the app is not there" >&2
fi
command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required"

rm -f "$zip_path"
echo "package: publishing src/Functions (Release, framework-dependent)"
# Framework-dependent: Flex Consumption's dotnet-isolated runtime (functionAppConfig.runtime in
# infra/bicep) provides .NET and ASP.NET Core; the host starts the worker with `dotnet <assembly>`.
dotnet publish src/Functions -c Release -o "$publish_dir" --artifacts-path "$work_dir/artifacts" --nologo --verbosity quiet \
  || die "dotnet publish src/Functions failed (see the errors above)"

# The host reads these from the app root; a missing one means the app would start with no functions.
missing=()
for f in host.json functions.metadata worker.config.json extensions.json FedFunctions.Functions.dll; do
  [[ -f "$publish_dir/$f" ]] || missing+=("$f")
done
((${#missing[@]} == 0)) || die "publish output lacks ${missing[*]} at its root (check src/Functions/FedFunctions.Functions.csproj)"
grep -q '"defaultWorkerPath": *"FedFunctions.Functions.dll"' "$publish_dir/worker.config.json" \
  || die "worker.config.json does not name FedFunctions.Functions.dll as the worker"
for fn in ScrapeTimer Federate Metrics Reload; do
  grep -q "\"name\": *\"$fn\"" "$publish_dir/functions.metadata" || die "functions.metadata lacks the function $fn"
done

cp "$config" "$publish_dir/prometheus.yml"
echo "package: added $config as prometheus.yml"

# Zip from inside the folder so the layout sits at the zip root (dot folders included: extensions.json
# points into .azurefunctions/).
if command -v zip >/dev/null; then
  (cd "$publish_dir" && zip -q -r -X "$zip_path" .)
elif command -v python3 >/dev/null; then
  python3 - "$publish_dir" "$zip_path" <<'PY' || die "writing $zip_path with python3 failed"
import os, stat, sys, zipfile
root, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            info = zipfile.ZipInfo.from_file(path, os.path.relpath(path, root))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IMODE(os.stat(path).st_mode) | stat.S_IFREG) << 16
            info.create_system = 3  # Unix, so extractors honour the mode bits
            with open(path, "rb") as f:
                z.writestr(info, f.read())
PY
else
  die "neither zip nor python3 is installed; install one of them (e.g. apt-get install zip)"
fi

size=$(du -h "$zip_path" | cut -f1)
echo "package: wrote $zip_path ($size)"
