#!/usr/bin/env bash
# cost-examples.sh: the setup of docs/cost.md's worked examples. Starts an in-memory Azurite and one loopback HTTP
# server answering node_exporter 1.5.0's output (shared/fixtures, gzipped; SERIES > 0 keeps only its first SERIES
# samples), writes a prometheus.yml of TARGETS targets on that server (distinct label sets: label replica="N") scraped
# every INTERVAL, prints the load average and runs `check-config --cost` on it with one federator reading every
# INTERVAL. Settings pass through the environment (Federation__ShardSize, ScrapeSchedule, ...); further arguments go
# to the command (--json, --instance-memory 512, ...). Builds src/Functions in Release first.
#
#   bench/cost-examples.sh 200 15s                               # fanned out: 2 shards of the default 100
#   Federation__ShardSize=0 bench/cost-examples.sh 200 15s       # inline
#   Federation__ScrapeRunBudget=600s bench/cost-examples.sh 3000 60s 100 --json
set -euo pipefail
if [[ $# -lt 2 ]]; then
    echo "usage: $0 TARGETS INTERVAL [SERIES] [check-config arguments...]" >&2
    exit 2
fi
targets=$1 interval=$2
shift 2
series=0
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then series=$1; shift; fi

repo=$(cd "$(dirname "$0")/.." && pwd)
fixture=$(cd "$repo/../shared/fixtures" && pwd)/node_exporter-1.5.0.txt
work=$(mktemp -d /tmp/fedfn-cost-examples-XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

dotnet build "$repo/src/Functions" -c Release -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
blob=$(free_port) queue=$(free_port) table=$(free_port) target=$(free_port)

"$repo/node_modules/.bin/azurite" --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --silent \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$blob" --queuePort "$queue" --tablePort "$table" >"$work/azurite.log" 2>&1 &
pids+=($!)

# The target: HTTP/1.1 keep-alive, one thread per connection, the body gzipped once.
python3 - "$target" "$fixture" "$series" >"$work/target.log" 2>&1 <<'PY' &
import gzip, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
port, fixture, series = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
lines, samples = [], 0
for line in open(fixture, encoding="utf-8").read().splitlines():
    if series and not line.startswith("#"):
        if samples == series: break
        samples += 1
    lines.append(line)
body = gzip.compress(("\n".join(lines) + "\n").encode(), 6)
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args): pass
class Server(ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True
Server(("127.0.0.1", port), Handler).serve_forever()
PY
pids+=($!)

for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$table" && exec 4<>"/dev/tcp/127.0.0.1/$queue" && exec 5<>"/dev/tcp/127.0.0.1/$blob" \
        && exec 6<>"/dev/tcp/127.0.0.1/$target") 2>/dev/null; then break; fi
    sleep 0.2
done

{
    echo "scrape_configs:"
    echo "  - job_name: node"
    echo "    scrape_interval: $interval"
    timeout=10s
    if [[ $interval =~ ^([0-9]+)s$ ]] && ((BASH_REMATCH[1] < 10)); then timeout=$interval; fi
    echo "    scrape_timeout: $timeout"
    echo "    static_configs:"
    for i in $(seq 1 "$targets"); do
        echo "      - targets: ['127.0.0.1:$target']"
        echo "        labels: {replica: '$i'}"
    done
} >"$work/prometheus.yml"

key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
export FederationStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1"
echo "cost-examples: $targets targets every $interval, body of ${series/#0/all} series, Federation__ShardSize=${Federation__ShardSize:-default}; $(uptime)"
dotnet "$repo/src/Functions/bin/Release/net10.0/FedFunctions.Functions.dll" check-config --cost \
    --federators 1 --federate-interval "$interval" "$@" "$work/prometheus.yml"
