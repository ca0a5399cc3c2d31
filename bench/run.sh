#!/usr/bin/env bash
# Builds the release package (scripts/build.sh) and runs the benchmark.
# Usage: bench/run.sh [--quick]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
# twiggy names the wasm's top contributors in the size section (about 2 minutes to install once).
command -v twiggy >/dev/null || cargo install twiggy --locked
"$root/scripts/build.sh"
cd "$root"
node bench/run.mjs "$@"
