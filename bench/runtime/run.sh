#!/usr/bin/env bash
# The runtime benchmarks of tests/benches/ (overhead against reqwest + serde, paging memory,
# streaming) and the overhead bench's instruction counts under callgrind (`instructions`), run
# one after the other and quoted into bench/results/runtime.md between their markers
# (`<!-- overhead:begin`, `<!-- paging:begin`, `<!-- streaming:begin`,
# `<!-- instructions:begin`), each with the
# commit, the date and the machine's load before and after.
#
#   bench/runtime/run.sh                       # about 5 min on 2 cores
#   BENCHES=overhead bench/runtime/run.sh      # one of them
#
# Environment: BENCHES (default "overhead paging streaming instructions"); the benches' own settings
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

# Instructions each contender's threads run for BENCH_REQUESTS POSTs with 32 in flight, one
# contender per process under callgrind: wall-clock ratios on a shared machine move by more than
# the 5% target, instruction counts do not. Thread 1 is the client (main), thread 2 the server.
count_instructions() {
  local binary contender client server base_client base_server
  binary=$(ls -t "$root"/target/release/deps/overhead-* | grep -v '\.d$' | head -1)
  echo "Instruction counts, one contender per process: \`BENCH_REQUESTS=${BENCH_REQUESTS:-5000} BENCH_PROFILE=<contender> valgrind --tool=callgrind --separate-threads=yes\` on the overhead bench (2,000 warm-up + ${BENCH_REQUESTS:-5000} measured \`POST\`s, 32 in flight); ratios to bare reqwest."
  echo
  echo '| contender | client thread (instructions) | server thread (instructions) | allocations per request |'
  echo '|---|---:|---:|---:|'
  for contender in reqwest generated reqwest-practices; do
    rm -f "$out/callgrind.$contender".*
    BENCH_REQUESTS=${BENCH_REQUESTS:-5000} BENCH_PROFILE=$contender valgrind --tool=callgrind \
      --separate-threads=yes --callgrind-out-file="$out/callgrind.$contender.%p" "$binary" \
      >"$out/callgrind.$contender.log" 2>&1
    client=$(grep -h '^summary:' "$out/callgrind.$contender".*-01 | cut -d' ' -f2)
    server=$(grep -h '^summary:' "$out/callgrind.$contender".*-02 | cut -d' ' -f2)
    allocations=$(grep -o '[0-9.]* allocations per request' "$out/callgrind.$contender.log" | cut -d' ' -f1)
    base_client=${base_client:-$client} base_server=${base_server:-$server}
    python3 -c 'import sys; c, s, bc, bs, a, n = sys.argv[1:]; r = lambda x, b: "" if n == "reqwest" else f" ({int(x) / int(b):.3f}×)"; print(f"| {n} | {int(c):,}{r(c, bc)} | {int(s):,}{r(s, bs)} | {a} |")' \
      "$client" "$server" "$base_client" "$base_server" "$allocations" "$contender"
  done
}

for bench in ${BENCHES:-overhead paging streaming instructions}; do
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  if [ "$bench" = instructions ]; then
    if ! command -v valgrind >/dev/null; then
      say "valgrind is not installed (apt-get install valgrind); instruction counts left as they were"
      continue
    fi
    say "callgrind on the overhead bench"
    count_instructions >"$out/instructions.txt"
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)
    {
      echo "Written by \`bench/runtime/run.sh\` at $revision${dirty:+ (with uncommitted changes)}, $(date -u +%Y-%m-%d); load average before $load_before, after $load_after."
      echo
      cat "$out/instructions.txt"
    } >"$out/instructions.md"
    quote_results instructions "$root/bench/results/runtime.md" "$out/instructions.md"
    continue
  fi
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
  quote_results "$bench" "$root/bench/results/runtime.md" "$out/$bench.md"
done
say "updated bench/results/runtime.md"
