"""The flag budget with the committed (isotonic, stepped) calibration curve against a centred one, per model.

    /usr/bin/python3 training/budget_study.py --ions Fe5+,Ni3+ [--budget 0.0075]

Isotonic calibration gives many spectra the same confidence (a plateau), so the budget's threshold falls to the step
below the budget and flags less than it allows. A centred isotonic curve (each plateau replaced by its midpoint, linear
in between; the end knots kept) is strictly decreasing between the ends, so the threshold can sit at the budget. Per
model: the budget's threshold on the calibration part of fit-paper with each curve (the stepped one set as committed,
uncertainty.inside_threshold: the recall targets' threshold capped by the budget), then D4h test-set flagged share,
recall and precision. A study: the committed models are not changed. Needs data/<ion>/fit-paper and test-d4h
(rebudget.py or the pipeline makes them).
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import metrics  # noqa: E402
import rebudget  # noqa: E402
import uncertainty  # noqa: E402
from train import predict  # noqa: E402


def centred(curve):
    """Each run of equal confidences replaced by one knot at its midpoint; the first and last knots kept."""
    x, y = np.array(curve["log_se"]), np.array(curve["confidence"])
    xs, ys, i = [x[0]], [y[0]], 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and y[j + 1] == y[i]:
            j += 1
        xs.append((x[i] + x[j]) / 2)
        ys.append(y[i])
        i = j + 1
    xs.append(x[-1])
    ys.append(y[-1])
    keep = np.concatenate([[True], np.diff(xs) > 0])
    return {"log_se": [float(v) for v in np.array(xs)[keep]], "confidence": [float(v) for v in np.array(ys)[keep]]}


def study(ion, models_dir, data_dir, budget):
    net, head, props = rebudget.rebuild(Path(models_dir) / f"{ion}.onnx")
    flags = json.loads(props["uncertainty"])
    lo, hi = json.loads(props["domain_min"]), json.loads(props["domain_max"])
    test = data.load(Path(data_dir) / ion / "test-d4h")
    p = predict(net, test.params)
    se = metrics.spectral_error(p, test.spectra)
    log_se = uncertainty.predict_log_se(head, uncertainty.hidden(net, test.params), test.params)
    inside, physical = uncertainty.in_domain(test.params, lo, hi), uncertainty.box_normalised(p)
    stepped = {"inside": flags["calibration"], "outside": flags["calibration_outside"]}
    rows = []
    for name, curves in (("stepped", stepped), ("centred", {**stepped, "inside": centred(flags["calibration"])})):
        conf, cal_se, cal_inside = rebudget.budget_confidences(net, head, curves, lo, hi,
                                                               Path(data_dir) / ion / "fit-paper")
        if name == "stepped":  # as committed: the recall targets' threshold, capped by the budget
            threshold = uncertainty.inside_threshold(flags.get("threshold_by_recall", flags["threshold"]),
                                                     conf[cal_inside], cal_se[cal_inside], budget=budget)
        else:
            threshold = uncertainty.budget_threshold(conf[cal_inside], budget)
        report = uncertainty.flag_report(uncertainty.confidence(curves, log_se, inside, physical), se,
                                         np.full(len(se), threshold))
        rows.append((100 * float(np.mean(conf[cal_inside] < threshold)), 100 * report["flagged_share"],
                     100 * report["recall"], 100 * report["precision"]))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ions", required=True)
    parser.add_argument("--budget", type=float, default=uncertainty.FLAG_BUDGET)
    parser.add_argument("--models", default=str(uncertainty.ROOT / "models-onnx"))
    parser.add_argument("--data", default=str(uncertainty.ROOT / "data"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    print("| ion | fit-paper flagged, stepped → centred | D4h flagged | D4h recall | D4h precision |\n"
          "|---|---|---|---|---|")
    for ion in args.ions.split(","):
        (c0, f0, r0, p0), (c1, f1, r1, p1) = study(ion, args.models, args.data, args.budget)
        print(f"| {ion} | {c0:.2f} → {c1:.2f} % | {f0:.2f} → {f1:.2f} % | {r0:.1f} → {r1:.1f} % | "
              f"{p0:.1f} → {p1:.1f} % |", flush=True)


if __name__ == "__main__":
    main()
