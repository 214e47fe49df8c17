# Helpers shared by the harnesses under bench/ (sourced, not run):
#
#   say MESSAGE...            a timestamped progress line on stderr
#   fetch SPEC PACKAGES       unpacks the npm package SPEC (`npm pack`) into PACKAGES/<name>
#                             once; prints the unpacked folder
#   quote_results NAME PAGE RESULTS
#                             replaces what PAGE holds between its `<!-- NAME:begin ...`
#                             and `<!-- NAME:end -->` markers with the file RESULTS

say() { echo "[$(date +%H:%M:%S)] $*" >&2; }

fetch() {
  local spec=$1 packages=$2 folder
  folder="$packages/$(echo "${spec%@*}" | tr '/' '+')"
  if [ ! -d "$folder/package" ]; then
    say "npm pack $spec"
    mkdir -p "$folder"
    (cd "$folder" && tar xzf "$(npm pack "$spec" --silent | tail -1)")
  fi
  echo "$folder/package"
}

quote_results() {
  python3 - "$@" <<'PY'
import sys
name, page_path, results_path = sys.argv[1:4]
page, results = open(page_path).read(), open(results_path).read()
begin, end = f"<!-- {name}:begin", f"<!-- {name}:end -->"
if begin in page and end in page:
    head, rest = page.split(begin, 1)
    marker = begin + rest.split("\n", 1)[0] + "\n"
    tail = rest.split(end, 1)[1]
    open(page_path, "w").write(head + marker + "\n" + results + "\n" + end + tail)
else:
    print(f"{page_path} has no {name} markers; left as it was", file=sys.stderr)
PY
}
