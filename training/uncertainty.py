"""Outlier confidence for a trained run: an SE-regression head on held-out residuals, calibrated to P(SE < 10 %).

    /usr/bin/python3 training/uncertainty.py --run data/runs/ni2-se-ft \
        --fit-extra data/Ni2+/fit-beyond,data/Ni2+/fit-oh,data/Ni2+/fit-c4v \
        --d4h data/Ni2+/test-d4h --oh data/Ni2+/test-oh --c4v data/Ni2+/test-c4v --beyond data/Ni2+/test-beyond

1. Residuals: the run's network on its validation split (8:2, never trained on) and on extra held-out sets
   (`--fit-extra`: an out-of-domain `beyond` set and the Oh and C4v slices, each generated with its own seed, never a
   test seed) give the true SE per spectrum. The slices matter: they have measure zero in a uniform sample of the
   box, and the network errs differently there.
2. SE head: a small MLP on the network's own last hidden layer, the box-normalised inputs and how far each input
   lies outside the trained box predicts log10 SE. It is fitted on 80 % of both residual sets.
3. Calibration: isotonic regression of 1[SE < 10 %] on the predicted log10 SE, on the other 20 %, one curve for
   inputs inside the trained box and one for inputs outside it. The recommended threshold is the largest one that
   keeps the recall of true outliers on the calibration part at RECALL_TARGET or above; inside the box it is raised,
   if need be, to keep that recall on the in-domain D4h set's calibration part (`--budget-set`) too, and lowered, if
   need be, until at most FLAG_BUDGET of that part is flagged.
4. The flag, as the Java scorer computes it (quality/FlaggedPredictor): confidence 0 for an unphysical output, else
   the calibrated curve of the input's side of the box; outlier = confidence < threshold.
5. Reported on sets nobody fitted on — D4h, Oh, C4v test sets and the out-of-domain `beyond` set: AUROC, recall and
   precision of `outlier` against true SE >= 10 %, share flagged, reliability diagram — into <run>/uncertainty.json,
   training/reports/<ion>-flags.md and docs/accuracy.md.

Saves <run>/uncertainty.pt (head weights + calibration); export_onnx.py then adds the `predicted_se` output and
the `uncertainty` metadata to the exported model.
"""
import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import metrics  # noqa: E402
from evaluate import ROOT, load_run  # noqa: E402
from train import predict  # noqa: E402

OUTLIER_SE = 0.10
# Recall of true outliers (SE >= 10 %) kept on the calibration part: over the whole mixture inside the trained box,
# and on its out-of-domain share outside it. 0.95/0.99 rather than 0.97/0.999: on Fe3+ the union precision rose from
# 56 % to 72 % at union recall 97.3 % (docs/accuracy.md). Beyond the box hybrid serving sends every pixel to the
# engine anyway, so a missed flag there never reaches a hybrid consumer.
RECALL_TARGET = 0.95
RECALL_TARGET_OUTSIDE = 0.99
# Share of in-domain D4h pixels flagged at most (the flags issue allows 1 %): a network whose D4h outliers exceed
# about 1 % cannot keep 95 % recall there too, and every flagged pixel costs an exact spectrum in hybrid serving.
# 0.75 % rather than 1 %: measured on 8 000 calibration spectra, it keeps a 5 000-pixel test set under 1 % with
# about 1.5 standard deviations of the two samples' noise to spare.
FLAG_BUDGET = 0.0075
NORMALISATION_TOLERANCE = 0.02  # as FlaggedPredictor.NORMALISATION_TOLERANCE
LOG_SE_FLOOR = -4.0
# Head width and epochs, chosen by measurement on Fe3+ (docs/accuracy.md, "SE head: what lifted precision"):
# 128 wide for 60 epochs on 30 k residuals gave union AUROC 0.982; 256 wide for 120 epochs on 62 k gave 0.992.
HEAD_WIDTH = 256
HEAD_EPOCHS = 120
HEAD_SEED = 11  # the head's initial weights and batch order


class SeHead(nn.Module):
    """log10 SE from the main network's last hidden layer, the box-normalised inputs u and their excess outside the
    box (max(0, −u) + max(0, u − 1) per input): error grows with the distance from the training data."""

    def __init__(self, width, lo, hi, hidden=HEAD_WIDTH):
        super().__init__()
        self.register_buffer("lo", torch.tensor(lo, dtype=torch.float32))
        self.register_buffer("span", (torch.tensor(hi, dtype=torch.float32) - torch.tensor(lo, dtype=torch.float32))
                             .clamp(min=1e-6))
        self.layers = nn.Sequential(nn.Linear(width + 18, hidden), nn.SiLU(), nn.Linear(hidden, hidden // 2),
                                    nn.SiLU(), nn.Linear(hidden // 2, 1))

    def forward(self, h, params):  # (B, width), (B, 9) -> (B,) log10 SE
        u = (params - self.lo) / self.span
        excess = torch.relu(-u) + torch.relu(u - 1)
        return self.layers(torch.cat([h, u, excess], 1)).squeeze(1)


class WithPredictedSe(nn.Module):
    """The exported graph: `params` -> (`spectrum`, `predicted_se`), the body's work shared by both heads."""

    def __init__(self, net, head):
        super().__init__()
        self.net, self.head = net, head

    def forward(self, params):
        h = self.net.body(self.net.stem(params))
        spectrum = self.net.from_hidden(h, params) if hasattr(self.net, "from_hidden") else self.net(params)
        return spectrum, torch.pow(10.0, self.head(h, params))


def hidden(net, params, batch=4096):
    out = []
    with torch.no_grad():
        for i in range(0, len(params), batch):
            x = torch.from_numpy(params[i:i + batch])
            out.append(net.body(net.stem(x)))
    return torch.cat(out).numpy()


def in_domain(params, lo, hi):
    return np.all((params >= np.asarray(lo) - 1e-6) & (params <= np.asarray(hi) + 1e-6), axis=1)


def box_normalised(spectra):
    return (np.abs(spectra.min(1)) <= NORMALISATION_TOLERANCE) & (np.abs(spectra.max(1) - 1) <= NORMALISATION_TOLERANCE)


def fit_head(h, params, se, lo, hi, seed, epochs=HEAD_EPOCHS, hidden=HEAD_WIDTH, loss="mse"):
    """The SE head fitted on residuals. loss "mse" regresses log10 SE (the product head, whose output is the
    `predicted_se` a user reads); "bce" fits the logit of SE >= 10 % instead (compared in training/flag_study.py)."""
    torch.manual_seed(seed)
    head = SeHead(h.shape[1], lo, hi, hidden)
    opt = torch.optim.Adam(head.parameters(), lr=2e-3)
    x_h, x_p = torch.from_numpy(h), torch.from_numpy(params)
    if loss == "mse":
        y = torch.from_numpy(np.log10(np.maximum(se, 10 ** LOG_SE_FLOOR)).astype(np.float32))
        criterion = lambda out, target: torch.mean((out - target) ** 2)  # noqa: E731
    elif loss == "bce":
        y = torch.from_numpy((se >= OUTLIER_SE).astype(np.float32))
        criterion = nn.functional.binary_cross_entropy_with_logits
    else:
        raise ValueError(f"unknown SE-head loss '{loss}' (mse or bce)")
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        for group in opt.param_groups:
            group["lr"] = 2e-3 * 0.5 * (1 + math.cos(math.pi * epoch / epochs))
        order = rng.permutation(len(y))
        for i in range(0, len(order), 512):
            b = order[i:i + 512]
            value = criterion(head(x_h[b], x_p[b]), y[b])
            opt.zero_grad(set_to_none=True)
            value.backward()
            opt.step()
    head.eval()
    return head


def predict_log_se(head, h, params):
    with torch.no_grad():
        return head(torch.from_numpy(h), torch.from_numpy(params)).numpy()


def calibrate(log_se_pred, se):
    """Isotonic, decreasing P(SE < 10 %) in predicted log10 SE, as knots for linear interpolation."""
    from sklearn.isotonic import IsotonicRegression
    iso = IsotonicRegression(increasing=False, y_min=0.0, y_max=1.0, out_of_bounds="clip")
    iso.fit(log_se_pred, (se < OUTLIER_SE).astype(np.float64))
    x, y = iso.X_thresholds_, iso.y_thresholds_
    return {"log_se": [float(v) for v in x], "confidence": [float(v) for v in y]}


def confidence(curves, log_se_pred, inside, physical):
    """The Java scorer's confidence: the inside or outside curve by the input's side of the box; 0 if unphysical."""
    c_in = np.interp(log_se_pred, curves["inside"]["log_se"], curves["inside"]["confidence"])
    c_out = np.interp(log_se_pred, curves["outside"]["log_se"], curves["outside"]["confidence"])
    return np.where(physical, np.where(inside, c_in, c_out), 0.0)


def choose_threshold(conf, se, target=RECALL_TARGET):
    """The smallest flagged share that still catches `target` of the true outliers: the threshold just above the
    confidence of the outlier at that quantile."""
    true = np.sort(conf[se >= OUTLIER_SE])
    if len(true) == 0:
        return 0.5
    k = int(math.ceil(target * len(true))) - 1
    above = conf[conf > true[k]]
    return float(min(1.0, (true[k] + above.min()) / 2 if len(above) else true[k] + 1e-6))


def budget_threshold(conf, budget=FLAG_BUDGET):
    """The largest threshold that flags at most `budget` of `conf` (midway between two distinct confidences, and
    above 0 so that an unphysical output, confidence 0, is always flagged)."""
    values = np.sort(conf)
    k = int(math.floor(budget * len(values)))
    if k >= len(values):
        return 1.0
    below = values[values < values[k]]
    return float(max((below.max() + values[k]) / 2 if len(below) else values[k] / 2, 1e-6))


def inside_threshold(by_recall, conf_in_domain, se_in_domain, target=RECALL_TARGET, budget=FLAG_BUDGET):
    """The inside threshold: the higher of the calibration mixture's recall threshold (`by_recall`) and the one that
    keeps `target` recall on the in-domain D4h rows themselves, capped so that it flags at most `budget` of those rows.
    The mixture alone is not enough: its outliers are mostly slice and near-edge spectra, and where the head gives them
    low confidence its threshold fell below every D4h outlier (V2+ at 480 000 spectra flagged none of them)."""
    d4h = choose_threshold(conf_in_domain, se_in_domain, target) if (se_in_domain >= OUTLIER_SE).any() else 0.0
    return min(max(by_recall, d4h), budget_threshold(conf_in_domain, budget))


def auroc(score, positive):
    """Probability that a random positive scores above a random negative (ties count half)."""
    from sklearn.metrics import roc_auc_score
    if positive.all() or not positive.any():
        return None  # undefined without both classes (JSON has no NaN)
    return float(roc_auc_score(positive, score))


def fit_flags(log_cal, se_cal, inside_cal, physical_cal, target_in=RECALL_TARGET, target_out=RECALL_TARGET_OUTSIDE,
              budget_rows=None, budget=FLAG_BUDGET):
    """Calibration curves per side of the box and the thresholds that keep the recall targets on the calibration
    part; with `budget_rows` (the D4h rows of the calibration part) the inside one also keeps the recall target on
    those rows and is capped by the flag budget there (inside_threshold); returns (curves, thresholds, the calibration
    part's confidences)."""
    curves = {"inside": calibrate(log_cal[inside_cal], se_cal[inside_cal]),
              "outside": calibrate(log_cal[~inside_cal], se_cal[~inside_cal])}
    conf_cal = confidence(curves, log_cal, inside_cal, physical_cal)
    # inside: target_in over the whole calibration mixture (in-domain, slices, out-of-domain), as a user's scans mix
    thresholds = {"inside": choose_threshold(conf_cal, se_cal, target_in),
                  "outside": choose_threshold(conf_cal[~inside_cal], se_cal[~inside_cal], target_out)}
    thresholds["inside_by_recall"] = thresholds["inside"]
    rows = budget_rows & inside_cal if budget_rows is not None else None
    if rows is not None and rows.any():
        thresholds["inside"] = inside_threshold(thresholds["inside"], conf_cal[rows], se_cal[rows], target_in, budget)
    return curves, thresholds, conf_cal


def flag_report(conf, se, threshold):
    true = se >= OUTLIER_SE
    flagged = conf < threshold
    tp = int((flagged & true).sum())
    return {"n": int(len(se)), "true_outliers": int(true.sum()), "flagged": int(flagged.sum()),
            "flagged_share": float(flagged.mean()), "recall": tp / max(1, int(true.sum())),
            "precision": tp / max(1, int(flagged.sum())), "auroc": auroc(1 - conf, true),
            "missed": int((~flagged & true).sum())}


def reliability(conf, se, bins=10):
    """Per confidence bin: mean confidence and the observed share with SE < 10 %."""
    edges = np.linspace(0, 1, bins + 1)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf >= lo) & ((conf < hi) if hi < 1 else (conf <= hi))
        if m.any():
            rows.append({"lo": float(lo), "hi": float(hi), "n": int(m.sum()), "mean_confidence": float(conf[m].mean()),
                         "observed": float((se[m] < OUTLIER_SE).mean())})
    return rows


def plot_reliability(sets, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 4.4))
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--", label="perfect calibration")
    for name, rows in sets.items():
        ax.plot([r["mean_confidence"] for r in rows], [r["observed"] for r in rows], marker="o", ms=3, label=name)
    ax.set_xlabel("confidence (predicted P(SE < 10 %))")
    ax.set_ylabel("observed share with SE < 10 %")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def run_uncertainty(run, fit_extra, tests, seed=HEAD_SEED, budget_set=None):
    """`budget_set`: the one of `fit_extra` drawn like the D4h test set, on whose calibration part FLAG_BUDGET holds
    (None: the recall targets alone)."""
    if budget_set is not None and budget_set not in fit_extra:
        raise ValueError(f"budget set {budget_set} is not one of the fit sets {fit_extra}")
    net, cfg, ckpt = load_run(run)
    meta = ckpt["meta"]
    lo, hi = [float(v) for v in meta["domain_min"]], [float(v) for v in meta["domain_max"]]
    ds, _, val_idx = data.load_training(cfg)
    x_val, y_val = ds.params[val_idx], ds.spectra[val_idx]
    del ds
    held_out = [(x_val, y_val)] + [(d.params, d.spectra) for d in map(data.load, fit_extra)]
    names = [None] + list(fit_extra)
    parts = []
    for (x, y), name in zip(held_out, names):  # each: 80 % fit | 20 % calibration
        p = predict(net, x)
        cut = int(0.8 * len(x))
        budget = np.full(len(x), budget_set is not None and name == budget_set)
        parts.append((x, metrics.spectral_error(p, y), hidden(net, x), box_normalised(p), budget, cut))
    fit = [np.concatenate([a[i][:a[-1]] for a in parts]) for i in range(3)]
    cal = [np.concatenate([a[i][a[-1]:] for a in parts]) for i in range(5)]
    head = fit_head(fit[2], fit[0], fit[1], lo, hi, seed)
    x_cal, se_cal, h_cal, physical_cal, budget_cal = cal
    log_cal = predict_log_se(head, h_cal, x_cal)
    inside_cal = in_domain(x_cal, lo, hi)
    curves, thresholds, conf_cal = fit_flags(log_cal, se_cal, inside_cal, physical_cal, budget_rows=budget_cal)
    threshold = np.where(inside_cal, thresholds["inside"], thresholds["outside"])

    report = {"method": "se-head", "threshold": thresholds["inside"], "threshold_outside": thresholds["outside"],
              "threshold_by_recall": thresholds["inside_by_recall"],
              "recall_target": RECALL_TARGET, "recall_target_outside": RECALL_TARGET_OUTSIDE,
              "flag_budget": None if budget_set is None else FLAG_BUDGET,
              "fit_size": int(len(fit[0])), "calibration_size": int(len(x_cal)), "sets": {}}
    report["sets"]["calibration"] = flag_report(conf_cal, se_cal, threshold)
    report["sets"]["calibration"]["in_domain_share"] = float(inside_cal.mean())
    if budget_set is not None:
        report["sets"][f"calibration, {Path(budget_set).name}"] = flag_report(
            conf_cal[budget_cal], se_cal[budget_cal], threshold[budget_cal])
    sets, diagrams = report_tests(net, head, curves, thresholds, tests, lo, hi)
    report["sets"].update(sets)
    report["reliability"] = diagrams
    fit_args = {"fit_extra": [str(f) for f in fit_extra], "budget_set": budget_set, "seed": seed}
    save_flags(run, {"head": head.state_dict(), "width": int(fit[2].shape[1]), "hidden": HEAD_WIDTH, "lo": lo,
                     "hi": hi, "calibration": curves, "thresholds": thresholds, "report": report, "fit": fit_args},
               meta["ion"], diagrams, tests)
    return report


def fit_command(run, tests, fit_extra, budget_set, seed):
    """The command that fits this head again (deterministic from its seed) and reports on these test sets."""
    return " ".join(["/usr/bin/python3 training/uncertainty.py", f"--run {run}", f"--fit-extra {','.join(fit_extra)}",
                     *([f"--budget-set {budget_set}"] if budget_set else []),
                     *(f"--{name} {folder}" for name, folder in tests.items()),
                     *([f"--seed {seed}"] if seed != HEAD_SEED else [])])


def save_flags(run, saved, ion, diagrams, tests):
    """<run>/uncertainty.pt (head, calibration, thresholds, report), its report as JSON, and the Markdown report,
    which names the command that fits the head again (heads fitted before 2026-12-07 did not keep their fit sets)."""
    torch.save(saved, Path(run) / "uncertainty.pt")
    (Path(run) / "uncertainty.json").write_text(json.dumps(finite(saved["report"]), indent=1) + "\n")
    command = fit_command(run, tests, **saved["fit"]) if "fit" in saved else None
    write_report(ion, run, saved["report"], diagrams, command)


def report_tests(net, head, curves, thresholds, tests, lo, hi):
    """Flags against true SE on each test set and on their union, as the Java scorer computes them: with the model's
    estimate everywhere, and with inputs outside the trained box flagged by their SE measured against the engine
    (`flags.outside.check=exact`, the default), where confidence is 1 below SE 10 % and 0 from it on."""
    sets, diagrams, union = {}, {}, {"conf": [], "exact": [], "se": [], "inside": []}
    for name, folder in tests.items():
        t = data.load(folder)
        p = predict(net, t.params)
        se = metrics.spectral_error(p, t.spectra)
        log_se = predict_log_se(head, hidden(net, t.params), t.params)
        inside, physical = in_domain(t.params, lo, hi), box_normalised(p)
        conf = confidence(curves, log_se, inside, physical)
        rep = flag_report(conf, se, np.where(inside, thresholds["inside"], thresholds["outside"]))
        rep["in_domain_share"] = float(inside.mean())
        rep["se_rank_corr"] = float(np.corrcoef(np.argsort(np.argsort(log_se)), np.argsort(np.argsort(se)))[0, 1])
        sets[name] = rep
        diagrams[name] = reliability(conf, se)
        for key, value in (("conf", conf), ("se", se), ("inside", inside),
                           ("exact", np.where(inside, conf, (physical & (se < OUTLIER_SE)).astype(np.float64)))):
            union[key].append(value)
    if union["conf"]:
        inside_all = np.concatenate(union["inside"])
        threshold = np.where(inside_all, thresholds["inside"], thresholds["outside"])
        for key, name in (("conf", "union of test sets"), ("exact", "union of test sets, outside checked exactly")):
            sets[name] = flag_report(np.concatenate(union[key]), np.concatenate(union["se"]), threshold)
            sets[name]["in_domain_share"] = float(inside_all.mean())
    return sets, diagrams


def refresh_report(run, tests):
    """Recomputes the test-set part of a run's flags report with its saved head and calibration (no refit)."""
    net, _, ckpt = load_run(run)
    saved = torch.load(Path(run) / "uncertainty.pt")
    report = saved["report"]
    sets, diagrams = report_tests(net, saved_head(saved), saved["calibration"], saved["thresholds"], tests,
                                  saved["lo"], saved["hi"])
    calibration = {k: v for k, v in report["sets"].items() if k.startswith("calibration")}  # with the budget set's
    report["sets"] = {**calibration, **sets}
    report["reliability"] = diagrams
    save_flags(run, saved, ckpt["meta"]["ion"], diagrams, tests)
    return report


def finite(value):
    """NaN → None, recursively: metadata and manifest must be strict JSON."""
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def saved_head(saved):
    """The SE head of a loaded uncertainty.pt, in evaluation mode."""
    head = SeHead(saved["width"], saved["lo"], saved["hi"], saved.get("hidden", 128))  # heads before 2026-12-01: 128
    head.load_state_dict(saved["head"])
    return head.eval()


def load_head(run):
    """A run's SE head and the `uncertainty` metadata its model carries (with the threshold the recall target alone
    gives, and the fit size and run name, so that the flags can be re-budgeted and re-reported from the model)."""
    path = Path(run) / "uncertainty.pt"
    if not path.exists():
        return None, None
    saved = torch.load(path)
    return saved_head(saved), {"method": "se-head", "calibration": saved["calibration"]["inside"],
                  "calibration_outside": saved["calibration"]["outside"], "threshold": saved["thresholds"]["inside"],
                  "threshold_outside": saved["thresholds"]["outside"],
                  "threshold_by_recall": saved["thresholds"].get("inside_by_recall", saved["thresholds"]["inside"]),
                  "fit_size": saved["report"].get("fit_size"),
                  "calibration_size": saved["report"].get("calibration_size"),
                  "run": Path(run).name,
                  "recall_target": saved["report"].get("recall_target", 0.97),
                  "recall_target_outside": saved["report"].get("recall_target_outside", 0.999),
                  "flag_budget": saved["report"].get("flag_budget"),
                  "report": finite(saved["report"]["sets"])}


def replace_section(doc, name, body):
    """Replace (or append) the marked section `name` of a Markdown file."""
    text = doc.read_text() if doc.exists() else ""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body}\n{end}"
    if start in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text)


def write_report(ion, run, report, diagrams, command=None, reports=ROOT / "training" / "reports",
                 accuracy_doc=ROOT / "docs" / "accuracy.md"):
    """The flags report (`<reports>/<ion>-flags.md`, reliability diagram beside it) and its section of the accuracy
    document (none for a model outside the committed set: `accuracy_doc=None`)."""
    reports = Path(reports)
    (reports / ion).mkdir(parents=True, exist_ok=True)
    png = reports / ion / "reliability.png"
    plot_reliability(diagrams, png)
    rows = ["| set | spectra | in domain | true outliers | flagged | recall | precision | AUROC |",
            "|---|---|---|---|---|---|---|---|"]
    for name, r in report["sets"].items():
        dom = f"{100 * r['in_domain_share']:.0f} %" if "in_domain_share" in r else "100 %"
        rows.append(f"| {name} | {r['n']} | {dom} | {r['true_outliers']} ({100 * r['true_outliers'] / r['n']:.2f} %) | "
                    f"{r['flagged']} ({100 * r['flagged_share']:.2f} %) | {100 * r['recall']:.1f} % | "
                    f"{100 * r['precision']:.1f} % | {'–' if r['auroc'] is None else format(r['auroc'], '.3f')} |")
    body = "\n".join([
        f"### Outlier flags: {ion} (`{Path(run).name}`)", "",
        f"SE head fitted on {report['fit_size']} held-out spectra (validation split + out-of-domain and Oh/C4v fit sets), "
        f"isotonic calibration (inside / outside the trained box) on {report['calibration_size']} others; flags as "
        f"the Java scorer computes them; outlier = confidence < {report['threshold']:.3f} inside the trained box and "
        f"< {report['threshold_outside']:.3f} outside it, the thresholds that keep {RECALL_TARGET:.0%} recall on "
        f"the whole calibration part and {RECALL_TARGET_OUTSIDE:.1%} on its out-of-domain share{budget_note(report)}. "
        f"Command: `{command or default_command(run, report)}`.", "",
        *rows, "",
        f"![reliability](../training/reports/{ion}/reliability.png)", ""])
    (reports / f"{ion}-flags.md").write_text(body + "\n")
    if accuracy_doc:
        replace_section(accuracy_doc, f"flags-{ion}", body)
    print(body)


def default_command(run, report):
    return (f"/usr/bin/python3 training/uncertainty.py --run {run} --fit-extra ... "
            f"{'--budget-set ... ' if report.get('flag_budget') else ''}--d4h ... --oh ... --c4v ... --beyond ...")


def budget_note(report):
    """How the flag budget set the inside threshold, for the report's sentence (nothing for heads without one)."""
    budget = report.get("flag_budget")
    if not budget:
        return ""
    by_recall = report.get("threshold_by_recall", report["threshold"])
    effect = ("the budget binds here: the whole calibration part's recall gave " if report["threshold"] < by_recall
              else "raised here from " if report["threshold"] > by_recall else "unmoved from ")
    return (f", the inside one raised if need be to keep that recall on the in-domain D4h fit set's calibration part "
            f"too, and lowered if need be until at most {100 * budget:g} % of that part is flagged "
            f"({effect}{by_recall:.3f})")


def recall_targets(model_path):
    """The recall targets in a model's `uncertainty` metadata (heads fitted before 2026-12-01 name none: 0.97/0.999)."""
    import onnx
    props = {p.key: p.value for p in onnx.load(str(model_path), load_external_data=False).metadata_props}
    flags = json.loads(props.get("uncertainty", "{}"))
    return flags.get("recall_target", 0.97), flags.get("recall_target_outside", 0.999)


def targets_met(union, d4h):
    met = [name for name, ok in (("recall", union["recall"] >= 0.95), ("precision", union["precision"] >= 0.70),
                                 ("D4h ≤ 1 %", d4h["flagged_share"] <= 0.01)) if ok]
    return ", ".join(met) or "none"


def percent(report, key):
    return "–" if report is None else f"{100 * report[key]:.1f} %"


def write_flags_summary(manifest_path, doc):
    """One row per committed model against the flags issue's targets, from the manifest (section flags-summary)."""
    rows = ["| ion | recall targets inside/outside, flag budget | union recall | union precision | D4h flagged | "
            "D4h recall | beyond outliers missed | targets met | union recall, outside checked exactly | union "
            "precision, outside checked exactly | targets met, outside checked exactly |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for entry in json.loads(Path(manifest_path).read_text())["models"]:
        flags = entry.get("flags")
        if not flags:
            rows.append(f"| {entry['ion']} | no SE head | | | | | | | | | |")
            continue
        union, d4h, beyond = (flags["report"][k] for k in ("union of test sets", "d4h", "beyond"))
        exact = flags["report"].get("union of test sets, outside checked exactly")
        inside, outside = flags.get("recall_targets") or recall_targets(Path(manifest_path).parent / entry["file"])
        budget = f", D4h ≤ {100 * flags['flag_budget']:g} %" if flags.get("flag_budget") else ""
        met = targets_met(union, d4h)
        rows.append(f"| {entry['ion']} | {inside:g}/{outside:g}{budget} | {100 * union['recall']:.1f} % | "
                    f"{100 * union['precision']:.1f} % | {100 * d4h['flagged_share']:.2f} % | "
                    f"{100 * d4h['recall']:.1f} % | {beyond['missed']} of {beyond['true_outliers']} | "
                    f"{met} | {percent(exact, 'recall')} | {percent(exact, 'precision')} | "
                    f"{'–' if exact is None else targets_met(exact, d4h)} |")
    body = "\n".join(["### Outlier flags of every committed model (from `models-onnx/manifest.json`)", "",
                      "Targets (flags issue): union recall ≥ 95 %, union precision ≥ 70 %, D4h flagged ≤ 1 %. The "
                      "first columns flag every input by the model's own estimate (`flags.outside.check=model`); the "
                      "last two flag the inputs outside the trained box by their SE measured against the engine, as "
                      "the stream and `predict` do by default (`flags.outside.check=exact`). A flag budget caps the "
                      "share of the in-domain D4h fit set flagged (heads fitted since 2026-12-04).", "", *rows])
    replace_section(doc, "flags-summary", body)


def command_line():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", required=True)
    parser.add_argument("--fit-extra",
                        help="comma-separated held-out sets for fitting (beyond, Oh, C4v fit seeds; never test sets)")
    parser.add_argument("--budget-set", help=f"the fit set drawn like the D4h test set (one of --fit-extra): at most "
                        f"{100 * FLAG_BUDGET:g} %% of its calibration part flagged inside the box")
    parser.add_argument("--report-only", action="store_true",
                        help="keep the run's fitted head and calibration; recompute only the test-set report")
    for name in ("d4h", "oh", "c4v", "beyond"):
        parser.add_argument(f"--{name}", help=f"{name} test set folder")
    parser.add_argument("--seed", type=int, default=HEAD_SEED)
    return parser


def main():
    parser = command_line()
    args = parser.parse_args()
    tests = {k: getattr(args, k) for k in ("d4h", "oh", "c4v", "beyond") if getattr(args, k)}
    if args.report_only:
        refresh_report(args.run, tests)
    elif not args.fit_extra:
        parser.error("--fit-extra is required unless --report-only")
    else:
        run_uncertainty(args.run, args.fit_extra.split(","), tests, args.seed, args.budget_set)


if __name__ == "__main__":
    main()
