#!/usr/bin/env bash
# Installs every tool the build and the tests need, skipping what is already present at the
# right version, so a warm machine stays fast and a fresh one still works. Sourced by the
# other scripts; it leaves PATH with the project's wasm-bindgen and npm's wasm-opt first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Tools installed below (cargo install, npm) are found first from here on.
export PATH="$root/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# The wasm-bindgen version the crate is locked to: the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock"
}

ensure_rust_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_wasm_bindgen() {
  local want; want="$(wasm_bindgen_version)"
  if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $want" ]]; then
    log "installing wasm-bindgen-cli $want (about 2 minutes)"
    # Not --locked: the CLI's own lockfile pins a crate the registry no longer has.
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_wasm_pack() {
  if ! command -v wasm-pack >/dev/null; then
    log "installing wasm-pack (about 2 minutes)"
    cargo install wasm-pack --locked
  fi
}

# worker-build for examples/rust-worker, at the version of the `worker` crate in its lockfile.
ensure_worker_build() {
  local want
  want="$(awk '/^name = "worker"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/examples/rust-worker/Cargo.lock")"
  if [[ "$(worker-build --version 2>/dev/null || true)" != "$want" ]]; then
    log "installing worker-build $want (about 3 minutes)"
    cargo install worker-build --version "$want" --locked
  fi
}

# Debian packages from apt, in one apt-get run for whatever is missing: Chromium and ChromeDriver,
# brotli (the size table), and for the Firefox and WebKit page tests (tests/browser/) Firefox
# ESR, WebKitGTK's WebDriver with its MiniBrowser, and Xvfb (MiniBrowser needs a display).
ensure_apt_packages() {
  local missing=() pair
  for pair in chromium:/usr/bin/chromium chromium-driver:/usr/bin/chromedriver brotli:/usr/bin/brotli \
    firefox-esr:/usr/bin/firefox-esr webkit2gtk-driver:/usr/bin/WebKitWebDriver xvfb:/usr/bin/xvfb-run; do
    [[ -x "${pair#*:}" ]] || missing+=("${pair%%:*}")
  done
  if (( ${#missing[@]} )); then
    log "installing ${missing[*]} from apt (about 2 minutes for all)"
    local sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# geckodriver, which drives Firefox, from crates.io (its npm package downloads from GitHub).
ensure_geckodriver() {
  local want="0.37.1"
  if [[ "$(geckodriver --version 2>/dev/null | head -1 || true)" != "geckodriver $want"* ]]; then
    log "installing geckodriver $want (about 3 minutes)"
    cargo install geckodriver --version "$want" --locked
  fi
}

# npm ci in a folder with a package-lock.json, only when the lockfile changed since the last
# install there.
ensure_npm() {
  local dir="$1" stamp="$1/node_modules/.lock-stamp"
  if ! [[ -f "$stamp" ]] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    log "installing npm packages in ${dir#"$root"/} from its package-lock.json"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
}

ensure_rust_target
ensure_apt_packages
ensure_npm "$root"
for lock in "$root"/{examples/*,bench,www,tests/ts,campaign}/package-lock.json; do
  [[ -f "$lock" ]] && ensure_npm "$(dirname "$lock")"
done
ensure_wasm_bindgen
ensure_wasm_pack
ensure_worker_build
ensure_geckodriver
