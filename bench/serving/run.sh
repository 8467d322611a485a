#!/usr/bin/env bash
# Load benchmark of `tandem serve` with wrk on loopback: POST /v1/recommend, k=10, user by id
# (the 610 MovieLens users, cycled), for two indexes:
#   ml  the ml-latest-small model's own item index (its 8,762 training movies, HNSW32)
#   1m  1,000,000 clustered 64-d vectors (bench/index/generate.py, the index benchmark's data), HNSW16,efC100
# Prints QPS, p50, p90, p99, max latency, non-2xx answers and the server's CPU time per request
# (user + system, from /proc: steadier than latency on a shared machine) per case, and writes $DIR/table.md.
#   bench/serving/run.sh                        # the published run: 60 s per case
#   DURATION=10s CASES=1m bench/serving/run.sh  # a quick check
# The model, vectors and indexes are built on the first run and kept in $DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${DIR:-/tmp/tandem-bench-serving}
DATA=${DATA:-../shared/datasets}
DURATION=${DURATION:-60s}
CASES=${CASES:-"ml 1m"}
N=${N:-1000000}
EF=${EF:-32}
PORT=${PORT:-5088}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}

command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
mkdir -p "$DIR"
# A private copy of the CLI, so rebuilding the repository during a long run changes nothing.
RUNNER="$DIR/runner-$$"
dotnet build src/Tandem.Cli -c Release -v q -nologo -o "$RUNNER" >/dev/null
TANDEM="dotnet $RUNNER/tandem.dll"

if [ ! -f "$DIR/model/model.tandem" ]; then
  # The quickstart model (examples/movielens-history-genres.json) for 10 epochs.
  echo '{ "user": { "features": ["user", "history"] }, "item": { "features": ["item", "genres"], "dimensions": { "genres": 16 } }, "training": { "epochs": 10 } }' > "$DIR/config.json"
  $TANDEM train --config "$DIR/config.json" --data-dir "$DATA" --out "$DIR/model" >/dev/null
fi
if [[ " $CASES " == *" 1m "* && ! -f "$DIR/items-$N.idx" ]]; then
  if [ ! -f "$DIR/vectors/items.npy" ]; then
    dpkg -s python3-faiss python3-numpy >/dev/null 2>&1 || apt-get install -y python3-faiss python3-numpy >/dev/null
    /usr/bin/python3 bench/index/generate.py --out "$DIR/vectors" --n "$N" --queries 10
  fi
  # Ids from 1,000,000 up: clear of every movieId, so no synthetic item borrows a movie's title.
  $TANDEM index build --vectors "$DIR/vectors/items.npy" --spec HNSW16,efC100 --first-id 1000000 --out "$DIR/items-$N.idx"
fi

table="$DIR/table.md"
printf '| case | indexed items | connections | seconds | QPS | p50 ms | p90 ms | p99 ms | max ms | non-2xx | socket errors | server CPU µs/request |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n' > "$table"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
for case in $CASES; do
  index=()
  [ "$case" = 1m ] && index=(--index "$DIR/items-$N.idx")
  $TANDEM serve --model "$DIR/model/model.tandem" --data-dir "$DATA" "${index[@]}" --ef "$EF" --urls "http://127.0.0.1:$PORT" > "$DIR/serve-$case.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do
    kill -0 $server 2>/dev/null || { cat "$DIR/serve-$case.log" >&2; exit 1; }
    sleep 1
  done
  items=$(curl -s "http://127.0.0.1:$PORT/healthz" | grep -o '"indexSize":[0-9]*' | cut -d: -f2)
  # Warm-up: the JIT's tiered compilation settles and the connection pool fills before the timed run.
  wrk -t"$THREADS" -c"$CONNECTIONS" -d10s -s bench/serving/recommend.lua "http://127.0.0.1:$PORT" >/dev/null
  before=$(cpu_ticks $server)
  result=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/serving/recommend.lua "http://127.0.0.1:$PORT" | grep '^RESULT')
  ticks=$(( $(cpu_ticks $server) - before ))
  echo "$case: $result server_cpu_ticks=$ticks"
  kill $server; wait $server 2>/dev/null || true
  trap - EXIT
  eval "$(echo "${result#RESULT }" | tr ' ' '\n' | sed 's/^/r_/')"
  cpu_us=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$r_requests" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }')
  echo "| $case | $items | $CONNECTIONS | $r_seconds | $r_qps | $r_p50_ms | $r_p90_ms | $r_p99_ms | $r_max_ms | $r_non2xx | $r_socket_errors | $cpu_us |" >> "$table"
done
cat "$table"
rm -rf "$RUNNER"
