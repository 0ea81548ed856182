#!/usr/bin/env bash
# Exports a ledger document with the gridbook CLI and loads it with JavaScript Automerge.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
gb="${GRIDBOOK_BIN:-$here/../../target/debug/gridbook}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
village=$("$gb" --data "$dir" village add --name 桂花村 --json | sed 's/.*"id":"\([^"]*\)".*/\1/')
out=$("$gb" --data "$dir" household add --village "$village" --address 一组1号 \
  --head-name 张三丰 --head-id 11010519491231002X --json)
person=$(echo "$out" | sed 's/.*"person_id":"\([^"]*\)".*/\1/')
"$gb" --data "$dir" person set "$person" phone=13800138000 >/dev/null
"$gb" --data "$dir" doc export "ledger:$village" --out "$dir/ledger.automerge" >/dev/null
cd "$here"
[ -d node_modules/@automerge/automerge ] || npm ci --no-audit --no-fund --loglevel=error
node load_export.mjs "$dir/ledger.automerge" "$person" 张三丰
