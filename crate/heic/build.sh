#!/usr/bin/env bash
# Builds the HEIC decoder's wasm module into www/pkg/heic/heic.wasm: JS hosts fetch it only
# when a HEIC file appears (www/src/shared/heic.js). A plain C-ABI module (no wasm-bindgen, no
# imports), +simd128 as every build of the engine; seconds to build. Run by crate/build-wasm.sh.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$repo/target}/heic
profile=${EFFNET_WASM_PROFILE:-wasm-release}
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR=$target \
  cargo build -p effnet-heic --lib --target wasm32-unknown-unknown --profile "$profile" --features module
out=$repo/www/pkg/heic
mkdir -p "$out"
cp "$target/wasm32-unknown-unknown/$profile/effnet_heic.wasm" "$out/heic.wasm"
echo "build-wasm: heic: heic.wasm $(stat -c %s "$out/heic.wasm") bytes, $(gzip -9 -c "$out/heic.wasm" | wc -c) gzipped"
