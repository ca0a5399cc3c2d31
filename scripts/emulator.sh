#!/usr/bin/env bash
# Helpers to start the emulator on a free loopback port and stop it again. Sourced.
# After `start_emulator`, INBOX_EMULATOR_URL and INBOX_EMULATOR_TOKEN are exported.

start_emulator() {
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cargo build -q -p inbox-emulator --release
  local log; log="$(mktemp)"
  "$root/target/release/inbox-emulator" --port 0 "$@" >"$log" 2>&1 &
  EMULATOR_PID=$!
  for _ in $(seq 100); do
    if grep -q "listening on" "$log"; then break; fi
    sleep 0.05
  done
  INBOX_EMULATOR_URL="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$log" | head -1)"
  INBOX_EMULATOR_TOKEN="$(sed -n 's/^token: //p' "$log" | head -1)"
  if [[ -z "$INBOX_EMULATOR_URL" ]]; then
    cat "$log" >&2
    echo "the emulator did not start" >&2
    return 1
  fi
  export INBOX_EMULATOR_URL INBOX_EMULATOR_TOKEN EMULATOR_PID
}

stop_emulator() {
  if [[ -n "${EMULATOR_PID:-}" ]]; then
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
    EMULATOR_PID=""
  fi
}
