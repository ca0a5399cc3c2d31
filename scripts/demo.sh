#!/usr/bin/env bash
# The demo: builds the package and the emulator, then serves the page (www/) from the emulator
# and prints the URL to open. Ctrl-C stops it.
# Usage: scripts/demo.sh [--port N] [--no-build]
#   --port N    port on 127.0.0.1 (default: $PORT, else 8787; 0 picks a free one)
#   --no-build  skip installing and building (pkg/ and the emulator binary must exist);
#               the browser test starts the demo this way
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { sed -n '4,7s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
port="${PORT:-8787}"
build=1
while (($#)); do
  case "$1" in
    --port) port="${2:?--port needs a value}"; shift 2 ;;
    --port=*) port="${1#--port=}"; shift ;;
    --no-build) build=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "demo: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

cd "$root"
if ((build)); then
  source scripts/setup.sh
  scripts/build.sh
  cargo build -q -p inbox-emulator --release
fi

# The page imports ./pkg/inbox_sender.js: put the built package next to it (www/pkg/ is
# git-ignored).
mkdir -p www/pkg
cp pkg/inbox_sender.js pkg/inbox_sender_bg.wasm www/pkg/

emulator="${CARGO_TARGET_DIR:-target}/release/inbox-emulator"
exec 3< <(exec "$emulator" --port "$port" --serve-dir "$root/www")
emulator_pid=$!

# Ctrl-C reaches only this shell (a background job of a script ignores SIGINT): stop the
# emulator here, and on any other exit too.
stop() {
  kill "$emulator_pid" 2>/dev/null || true
  wait "$emulator_pid" 2>/dev/null || true
}
trap stop EXIT
trap 'exit 0' INT TERM

# The emulator's first two lines: "inbox-emulator listening on <url>" and "token: <token>".
if ! read -r listening <&3 || ! read -r token_line <&3; then
  echo "demo: the emulator did not start (is port $port in use? try --port 0)" >&2
  exit 1
fi
url="${listening##* }"
echo "demo: open $url/"
echo "demo: ${token_line} (the page fills it in; it talks to the emulator at $url)"
echo "demo: Ctrl-C stops the emulator"
wait "$emulator_pid"
