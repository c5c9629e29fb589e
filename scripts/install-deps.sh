#!/usr/bin/env bash
# Installs the system libraries Provenance links against, with apt-get (Debian, Ubuntu).
# Swift 6.1 or later must already be on PATH (https://www.swift.org/install/).
set -euo pipefail
packages=(libssl-dev libxml2-dev libcsv-dev libsqlite3-dev openssl pkg-config)
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
# Only when something is missing: the test command and the demo both call this script.
installed() { [ "$(dpkg-query -W -f='${Status}\n' "$@" 2>/dev/null | grep -c '^install ok installed$')" -eq "$#" ]; }
if ! installed "${packages[@]}"; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "swift is not on PATH; install Swift 6.1+ first" >&2; exit 1; }
