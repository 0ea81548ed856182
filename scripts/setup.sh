#!/usr/bin/env bash
# Installs what gridbook needs to build, run and test on a fresh Debian machine (run as root):
# the C libraries of Tauri's webview, a virtual display and browsers for the UI tests, CJK
# fonts, Node.js. Idempotent: what is already present is not installed again.
set -euo pipefail

packages=(
  build-essential pkg-config curl wget file libssl-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev
  xvfb xauth x11-utils xdotool imagemagick webkit2gtk-driver chromium chromium-driver
  fonts-noto-cjk nodejs npm
  python3-openpyxl poppler-utils
  python3-prometheus-client
  postgresql
)
missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# A machine may have Node.js from elsewhere: then Debian's nodejs/npm are not needed.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs/}")
  missing=("${missing[@]/npm/}")
fi
read -r -a missing <<< "${missing[*]}"
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "setup: cargo not found; gridbook needs the Rust toolchain (rustup) on PATH" >&2
    exit 1
  fi
fi
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt clippy >/dev/null 2>&1 || true

# The UI: its packages, then the built files the app embeds.
ui_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/ui"
if [ -f "$ui_dir/package.json" ]; then
  if [ ! -d "$ui_dir/node_modules" ] || [ "$ui_dir/package-lock.json" -nt "$ui_dir/node_modules/.package-lock.json" ]; then
    (cd "$ui_dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  (cd "$ui_dir" && npm run build --silent)
fi
