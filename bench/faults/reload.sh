#!/usr/bin/env bash
# Hot reload under load (issue 18): wrk against `tandem serve` (POST /v1/recommend, users by id, as
# bench/serving), first without reloads, then while /admin/reload swaps between two model files back
# to back. Prints p50/p99/max latency, requests and non-2xx answers of both runs, and the reloads done.
#   bench/faults/reload.sh                         # 30 s per run
#   DURATION=15s bench/faults/reload.sh            # a quick check
# The model (3 epochs of the quickstart recipe on ml-latest-small) is trained on the first run and kept in $DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${DIR:-/tmp/tandem-bench-reload}
DATA=${DATA:-../shared/datasets}
DURATION=${DURATION:-30s}
PORT=${PORT:-5089}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
KEY=bench-reload-key

command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
mkdir -p "$DIR"
RUNNER="$DIR/runner-$$"
dotnet build src/Tandem.Cli -c Release -v q -nologo -o "$RUNNER" >/dev/null
TANDEM="dotnet $RUNNER/tandem.dll"
if [ ! -f "$DIR/model/model.tandem" ]; then
  sed 's/"epochs": 20/"epochs": 3/' examples/movielens-history-genres.json > "$DIR/config.json"
  $TANDEM train --config "$DIR/config.json" --data-dir "$DATA" --out "$DIR/model" >/dev/null
fi
# Two files with the same weights: each reload still reads, checks and indexes a whole model.
cp "$DIR/model/model.tandem" "$DIR/model/a.tandem"
cp "$DIR/model/model.tandem" "$DIR/model/b.tandem"

Tandem__AdminKey=$KEY $TANDEM serve --model "$DIR/model/a.tandem" --data-dir "$DATA" --urls "http://127.0.0.1:$PORT" > "$DIR/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$RUNNER"' EXIT
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do
  kill -0 $server 2>/dev/null || { cat "$DIR/serve.log" >&2; exit 1; }
  sleep 1
done
load() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1" -s bench/serving/recommend.lua "http://127.0.0.1:$PORT" | grep '^RESULT'; }
load 10s >/dev/null # warm-up
echo "no reloads:   $(load "$DURATION")"
reloads=0 failed=0
(
  while true; do
    for m in b a; do
      code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Api-Key: $KEY" -H 'Content-Type: application/json' \
        -d "{\"model\": \"$DIR/model/$m.tandem\"}" "http://127.0.0.1:$PORT/admin/reload")
      echo "$code" >> "$DIR/reloads.txt"
    done
  done
) &
reloader=$!
: > "$DIR/reloads.txt"
echo "with reloads: $(load "$DURATION")"
kill $reloader; wait $reloader 2>/dev/null || true
echo "reloads: $(grep -c '^200$' "$DIR/reloads.txt") answered 200, $(grep -vc '^200$' "$DIR/reloads.txt") not"
