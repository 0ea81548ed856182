#!/usr/bin/env bash
# Sets everything up and runs every check: formatting, clippy with warnings as errors, and
# all tests of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked --no-fail-fast
echo "== UI: unit tests (Vitest) and browser tests (Playwright in Chromium)"
(cd ui && npm test --silent && npm run test:browser --silent)
echo "== exported documents load in JavaScript Automerge"
cargo build --locked -p gridbook
GRIDBOOK_BIN="$PWD/target/debug/gridbook" bash tests/js/check.sh
