#!/usr/bin/env bash
# `cargo doc` on user crates that hold a whole big client: GitHub's (from
# @octokit/openapi@23.0.2, `generated/api.github.com.json`) and Stripe's
# (`spec/real/stripe.com.json`). Checks that documenting them succeeds with no attribute
# added by the user (no `recursion_limit`) and reports, per client, the wall time and the
# peak resident memory of the largest process (`/usr/bin/time -v`: rustdoc on the client).
#
#   scripts/doc-big-clients.sh            # many minutes on 2 cores; run it in the background
#   CLIENTS=stripe scripts/doc-big-clients.sh
#
# Environment:
#   CLIENTS     which clients, space-separated (default "github stripe")
#
# Method. GitHub's document comes pinned from npm (`npm pack`, as bench/big-clients/run.sh
# fetches it, into the same bench/big-clients/work/packages). Each client is a scratch crate
# under target/doc-big-clients/ with a path dependency on this workspace's sdk-runtime and
# a copy of its Cargo.lock; all share one target directory, so dependencies are checked
# once, before any timed run. A timed run is `cargo doc --no-deps --offline` after
# `cargo clean -p <crate>`: the first documentation of the client, with
# `RUSTDOCFLAGS=-D warnings`. Prints one line per client and exits non-zero if one failed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
clients=${CLIENTS:-github stripe}
work="$root/target/doc-big-clients"
mkdir -p "$work"
export CARGO_TERM_COLOR=never
unset CARGO_TARGET_DIR
export CARGO_TARGET_DIR="$work/target"
# say, fetch
source "$root/bench/common.sh"

declare -A doc
for client in $clients; do
  case $client in
    github)
      octokit=$(fetch @octokit/openapi@23.0.2 "$root/bench/big-clients/work/packages")
      doc[github]="$octokit/generated/api.github.com.json" ;;
    stripe) doc[stripe]="$root/spec/real/stripe.com.json" ;;
    *) echo "unknown client $client (github, stripe)" >&2; exit 2 ;;
  esac
done

# scratch CLIENT: writes the crate documenting CLIENT's whole client; prints its folder.
scratch() {
  local client=$1 dir="$work/$1"
  mkdir -p "$dir/src"
  cat >"$dir/Cargo.toml" <<EOF
[package]
name = "doc-$client"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
sdk-runtime = { path = "$root/sdk-runtime" }

[workspace]
EOF
  cp "$root/Cargo.lock" "$dir/Cargo.lock"
  printf '//! The whole %s client.\n\nsdk_runtime::generate_client!("%s");\n' \
    "$client" "${doc[$client]}" >"$dir/src/lib.rs"
  echo "$dir"
}

failed=0
for client in $clients; do
  dir=$(scratch "$client")
  say "$client: dependencies"
  (cd "$dir" && cargo check --offline --quiet -p sdk-runtime)
  (cd "$dir" && cargo clean -p "doc-$client" --quiet 2>/dev/null || true)
  say "$client: cargo doc"
  log="$work/$client.log"
  if (cd "$dir" && RUSTDOCFLAGS="-D warnings" /usr/bin/time -v cargo doc --no-deps --offline) \
    >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed=1
  fi
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
  printf '%-7s %-6s wall %s, peak RSS %s MB (log: %s)\n' \
    "$client" "$status" "$wall" "$((${rss:-0} / 1024))" "$log"
done
exit $failed
