#!/usr/bin/env bash
# The long run of the fault suite (tests/Tandem.Cli.Tests/Faults): kill -9 at random points of every
# kind of save the CLI makes (model and checkpoint by `tandem train`, index by `tandem index build`,
# calibration by `tandem calibrate`), TRIALS per kind, each trial checking that the file is whole
# afterwards and that no temporary file is left once the next start has cleaned up; then the damaged-file
# and malformed-input corpora. Prints one table row per kind and writes them to $OUT.
#   bench/faults/run.sh               # the published run: 20 trials per kind
#   TRIALS=3 bench/faults/run.sh      # a quick check
set -euo pipefail
cd "$(dirname "$0")/../.."
TRIALS=${TRIALS:-20}
OUT=${OUT:-/tmp/tandem-faults.md}
: > "$OUT"
dotnet build tests/Tandem.Cli.Tests -c Release -v q -nologo >/dev/null
dotnet build tests/Tandem.Data.Tests -c Release -v q -nologo >/dev/null
start=$(date +%s)
TANDEM_FAULT_TRIALS=$TRIALS TANDEM_FAULT_REPORT="$OUT" \
  dotnet test tests/Tandem.Cli.Tests -c Release --no-build --filter "FullyQualifiedName~Tandem.Cli.Tests.Faults" --logger "console;verbosity=minimal"
dotnet test tests/Tandem.Data.Tests -c Release --no-build --filter "FullyQualifiedName~MalformedInput" --logger "console;verbosity=minimal"
echo
echo "| save | kill -9 trials | killed inside the save | killed after its rename | files lost | temporary files after the next start | runs whose save was missed (retried) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
cat "$OUT"
echo "($(( $(date +%s) - start )) s; $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
