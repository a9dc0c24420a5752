#!/usr/bin/env bash
# Builds the deployment package for Azure Functions (Flex Consumption, custom handler):
#   scripts/package.sh path/to/prometheus.yml
# (required: the local sample scrapes 127.0.0.1:7071, which means nothing in Azure)
# Publishes src/Functions self-contained for linux-x64, checks the layout the Functions host needs
# (host.json, <Function>/function.json and the executable `handler` at the root), adds the scrape
# configuration as prometheus.yml (Federation__ConfigPath's default) and writes .local/fed-functions.zip
# with the executable bit kept. Deploy it as docs/deploy.md describes.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "package: $*" >&2; exit 1; }

[[ $# -ge 1 ]] || die "usage: scripts/package.sh path/to/prometheus.yml (the scrape configuration to deploy)"
config="$1"
publish_dir=.local/publish
zip_path=.local/fed-functions.zip

[[ -f "$config" ]] || die "scrape configuration '$config' not found (pass a prometheus.yml as the first argument)"
if grep -q "127.0.0.1:7071" "$config"; then
  echo "package: warning: $config scrapes 127.0.0.1:7071, the local run's address; in Azure the handler listens elsewhere" >&2
fi
command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required"

rm -rf "$publish_dir" "$zip_path"
mkdir -p .local
echo "package: publishing src/Functions (Release, linux-x64, self-contained) to $publish_dir"
# Self-contained: the package carries its own .NET and ASP.NET Core runtime, so the 'custom' runtime
# image needs nothing installed. The runtime packs come from NuGet on first publish.
dotnet publish src/Functions -c Release -r linux-x64 --self-contained -o "$publish_dir" --nologo --verbosity quiet \
  || die "dotnet publish src/Functions failed (see the errors above)"

# The host reads these from the app root; a missing one means the app would start with no functions.
missing=()
for f in host.json ScrapeTimer/function.json Federate/function.json handler; do
  [[ -f "$publish_dir/$f" ]] || missing+=("$f")
done
((${#missing[@]} == 0)) || die "publish output $publish_dir lacks ${missing[*]} at its root (check src/Functions/FedFunctions.Functions.csproj: AssemblyName handler, host.json and */function.json copied to publish)"
grep -Eq '"defaultExecutablePath"[[:space:]]*:[[:space:]]*"handler"' "$publish_dir/host.json" \
  || die "host.json does not name \"handler\" as customHandler.description.defaultExecutablePath"
chmod +x "$publish_dir/handler"
[[ -x "$publish_dir/handler" ]] || die "$publish_dir/handler is not executable"

cp "$config" "$publish_dir/prometheus.yml"
echo "package: added $config as prometheus.yml"

# Zip from inside the folder so the layout sits at the zip root. Info-ZIP keeps Unix modes; the
# Python fallback writes them into each entry's external attributes itself.
abs_zip="$(pwd)/$zip_path"
if command -v zip >/dev/null; then
  (cd "$publish_dir" && zip -q -r -X "$abs_zip" .)
elif command -v python3 >/dev/null; then
  python3 - "$publish_dir" "$abs_zip" <<'PY' || die "writing $zip_path with python3 failed"
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

# Check the result the way the platform will read it: handler at the root, executable.
if command -v unzip >/dev/null; then
  unzip -Z "$zip_path" handler | grep -q '^-rwx' || die "handler in $zip_path lost its executable bit"
elif command -v python3 >/dev/null; then
  python3 -c 'import sys, zipfile; m = zipfile.ZipFile(sys.argv[1]).getinfo("handler").external_attr >> 16; sys.exit(0 if m & 0o100 else 1)' "$zip_path" \
    || die "handler in $zip_path lost its executable bit"
fi

size=$(du -h "$zip_path" | cut -f1)
echo "package: wrote $zip_path ($size)"
