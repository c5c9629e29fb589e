#!/usr/bin/env bash
# Holds the HTTP API to its description: schemathesis (pinned, in .build/schemathesis-venv) runs every phase
# (examples, coverage, fuzzing, stateful) with every check over every operation of Schemas/openapi.json, against a
# real `prov serve` on a copy of the demo ledger. Authenticated operations are called with tokens the run obtains by
# logging in with the demo keys (scripts/schemathesis_auth.py). Fails on any failure or error.
# Usage: scripts/api-conformance.sh PROV DEMO_FOLDER   (after scripts/demo.sh: "$(swift build -c release
# --show-bin-path)/prov" demo)
set -euo pipefail
cd "$(dirname "$0")/.."
prov="$1"
demo="$2"
version="4.32.5"
venv=.build/schemathesis-venv
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "schemathesis==$version"
fi
work="$(mktemp -d)"
cp "$demo"/ledger.sqlite* "$demo"/ledger.operator.pem "$demo"/ledger.operator.pub.pem "$work/"
# The producer farm-gh leaves its key with the server, so raw CSV and XML batches are signed and tested too.
mkdir "$work/signing-keys"
cp SampleData/demo/keys/DEMO-ONLY-farm-gh.pem "$work/signing-keys/"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$prov" serve --ledger "$work/ledger.sqlite" --port "$port" --signing-keys "$work/signing-keys" --log-level warning > "$work/serve.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
python3 - "$port" <<'PY'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=2)
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("prov serve did not answer /healthz within 30 s")
PY
export PROVENANCE_API_URL="http://127.0.0.1:$port" PROVENANCE_API_KEYS="$PWD/SampleData/demo/keys"
export SCHEMATHESIS_HOOKS="$PWD/scripts/schemathesis_auth.py"
started=$(date +%s)
status=0
"$venv/bin/schemathesis" --config-file scripts/schemathesis.toml run Schemas/openapi.json --url "$PROVENANCE_API_URL" \
    --phases examples,coverage,fuzzing,stateful --checks all --seed 1 --no-color \
    --report junit --report-dir .build/schemathesis > .build/schemathesis.log 2>&1 || status=$?
summary="$(grep -E '^=+ .* in [0-9.]+s =+$' .build/schemathesis.log | tail -1)"
cases="$(grep -E '^  [0-9]+ generated' .build/schemathesis.log | tail -1 | sed 's/^ *//')"
if [ "$status" -ne 0 ] || ! kill -0 "$server" 2>/dev/null; then
    tail -120 .build/schemathesis.log
    tail -20 "$work/serve.log"
    echo "api conformance FAILED (schemathesis $version, exit $status): $summary"
    exit 1
fi
echo "api conformance: OK (schemathesis $version, all phases, $cases, $(( $(date +%s) - started )) s): $summary"
