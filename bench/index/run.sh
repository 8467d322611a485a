#!/usr/bin/env bash
# Vector-index benchmark: Tandem vs FAISS vs hnswlib on the same .npy files, side by side.
#   bench/index/run.sh 1000000          # the issue's size: 1,000,000 x 64-d items, 1,000 queries (the default size)
#   bench/index/run.sh 100000           # a quicker run
#   CASES="ivfpq flat" bench/index/run.sh 100000   # only some cases; results of earlier runs of other cases are kept
#   bench/index/run.sh 1000000 --data-only         # only write the .npy files and a Tandem HNSW index (for the serving benchmark)
#   CASES=refine bench/index/run.sh 1000000         # compressed indexes + exact re-ranking: Tandem IVF4000,PQ32x4fs,Refine16
#                                                   # vs FAISS IVF4000,PQ32x4fs,RFlat and IVF4000,PQ16,RFlat (k_factor 16)
#   SIMD="native avx2" bench/index/run.sh 100000    # Tandem also with AVX-512 switched off in the runtime (DOTNET_EnableAVX512=0)
# Writes $DIR/{items,queries,truth}.npy, $DIR/results-<case>.jsonl, $DIR/table.md and
# docs/images/index-recall-qps-<N>.png; DIR defaults to /tmp/tandem-bench-index-<N>.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-1000000}
DATA_ONLY=0
for arg in "$@"; do
  case $arg in
    --data-only) DATA_ONLY=1 ;;
    *[!0-9]*|'') echo "run.sh: unknown argument '$arg' (expected a vector count such as 1000000, or --data-only)" >&2; exit 2 ;;
    *) N=$arg ;;
  esac
done
DIR=${DIR:-/tmp/tandem-bench-index-$N}
QUERIES=${QUERIES:-1000}
FLAT_QUERIES=${FLAT_QUERIES:-1000}
CASES=${CASES:-"hnsw ivfpq flat"}
PY=/usr/bin/python3

dpkg -s python3-faiss python3-hnswlib python3-numpy python3-matplotlib >/dev/null 2>&1 \
  || apt-get install -y python3-faiss python3-hnswlib python3-numpy python3-matplotlib >/dev/null
mkdir -p "$DIR"
if [ ! -f "$DIR/items.npy" ] || [ "$($PY -c "import numpy; print(numpy.load('$DIR/items.npy', mmap_mode='r').shape[0])")" != "$N" ]; then
  $PY bench/index/generate.py --out "$DIR" --n "$N" --queries "$QUERIES"
fi
if [ "$DATA_ONLY" = 1 ]; then
  # The benchmark's HNSW settings (M=16, efConstruction=200), built by the CLI into Tandem's index format.
  [ -f "$DIR/items.idx" ] || dotnet run -c Release --project src/Tandem.Cli -v q -- index build \
    --vectors "$DIR/items.npy" --spec HNSW16,efC200 --out "$DIR/items.idx"
  echo "$DIR: items.npy ($N x 64), queries.npy, truth.npy (exact top-10 ids), items.idx (HNSW16,efC200)"
  exit 0
fi
# A private copy of the Tandem runner, so rebuilding the repository during a long run changes nothing.
RUNNER="$DIR/runner-$$"
dotnet build bench/Tandem.Bench.Index -c Release -v q -nologo -o "$RUNNER" >/dev/null
# OpenBLAS's core-type override (set on this machine for old builds) slows FAISS's BLAS: unset it for the reference runs only.
REF="env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE $PY bench/index/reference.py --dir $DIR --flat-queries $FLAT_QUERIES"
# SIMD lists the levels Tandem runs at, each right after the references, e.g. SIMD="native avx2":
# avx2 switches AVX-512 off in the runtime (DOTNET_EnableAVX512=0, the .NET 10 switch), vector128 AVX2 too.
SIMD=${SIMD:-native}
for level in $SIMD; do
  case $level in native|avx2|vector128) ;; *) echo "run.sh: SIMD levels are native, avx2 or vector128, not '$level'" >&2; exit 2 ;; esac
done
tandem() {
  for level in $SIMD; do
    case $level in
      native) run dotnet "$RUNNER/Tandem.Bench.Index.dll" --dir "$DIR" --flat-queries "$FLAT_QUERIES" "$@" ;;
      avx2) run env DOTNET_EnableAVX512=0 dotnet "$RUNNER/Tandem.Bench.Index.dll" --dir "$DIR" --flat-queries "$FLAT_QUERIES" "$@" ;;
      vector128) run env DOTNET_EnableAVX512=0 DOTNET_EnableAVX2=0 dotnet "$RUNNER/Tandem.Bench.Index.dll" --dir "$DIR" --flat-queries "$FLAT_QUERIES" "$@" ;;
    esac
  done
}
for case in $CASES; do
  OUT="$DIR/results-$case.jsonl"
  : > "$OUT"
  run() { echo "== $*" >&2; "$@" | tee -a "$OUT"; }
  case $case in
    hnsw)  run $REF --lib hnswlib --case hnsw
           tandem --case hnsw
           run $REF --lib faiss --case hnsw ;;
    ivfpq) run $REF --lib faiss --case ivfpq
           tandem --case ivfpq ;;
    flat)  OPENBLAS_NUM_THREADS=2 run $REF --lib faiss --case flat
           tandem --case flat ;;
    refine) run $REF --lib faiss --case refine --spec IVF4000,PQ32x4fs,RFlat --k-factor 16
           run $REF --lib faiss --case refine --spec IVF4000,PQ16,RFlat --k-factor 16
           tandem --case refine --spec IVF4000,PQ32x4fs,Refine16 ;;
  esac
done
rm -rf "$RUNNER"
$PY bench/index/report.py "$DIR"/results-*.jsonl --table "$DIR/table.md" --plot "docs/images/index-recall-qps-$N.png"
cat "$DIR/table.md"
