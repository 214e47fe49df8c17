"""Tables for bench/big-clients/run.sh from its samples (profile, document, command,
seconds, MiB per line).

    report.py cell SAMPLES PROFILE NAME CMD   # " | 26 s [25-27] | 1,701 MiB" for one cell
    report.py targets SAMPLES                 # the issue's targets, each met or not
"""
import statistics
import sys


def samples(path, profile, name, cmd):
    rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
    return [(r[3], r[4]) for r in rows if r[:3] == [profile, name, cmd]]


def medians(path, profile, name, cmd):
    found = samples(path, profile, name, cmd)
    if not found or any(s == "failed" for s, _ in found):
        return None
    secs = [float(s) for s, _ in found]
    mib = [float(m) for _, m in found]
    return statistics.median(secs), statistics.median(mib), min(secs), max(secs)


def cell(path, profile, name, cmd):
    got = medians(path, profile, name, cmd)
    if got is None:
        return " | failed | failed"
    secs, mib, low, high = got
    spread = f" [{low:.0f}-{high:.0f}]" if high - low >= 1 else ""
    return f" | {secs:.0f} s{spread} | {mib:,.0f} MiB"


# The targets for the default profile: (document, command, seconds, MiB).
TARGETS = [("github", "check", 30, 2048), ("graph", "check", 300, 8192)]


def targets(path):
    print("Targets (default profile, first `cargo check` of the client crate):")
    print()
    for name, cmd, max_secs, max_mib in TARGETS:
        got = medians(path, "default", name, cmd)
        if got is None:
            print(f"- {name} {cmd}: not measured (failed)")
            continue
        secs, mib = got[0], got[1]
        met = secs <= max_secs and mib <= max_mib
        print(f"- {name} `cargo {cmd}` <= {max_secs} s and <= {max_mib:,} MiB: "
              f"**{'met' if met else 'not met'}** ({secs:.0f} s, {mib:,.0f} MiB)")


if __name__ == "__main__":
    if sys.argv[1] == "cell":
        print(cell(*sys.argv[2:6]), end="")
    elif sys.argv[1] == "targets":
        targets(sys.argv[2])
