#!/usr/bin/env bash
# Compile-cost harness: what `generate_client!` costs at build time, beside progenitor's
# `generate_api!` and the ahead-of-time generator openapi-to-rust. Writes its tables to
# bench/compile-cost/results.md; a full default run also copies it to
# bench/results/compile-cost.md, which BENCHMARKS.md links to.
#
#   bench/compile-cost/run.sh                      # everything, about 25-30 min on 2 cores
#   RUNS=1 PARTS=1,3,4 bench/compile-cost/run.sh   # a short pass, about 5 min once warm
#
# Environment:
#   RUNS     timed runs per contender and document (default 3); medians are reported
#   PARTS    comma-separated parts to run (default 1,2,3,4,5):
#              1 `cargo build` of a crate holding only the client: ours vs progenitor
#              2 `cargo check` time and peak memory: ours vs openapi-to-rust
#              3 macro expansion time inside rustc (-Z time-passes), every document
#              4 lines of generated code per operation, every document (ours and progenitor)
#              5 rebuild after a one-line edit: in the crate that calls the macro, and in a
#                crate that depends on a separate client crate
#   SPECS    folder of documents (default spec/real, the vendored real-world documents)
#   RESULTS  output file (default bench/compile-cost/results.md)
#
# Method. Every timed command runs under /usr/bin/time -v (wall clock, and the maximum
# resident set size of the largest process, which is the rustc compiling the measured crate).
# Dependencies are built by one warm-up build per part; each timed run first touches the
# measured crate's src/lib.rs, so cargo rebuilds that crate alone. Contenders alternate
# (ours, theirs, ours, theirs, ...) so machine noise hits both alike. All scratch crates live
# in work/ with their own target directory (work/target); the first run builds their
# dependencies, which takes several minutes and is not measured.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
specs=$(cd "${SPECS:-$root/spec/real}" && pwd)
runs=${RUNS:-3}
parts=",${PARTS:-1,2,3,4,5},"
results=${RESULTS:-$here/results.md}
work="$here/work"
crates="$work/crates"
snap="$work/snapshot"
logs="$work/logs"
tools="$here/.tools"
rm -rf "$logs"
mkdir -p "$crates" "$logs"
export CARGO_TARGET_DIR="$work/target"
export CARGO_TERM_COLOR=never
manifest="$here/Cargo.toml"
out="$work/results.md.partial"
notes=()
: >"$out"

# The documents each comparison uses (the issue's choice: the ones progenitor accepts, and
# the largest ones for openapi-to-rust).
progenitor_docs=(nexus.json ebay.com__sell-fulfillment.json)
o2r_docs=(docusign.net.json jellyfin.local.json)
incremental_docs=(nexus.json docusign.net.json)
all_docs=()
for doc in "$specs"/*.json "$specs"/*.yaml; do
  if [ -f "$doc" ]; then all_docs+=("$(basename "$doc")"); fi
done

# ===== helpers =====

want() { [[ "$parts" == *",$1,"* ]]; }
say() { echo "[$(date +%H:%M:%S)] $*" >&2; }
emit() { printf '%s\n' "$@" >>"$out"; }

# Crate-name slug of a document: `ebay.com__sell-fulfillment.json` -> `ebay_com_sell_fulfillment`.
slug() { local b=${1%.*}; echo "$b" | tr -c 'a-zA-Z0-9\n' '_' | tr -s '_' | tr 'A-Z' 'a-z'; }

# measure LOG CMD...: runs CMD under /usr/bin/time -v; sets SECS (wall clock) and RSS_MB.
measure() {
  local log=$1
  shift
  if ! /usr/bin/time -v -o "$log.time" "$@" >"$log" 2>&1; then
    say "FAILED: $* (see $log)"
    tail -5 "$log" >&2
    return 1
  fi
  SECS=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, a, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s }' "$log.time")
  RSS_MB=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log.time")
  local n
  n=$(grep -cE '^ +(Compiling|Checking) ' "$log" || true)
  if [ "$n" -gt 1 ]; then
    notes+=("$(basename "$log" .log) rebuilt $n crates, not only the measured one: its time is too high")
  fi
}

# median V...: the median of numbers (mean of the middle two for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
    if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# list V...: "v1, v2, v3" with one decimal, to show the spread of the runs.
list() { printf '%s\n' "$@" | awk '{ printf "%s%.1f", (NR > 1 ? ", " : ""), $1 }'; }

ops_of() { grep -P "^\Q$1\E\t" "$work/ops.tsv" | cut -f2; }

rebuild() { touch "$crates/$1/src/lib.rs"; }

# warm CMD LOG PKG...: runs `cargo CMD -p PKG` for each package on its own, exactly as the
# timed runs do. Building packages together would unify their dependencies' features
# (ours and progenitor enable different reqwest features), and each later build of one
# package alone would then rebuild its dependencies inside the timed run.
warm() {
  local cmd=$1 log=$2 pkg
  shift 2
  for pkg in "$@"; do
    if ! cargo "$cmd" --manifest-path "$manifest" -p "$pkg" >>"$log" 2>&1; then
      tail -30 "$log" >&2
      return 1
    fi
  done
}

# ===== scratch crates =====

# ours_<slug>: only `generate_client!` on the document (as scripts/check-docs.sh does).
write_ours() {
  local doc=$1 name="ours_$(slug "$1")"
  mkdir -p "$crates/$name/src"
  cat >"$crates/$name/Cargo.toml" <<TOML
[package]
name = "$name"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
sdk-runtime = { path = "$snap/sdk-runtime" }
TOML
  cat >"$crates/$name/src/lib.rs" <<RS
//! The client for $doc, alone.
#![allow(deprecated)]
pub mod api {
    sdk_runtime::generate_client!("$specs/$doc");
}
RS
}

# prog_<slug>: only `progenitor::generate_api!`, with the dependencies its README lists
# (futures, reqwest with json/query/stream, serde) and those its output needs for these
# documents (chrono and uuid for formats, regress for patterns, base64 and rand for
# websocket upgrades, serde_json).
write_prog() {
  local doc=$1 name="prog_$(slug "$1")"
  mkdir -p "$crates/$name/src"
  cat >"$crates/$name/Cargo.toml" <<TOML
[package]
name = "$name"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
progenitor = "0.15"
futures = "0.3"
reqwest = { version = "0.13", features = ["json", "query", "stream"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
chrono = { version = "0.4", features = ["serde"] }
uuid = { version = "1", features = ["serde", "v4"] }
regress = "0.12"
# For websocket endpoints (nexus.json has some): the versions progenitor 0.15 tests with.
base64 = "0.23"
rand = "0.10"
TOML
  cat >"$crates/$name/src/lib.rs" <<RS
//! progenitor's client for $doc, alone.
#![allow(deprecated, clippy::all)]
pub mod api {
    progenitor::generate_api!("$specs/$doc");
}
RS
}

# incr_<slug>: the macro plus a small module of "application" code that part 5 edits;
# app_<slug>: the same application code in a crate of its own, depending on ours_<slug>.
write_incremental() {
  local doc=$1 s
  s=$(slug "$1")
  mkdir -p "$crates/incr_$s/src" "$crates/app_$s/src"
  sed "s/^name = .*/name = \"incr_$s\"/" "$crates/ours_$s/Cargo.toml" >"$crates/incr_$s/Cargo.toml"
  cat >"$crates/incr_$s/src/lib.rs" <<RS
//! The client for $doc and application code in one crate.
#![allow(deprecated)]
pub mod api {
    sdk_runtime::generate_client!("$specs/$doc");
}
pub mod app;
RS
  app_source crate >"$crates/incr_$s/src/app.rs"
  cat >"$crates/app_$s/Cargo.toml" <<TOML
[package]
name = "app_$s"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
ours_$s = { path = "../ours_$s" }
TOML
  app_source "ours_$s" >"$crates/app_$s/src/lib.rs"
}

app_source() {
  cat <<RS
//! Stands for application code; part 5 of run.sh changes the constant.
pub const EDIT: u32 = 0;

/// Uses the generated client, as application code would.
pub fn client_type() -> &'static str {
    ::core::any::type_name::<$1::api::Client>()
}
RS
}

# The pipeline dumper: tools/expand_ours.rs plus sdk-macros' own modules (symbolic links),
# declared exactly as sdk-macros/src/lib.rs declares them.
write_expand_ours() {
  local dir="$crates/expand-ours"
  rm -rf "$dir"
  mkdir -p "$dir/src"
  for entry in "$snap"/sdk-macros/src/*; do
    if [ "$(basename "$entry")" != lib.rs ]; then ln -s "$entry" "$dir/src/$(basename "$entry")"; fi
  done
  {
    echo '[package]'
    echo 'name = "expand-ours"'
    echo 'version = "0.0.0"'
    echo 'edition = "2024"'
    echo 'publish = false'
    echo
    awk '/^\[/ { on = ($0 == "[dependencies]") } on' "$snap/sdk-macros/Cargo.toml"
    echo 'prettyplease = "0.3"'
  } >"$dir/Cargo.toml"
  {
    echo "//! Generated by run.sh: sdk-macros' pipeline as a binary (see tools/expand_ours.rs)."
    echo '#![allow(dead_code, unused_imports, unused_macros)]'
    grep -E '^(pub )?mod [a-z_0-9]+;' "$snap/sdk-macros/src/lib.rs"
    echo "#[path = \"$here/tools/count.rs\"]"
    echo 'mod count;'
    echo "#[path = \"$here/tools/expand_ours.rs\"]"
    echo 'mod harness;'
    echo 'fn main() {'
    echo '    harness::main()'
    echo '}'
  } >"$dir/src/main.rs"
}

# ===== setup =====

# The scratch crates use a snapshot of sdk-runtime and sdk-macros taken now: other engineers
# edit them while the harness runs, and a timed build must rebuild the client crate alone.
# `cp -a` keeps modification times, so files unchanged since the last run stay fresh.
say "snapshot of sdk-runtime and sdk-macros in $snap"
rm -rf "$snap"
for c in sdk-macros sdk-runtime; do
  mkdir -p "$snap/$c"
  cp -a "$root/$c/Cargo.toml" "$root/$c/src" "$snap/$c/"
done
sed 's/^members = .*/members = ["sdk-macros", "sdk-runtime"]/' "$root/Cargo.toml" >"$snap/Cargo.toml"
revision="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if ! git -C "$root" diff --quiet HEAD -- sdk-runtime sdk-macros 2>/dev/null; then
  revision="$revision + uncommitted changes"
fi

say "writing scratch crates in $crates"
for doc in "${all_docs[@]}"; do write_ours "$doc"; done
for doc in "${progenitor_docs[@]}"; do write_prog "$doc"; done
for doc in "${incremental_docs[@]}"; do write_incremental "$doc"; done
write_expand_ours

say "building the expansion dumpers (release)"
cargo build --quiet --release --manifest-path "$manifest" -p expand-ours -p expand-progenitor \
  >"$logs/tools.log" 2>&1 || { cat "$logs/tools.log" >&2; exit 1; }
"$CARGO_TARGET_DIR/release/expand-ours" "${all_docs[@]/#/$specs/}" >"$work/ours-lines.tsv"
cut -f1,2 "$work/ours-lines.tsv" >"$work/ops.tsv"

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date +%s)

# ===== part 1: cargo build, ours vs progenitor =====

if want 1; then
  say "part 1: warm-up build"
  pkgs=()
  for doc in "${progenitor_docs[@]}"; do pkgs+=("ours_$(slug "$doc")" "prog_$(slug "$doc")"); done
  warm build "$logs/part1-warmup.log" "${pkgs[@]}"
  emit "## 1. \`cargo build\` of a crate holding only the client: ours vs progenitor 0.15" ""
  emit "Median of $runs alternating runs (ours, progenitor, ours, ...); dependencies prebuilt; each run touches the crate's \`lib.rs\` so cargo rebuilds that crate alone; incremental compilation off. Target: ratio ≤ 0.50 on nexus.json." ""
  emit "| document | operations | ours (s) | progenitor (s) | ratio ours ÷ progenitor | ours, each run (s) | progenitor, each run (s) | peak RSS ours / progenitor (MiB) |"
  emit "|---|---:|---:|---:|---:|---|---|---:|"
  for doc in "${progenitor_docs[@]}"; do
    s=$(slug "$doc")
    ours=() theirs=() ours_mem=() theirs_mem=()
    for ((i = 1; i <= runs; i++)); do
      say "part 1: $doc run $i/$runs"
      rebuild "ours_$s"
      measure "$logs/p1-ours-$s-$i.log" cargo build --manifest-path "$manifest" -p "ours_$s"
      ours+=("$SECS") ours_mem+=("$RSS_MB")
      rebuild "prog_$s"
      measure "$logs/p1-prog-$s-$i.log" cargo build --manifest-path "$manifest" -p "prog_$s"
      theirs+=("$SECS") theirs_mem+=("$RSS_MB")
    done
    a=$(median "${ours[@]}") b=$(median "${theirs[@]}")
    emit "| $doc | $(ops_of "$doc") | $(printf %.1f "$a") | $(printf %.1f "$b") | $(ratio "$a" "$b")× | $(list "${ours[@]}") | $(list "${theirs[@]}") | $(median "${ours_mem[@]}") / $(median "${theirs_mem[@]}") |"
  done
  emit ""
fi

# ===== part 2: cargo check, ours vs openapi-to-rust =====

if want 2; then
  o2r="$tools/bin/openapi-to-rust"
  if [ ! -x "$o2r" ]; then
    say "part 2: installing openapi-to-rust 0.23 into $tools (once)"
    cargo install --locked --root "$tools" --version 0.23.0 openapi-to-rust >"$logs/o2r-install.log" 2>&1 || true
  fi
  emit "## 2. \`cargo check\`: ours vs openapi-to-rust 0.23 (ahead-of-time generator)" ""
  if [ ! -x "$o2r" ]; then
    emit "openapi-to-rust could not be installed: \`$(grep -m1 '^error' "$logs/o2r-install.log" || echo unknown error)\` (log: work/logs/o2r-install.log)." ""
  else
    emit "openapi-to-rust generates a crate's source with its CLI (\`openapi-to-rust generate DOC --output-dir src/generated\`; the dependencies it asks for in \`REQUIRED_DEPS.toml\`); that generation is timed once and not counted in the check time. Then, alternating, \`cargo check\` of that crate and of ours_<doc> (the macro call alone), each after touching its \`lib.rs\`; dependencies prechecked; median of $runs runs; peak memory is the largest process's maximum resident set size (\`/usr/bin/time -v\`). Target: ours ≤ 0.20× theirs in time and memory." ""
    emit "| document | operations | openapi-to-rust generate (s) | its generated lines | ours check (s) | openapi-to-rust check (s) | time ratio | ours peak RSS (MiB) | openapi-to-rust peak RSS (MiB) | memory ratio | ours, each run (s) | openapi-to-rust, each run (s) |"
    emit "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
    failures=()
    for doc in "${o2r_docs[@]}"; do
      s=$(slug "$doc")
      dir="$crates/o2r_$s"
      rm -rf "$dir"
      mkdir -p "$work/o2r-gen/$s"
      gen_log="$logs/o2r-generate-$s.log"
      if ! measure "$gen_log" "$o2r" generate "$specs/$doc" --output-dir "$work/o2r-gen/$s/generated"; then
        failures+=("$doc: generation failed: \`$(grep -m1 -i 'error' "$gen_log" | cut -c1-200)\`")
        continue
      fi
      gen_secs=$SECS
      mkdir -p "$dir/src"
      cp -r "$work/o2r-gen/$s/generated" "$dir/src/generated"
      {
        printf '[package]\nname = "o2r_%s"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n' "$s"
        cat "$dir/src/generated/REQUIRED_DEPS.toml"
      } >"$dir/Cargo.toml"
      printf '//! openapi-to-rust output for %s.\n#![allow(warnings, clippy::all)]\npub mod generated;\n' "$doc" >"$dir/src/lib.rs"
      gen_lines=$(cat "$dir"/src/generated/*.rs | grep -cv '^\s*$' || true)
      say "part 2: $doc warm-up check"
      if ! warm check "$logs/part2-warmup-$s.log" "o2r_$s" "ours_$s"; then
        failures+=("$doc: \`cargo check\` of the generated crate failed: \`$(grep -m1 '^error' "$logs/part2-warmup-$s.log" | cut -c1-200)\` (log: work/logs/part2-warmup-$s.log)")
        rm -rf "$dir"
        continue
      fi
      ours=() theirs=() ours_mem=() theirs_mem=()
      for ((i = 1; i <= runs; i++)); do
        say "part 2: $doc run $i/$runs"
        rebuild "ours_$s"
        measure "$logs/p2-ours-$s-$i.log" cargo check --manifest-path "$manifest" -p "ours_$s"
        ours+=("$SECS") ours_mem+=("$RSS_MB")
        rebuild "o2r_$s"
        measure "$logs/p2-o2r-$s-$i.log" cargo check --manifest-path "$manifest" -p "o2r_$s"
        theirs+=("$SECS") theirs_mem+=("$RSS_MB")
      done
      a=$(median "${ours[@]}") b=$(median "${theirs[@]}")
      am=$(median "${ours_mem[@]}") bm=$(median "${theirs_mem[@]}")
      emit "| $doc | $(ops_of "$doc") | $(printf %.1f "$gen_secs") | $gen_lines | $(printf %.1f "$a") | $(printf %.1f "$b") | $(ratio "$a" "$b")× | $am | $bm | $(ratio "$am" "$bm")× | $(list "${ours[@]}") | $(list "${theirs[@]}") |"
    done
    emit ""
    for f in "${failures[@]+"${failures[@]}"}"; do emit "- $f"; done
    if [ ${#failures[@]} -gt 0 ]; then emit ""; fi
  fi
fi

# ===== part 3: expansion time inside rustc =====

if want 3; then
  # `cargo rustc -- -Zunpretty=expanded -Ztime-passes` makes rustc stop right after macro
  # expansion and print how long each pass took; `macro_expand_crate` is the expansion of
  # every macro in the crate: ours, and the derives (`Clone`, `Default`, ...) on the types it emits. The -Z flags
  # need RUSTC_BOOTSTRAP=1, set by a wrapper for the rustc that cargo runs, not in cargo's
  # own environment: build scripts that watch RUSTC_BOOTSTRAP would otherwise rebuild
  # half the dependency tree.
  wrapper="$work/bootstrap-rustc.sh"
  printf '#!/bin/sh\nRUSTC_BOOTSTRAP=1 exec "$@"\n' >"$wrapper"
  chmod +x "$wrapper"
  say "part 3: warm-up"
  # `cargo rustc` builds dependencies in the dev profile; every ours_<doc> crate has the same
  # ones, so building the smallest warms them all.
  pkgs=(ours_petstore)
  for doc in "${progenitor_docs[@]}"; do pkgs+=("prog_$(slug "$doc")"); done
  warm build "$logs/part3-warmup.log" "${pkgs[@]}"
  emit "## 3. Macro expansion time inside rustc, every document" ""
  emit "\`RUSTC_BOOTSTRAP=1 cargo rustc -p CRATE -- -Zunpretty=expanded -Ztime-passes\` on the crate holding only the macro call: rustc stops after expansion and reports the \`macro_expand_crate\` pass, which covers the macro (reading and parsing the document, the model, the tokens, their hand-over to rustc) and the built-in derives (\`Clone\`, \`Default\`, ...) on the types it emits. Median of $runs runs. \"Pipeline alone\" is the macro's own work measured outside rustc (part 4's dumper, optimised like the macro). \"Fully expanded lines\" is the size of rustc's \`-Zunpretty=expanded\` output, derives included: what the type checker sees." ""
  emit "| document | size (KiB) | operations | ours: macro_expand_crate (s) | each run (s) | pipeline alone (s) | fully expanded lines | progenitor: macro_expand_crate (s) | progenitor fully expanded lines |"
  emit "|---|---:|---:|---:|---|---:|---:|---:|---:|"
  expand_time() { # CRATE LOGNAME -> sets EXP (seconds) and EXP_LINES
    RUSTC_WRAPPER="$wrapper" cargo rustc --quiet --manifest-path "$manifest" -p "$1" --lib -- \
      -Zunpretty=expanded -Ztime-passes >"$logs/$2.expanded.rs" 2>"$logs/$2.log" || true
    EXP=$(awk '/macro_expand_crate$/ { sub(/^time: */, ""); sub(/;.*/, ""); print; exit }' "$logs/$2.log")
    EXP_LINES=$(grep -cv '^\s*$' "$logs/$2.expanded.rs" || true)
    rm -f "$logs/$2.expanded.rs"
    if [ -z "$EXP" ]; then
      say "part 3: no macro_expand_crate line for $1 (see $logs/$2.log)"
      EXP=0
    fi
  }
  for doc in "${all_docs[@]}"; do
    s=$(slug "$doc")
    say "part 3: $doc"
    times=() theirs=()
    is_prog=0
    for p in "${progenitor_docs[@]}"; do if [ "$p" = "$doc" ]; then is_prog=1; fi; done
    for ((i = 1; i <= runs; i++)); do
      expand_time "ours_$s" "p3-ours-$s-$i"
      times+=("$EXP")
      lines=$EXP_LINES
      if [ $is_prog = 1 ]; then
        expand_time "prog_$s" "p3-prog-$s-$i"
        theirs+=("$EXP")
        prog_lines=$EXP_LINES
      fi
    done
    pipeline=$(grep -P "^\Q$doc\E\t" "$work/ours-lines.tsv" | awk -F'\t' '{ printf "%.2f", $7 / 1000 }')
    kib=$(( $(stat -c %s "$specs/$doc") / 1024 ))
    a=$(median "${times[@]}")
    if [ $is_prog = 1 ]; then
      prog_cols="$(printf %.2f "$(median "${theirs[@]}")") | $prog_lines"
    else
      prog_cols="— | —"
    fi
    emit "| $doc | $kib | $(ops_of "$doc") | $(printf %.2f "$a") | $(printf '%s\n' "${times[@]}" | awk '{ printf "%s%.2f", (NR > 1 ? ", " : ""), $1 }') | $pipeline | $lines | $prog_cols |"
  done
  emit ""
fi

# ===== part 4: lines of generated code per operation =====

if want 4; then
  say "part 4: lines of generated code"
  json_docs=()
  for doc in "${all_docs[@]}"; do if [[ "$doc" == *.json ]]; then json_docs+=("$specs/$doc"); fi; done
  "$CARGO_TARGET_DIR/release/expand-progenitor" "${json_docs[@]}" >"$work/prog-lines.tsv" 2>"$logs/prog-lines.log" || true
  emit "## 4. Lines of generated code per operation, every document" ""
  emit "The macro's output exactly as it hands it to rustc (before derives), pretty-printed item by item with prettyplease and counted without blank lines: ours by sdk-macros' pipeline run as a binary (tools/expand_ours.rs), progenitor's by \`progenitor_impl::Generator::generate_tokens\` with the defaults \`generate_api!\` uses (tools/expand-progenitor). \"Client\" lines are everything outside the \`types\` module: methods, builders and per-operation request descriptions; \"doc\" lines are \`///\` comments copied from the document. Progenitor is tried on every JSON document; the ones it rejects say why (its first error, or its panic message)." ""
  emit "| document | operations | ours: lines | lines / op | without doc comments, / op | client lines / op | progenitor: lines | lines / op | without doc comments, / op | client lines / op |"
  emit "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  per_op() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f", a / b; else print "—" }'; }
  while IFS=$'\t' read -r doc ops total doc_lines _types client _ms; do
    theirs=$(grep -P "^\Q$doc\E\t" "$work/prog-lines.tsv" || true)
    if [ -z "$theirs" ]; then
      prog_cols="not tried (YAML) | — | — | —"
    elif [ "$(echo "$theirs" | cut -f2)" = error ]; then
      prog_cols="rejected: $(echo "$theirs" | cut -f3 | cut -c1-140 | sed 's/|/\\|/g') | — | — | —"
    else
      IFS=$'\t' read -r _ pops ptotal pdoc _ptypes pclient _ <<<"$theirs"
      prog_cols="$ptotal | $(per_op "$ptotal" "$pops") | $(per_op $((ptotal - pdoc)) "$pops") | $(per_op "$pclient" "$pops")"
    fi
    emit "| $doc | $ops | $total | $(per_op "$total" "$ops") | $(per_op $((total - doc_lines)) "$ops") | $(per_op "$client" "$ops") | $prog_cols |"
  done <"$work/ours-lines.tsv"
  emit ""
fi

# ===== part 5: incremental rebuild after a one-line edit =====

if want 5; then
  export CARGO_INCREMENTAL=1
  say "part 5: warm-up"
  pkgs=()
  for doc in "${incremental_docs[@]}"; do pkgs+=("incr_$(slug "$doc")" "app_$(slug "$doc")"); done
  warm build "$logs/part5-warmup.log" "${pkgs[@]}"
  emit "## 5. Rebuild after a one-line edit (incremental compilation on, as in a user's \`cargo build\`)" ""
  emit "Each run changes the value of a constant in the application code and runs \`cargo build\`. \"Same crate\": the code sits in a module beside the macro call, so rustc re-runs the macro (proc-macro output is never cached) and re-checks the client incrementally. \"Own crate\": the client is in a crate of its own (ours_<doc>) and the application crate depends on it, as README.md's \"Big APIs\" section advises. Median of $runs alternating runs." ""
  emit "| document | same crate (s) | own crate (s) | same crate, each run (s) | own crate, each run (s) |"
  emit "|---|---:|---:|---|---|"
  edit=0
  for doc in "${incremental_docs[@]}"; do
    s=$(slug "$doc")
    same=() split=()
    for ((i = 1; i <= runs; i++)); do
      say "part 5: $doc run $i/$runs"
      edit=$((edit + 1))
      sed -i "s/^pub const EDIT: u32 = .*/pub const EDIT: u32 = $edit;/" "$crates/incr_$s/src/app.rs"
      measure "$logs/p5-same-$s-$i.log" cargo build --manifest-path "$manifest" -p "incr_$s"
      same+=("$SECS")
      sed -i "s/^pub const EDIT: u32 = .*/pub const EDIT: u32 = $edit;/" "$crates/app_$s/src/lib.rs"
      measure "$logs/p5-split-$s-$i.log" cargo build --manifest-path "$manifest" -p "app_$s"
      split+=("$SECS")
    done
    emit "| $doc | $(printf %.1f "$(median "${same[@]}")") | $(printf %.1f "$(median "${split[@]}")") | $(list "${same[@]}") | $(list "${split[@]}") |"
  done
  unset CARGO_INCREMENTAL
  emit ""
fi

# ===== the file =====

minutes=$(( ($(date +%s) - started + 59) / 60 ))
version_of() { awk -v n="$1" '$0 == "name = \"" n "\"" { getline; gsub(/version = |"/, ""); print; exit }' "$here/Cargo.lock"; }
{
  echo "# Compile-cost results"
  echo
  echo "Written by \`bench/compile-cost/run.sh\` (RUNS=$runs, PARTS=${PARTS:-1,2,3,4,5}) on $(date -u +'%Y-%m-%d %H:%M UTC'); do not edit by hand."
  echo
  echo "- machine: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, shared with other builds: load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
  echo "- $(rustc -V), $(cargo -V)"
  echo "- progenitor $(version_of progenitor), openapi-to-rust $("$tools/bin/openapi-to-rust" --version 2>/dev/null | awk '{ print $NF }' || echo 'not installed'), sdk-runtime and sdk-macros at $revision"
  echo "- proc macros built with \`[profile.dev.build-override] opt-level = 3\`, for both contenders (as in this repository's workspace)"
  echo "- measured part took $minutes min (plus warm-up builds)"
  echo
  cat "$out"
  if [ ${#notes[@]} -gt 0 ]; then
    echo "Warnings:"
    echo
    printf -- '- %s\n' "${notes[@]}"
  fi
} >"$results"
say "wrote $results"

# bench/results/compile-cost.md holds the results of a full default run.
published="$root/bench/results/compile-cost.md"
if [ "$results" = "$here/results.md" ] && [ "${PARTS:-1,2,3,4,5}" = 1,2,3,4,5 ]; then
  cp "$results" "$published"
  say "updated $published"
fi
