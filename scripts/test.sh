#!/usr/bin/env bash
# Runs every test: installs the system libraries, checks the formatting, builds, runs `swift test`, then the
# README's demo (scripts/demo.sh) on a release build, which exercises the optimised binary end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The project's .swift-format, strictly: any warning fails the run (fix with `swift format -i -r -p Sources Tests`).
swift format lint --strict -r -p Sources Tests
echo "format: OK (swift format lint --strict, $(find Sources Tests -name '*.swift' | wc -l | tr -d ' ') files)"
swift build --build-tests
# GS1's reference event hash, which the EPCIS hash tests compare against.
bash scripts/install-epcis-hash.sh
# Shapely, which the plot geometry tests compare against.
bash scripts/install-shapely.sh
# openpyxl, which reads back the FSMA 204 workbooks the report tests write.
bash scripts/install-openpyxl.sh
# A PostgreSQL server of its own and a streaming replica of it, for the store tests (which run against both stores)
# and the read-replica tests; both stopped however the run ends.
postgres_dir="${TMPDIR:-/tmp}/prov-postgres-$$"
postgres_port="${PROV_TEST_POSTGRES_PORT:-55432}"
trap 'bash scripts/postgres-server.sh stop "$postgres_dir-replica"; bash scripts/postgres-server.sh stop "$postgres_dir"' EXIT
PROV_TEST_POSTGRES=$(bash scripts/postgres-server.sh start "$postgres_dir" "$postgres_port")
PROV_TEST_POSTGRES_REPLICA=$(bash scripts/postgres-server.sh replica "$postgres_dir-replica" $((postgres_port + 1)) "$postgres_port")
export PROV_TEST_POSTGRES PROV_TEST_POSTGRES_REPLICA
# On a failure, the failing tests' lines again at the end, where a truncated log still shows them.
swift test 2>&1 | tee .build/swift-test.log || {
    echo "swift test failed; its failing tests (full output in .build/swift-test.log):"
    grep -E "✘|recorded an issue|error:" .build/swift-test.log | tail -60
    exit 1
}
bash scripts/demo.sh > demo.log 2>&1 || { tail -40 demo.log; echo "the demo failed (full output in demo.log)"; exit 1; }
echo "demo: OK ($(grep -c '^.\[1m\$ prov' demo.log) commands; output in demo.log)"
# The HTTP API against Schemas/openapi.json: schemathesis, every phase, public and authenticated operations.
bash scripts/api-conformance.sh "$(swift build -c release --show-bin-path)/prov" demo
# EPCIS capture, query and verify through the REST interface of a real server (scripts/epcis-rest-check.py).
python3 scripts/epcis-rest-check.py "$(swift build -c release --show-bin-path)/prov" demo SampleData/demo/keys
# The web pages in a real browser, against a real server on the demo ledger (scripts/browser-test.py).
bash scripts/install-browser.sh
.build/browser-venv/bin/python scripts/browser-test.py --prov "$(swift build -c release --show-bin-path)/prov" \
    --demo demo --keys SampleData/demo/keys --out .build/browser
# Once more with the server on PostgreSQL: the demo ledger moved into a new database of the test cluster.
psql -q "$PROV_TEST_POSTGRES" -c "DROP DATABASE IF EXISTS browser_test" -c "CREATE DATABASE browser_test"
.build/browser-venv/bin/python scripts/browser-test.py --prov "$(swift build -c release --show-bin-path)/prov" \
    --demo demo --keys SampleData/demo/keys --out .build/browser-postgres \
    --postgres "${PROV_TEST_POSTGRES%%/postgres\?*}/browser_test?sslmode=disable"
