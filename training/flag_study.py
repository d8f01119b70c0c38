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
from torch import nn

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


def fit_variant(fit, lo, hi, loss, width, epochs, share, seed=11):
    """A head scoring doubt (higher = more doubtful): log10 SE by MSE, or the outlier logit by cross-entropy."""
    n = int(share * len(fit[0]))
    torch.manual_seed(seed)
    head = U.SeHead(fit[2].shape[1], lo, hi, width)
    opt = torch.optim.Adam(head.parameters(), lr=2e-3)
    x_h, x_p = torch.from_numpy(fit[2][:n]), torch.from_numpy(fit[0][:n])
    log_se = torch.from_numpy(np.log10(np.maximum(fit[1][:n], 10 ** U.LOG_SE_FLOOR)).astype(np.float32))
    label = torch.from_numpy((fit[1][:n] >= U.OUTLIER_SE).astype(np.float32))
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        for group in opt.param_groups:
            group["lr"] = 2e-3 * 0.5 * (1 + math.cos(math.pi * epoch / epochs))
        order = rng.permutation(n)
        for i in range(0, n, 512):
            b = order[i:i + 512]
            out = head(x_h[b], x_p[b])
            if loss == "mse":
                value = torch.mean((out - log_se[b]) ** 2)
            else:
                value = nn.functional.binary_cross_entropy_with_logits(out, label[b])
            opt.zero_grad(set_to_none=True)
            value.backward()
            opt.step()
    head.eval()
    return head


def policy_report(s_cal, se_cal, in_cal, s_t, se_t, in_t, target_in, target_out):
    """The production flags (uncertainty.run_uncertainty) for given recall targets, on the test union and D4h."""
    curves = {"inside": U.calibrate(s_cal[in_cal], se_cal[in_cal]),
              "outside": U.calibrate(s_cal[~in_cal], se_cal[~in_cal])}
    conf_cal = U.confidence(curves, s_cal, in_cal, np.ones(len(s_cal), bool))
    conf_t = U.confidence(curves, s_t, in_t, np.ones(len(s_t), bool))
    th_in = U.choose_threshold(conf_cal, se_cal, target_in)
    th_out = U.choose_threshold(conf_cal[~in_cal], se_cal[~in_cal], target_out)
    threshold = np.where(in_t, th_in, th_out)
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
    ds = data.load(cfg.train_dir, cfg.train_limit or None)
    _, val_idx = data.split(len(ds), cfg.seed, cfg.validation_fraction)
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
        head = fit_variant(fit, lo, hi, *VARIANTS[name])
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
