#!/usr/bin/env bash
# Runs every test of the solution in Release and ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Tandem.sln -c Release 2>&1 | tee "$log" || status=$?
# The dotnet tool: packed, installed from a local feed into a temporary tool path, run.
bash tests/tool-install.sh || status=1
# dotnet test prints one "Passed!/Failed!  - Failed: F, Passed: P, ..." line per test project.
summary=$(sed -n 's/.*Failed: *\([0-9]*\), Passed: *\([0-9]*\), Skipped: *\([0-9]*\).*/\1 \2 \3/p' "$log" |
  awk '{ f += $1; p += $2; s += $3 } END { printf "%d passed, %d failed, %d skipped\n", p, f, s }')
echo "$summary"
# A run that found no tests (a broken solution file) must not pass.
[[ $summary == 0\ passed* ]] && status=1
exit "$status"
