#!/usr/bin/env bash
# The runtime benchmarks of tests/benches/ (overhead against reqwest + serde, paging memory,
# streaming), run one after the other and quoted into BENCHMARKS.md between their markers
# (`<!-- overhead:begin`, `<!-- paging:begin`, `<!-- streaming:begin`), each with the commit,
# the date and the machine's load before and after.
#
#   bench/runtime/run.sh                       # about 5 min on 2 cores
#   BENCHES=overhead bench/runtime/run.sh      # one of them
#
# Environment: BENCHES (default "overhead paging streaming"); the benches' own settings
# (BENCH_RUNS, BENCH_REQUESTS, ...) pass through. The overhead bench runs with BENCH_RUNS=5
# unless told otherwise.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/bench/common.sh"
out="$here/work"
mkdir -p "$out"
export CARGO_TERM_COLOR=never

say "building the benches"
cargo bench --manifest-path "$root/Cargo.toml" -p sdk-tests --no-run >&2 2>"$out/build.log" || {
  cat "$out/build.log" >&2
  exit 1
}
revision=$(git -C "$root" rev-parse --short HEAD)
dirty=$(git -C "$root" status --porcelain -- sdk-runtime sdk-macros tests | head -1)
for bench in ${BENCHES:-overhead paging streaming}; do
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  say "cargo bench --bench $bench"
  BENCH_RUNS=${BENCH_RUNS:-$([ "$bench" = overhead ] && echo 5 || echo 3)} \
    cargo bench --manifest-path "$root/Cargo.toml" -p sdk-tests --bench "$bench" \
    >"$out/$bench.txt" 2>"$out/$bench.log"
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  {
    echo "Output of \`cargo bench -p sdk-tests --bench $bench\` at $revision${dirty:+ (with uncommitted changes)}, $(date -u +%Y-%m-%d), written by \`bench/runtime/run.sh\`; load average before $load_before, after $load_after:"
    echo
    echo '```text'
    cat "$out/$bench.txt"
    echo '```'
  } >"$out/$bench.md"
  quote_results "$bench" "$root/BENCHMARKS.md" "$out/$bench.md"
done
say "updated BENCHMARKS.md"
