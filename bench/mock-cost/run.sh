#!/usr/bin/env bash
# Check-time cost of the `mock` feature: `cargo check` of a crate holding only
# `generate_client!("spec/kitchen-sink.yaml")`, with and without `sdk-runtime/mock`,
# dependencies built first, runs alternated; prints each run and the medians.
# Usage: bench/mock-cost/run.sh [runs] [document]   (defaults: 5, spec/kitchen-sink.yaml)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
runs="${1:-5}"
doc="$(cd "$repo" && realpath "${2:-spec/kitchen-sink.yaml}")"
work="${TMPDIR:-/tmp}/sdk-mock-cost"
rm -rf "$work" && mkdir -p "$work"
for variant in plain mock; do
  mkdir -p "$work/$variant/src"
  features=""; [ "$variant" = mock ] && features=', features = ["mock"]'
  cat > "$work/$variant/Cargo.toml" <<TOML
[package]
name = "mock-cost-$variant"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
sdk-runtime = { path = "$repo/sdk-runtime"$features }

[workspace]
TOML
  printf 'sdk_runtime::generate_client!("%s");\n' "$doc" > "$work/$variant/src/lib.rs"
  (cd "$work/$variant" && CARGO_TARGET_DIR="$work/target-$variant" cargo check -q 2>&1 | tail -3)
done
declare -A times
for ((i = 0; i < runs; i++)); do
  order=(plain mock); ((i % 2)) && order=(mock plain)
  for variant in "${order[@]}"; do
    touch "$work/$variant/src/lib.rs"
    start=$(date +%s.%N)
    (cd "$work/$variant" && CARGO_TARGET_DIR="$work/target-$variant" cargo check -q)
    end=$(date +%s.%N)
    times[$variant]+="$(echo "$end - $start" | bc) "
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
p=$(echo "${times[plain]}" | median); m=$(echo "${times[mock]}" | median)
echo "document: $doc"
echo "without mock (s): ${times[plain]}"
echo "with mock (s):    ${times[mock]}"
printf 'median without %.2f s, with %.2f s, ratio %.3f\n' "$p" "$m" "$(echo "$m / $p" | bc -l)"
