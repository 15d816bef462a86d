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

step "cargo test (unit, integration, doc tests)"
cargo test --all-targets --locked
cargo test --doc --locked
