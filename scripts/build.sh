#!/usr/bin/env bash
# Builds the npm package into pkg/ with wasm-pack (--target web), puts the types' declarations
# into its .d.ts (scripts/declarations.mjs: they come from a build with tsify), minifies its
# JavaScript (release only), finishes its .d.ts and package.json (scripts/finish-pkg.mjs) and
# prints its size table.
# Usage: scripts/build.sh [--dev]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
cd "$root"
profile="--release"
[[ "${1:-}" == "--dev" ]] && profile="--dev"
wasm-pack --log-level warn build --target web "$profile" --out-dir pkg --out-name inbox_sender \
  -- --features pkg
node scripts/declarations.mjs pkg
[[ "$profile" == "--release" ]] && node scripts/minify.mjs pkg
node scripts/finish-pkg.mjs pkg
node scripts/size.mjs pkg
