#!/usr/bin/env bash
# Installs what the browser test needs: Debian's Chromium and its WebDriver (apt), and selenium from
# PyPI in a virtualenv at .build/browser-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi
if [ ! -x .build/browser-venv/bin/python ]; then
    python3 -m venv .build/browser-venv
fi
.build/browser-venv/bin/python -c "import selenium" 2>/dev/null || .build/browser-venv/bin/pip install -q "selenium>=4.20"
