#!/usr/bin/env bash
# Every harness under bench/, one after the other (never two at once: they share the
# machine's two cores), each rewriting its file in bench/results/. About 1 h 45 min on 2
# cores with the defaults; the settings of each harness (RUNS, GRAPH_RUNS, ROUNDS, ...) pass
# through, and HARNESSES picks some of them (default: all, in this order).
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
. "$bench/common.sh"
for harness in ${HARNESSES:-runtime decode apps big-clients compile-cost}; do
  say "== bench/$harness/run.sh (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  "$bench/$harness/run.sh"
done
say "done (load average $(cut -d' ' -f1-3 /proc/loadavg))"
