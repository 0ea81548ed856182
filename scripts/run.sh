#!/usr/bin/env bash
# Sets everything up, fills a data directory with a demo township when it is empty, and
# shows it through the gridbook command line. DATA (default ./gridbook-data) picks the store.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

cargo build --release --locked -p gridbook
gb() { target/release/gridbook --data "${DATA:-gridbook-data}" "$@"; }
if [ "$(gb village list --json)" = "[]" ]; then
  gb demo --villages 5 --households 1000 --seed 1
fi
echo "== 村（社区）"
gb village list
echo "== 搜索 zh（拼音首字母）"
gb search zh --limit 5
echo "== 近7天未核查的户"
gb coverage --days 7 | head -n 6
echo
echo "数据目录：${DATA:-gridbook-data}；更多命令：target/release/gridbook --help"
