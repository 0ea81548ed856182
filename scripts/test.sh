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
# The UI tests' fake backend asks the command line for the checkpoint rules: build it first.
cargo build --locked -p gridbook
export GRIDBOOK_BIN="$PWD/target/debug/gridbook"
echo "== UI: unit tests (Vitest) and browser tests (Playwright in Chromium)"
(cd ui && npm test --silent && npm run test:browser --silent)
echo "== exported documents load in JavaScript Automerge"
bash tests/js/check.sh
