"""Tables for bench/apps/run.sh from its samples (api, contender, step, run, seconds, MiB,
crates compiled per line) and the contenders' lock files.

    report.py WORK SAMPLES
"""
import os
import statistics
import sys

STEPS = [
    ("full", "full `cargo build` from clean"),
    ("rebuild", "rebuild after a one-line edit"),
    ("app", "the app crate's first build"),
]
APIS = {
    "github": ("GitHub", "github-octocrab", ["github-ours", "github-ours-split", "github-ours-tags", "github-ours-ops"]),
    "stripe": ("Stripe", "stripe-async-stripe", ["stripe-ours", "stripe-ours-split", "stripe-ours-ops"]),
}
LABELS = {
    "github-ours": "ours, one crate (`generate_client!` in main.rs)",
    "github-ours-split": "ours, client crate + app crate",
    "github-ours-tags": "ours, one crate, `tags = [\"users\", \"repos\", \"issues\", \"pulls\", \"actions\"]`",
    "github-ours-ops": "ours, one crate, `operations = [...]`: only the 20 operations",
    "github-octocrab": "octocrab (default features)",
    "stripe-ours": "ours, one crate (`generate_client!` in main.rs)",
    "stripe-ours-split": "ours, client crate + app crate",
    "stripe-ours-ops": "ours, one crate, `operations = [...]`: only the 20 operations",
    "stripe-async-stripe": "async-stripe (default TLS) + core, product, billing",
    "floor-runtime": "floor: sdk-runtime alone, no client, no calls",
}
# The same dependencies as our apps without a client: what no change to the generated code
# can take off a full build. Shown beside each API's contenders.
FLOOR = "floor-runtime"
# The packages whose versions the results name, per contender.
VERSIONS = {
    "github-octocrab": ["octocrab", "hyper", "hyper-rustls", "rustls", "tokio", "serde"],
    "stripe-async-stripe": [
        "async-stripe", "async-stripe-core", "async-stripe-product", "async-stripe-billing",
        "async-stripe-shared", "hyper", "hyper-tls", "native-tls", "tokio", "miniserde",
    ],
    "ours": ["reqwest", "hyper", "rustls", "tokio", "serde", "serde_json"],
}
# Our full build must take at most this share of the hand-written SDK's.
TARGET = 0.5


def load(path):
    rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
    return [dict(zip(["api", "name", "step", "run", "secs", "mib", "crates"], r)) for r in rows]


def picked(samples, name, step):
    return [s for s in samples if s["name"] == name and s["step"] == step]


def medians(samples, name, step):
    found = picked(samples, name, step)
    if not found or any(s["secs"] == "failed" for s in found):
        return None
    secs = [float(s["secs"]) for s in found]
    mib = [float(s["mib"]) for s in found]
    crates = max(int(s["crates"]) for s in found)
    return statistics.median(secs), statistics.median(mib), min(secs), max(secs), crates


def duration(secs):
    return f"{secs:.1f} s" if secs < 10 else f"{secs:.0f} s"


def cell(samples, name, step):
    got = medians(samples, name, step)
    if got is None:
        return "failed | failed"
    secs, mib, low, high, _ = got
    spread = f" [{duration(low)}–{duration(high)}]" if len(picked(samples, name, step)) > 1 else ""
    return f"{duration(secs)}{spread} | {mib:,.0f} MiB"


def lock_versions(work, name):
    path = os.path.join(work, name, "Cargo.lock")
    if not os.path.exists(path):
        return {}, 0
    found, current = {}, None
    for line in open(path):
        if line.startswith("name = "):
            current = line.split('"')[1]
        elif line.startswith("version = ") and current:
            found.setdefault(current, []).append(line.split('"')[1])
            current = None
    return found, sum(len(v) for v in found.values())


def versions(work, name):
    found, total = lock_versions(work, name)
    wanted = VERSIONS.get(name, VERSIONS["ours"])
    named = ", ".join(f"{p} {'/'.join(found[p])}" for p in wanted if p in found)
    return f"{named}; {total} packages in Cargo.lock"


def ratio(ours, theirs):
    return f"{ours / theirs:.2f}×" if theirs else "n/a"


def in_order(theirs, ours):
    """An API's contenders in table order: our first layout, theirs, our other layouts."""
    return ours[:1] + [theirs] + ours[1:]


def api_section(samples, work, api):
    title, theirs, ours = APIS[api]
    names = in_order(theirs, ours) + [FLOOR]
    if not any(s["api"] == api for s in samples):
        return
    print(f"### {title}: 20 calls")
    print()
    head = " | ".join(f"{label} | peak" for _, label in STEPS)
    print(f"| contender | {head} | crates compiled (full) |")
    print("|---|" + "---:|---:|" * len(STEPS) + "---:|")
    for name in names:
        row = " | ".join(cell(samples, name, step) for step, _ in STEPS)
        got = medians(samples, name, "full")
        print(f"| {LABELS[name]} | {row} | {got[4] if got else 'failed'} |")
    print()
    print("Versions (from each contender's Cargo.lock):")
    print()
    for name in names:
        print(f"- {LABELS[name]}: {versions(work, name)}")
    print()
    them = {step: medians(samples, theirs, step) for step, _ in STEPS}
    print(f"Ours ÷ {LABELS[theirs]} (medians; below 1 is ours faster or smaller):")
    print()
    print("| layout | full build | its peak | rebuild | its peak | the app crate's first build | its peak |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in ours + [FLOOR]:
        cells = []
        for step, _ in STEPS:
            mine, their = medians(samples, name, step), them[step]
            if mine is None or their is None:
                cells += ["n/a", "n/a"]
            else:
                cells += [ratio(mine[0], their[0]), ratio(mine[1], their[1])]
        print(f"| {LABELS[name]} | " + " | ".join(cells) + " |")
    print()
    for name in ours:
        mine, their = medians(samples, name, "full"), them["full"]
        if mine is None or their is None:
            print(f"- {title}, {LABELS[name]}: full build ≤ {TARGET}× {LABELS[theirs]}'s: not measured (failed)")
            continue
        share = mine[0] / their[0]
        met = "met" if share <= TARGET else "not met"
        print(f"- {title}, {LABELS[name]}: full build ≤ {TARGET}× {LABELS[theirs]}'s: "
              f"**{met}** ({duration(mine[0])} against {duration(their[0])}, {share:.2f}×)")
    floor, their = medians(samples, FLOOR, "full"), them["full"]
    built = [got[0] for got in (medians(samples, name, "full") for name in ours) if got]
    if floor is not None and their is not None and built:
        print(f"- The floor (sdk-runtime alone, no client) builds from clean in {duration(floor[0])}: "
              f"{floor[0] / their[0]:.2f}× {LABELS[theirs]}'s full build, and "
              f"{floor[0] / min(built):.0%} of our fastest layout's. A full build of ours "
              f"cannot go below it without dropping dependencies.")
    print()


def run_cell(sample):
    if sample is None:
        return ""
    if sample["secs"] == "failed":
        return "failed"
    return f"{float(sample['secs']):.1f} s, {float(sample['mib']):,.0f}"


def every_run(samples):
    runs = sorted({int(s["run"]) for s in samples})
    print("Every run (seconds, peak MiB):")
    print()
    print("| contender | step | " + " | ".join(f"run {r}" for r in runs) + " |")
    print("|---|---|" + "---:|" * len(runs))
    rows = []
    for title, theirs, ours in APIS.values():
        rows += [(f"{title}: {LABELS[name]}", name) for name in in_order(theirs, ours)]
    rows.append((LABELS[FLOOR], FLOOR))
    for label, name in rows:
        for step, _ in STEPS:
            found = {int(s["run"]): s for s in picked(samples, name, step)}
            if found:
                cells = [run_cell(found.get(r)) for r in runs]
                print(f"| {label} | {step} | " + " | ".join(cells) + " |")


def main():
    work, path = sys.argv[1:3]
    samples = load(path)
    for api in APIS:
        api_section(samples, work, api)
    every_run(samples)


if __name__ == "__main__":
    main()
