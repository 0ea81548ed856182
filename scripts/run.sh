#!/usr/bin/env bash
# Sets everything up and runs gridbook on embedded defaults: a relay serving a demo township
# (made on first run) and a township device enrolled with it and synced, shown through the
# command line. Data lives in ./gridbook-data (DATA=...); the relay listens on 127.0.0.1:7878
# (PORT=...) until Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

data="${DATA:-gridbook-data}"
port="${PORT:-7878}"
cargo build --release --locked -p gridbook
gb() { target/release/gridbook "$@"; }
mkdir -p "$data"

if [ "$(gb --data "$data/relay" village list --json)" = "[]" ]; then
  echo "== 首次运行：生成演示乡镇（5个村、1000户）"
  gb --data "$data/relay" demo --villages 5 --households 1000 --seed 1
fi

gb --data "$data/relay" relay serve --listen "127.0.0.1:$port" > "$data/relay.log" 2>&1 &
relay_pid=$!
trap 'kill $relay_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do grep -q "http://" "$data/relay.log" 2>/dev/null && break; sleep 0.1; done
cat "$data/relay.log"

if ! gb --data "$data/device" device show --json | grep -q '"enrolled":true'; then
  token=$(gb --data "$data/relay" relay device add --township --role township --name 本机 --json \
    | sed 's/.*"token":"\([^"]*\)".*/\1/')
  gb --data "$data/device" enroll --relay "http://127.0.0.1:$port" --token "$token"
fi
echo "== 同步"
gb --data "$data/device" sync
echo "== 村（社区）"
gb --data "$data/device" village list
echo "== 搜索 zh（拼音首字母）"
gb --data "$data/device" search zh --limit 5
echo "== 近7天未核查的户（前5户）"
gb --data "$data/device" coverage --days 7 | head -n 6
echo
echo "设备数据：$data/device；中继数据：$data/relay；命令：target/release/gridbook --help"
echo "中继运行中（http://127.0.0.1:$port），按 Ctrl+C 结束。"
wait "$relay_pid"
