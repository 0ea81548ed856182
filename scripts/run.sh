#!/usr/bin/env bash
# Sets everything up and runs gridbook on embedded defaults: a relay serving a demo township
# (made on first run) and the app on a township device enrolled with it, which syncs with the
# relay in the background. Data lives in ./gridbook-data (DATA=...); the relay listens on
# 127.0.0.1:7878 (PORT=...). Without a display (DISPLAY/WAYLAND_DISPLAY unset) the app runs
# on a virtual one (Xvfb) and the relay keeps serving; Ctrl+C ends both.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

data="${DATA:-gridbook-data}"
port="${PORT:-7878}"
cargo build --release --locked -p gridbook -p gridbook-app
gb() { target/release/gridbook "$@"; }
mkdir -p "$data"

if [ "$(gb --data "$data/relay" village list --json)" = "[]" ]; then
  echo "== 首次运行：生成演示乡镇（5个村、1000户）"
  gb --data "$data/relay" demo --villages 5 --households 1000 --seed 1 --activity
fi

gb --data "$data/relay" relay serve --listen "127.0.0.1:$port" > "$data/relay.log" 2>&1 &
relay_pid=$!
app_pid=
trap 'kill $relay_pid $app_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do grep -q "http://" "$data/relay.log" 2>/dev/null && break; sleep 0.1; done
cat "$data/relay.log"

if ! gb --data "$data/device" device show --json | grep -q '"enrolled":true'; then
  token=$(gb --data "$data/relay" relay device add --township --role township --name 本机 --json \
    | sed 's/.*"token":"\([^"]*\)".*/\1/')
  gb --data "$data/device" enroll --relay "http://127.0.0.1:$port" --token "$token"
fi

echo "== 启动应用（设备数据：$data/device；中继：http://127.0.0.1:$port）"
export GRIDBOOK_DATA="$(cd "$data" && pwd)/device"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  target/release/gridbook-app &
else
  echo "没有图形显示：应用在虚拟显示（Xvfb）上运行，中继继续服务。命令行：target/release/gridbook --data $data/device"
  xvfb-run -a -s "-screen 0 1280x800x24" target/release/gridbook-app &
fi
app_pid=$!
wait "$app_pid" || true
echo "应用已退出；中继仍在运行（http://127.0.0.1:$port），按 Ctrl+C 结束。"
wait "$relay_pid"
