#!/usr/bin/env bash
# Training benchmark: Tandem vs the PyTorch reference (bench/reference/two_tower.py), the same
# two-tower model (bench/reference/README.md: leave-one-out histories, in-batch softmax with logQ
# and accidental-hit removal, Adam 1e-3, batch 1024) on the same seed-42 split of ml-latest-small,
# for a fixed number of epochs on every training rating (no early stopping), 2 threads each.
# PyTorch runs twice per seed: with SparseAdam for the tables (Tandem's lazy Adam: the same
# optimizer) and with dense Adam (PyTorch's default); the ratio is taken against the faster.
# Each implementation trains once per seed (init and batch order; the split stays seed 42),
# alternating; examples/s is the median over all runs, Recall@10 and NDCG@10 the mean over seeds
# with its standard error: one seed's recall moves by ±0.003 with the seed alone, more than the
# implementations differ, so a single seed cannot say which model is better.
# Usage: bench/training/run.sh [epochs] [seeds]   (defaults 10 and 42–51; about 18 minutes)
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs=${1:-10}
seeds=${2:-42,43,44,45,46,47,48,49,50,51}
data=${TANDEM_DATA:-../shared/datasets}
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
export OMP_WAIT_POLICY=passive   # PyTorch's fastest setting on a shared machine (bench/reference/README.md)
dotnet build bench/Tandem.Bench.Training -c Release -v q -nologo >/dev/null
tandem="dotnet bench/Tandem.Bench.Training/bin/Release/net10.0/Tandem.Bench.Training.dll"
runs=/tmp/tandem-training-runs.txt   # every run's JSON line, kept for inspection
echo "ml-latest-small, $epochs epochs, seeds $seeds, 2 threads, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for seed in ${seeds//,/ }; do
  $tandem --data-dir "$data" --epochs "$epochs" --threads 2 --seed "$seed" | sed "s/^/tandem /"
  /usr/bin/python3 bench/reference/two_tower.py --data-dir "$data" --epochs "$epochs" --threads 2 --seed "$seed" --sparse 2>/dev/null | sed "s/^/pytorch-sparse-adam /"
  /usr/bin/python3 bench/reference/two_tower.py --data-dir "$data" --epochs "$epochs" --threads 2 --seed "$seed" 2>/dev/null | sed "s/^/pytorch-adam /"
done | tee "$runs" | cut -c1-160
/usr/bin/python3 - "$runs" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, _, record = line.partition(" ")
    runs.setdefault(name, []).append(json.loads(record))
def stats(v, f):
    xs = [r[f] for r in v]
    return statistics.mean(xs), statistics.stdev(xs) / len(xs) ** 0.5 if len(xs) > 1 else 0.0, min(xs), max(xs)
med = {}
for k, v in runs.items():
    speed = statistics.median(r["examples_per_s"] for r in v)
    rec, ndcg = stats(v, "recall_at_10"), stats(v, "ndcg_at_10")
    med[k] = (speed, rec, ndcg)
    print(f"{k}: median {speed:,.0f} examples/s; Recall@10 {rec[0]:.4f} ± {rec[1]:.4f} ({rec[2]:.4f}–{rec[3]:.4f}); "
          f"NDCG@10 {ndcg[0]:.4f} ± {ndcg[1]:.4f} ({ndcg[2]:.4f}–{ndcg[3]:.4f}); {len(v)} runs")
best = max((k for k in med if k != "tandem"), key=lambda k: med[k][0])
t, p = med["tandem"], med[best]
ratio = t[0] / p[0]
diff, se = t[1][0] - p[1][0], (t[1][1] ** 2 + p[1][1] ** 2) ** 0.5
print(f"ratio tandem/{best} (the faster PyTorch): {ratio:.2f}x examples/s")
print(f"Recall@10 tandem - {best}: {diff:+.4f} (standard error of the difference {se:.4f}); NDCG@10 {t[2][0] - p[2][0]:+.4f}")
print(f"bar (>= 3x at equal or better mean Recall@10): {'met' if ratio >= 3 and diff >= 0 else 'NOT met'}")
PY
echo "runs: $runs"
