#!/usr/bin/env bash
# Runs every check and test: formatting, clippy (native and wasm32), native tests, the package
# build and its size budget, the wasm-bindgen-test suites in Node, a Chromium page, a Chromium
# service worker and a Firefox page, the JavaScript package tests in Node and the other runtimes, the
# TypeScript consumer check and the browser tests (Chromium, Firefox, WebKit). Installs whatever
# is missing first (scripts/setup.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
source "$root/scripts/emulator.sh"
cd "$root"
trap stop_emulator EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -q -- -D warnings
cargo clippy -p inbox-sender --all-targets --target wasm32-unknown-unknown -q -- -D warnings
# Every feature but `pkg`, whose panic handler only the shipped wasm (no std) may have; it gets
# its own line, the library alone.
cargo clippy -p inbox-sender --all-targets --features js,types,allocator --target wasm32-unknown-unknown -q -- -D warnings
cargo clippy -p inbox-sender --lib --features pkg --target wasm32-unknown-unknown -q -- -D warnings

step "native tests (crate and emulator)"
cargo test --workspace -q

step "package build (pkg/) and size budget"
scripts/build.sh
node scripts/check-size.mjs pkg

step "publishable as it stands (LICENSE, CHANGELOG, cargo package and doc, pkg/package.json, npm pack, .d.ts docs)"
node scripts/check-publish.mjs pkg

step "wasm-bindgen-test: Node, Chromium page, Chromium service worker, Firefox page"
# One emulator serves all four suites: X's per-sender limit (200 per 15 minutes) would be a
# budget they share, and they are not about it (tests/js/exactly-once.test.mjs is).
start_emulator --sender-limits none
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --target wasm32-unknown-unknown --test node --test browser --test service_worker
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
GECKODRIVER="$(command -v geckodriver)" \
  cargo test --target wasm32-unknown-unknown --test browser
stop_emulator

step "wasm-bindgen-test: the npm package's allocator (feature allocator) in Node"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --features allocator --test allocator

step "JavaScript package tests (node --test)"
node --test --test-timeout=180000 tests/js/

step "the packed npm package installed in an empty app: Node, Deno, Bun, a wrangler-bundled Worker, Vercel's Edge Runtime (README quick starts as written)"
node --test --test-timeout=180000 tests/runtimes/

step "JavaScript package in headless Chromium (fault suite in a page)"
node --test --test-timeout=180000 tests/browser/chromium.test.mjs

step "JavaScript package in headless Firefox and WebKit (fault suite in a page, through WebDriver)"
node --test --test-timeout=300000 tests/browser/firefox.test.mjs tests/browser/webkit.test.mjs

step "demo page in Chromium (scripts/demo.sh --no-build)"
node --test --test-timeout=180000 tests/demo/

step "Cloudflare Worker example (workerd via Miniflare)"
node --test --test-timeout=180000 examples/cloudflare-worker/test/

step "Vite app example (vite build of the packed package, sent from Chromium)"
node --test --test-timeout=180000 examples/vite-app/test/

step "Rust Worker example (workers-rs + the crate, worker-build, workerd via Miniflare)"
(cd examples/rust-worker && cargo fmt --check && cargo clippy --target wasm32-unknown-unknown -q -- -D warnings)
examples/rust-worker/build.sh
node --test --test-timeout=180000 examples/rust-worker/test/

step "campaign core: a sweep of seeds of the simulation (every window mode, who opens first-request windows, and background shape, with faults and outages; sequences with replies and sending hours)"
for shape in even burst; do
  for windows in "clock" "first-request --opener other" "first-request --opener us"; do
    # shellcheck disable=SC2086 # $windows holds the window mode and, for first-request, its opener
    npm --prefix campaign run --silent simulate -- --prospects 2000 --senders 20 --seeds 1..8 --background-shape "$shape" --windows $windows
  done
done
# Sequences of three steps with a fifth of the prospects replying (some between a look at the
# events and a send), without and with sending hours across the end of daylight saving, and with
# replies through the events feed alone.
for extra in "--hours off" "--hours on" "--hours on --webhooks off --windows first-request --background-shape burst"; do
  # shellcheck disable=SC2086 # $extra holds several options
  npm --prefix campaign run --silent simulate -- --prospects 2000 --senders 20 --seeds 1..4 --steps 3 --replies 0.2 $extra
done

step "campaign Worker (workerd via Miniflare: Queues, Durable Objects) against the emulator, with its scale run"
node --test --test-concurrency=1 --test-timeout=900000 campaign/test/*.test.mjs

step "Chrome MV3 extension example (Chromium with the unpacked extension)"
node --test --test-timeout=180000 examples/chrome-extension/test/

step "benchmark smoke run (bench/, --quick; prints figures, does not gate on them)"
node bench/run.mjs --quick

step "TypeScript consumer (tsc --strict, TypeScript 5.0 … 7.0 × bundler/node16) and .d.ts snapshot"
node scripts/check-types.mjs

echo
echo "all tests passed"
