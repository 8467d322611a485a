#!/usr/bin/env bash
# Load benchmark of the ranking stage of `tandem serve --ranker` with wrk on loopback (8 connections):
#   recommend  POST /v1/recommend, k=10, 200 candidates retrieved (HNSW32) and ranked by the ranker
#   predict    POST /v1/predict, 100 items
# Bundle: the quickstart two-tower model (as bench/serving/run.sh trains it, shared with it in $DIR/model)
# and a DeepFM ranker on ml-latest-small clicks (user, item, genres, time). Prints QPS, p50, p90, p99 and
# max latency, non-2xx answers, the server's CPU time per request, the CPU and the load average, and
# writes $DIR/ranked.md.
#   bench/serving/ranked.sh                               # the published run: 60 s per case
#   DURATION=30s bench/serving/ranked.sh                  # on a busy machine
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${DIR:-/tmp/tandem-bench-serving}
DATA=${DATA:-../shared/datasets}
DURATION=${DURATION:-60s}
CASES=${CASES:-"recommend predict"}
PORT=${PORT:-5089}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}

command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
mkdir -p "$DIR"
RUNNER="$DIR/runner-$$"
dotnet build src/Tandem.Cli -c Release -v q -nologo -o "$RUNNER" >/dev/null
TANDEM="dotnet $RUNNER/tandem.dll"

if [ ! -f "$DIR/model/model.tandem" ]; then
  echo '{ "user": { "features": ["user", "history"] }, "item": { "features": ["item", "genres"], "dimensions": { "genres": 16 } }, "training": { "epochs": 10 } }' > "$DIR/config.json"
  $TANDEM train --config "$DIR/config.json" --data-dir "$DATA" --out "$DIR/model" >/dev/null
fi
if [ ! -f "$DIR/ranker/model.tandem" ]; then
  cat > "$DIR/ranker.json" <<'JSON'
{ "data": { "dataset": "ml-latest-small", "clicks": "ratings" },
  "split": { "by": "user", "testFraction": 0.2, "validationFraction": 0.1 },
  "ranker": { "model": "deepFm", "features": ["user", "item", "genres", "time"], "embeddingDimension": 16, "hidden": [128, 64], "calibration": "isotonic" },
  "training": { "epochs": 3, "batchSize": 1024, "threads": 2 } }
JSON
  $TANDEM train --config "$DIR/ranker.json" --data-dir "$DATA" --out "$DIR/ranker" >/dev/null
fi

$TANDEM serve --model "$DIR/model/model.tandem" --ranker "$DIR/ranker/model.tandem" --data-dir "$DATA" --urls "http://127.0.0.1:$PORT" > "$DIR/serve-ranked.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$RUNNER"' EXIT
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do
  kill -0 $server 2>/dev/null || { cat "$DIR/serve-ranked.log" >&2; exit 1; }
  sleep 1
done
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
table="$DIR/ranked.md"
printf '| case | connections | seconds | QPS | p50 ms | p90 ms | p99 ms | max ms | non-2xx | socket errors | server CPU µs/request | load average before / after |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n' > "$table"
for case in $CASES; do
  # Warm-up: tiered compilation settles before the timed run.
  MODE=$case wrk -t"$THREADS" -c"$CONNECTIONS" -d10s -s bench/serving/ranked.lua "http://127.0.0.1:$PORT" >/dev/null
  load_before=$(cut -d' ' -f1 /proc/loadavg)
  before=$(cpu_ticks $server)
  result=$(MODE=$case wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/serving/ranked.lua "http://127.0.0.1:$PORT" | grep '^RESULT')
  ticks=$(( $(cpu_ticks $server) - before ))
  load_after=$(cut -d' ' -f1 /proc/loadavg)
  echo "$case: $result server_cpu_ticks=$ticks load=$load_before/$load_after"
  eval "$(echo "${result#RESULT }" | tr ' ' '\n' | sed 's/^/r_/')"
  cpu_us=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$r_requests" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }')
  echo "| $case | $CONNECTIONS | $r_seconds | $r_qps | $r_p50_ms | $r_p90_ms | $r_p99_ms | $r_max_ms | $r_non2xx | $r_socket_errors | $cpu_us | $load_before / $load_after |" >> "$table"
done
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
cat "$table"
