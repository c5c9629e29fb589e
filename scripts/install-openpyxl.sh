#!/usr/bin/env bash
# Installs openpyxl (PyPI 3.1.5) in a virtualenv at .build/xlsx-venv: the tests read the .xlsx workbooks that
# `prov report fsma204` writes back through it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .build/xlsx-venv/bin/python ]; then
    python3 -m venv .build/xlsx-venv
fi
.build/xlsx-venv/bin/python -c "import openpyxl" 2>/dev/null || .build/xlsx-venv/bin/pip install -q "openpyxl==3.1.5"
