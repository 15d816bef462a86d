#!/usr/bin/env bash
# The whole test suite, as a newcomer and CI run it: formatting, lints, every test.
# Usage: bash tests/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo not found: install the Rust toolchain (https://rustup.rs) and retry" >&2
  exit 2
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --all-targets --locked -- -D warnings

step "Docker daemon and test images for the live tests (tests/docker/scenario.sh)"
if [ "$(id -u)" = 0 ] || docker info >/dev/null 2>&1; then
  bash tests/docker/scenario.sh ensure-daemon
  bash tests/docker/scenario.sh build-image
elif [ "${CI:-}" = true ]; then
  echo "CI needs a Docker daemon: run as root so tests/docker/scenario.sh can start one" >&2
  exit 1
else
  echo "not root and no Docker daemon: the live Docker tests will be skipped" >&2
fi

step "tmux for the end-to-end terminal test (tests/tui_e2e.rs)"
if command -v tmux >/dev/null 2>&1; then
  tmux -V
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null
  }
  tmux -V
elif [ "${CI:-}" = true ]; then
  echo "CI needs tmux for the end-to-end TUI test: install it (apt-get install tmux)" >&2
  exit 1
else
  echo "tmux not found: the end-to-end TUI test will be skipped" >&2
fi

step "cargo test (unit and integration tests; clippy above already type-checks the benches)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
cargo test --lib --bins --tests --locked --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -Eo '[0-9]+ passed' "$log" | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
printf '\n%s passed, %s failed\n' "$passed" "$failed"
exit "$status"
