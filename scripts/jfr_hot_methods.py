"""Hottest methods of a `jfr print --stack-depth 256 --events jdk.ExecutionSample,jdk.NativeMethodSample` dump,
self and inclusive.

Only the engine's own frames and the LAPACK/BLAS bindings count as inclusive rows, so the table reads as stages of a
spectrum (tridiagonal reduction, QL sweeps, broadening, ...). The samples cover the whole benchmark, warm-up included.
A dump cut short (`jfr print` keeps 5 frames unless told otherwise) would understate every inclusive share, so it is
refused.
"""
import collections
import re
import sys

FRAME = re.compile(r"^\s+([\w.$<>]+)\(", re.M)
TRUNCATED = re.compile(r"^\s+\.\.\.$", re.M)
STAGES = ("io.xasflow.physics.", "netlib.lapack.", "netlib.blas.")


def hot_methods(text, top=15):
    own = collections.Counter()
    inclusive = collections.Counter()
    total = 0
    truncated = 0
    for event in re.split(r"^jdk\.\w+ \{", text, flags=re.M)[1:]:
        frames = FRAME.findall(event)
        if not frames:
            continue
        total += 1
        truncated += bool(TRUNCATED.search(event))
        own[frames[0]] += 1
        for frame in set(frames):
            if any(stage in frame for stage in STAGES):
                inclusive[frame] += 1
    return total, truncated, own.most_common(top), inclusive.most_common(top)


def main(path):
    with open(path, encoding="utf-8") as f:
        total, truncated, own, inclusive = hot_methods(f.read())
    if total == 0:
        sys.exit(f"no execution samples in {path}")
    if truncated:
        sys.exit(f"{truncated} of {total} stacks in {path} are cut short: print the recording with a larger --stack-depth")
    print(f"{total} samples")
    for title, rows in (("self", own), ("inclusive (engine and LAPACK/BLAS frames)", inclusive)):
        print(f"\n| {title} | share |\n|---|---|")
        for method, count in rows:
            print(f"| `{method}` | {100 * count / total:.1f} % |")


if __name__ == "__main__":
    main(sys.argv[1])
