#!/usr/bin/env bash
# Installs Shapely (PyPI 2.0.6) in a virtualenv at .build/geo-venv: the tests check the plot geometry checks and
# areas (Sources/LedgerCore/Geo) against it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .build/geo-venv/bin/python ]; then
    python3 -m venv .build/geo-venv
fi
.build/geo-venv/bin/python -c "import shapely" 2>/dev/null || .build/geo-venv/bin/pip install -q "shapely==2.0.6"
