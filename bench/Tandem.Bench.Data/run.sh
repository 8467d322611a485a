#!/usr/bin/env bash
# Data benchmark: reading and encoding a generated 10-million-row interaction CSV.
# Runs Tandem and the pandas reference alternately, three times each, and prints the medians
# and their ratio. Usage: bench/Tandem.Bench.Data/run.sh [rows]   (default 10000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-10000000}
csv=/tmp/tandem-bench-$rows.csv
dotnet build bench/Tandem.Bench.Data -c Release -v q -nologo >/dev/null
bench="dotnet bench/Tandem.Bench.Data/bin/Release/net10.0/Tandem.Bench.Data.dll"
[ -f "$csv" ] || $bench generate "$csv" "$rows"
echo "file: $csv ($(stat -c %s "$csv") bytes), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for i in 1 2 3; do
  # wall seconds and CPU seconds of the whole process, measured outside it.
  /usr/bin/time -f "process_wall_s=%e process_cpu_s=%U+%S" -o /tmp/tandem-bench-time $bench run "$csv" | sed "s/^/tandem $i: /" | tr '\n' ' '
  cat /tmp/tandem-bench-time
  /usr/bin/time -f "process_wall_s=%e process_cpu_s=%U+%S" -o /tmp/tandem-bench-time /usr/bin/python3 bench/Tandem.Bench.Data/reference.py "$csv" | sed "s/^/pandas $i: /" | tr '\n' ' '
  cat /tmp/tandem-bench-time
done | tee /tmp/tandem-bench-runs.txt
/usr/bin/python3 - <<'PY'
import re, statistics
runs = {"tandem": [], "pandas": []}
for line in open("/tmp/tandem-bench-runs.txt"):
    name = line.split()[0]
    f = dict(re.findall(r"(\w+)=([\d.+]+)", line))
    rows = int(f["rows"]); wall = float(f["process_wall_s"]); cpu = sum(map(float, f["process_cpu_s"].split("+")))
    runs[name].append((rows / wall, rows / cpu, int(f["peak_mb"]), wall, cpu))
med = {k: [statistics.median(x[i] for x in v) for i in range(5)] for k, v in runs.items()}
for k, (rw, rc, mb, wall, cpu) in med.items():
    print(f"median {k}: {rw / 1e6:.2f} M rows/s wall ({wall:.1f} s), {rc / 1e6:.2f} M rows/s per CPU-second ({cpu:.1f} CPU-s), peak {mb} MB")
print(f"ratio tandem/pandas: {med['tandem'][0] / med['pandas'][0]:.2f}x wall, {med['tandem'][1] / med['pandas'][1]:.2f}x per CPU-second")
PY
