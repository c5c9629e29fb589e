#!/usr/bin/env bash
# Installs GS1's reference implementation of the CBV 2.0 event hash (PyPI epcis-event-hash-generator 1.9.3) in a
# virtualenv at .build/epcis-hash-venv: the tests check `prov epcis hash` against it on GS1's examples.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .build/epcis-hash-venv/bin/python ]; then
    python3 -m venv .build/epcis-hash-venv
fi
.build/epcis-hash-venv/bin/python -c "import epcis_event_hash_generator" 2>/dev/null \
    || .build/epcis-hash-venv/bin/pip install -q "epcis-event-hash-generator==1.9.3"
