#!/usr/bin/env bash
# Generates a client for every OpenAPI document in a folder and type-checks it.
#
#   scripts/check-docs.sh [FOLDER] [FILTER]
#
# FOLDER defaults to spec/real (the vendored real-world documents); FILTER keeps only file names containing it.
# Each document gets a scratch crate that holds only `generate_client!("<document>")`;
# all crates share one target directory, so dependencies build once. Prints one line per
# document (ok / compile error / panic, with the time) and ends with `N passed, M failed`.
# Exits non-zero when any document failed.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
folder=$(cd "${1:-$root/spec/real}" && pwd)
filter=${2:-}
# One scratch workspace per folder (runs for different folders may overlap), one shared
# target directory so dependencies build once.
shared="$root/target/doc-check"
work="$shared/$(printf '%s' "$folder" | cksum | cut -d' ' -f1)"
mkdir -p "$work/crates"

members=()
docs=()
for doc in "$folder"/*.json "$folder"/*.yaml "$folder"/*.yml; do
  [ -f "$doc" ] || continue
  base=$(basename "$doc")
  [ -n "$filter" ] && [[ "$base" != *"$filter"* ]] && continue
  name="doc_$(basename "$work" | cut -c1-6)_$(echo "${base%.*}" | tr -c 'a-zA-Z0-9\n' '_' | tr 'A-Z' 'a-z')"
  dir="$work/crates/$name"
  mkdir -p "$dir/src"
  cat > "$dir/Cargo.toml" <<TOML
[package]
name = "$name"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
sdk-runtime = { path = "$root/sdk-runtime" }
TOML
  cat > "$dir/src/lib.rs" <<RS
//! Generated client for $base.
#![allow(deprecated)]
pub mod api {
    sdk_runtime::generate_client!("$doc");
}
RS
  members+=("\"crates/$name\"")
  docs+=("$name|$base")
done

{
  echo "[workspace]"
  echo "resolver = \"3\""
  echo "members = [$(IFS=,; echo "${members[*]}")]"
  echo
  echo "[profile.dev.build-override]"
  echo "opt-level = 3"
} > "$work/Cargo.toml"

export CARGO_TARGET_DIR="$shared/target"
passed=0
failed=0
for entry in "${docs[@]}"; do
  name=${entry%%|*}
  base=${entry#*|}
  start=$(date +%s%N)
  log="$work/$name.log"
  if cargo check --quiet --manifest-path "$work/Cargo.toml" -p "$name" >"$log" 2>&1; then
    result="ok"
    passed=$((passed + 1))
  elif grep -q "proc macro panicked\|panicked at" "$log"; then
    result="PANIC (see $log)"
    failed=$((failed + 1))
  else
    result="compile error: $(grep -m1 '^error' "$log" | cut -c1-160) (see $log)"
    failed=$((failed + 1))
  fi
  tenths=$((($(date +%s%N) - start) / 100000000))
  printf '%-45s %5d.%ds  %s\n' "$base" $((tenths / 10)) $((tenths % 10)) "$result"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
