#!/usr/bin/env bash
# How long a newcomer's first `npm start` takes: a fresh clone of this checkout's branch, an
# empty cargo target dir and an empty Python venv (pip's, npm's and cargo's download caches
# are used as they are; toolchains and wasm-bindgen-cli must already be installed), then
# `npm ci` and `npm start`, timed until the server answers and until the background builds
# are done. The load average is logged every minute: the machine may be shared.
#   bash bench/first-start.sh [scratch dir, default /tmp/effnet-first-start]   (PORT: 8096)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
scratch=${1:-/tmp/effnet-first-start}
port=${PORT:-8096}
rm -rf "$scratch"
mkdir -p "$scratch/target"
git clone -q -b "$(git -C "$repo" branch --show-current)" "$repo" "$scratch/clone"
cd "$scratch/clone"
export CARGO_TARGET_DIR=$scratch/target EFFNET_VENV=$scratch/venv
( while sleep 60; do echo "first-start: $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"; done ) & load=$!
trap 'kill $load 2>/dev/null; [ -n "${start:-}" ] && kill -- -$start 2>/dev/null; true' EXIT
echo "first-start: $(git log --oneline -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$SECONDS
npm ci --no-audit --no-fund --loglevel=error
echo "first-start: npm ci took $((SECONDS - t0)) s"
t1=$SECONDS
# its own process group, so that the end of this script stops the server and its builds
PORT=$port setsid npm start > "$scratch/start.log" 2>&1 & start=$!
until curl -sf -o /dev/null "http://localhost:$port/"; do
  sleep 5
  kill -0 $start 2>/dev/null || { echo "first-start: npm start ended: $scratch/start.log" >&2; exit 1; }
done
echo "first-start: npm start served the demo after $((SECONDS - t1)) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
until grep -q "all four wasm builds are in\|still serving" "$scratch/start.log"; do sleep 10; done
echo "first-start: all four builds in after $((SECONDS - t1)) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
grep "^effnet-wasm:\|cargo took" "$scratch/start.log"
