#!/usr/bin/env bash
# Training benchmark: Tandem vs the PyTorch reference (bench/reference/two_tower.py), the same
# two-tower model (bench/reference/README.md: leave-one-out histories, in-batch softmax with logQ
# and accidental-hit removal, Adam 1e-3, batch 1024) on the same seed-42 split of ml-latest-small,
# for a fixed number of epochs on every training rating (no early stopping), 2 threads each.
# PyTorch runs twice per round: with SparseAdam for the tables (Tandem's lazy Adam: the same
# optimizer) and with dense Adam (PyTorch's default); the ratio is taken against the faster.
# Three alternating rounds; medians of examples/s (training loops only) and each Recall@10.
# Usage: bench/training/run.sh [epochs]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs=${1:-10}
data=${TANDEM_DATA:-../shared/datasets}
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
export OMP_WAIT_POLICY=passive   # PyTorch's fastest setting on a shared machine (bench/reference/README.md)
dotnet build bench/Tandem.Bench.Training -c Release -v q -nologo >/dev/null
tandem="dotnet bench/Tandem.Bench.Training/bin/Release/net10.0/Tandem.Bench.Training.dll"
runs=/tmp/tandem-training-runs.txt   # every run's JSON line, kept for inspection
echo "ml-latest-small, $epochs epochs, 2 threads, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for i in 1 2 3; do
  $tandem --data-dir "$data" --epochs "$epochs" --threads 2 | sed "s/^/tandem /"
  /usr/bin/python3 bench/reference/two_tower.py --data-dir "$data" --epochs "$epochs" --threads 2 --sparse 2>/dev/null | sed "s/^/pytorch-sparse-adam /"
  /usr/bin/python3 bench/reference/two_tower.py --data-dir "$data" --epochs "$epochs" --threads 2 2>/dev/null | sed "s/^/pytorch-adam /"
done | tee "$runs" | cut -c1-160
/usr/bin/python3 - "$runs" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, _, record = line.partition(" ")
    runs.setdefault(name, []).append(json.loads(record))
med = {k: {f: statistics.median(r[f] for r in v) for f in ("examples_per_s", "recall_at_10", "ndcg_at_10")} for k, v in runs.items()}
for k, m in med.items():
    print(f"median {k}: {m['examples_per_s']:,.0f} examples/s, Recall@10 {m['recall_at_10']:.4f}, NDCG@10 {m['ndcg_at_10']:.4f} ({len(runs[k])} runs)")
best = max((k for k in med if k != "tandem"), key=lambda k: med[k]["examples_per_s"])
t, p = med["tandem"], med[best]
ratio = t["examples_per_s"] / p["examples_per_s"]
print(f"ratio tandem/{best} (the faster PyTorch): {ratio:.2f}x examples/s; Recall@10 {t['recall_at_10']:.4f} vs {p['recall_at_10']:.4f}")
print(f"bar (>= 3x at equal or better Recall@10): {'met' if ratio >= 3 and t['recall_at_10'] >= p['recall_at_10'] else 'NOT met'}")
PY
echo "runs: $runs"
