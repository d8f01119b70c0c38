"""`./xasflow predict` in each serving mode on a held-out set, scored against the engine's spectra stored with it.

    /usr/bin/python3 training/hybrid_check.py --ion Fe3+ --set data/Fe3+/test-beyond [--modes network,hybrid]

Writes the set's parameters as the predict command's input CSV, runs the command (the repository's launcher unless
--xasflow says otherwise), and reports per mode: seconds, rows computed by the engine (from the command's own
summary line), rows flagged, and the SE of every output row against the exact spectrum — max, share ≥ 10 %.
The issue's criterion for `hybrid` on out-of-domain inputs: every output within SE < 10 %.
"""
import argparse
import csv
import json
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import metrics  # noqa: E402
import uncertainty  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
INPUT_COLUMNS = "ion,dq,ds,dt,s1,s2,temperature_k,sigma_g_ev,gamma1_ev,gamma2_ev"


def run_mode(launcher, ion, params, mode, work, models=None):
    """`predict --mode <mode>` on these parameter rows (with the model set in `models`, default the launcher's own):
    seconds taken, rows computed by the engine, rows flagged and the output spectra."""
    source, target = work / "params.csv", work / f"{mode}.csv"
    with open(source, "w") as f:
        f.write(INPUT_COLUMNS + "\n")
        for row in params:
            f.write(ion + "," + ",".join(repr(float(v)) for v in row) + "\n")
    started = time.time()
    done = subprocess.run(shlex.split(launcher) + ["predict", "--input", str(source), "--output", str(target),
                                                   "--mode", mode] + (["--models", str(models)] if models else []),
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.time() - started
    if done.returncode != 0:
        raise SystemExit(f"error: predict --mode {mode} failed: {done.stderr}")
    engine = re.search(r"(\d+) \(([\d.]+) %\) served by the exact engine", done.stderr)
    with open(target) as f:
        reader = csv.reader(f)
        header = next(reader)
        first = header.index("c0")
        rows = list(reader)
    spectra = np.array([[float(v) for v in r[first:]] for r in rows], dtype=np.float32)
    flagged = np.array([r[header.index("outlier")] == "true" for r in rows])
    return seconds, int(engine.group(1)), flagged, spectra


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ion", required=True)
    parser.add_argument("--set", required=True, help="a data folder with params and exact spectra")
    parser.add_argument("--modes", default="network,hybrid")
    parser.add_argument("--xasflow", default=str(ROOT / "xasflow"))
    args = parser.parse_args()
    held = data.load(args.set)
    model = next(m for m in json.loads((ROOT / "models-onnx" / "manifest.json").read_text())["models"]
                 if m["ion"] == args.ion)
    inside = uncertainty.in_domain(held.params, model["domain_min"], model["domain_max"])
    print(f"{args.ion}: {len(held.params)} rows of {args.set}, {int(inside.sum())} inside the model's trained box")
    print("| mode | seconds | rows from the engine | flagged | max SE | rows with SE ≥ 10 % (inside the box) | "
          "of those not flagged (inside the box) |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for mode in args.modes.split(","):
            seconds, engine, flagged, spectra = run_mode(args.xasflow, args.ion, held.params, mode, Path(tmp))
            se = metrics.spectral_error(spectra, held.spectra)
            missed = (se >= 0.1) & ~flagged
            print(f"| {mode} | {seconds:.1f} s | {engine} ({100 * engine / len(se):.1f} %) | {int(flagged.sum())} | "
                  f"{100 * se.max():.2f} % | {int((se >= 0.1).sum())} ({int((se[inside] >= 0.1).sum())}) | "
                  f"{int(missed.sum())} ({int(missed[inside].sum())}) |", flush=True)


if __name__ == "__main__":
    main()
