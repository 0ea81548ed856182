#!/usr/bin/env bash
# Sets everything up and runs gridbook: a local relay with a demo township (on first run),
# and the app enrolled with it, syncing in the background. Data lives in ./gridbook-data
# (DATA=... to change); the relay listens on 127.0.0.1:7878 (PORT=... to change).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

data="${DATA:-gridbook-data}"
port="${PORT:-7878}"
cargo build --release --locked -p gridbook -p gridbook-app
gb() { target/release/gridbook "$@"; }

if [ "$(gb --data "$data/relay" village list --json)" = "[]" ]; then
  echo "== 首次运行：生成演示乡镇（5个村、1000户）"
  gb --data "$data/relay" demo --villages 5 --households 1000 --seed 1
fi

gb --data "$data/relay" relay serve --listen "127.0.0.1:$port" > "$data/relay.log" 2>&1 &
relay_pid=$!
trap 'kill $relay_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do grep -q "http://" "$data/relay.log" 2>/dev/null && break; sleep 0.1; done
cat "$data/relay.log"

if ! gb --data "$data/app" device show --json | grep -q '"enrolled":true'; then
  token=$(gb --data "$data/relay" relay device add --township --role township --name 本机 --json \
    | sed 's/.*"token":"\([^"]*\)".*/\1/')
  gb --data "$data/app" enroll --relay "http://127.0.0.1:$port" --token "$token"
fi

echo "== 启动应用（数据目录 $data/app）"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  GRIDBOOK_DATA="$data/app" target/release/gridbook-app
else
  echo "没有图形显示：应用在虚拟显示（Xvfb）中运行；按 Ctrl+C 结束。"
  GRIDBOOK_DATA="$data/app" xvfb-run -a -s "-screen 0 1280x800x24" target/release/gridbook-app
fi
