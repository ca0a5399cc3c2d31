#!/usr/bin/env bash
# Builds the Worker into build/ with worker-build, offline: worker-build would download
# wasm-bindgen and wasm-opt from GitHub and esbuild from npm's registry; the *_BIN variables
# point it at the ones this repository installs instead (scripts/setup.sh: the wasm-bindgen
# CLI matching Cargo.lock, wasm-opt from npm's binaryen, esbuild from npm).
# Usage: examples/rust-worker/build.sh [--dev]   (wrangler.toml's build command runs it too)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# Installs what is missing (worker-build, wasm-bindgen, npm packages) and sets PATH.
source "$root/scripts/setup.sh"
export WASM_BINDGEN_BIN="$(command -v wasm-bindgen)"
export WASM_OPT_BIN="$root/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$root/node_modules/.bin/esbuild"
cd "$here"
profile="--release"
[[ "${1:-}" == "--dev" ]] && profile="--dev"
worker-build "$profile"
