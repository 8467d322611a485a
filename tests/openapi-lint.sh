#!/usr/bin/env bash
# Lints the live service's /openapi/v1.json with Redocly's recommended rules, and with KIOTA set (the
# path of the kiota tool: dotnet tool install Microsoft.OpenApi.Kiota) regenerates clients/csharp/Generated from it.
# Needs npm (it fetches @redocly/cli unless REDOCLY points at an installed one), so it is not part of CI;
# OpenApiContractTests checks the rules the document once failed without the network.
# Usage: tests/openapi-lint.sh [DATA_DIR]   (default ../shared/datasets)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${1:-$root/../shared/datasets}"
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
dotnet build "$root/src/Tandem.Cli" -c Release -v quiet -nologo >/dev/null
tandem=(dotnet "$root/src/Tandem.Cli/bin/Release/net10.0/tandem.dll")
echo '{ "user": { "features": ["user", "history"] }, "item": { "features": ["item", "genres"] }, "training": { "epochs": 1 } }' > "$work/config.json"
"${tandem[@]}" train --config "$work/config.json" --data-dir "$data" --out "$work/model" >/dev/null
port=$((20000 + RANDOM % 20000))
"${tandem[@]}" serve --model "$work/model/model.tandem" --data-dir "$data" --urls "http://127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$port/openapi/v1.json" -o "$work/openapi.json"
redocly="${REDOCLY:-npx --yes @redocly/cli@2}"
$redocly lint "$work/openapi.json" --extends recommended
if [[ -n "${KIOTA:-}" ]]; then
  "$KIOTA" generate -l CSharp -d "$work/openapi.json" -c TandemClient -n Tandem.Client -o "$root/clients/csharp/Generated" --exclude-backward-compatible --clean-output
fi
