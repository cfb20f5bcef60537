#!/usr/bin/env bash
# Builds the wasm variants of the crate into www/pkg/<variant>/ with wasm-bindgen, in the
# size-optimised `wasm-release` profile (Cargo.toml), or the one EFFNET_WASM_PROFILE names:
# `wasm-dev` (what `npm start` uses) skips fat LTO: faster to build from scratch, larger
# (docs/performance.md). size.json records the profile; `npm pack` refuses anything but
# wasm-release (tools/check-pkg.mjs).
# EFFNET_WASM_OPT=1 adds wasm-opt -O3 (binaryen from npm): Debian's binaryen 108 corrupts the
# externref table wasm-bindgen emits, and the current one takes ~7 min a variant here for
# ~8 % less gzipped size, so it is off by default and tests run what ships.
#   simd                 stable, +simd128, single-threaded
#   simd-threads         nightly, -Z build-std, +atomics: rayon pool (wasm-bindgen-rayon) + tract multithread
#   simd-relaxed, simd-threads-relaxed   the same with +relaxed-simd (measured by the benchmark)
# and, after them, www/pkg/heic/heic.wasm: the HEIC decoder's module (crate/heic/build.sh)
# Usage: crate/build-wasm.sh [variant ...]   (default: all four)
# EFFNET_WASM_JOBS (default 2) variants build at once: each ends in fat LTO with one codegen
# unit, which keeps one core busy for minutes, so two builds side by side use both cores.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$repo/target}
out_root=$repo/www/pkg
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(simd simd-threads simd-relaxed simd-threads-relaxed)

want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' "$repo/Cargo.lock")
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "build-wasm: wasm-bindgen $want is needed (found: ${have:-none}): cargo install wasm-bindgen-cli --version $want" >&2
  exit 1
fi
profile=${EFFNET_WASM_PROFILE:-wasm-release}
case $profile in
  wasm-release | wasm-dev) ;;
  *) echo "build-wasm: EFFNET_WASM_PROFILE must be wasm-release or wasm-dev, not $profile" >&2; exit 1 ;;
esac
wasm_opt=$repo/node_modules/.bin/wasm-opt
if [ "${EFFNET_WASM_OPT:-0}" = 1 ] && [ ! -x "$wasm_opt" ]; then
  echo "build-wasm: EFFNET_WASM_OPT=1 needs binaryen from npm (npm ci)" >&2
  exit 1
fi

build() {
  local v=$1
  features=+simd128 link=
  case $v in *relaxed*) features=$features,+relaxed-simd ;; esac
  # memory grows to 4 GiB at most; threads need it shared and imported, and the TLS exports
  # that wasm-bindgen's thread support looks for
  case $v in
    simd | simd-relaxed)
      toolchain=() std=() cargo_features=wasm dir=$target ;;
    simd-threads | simd-threads-relaxed)
      toolchain=(+nightly) std=(-Z build-std=panic_abort,std) cargo_features=threads dir=$target/threads
      features=$features,+atomics,+bulk-memory,+mutable-globals
      link="-C link-arg=--shared-memory -C link-arg=--import-memory -C link-arg=--max-memory=4294967296"
      link="$link -C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size"
      link="$link -C link-arg=--export=__tls_align -C link-arg=--export=__tls_base" ;;
    *) echo "build-wasm: unknown variant $v" >&2; return 1 ;;
  esac
  flags="-C target-feature=$features ${link:-}"
  # each variant in its own dir: different flags would otherwise rebuild tract every switch
  dir=$dir/$v
  echo "build-wasm: $v ($profile, cargo ${toolchain[*]:-} rustc, $flags)"
  # a from-scratch build is silent for minutes: a line every minute says how far it is
  progress "$v" "$dir/wasm32-unknown-unknown/$profile" & local ticker=$!
  local t0=$SECONDS
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$flags" CARGO_TARGET_DIR=$dir \
    cargo "${toolchain[@]}" rustc "${std[@]}" --profile "$profile" --lib -p effnet-wasm \
      --target wasm32-unknown-unknown --no-default-features --features "$cargo_features" --crate-type cdylib \
    || { kill $ticker 2>/dev/null; return 1; }
  kill $ticker 2>/dev/null
  echo "build-wasm: $v: cargo took $((SECONDS - t0)) s"
  out=$out_root/$v
  input=$dir/wasm32-unknown-unknown/$profile/effnet.wasm
  # the output depends on the input wasm, this script, the SIMD mark and the wasm-opt switch
  stamp=$(cat "$input" "$0" "$repo/tools/simd-mark.mjs" <(echo "${EFFNET_WASM_OPT:-0}") | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$out/.input.sha256" 2>/dev/null)" = "$stamp" ]; then
    echo "build-wasm: $v: up to date ($(cat "$out/size.json"))"
    [ -f "$out/integrity.json" ] || integrity "$v" "$out"
    return
  fi
  rm -rf "$out"
  wasm-bindgen --target web --remove-name-section --remove-producers-section \
    --out-dir "$out" --out-name effnet "$input"
  # wasm-bindgen-rayon's worker imports its package as '../../..' (a bundler-only form);
  # naming the file lets it load without a bundler too
  for f in "$out"/snippets/*/src/workerHelpers.js; do
    [ -f "$f" ] && sed -i "s#import('../../..')#import('../../../effnet.js')#" "$f"
  done
  if [ "${EFFNET_WASM_OPT:-0}" = 1 ]; then
    opt=(--enable-simd --enable-bulk-memory --enable-mutable-globals --enable-sign-ext
         --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types)
    case $v in *threads*) opt+=(--enable-threads) ;; esac
    case $v in *relaxed*) opt+=(--enable-relaxed-simd) ;; esac
    "$wasm_opt" -O3 "${opt[@]}" "$out/effnet_bg.wasm" -o "$out/effnet_bg.wasm"
  fi
  # every function marked as using SIMD (after wasm-opt, which would drop the mark), so that
  # JavaScriptCore compiles each with BBQ before its first call instead of interpreting it and
  # entering BBQ mid-loop, where WebKitGTK 2.50 corrupts a fresh instance now and then
  # (tools/simd-mark.mjs; docs/performance.md, "JavaScriptCore's trap, found")
  node "$repo/tools/simd-mark.mjs" "$out/effnet_bg.wasm"
  raw=$(stat -c %s "$out/effnet_bg.wasm")
  gz=$(gzip -9 -c "$out/effnet_bg.wasm" | wc -c)
  echo "build-wasm: $v: effnet_bg.wasm $raw bytes, $gz gzipped"
  printf '{"variant": "%s", "profile": "%s", "bytes": %s, "gzipBytes": %s}\n' "$v" "$profile" "$raw" "$gz" > "$out/size.json"
  integrity "$v" "$out"
  echo "$stamp" > "$out/.input.sha256"
}

# what cacheRuntime checks the wasm against before compiling it (www/src/worker/wasm-bytes.js)
integrity() {
  printf '{"build":"%s","bytes":%s,"sha256":"%s"}\n' "$1" "$(stat -c %s "$2/effnet_bg.wasm")" \
    "$(sha256sum "$2/effnet_bg.wasm" | cut -d' ' -f1)" > "$2/integrity.json"
}

# Minutes a from-scratch cargo build took on the shared 2-core VM of docs/performance.md
# (load average 6-12 then; an idle machine is faster): the progress line's time left. The
# threads builds (std rebuilt too) were measured two at a time, as this script runs them;
# wasm-release's threads builds were not timed from scratch: wasm-dev's time plus the ~5 min
# of fat LTO the simd build showed.
expected_min() {
  case $profile:$1 in
    wasm-release:simd | wasm-release:simd-relaxed) echo 20 ;;
    wasm-release:*) echo 28 ;;
    wasm-dev:simd | wasm-dev:simd-relaxed) echo 15 ;;
    wasm-dev:*) echo 23 ;;
  esac
}
# Every minute while cargo runs: elapsed, crates compiled so far (.rlib files in the profile's
# deps dir, 110 when the simd build is done) and the time left against expected_min. Silent when
# the build is a quick incremental one.
progress() {
  local v=$1 deps=$2/deps want start=$SECONDS
  want=$(expected_min "$v")
  # sleep must not hold the output pipe open: the build would wait for it after kill
  while sleep 60 >/dev/null 2>&1; do
    local el=$(( (SECONDS - start) / 60 )) n
    n=$(ls "$deps" 2>/dev/null | grep -c '\.rlib$' || true)
    if [ "$want" -gt "$el" ]; then left="about $((want - el)) min left"; else left="longer than the $want min measured"; fi
    echo "build-wasm: $v: ${el} of about $want min from scratch, $n crates compiled; $left"
  done
}

# each build's output lines carry its name; a failed build fails the script after the rest
jobs=${EFFNET_WASM_JOBS:-2}
pids=() names=() failed=()
t0=$SECONDS
for v in "${variants[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  ( set -o pipefail; build "$v" 2>&1 | sed -u "s/^/[$v] /" ) &
  pids+=($!) names+=("$v")
done
for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed+=("${names[$i]}"); done
echo "build-wasm: ${#variants[@]} variant(s) in $((SECONDS - t0)) s"
# the HEIC decoder's module, which every variant loads alike when a HEIC file appears
bash "$repo/crate/heic/build.sh" || failed+=(heic)
if [ ${#failed[@]} -gt 0 ]; then
  echo "build-wasm: failed: ${failed[*]}" >&2
  exit 1
fi
