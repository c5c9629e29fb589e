#!/usr/bin/env bash
# Runs every test: installs the system libraries, builds, and runs `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --build-tests
swift test
