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
# heic-rs's licence (MIT OR Apache-2.0) and NOTICE go with the binary made from it
heic_rs=$(cargo metadata --format-version 1 --manifest-path "$repo/Cargo.toml" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const p=JSON.parse(s).packages.find(p=>p.name==="heic-rs");console.log(require("path").dirname(p.manifest_path))})')
cp "$heic_rs/LICENSE-MIT" "$heic_rs/LICENSE-APACHE" "$heic_rs/NOTICE" "$out/"
echo "build-wasm: heic: heic.wasm $(stat -c %s "$out/heic.wasm") bytes, $(gzip -9 -c "$out/heic.wasm" | wc -c) gzipped"
