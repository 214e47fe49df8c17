#!/usr/bin/env bash
# Builds the seed corpus of the `pipeline` fuzz target in corpus/pipeline/: the example
# documents (spec/, spec/hostile/), the compile-fail documents (tests/ui/specs/), the
# regression inputs found so far (regressions/) and the real-world documents of
# spec/real up to MAX_BYTES each (default 256 KiB; larger ones only slow the
# fuzzer down, every exec re-reads the whole input).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)
max=${MAX_BYTES:-262144}
out="$here/corpus/pipeline"
mkdir -p "$out"

copy() {
  local file=$1
  [ -f "$file" ] || return 0
  [ "$(stat -c %s "$file")" -le "$max" ] || return 0
  cp "$file" "$out/$(basename "$(dirname "$file")")--$(basename "$file")"
}

for f in "$root"/spec/*.yaml "$root"/spec/*.json "$root"/spec/hostile/* \
         "$root"/sdk-macros/tests/ui/specs/* "$here"/regressions/* \
         "$root"/spec/real/*.json "$root"/spec/real/*.yaml; do
  copy "$f"
done
echo "$(ls "$out" | wc -l) seeds in $out"
