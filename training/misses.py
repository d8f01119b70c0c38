"""Where a served model misses: its I1, outlier share and SE max on a test set (r_a on a C4v set), and the spectra
it gets worst, with their parameters.

    /usr/bin/python3 training/misses.py --ion V3+ --test data/V3+/test-oh [--models models-onnx] [--top 8]

The network's spectra come from `./xasflow predict` (the Java predictor on the ONNX models, exactly what the stream
serves), so an older model set (e.g. `git worktree` of a past commit) can be compared on the same test set.
"""
import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import hybrid_check  # noqa: E402
import metrics  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def score(ion, test, models, launcher=str(ROOT / "xasflow")):
    """The served model on one generated set: the set, its summary scores (metrics.summary) and the SE per spectrum."""
    ds = data.load(str(test))
    if ds.meta["ion"] != ion:
        raise SystemExit(f"error: {test} holds {ds.meta['ion']}, not --ion {ion}")
    with tempfile.TemporaryDirectory() as work:
        *_, served = hybrid_check.run_mode(launcher, ion, ds.params, "network", Path(work), models)
    scores, se = metrics.summary(served, ds.spectra)
    return ds, scores, se


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ion", required=True)
    parser.add_argument("--test", required=True, help="test set folder (shard-*.npz from ./xasflow generate)")
    parser.add_argument("--models", default=str(ROOT / "models-onnx"), help="model folder with manifest.json")
    parser.add_argument("--top", type=int, default=8, help="how many of the worst spectra to list")
    args = parser.parse_args()
    ds, scores, se = score(args.ion, args.test, args.models)
    line = (f"{args.ion} on {args.test} ({scores['n']} spectra): I1 {scores['I1'] * 100:.1f} %, "
            f"SE max {scores['se_max'] * 100:.1f} %, {scores['outliers']} at SE >= 10 % "
            f"({scores['outliers'] / scores['n'] * 100:.2f} %)")
    if ds.meta["domain"] == "c4v":
        _, r_a = metrics.c4v_profile(ds.params[:, 0], se)
        line += f", r_a {r_a * 100:.0f} %"
    print(line)
    print("index,se_percent," + ",".join(data.PARAMETER_NAMES))
    for i in np.argsort(-se)[:args.top]:
        print(f"{i},{se[i] * 100:.1f}," + ",".join(f"{v:.4g}" for v in ds.params[i]))


if __name__ == "__main__":
    main()
