"""Which SE head, and which recall targets, separate a network's outliers best? The study behind the head recipe.

    /usr/bin/python3 training/flag_study.py --run data/runs/fe3-slices --ion Fe3+ \
        --fit fit-beyond,fit-oh,fit-c4v --variants mse128,half,bce128,mse256
    /usr/bin/python3 training/flag_study.py --run data/runs/fe3-slices --ion Fe3+ \
        --fit fit-beyond,fit-oh,fit-c4v,fit-paper,fit-beyond-2,fit-oh-2,fit-c4v-2 --variants mse128,mse256,bce256,mse512

Residuals as in uncertainty.run_uncertainty (the run's validation split plus the given held-out folders of
data/<ion>/, each split 80 % fit | 20 % calibration); every variant is fitted on the same residuals and reported on
the union of the four test sets (d4h, oh, c4v, beyond; 25 % each): AUROC, and recall / precision / share of D4h
flagged under the production policy (isotonic curves and thresholds per side of the trained box) for several pairs of
recall targets (inside over the whole calibration mixture, outside on its out-of-domain share).
"""
import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import metrics  # noqa: E402
import uncertainty as U  # noqa: E402
from evaluate import ROOT, load_run  # noqa: E402
from train import predict  # noqa: E402

# name: (loss, head width, epochs, share of the fit residuals used)
VARIANTS = {"mse128": ("mse", 128, 60, 1.0), "half": ("mse", 128, 60, 0.5), "bce128": ("bce", 128, 60, 1.0),
            "mse256": ("mse", 256, 120, 1.0), "bce256": ("bce", 256, 120, 1.0), "mse512": ("mse", 512, 120, 1.0)}
POLICIES = ((0.97, 0.999), (0.95, 0.999), (0.95, 0.99), (0.95, 0.98))
TESTS = ("test-d4h", "test-oh", "test-c4v", "test-beyond")


def residuals(net, x, y):
    return x, metrics.spectral_error(predict(net, x), y), U.hidden(net, x)


def policy_report(s_cal, se_cal, in_cal, s_t, se_t, in_t, target_in, target_out):
    """The production flags (uncertainty.fit_flags) for given recall targets, on the test union, D4h and beyond."""
    curves, thresholds, _ = U.fit_flags(s_cal, se_cal, in_cal, np.ones(len(s_cal), bool), target_in, target_out)
    conf_t = U.confidence(curves, s_t, in_t, np.ones(len(s_t), bool))
    threshold = np.where(in_t, thresholds["inside"], thresholds["outside"])
    union = U.flag_report(conf_t, se_t, threshold)
    d4h = U.flag_report(conf_t[:len(se_t) // 4], se_t[:len(se_t) // 4], threshold[:len(se_t) // 4])
    beyond = U.flag_report(conf_t[-len(se_t) // 4:], se_t[-len(se_t) // 4:], threshold[-len(se_t) // 4:])
    return {"targets": [target_in, target_out], "union_recall": union["recall"], "union_precision": union["precision"],
            "d4h_flagged": d4h["flagged_share"], "beyond_missed": beyond["missed"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", required=True)
    parser.add_argument("--ion", required=True)
    parser.add_argument("--fit", required=True, help="comma-separated held-out folders under data/<ion>/")
    parser.add_argument("--variants", default="mse128,mse256")
    args = parser.parse_args()
    torch.set_num_threads(1)
    folder = ROOT / "data" / args.ion
    net, cfg, ckpt = load_run(args.run)
    lo, hi = [float(v) for v in ckpt["meta"]["domain_min"]], [float(v) for v in ckpt["meta"]["domain_max"]]
    ds, _, val_idx = data.load_training(cfg)
    held = [residuals(net, ds.params[val_idx], ds.spectra[val_idx])]
    del ds
    held += [residuals(net, d.params, d.spectra) for d in (data.load(folder / f) for f in args.fit.split(","))]
    cuts = [int(0.8 * len(h[0])) for h in held]
    fit = [np.concatenate([h[i][:c] for h, c in zip(held, cuts)]) for i in range(3)]
    cal = [np.concatenate([h[i][c:] for h, c in zip(held, cuts)]) for i in range(3)]
    tests = [residuals(net, t.params, t.spectra) for t in (data.load(folder / name) for name in TESTS)]
    test = [np.concatenate([t[i] for t in tests]) for i in range(3)]
    in_cal, in_t = U.in_domain(cal[0], lo, hi), U.in_domain(test[0], lo, hi)
    print(f"{args.ion}: {len(fit[0])} residuals to fit, {len(cal[0])} to calibrate, {len(test[0])} test spectra "
          f"({np.mean(test[1] >= U.OUTLIER_SE):.1%} true outliers)", flush=True)
    print("| variant | AUROC | " + " | ".join(f"{a:g}/{b:g}: recall, precision, D4h flagged, beyond missed"
                                             for a, b in POLICIES) + " |")
    for name in args.variants.split(","):
        started = time.time()
        loss, width, epochs, share = VARIANTS[name]
        n = int(share * len(fit[0]))
        head = U.fit_head(fit[2][:n], fit[0][:n], fit[1][:n], lo, hi, 11, epochs, width, loss)
        s_cal, s_t = U.predict_log_se(head, cal[2], cal[0]), U.predict_log_se(head, test[2], test[0])
        cells = []
        for target_in, target_out in POLICIES:
            r = policy_report(s_cal, cal[1], in_cal, s_t, test[1], in_t, target_in, target_out)
            cells.append(f"{r['union_recall']:.1%}, {r['union_precision']:.1%}, {r['d4h_flagged']:.1%}, "
                         f"{r['beyond_missed']}")
        print(f"| {name} ({time.time() - started:.0f} s) | {U.auroc(s_t, test[1] >= U.OUTLIER_SE):.4f} | "
              + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
