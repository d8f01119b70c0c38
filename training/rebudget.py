"""Reset the inside flag threshold of a committed model from the model itself, when its run and data are gone.

    /usr/bin/python3 training/rebudget.py --ions Mn2+,Fe3+ [--threads 2] [--xasflow "./xasflow"]

The head and its calibration curves travel in the model, and refitting them (`pipeline.py --flags-only`) gives them
back unchanged (the fit is deterministic), so only the inside threshold moves: it is set as uncertainty.fit_flags
sets it (inside_threshold: the recall target on the calibration mixture and on the D4h rows, capped by the budget)
on the calibration part of the fit set drawn like test-d4h (pipeline.budget_set). That needs the budget set and the
four test sets (made here by the engine, as the pipeline makes them: about 60 000 spectra), not the training data and
the other fit sets (about 350 000) that a restored run (restore_run.py) and a refit need. The network and head are
rebuilt in PyTorch from the model and checked against its parity file before anything is written; then the model's
`uncertainty` metadata (threshold, flag_budget, the test-set report), its manifest entry and its flags report are
rewritten. The graph is untouched.
"""
import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import export_onnx  # noqa: E402
import metrics  # noqa: E402
import model as models  # noqa: E402
import pipeline  # noqa: E402
import uncertainty  # noqa: E402
import wide_d4h  # noqa: E402
from train import TrainConfig, load_onnx_weights, predict  # noqa: E402

PARITY_TOLERANCE = 1e-4


def metadata(model):
    return {p.key: p.value for p in model.metadata_props}


def rebuild(onnx_path, model=None):
    """The network and SE head of an exported model, in PyTorch, and the model's metadata (`model`: the file already
    parsed, if the caller has it)."""
    model = onnx.load(str(onnx_path)) if model is None else model
    props = metadata(model)
    values = json.loads(props["training_config"])
    cfg = TrainConfig(**{k: v for k, v in values.items() if k in TrainConfig.__dataclass_fields__})
    meta = {"ion": props["ion"], "domain": props["trained_domain"], "domain_min": json.loads(props["domain_min"]),
            "domain_max": json.loads(props["domain_max"]), "energy_axis": json.loads(props["energy_axis"]),
            "lifetime_step_ev": float(props["lifetime_step_ev"])}
    net = models.build(cfg, meta)
    load_onnx_weights(net, str(onnx_path), model)
    found = {i.name[len("head."):]: torch.from_numpy(numpy_helper.to_array(i).copy())
             for i in model.graph.initializer if i.name.startswith("head.")}
    if not found:
        raise SystemExit(f"error: {onnx_path} has no SE head (no 'head.' initializers): nothing to rebudget")
    hidden, inputs = found["layers.0.weight"].shape
    head = uncertainty.SeHead(inputs - 18, meta["domain_min"], meta["domain_max"], hidden)
    head.load_state_dict(found)
    return net.eval(), head.eval(), props


def check_parity(net, head, parity_path):
    """The rebuilt graph against the outputs PyTorch gave at export (the Java parity test's fixture)."""
    fixture = np.load(parity_path)
    params = torch.from_numpy(fixture["params"])
    with torch.no_grad():
        got = uncertainty.WithPredictedSe(net, head).eval()(params)
    for name, value in zip(("spectrum", "predicted_se"), got):
        worst = float(np.abs(value.numpy() - fixture[name]).max())
        if not worst <= PARITY_TOLERANCE:
            raise SystemExit(f"error: the rebuilt {name} differs from {parity_path} by {worst:g} (> "
                             f"{PARITY_TOLERANCE:g}): the model cannot be rebuilt faithfully")


def budget_confidences(net, head, curves, lo, hi, budget_folder):
    """Confidence and true SE on the budget set's calibration part (the last 20 %, as uncertainty.run_uncertainty
    cuts every held-out set)."""
    ds = data.load(budget_folder)
    cut = int(0.8 * len(ds.params))
    x, y = ds.params[cut:], ds.spectra[cut:]
    p = predict(net, x)
    log_se = uncertainty.predict_log_se(head, uncertainty.hidden(net, x), x)
    inside = uncertainty.in_domain(x, lo, hi)
    conf = uncertainty.confidence(curves, log_se, inside, uncertainty.box_normalised(p))
    return conf, metrics.spectral_error(p, y), inside


def rebudget(onnx_path, budget_folder, tests, report_path, budget=uncertainty.FLAG_BUDGET):
    """Rewrites the model's inside threshold and flags report; returns the new `uncertainty` metadata."""
    onnx_path = Path(onnx_path)
    model = onnx.load(str(onnx_path))
    net, head, props = rebuild(onnx_path, model)
    check_parity(net, head, onnx_path.parent / "parity" / f"{onnx_path.stem}.npz")
    flags = json.loads(props["uncertainty"])
    lo, hi = json.loads(props["domain_min"]), json.loads(props["domain_max"])
    curves = {"inside": flags["calibration"], "outside": flags["calibration_outside"]}
    by_recall = flags.get("threshold_by_recall", flags["threshold"])
    conf, se, inside = budget_confidences(net, head, curves, lo, hi, budget_folder)
    thresholds = {"inside": uncertainty.inside_threshold(by_recall, conf[inside], se[inside], budget=budget),
                  "outside": flags["threshold_outside"]}
    sets, diagrams = uncertainty.report_tests(net, head, curves, thresholds, tests, lo, hi)
    budget_report = uncertainty.flag_report(conf, se, np.where(inside, thresholds["inside"], thresholds["outside"]))
    budget_row = f"calibration, {Path(budget_folder).name}"
    calibration = {k: v for k, v in flags["report"].items() if k.startswith("calibration") and k != budget_row}
    if "calibration" in calibration:  # its counts were made at the model's threshold before this one
        if flags["threshold"] == by_recall:
            calibration["calibration, at the recall target's threshold"] = calibration.pop("calibration")
        elif thresholds["inside"] != flags["threshold"]:
            previous = f"calibration, at the previous threshold {flags['threshold']:.3f}"
            calibration[previous] = calibration.pop("calibration")
    flags.update({"threshold": thresholds["inside"], "threshold_by_recall": by_recall, "flag_budget": budget,
                  "report": uncertainty.finite({**calibration, budget_row: budget_report, **sets})})
    for entry in model.metadata_props:
        if entry.key == "uncertainty":
            entry.value = json.dumps(flags, allow_nan=False)
    onnx.checker.check_model(model)
    onnx.save(model, str(onnx_path))
    before, after = update_manifest(onnx_path, flags)
    committed = onnx_path.parent.resolve() == (uncertainty.ROOT / "models-onnx").resolve()
    accuracy_doc = uncertainty.ROOT / "docs" / "accuracy.md" if committed else None  # an uncommitted model's stays out
    write_report(props["ion"], flags, diagrams, report_path, accuracy_doc)
    if accuracy_doc:
        uncertainty.write_flags_summary(onnx_path.parent / "manifest.json", accuracy_doc)
        wide_d4h.carry_over(props["ion"], before, after, onnx_path.parent)
    return flags


def update_manifest(onnx_path, flags):
    """Rewrites the model's manifest entry for the saved file; returns the entry's sha256 before and after."""
    manifest = json.loads((onnx_path.parent / "manifest.json").read_text())
    entry = next(e for e in manifest["models"] if e["file"] == onnx_path.name)
    before = entry.get("sha256")  # None for an entry never hashed: no result is kept under it
    entry.update({"sha256": export_onnx.sha256(onnx_path), "bytes": onnx_path.stat().st_size})
    entry["flags"] = export_onnx.manifest_flags(flags)
    export_onnx.list_in_manifest(onnx_path.parent, entry)
    return before, entry["sha256"]


def write_report(ion, flags, diagrams, report_path, accuracy_doc):
    """The model's flags report with the new threshold, beside `report_path`, and its section of `accuracy_doc`
    (None: no section)."""
    fit_size, run = head_fit(flags, report_path)
    calibration = next(v for k, v in flags["report"].items() if k.startswith("calibration, at ") or k == "calibration")
    report = {**flags, "fit_size": fit_size, "calibration_size": calibration["n"], "sets": flags["report"]}
    uncertainty.write_report(ion, run, report, diagrams, command=f"/usr/bin/python3 training/rebudget.py --ions {ion}",
                             reports=Path(report_path).parent, accuracy_doc=accuracy_doc)


def head_fit(flags, report_path):
    """The head's fit size and run name: from the model's metadata, or, for models exported before it kept them,
    from the flags report the new one replaces."""
    if flags.get("fit_size") is not None and flags.get("run"):
        return flags["fit_size"], flags["run"]
    previous = Path(report_path).read_text()
    fit = re.search(r"SE head fitted on (\d+) held-out spectra", previous)
    run = re.search(r"### Outlier flags: \S+ \(`([^`]+)`\)", previous)
    if not (fit and run):
        raise SystemExit(f"error: {report_path} does not name the head's fit size and run: not this model's report")
    return int(fit.group(1)), run.group(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ions", required=True, help="comma-separated ion keys with a committed model")
    parser.add_argument("--plan", default=str(pipeline.ROOT / "training" / "configs" / "product.json"))
    parser.add_argument("--data", default="data")
    parser.add_argument("--models", default=str(pipeline.ROOT / "models-onnx"))
    parser.add_argument("--threads", type=int, default=2, help="engine threads for the held-out sets")
    parser.add_argument("--xasflow", default=str(pipeline.ROOT / "xasflow"), help="the launcher (or a frozen jar)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    plan = json.loads(Path(args.plan).read_text())
    engine = pipeline.Engine(args.xasflow, args.threads)
    for ion in args.ions.split(","):
        p = pipeline.plan_for(plan, ion)
        folder = pipeline.data_folder(plan, ion, Path(args.data))
        tests, fits = pipeline.held_out_sets(p, folder)
        budget_folder = pipeline.budget_set(folder)
        for out, domain, count, seed in list(tests.values()) + [f for f in fits if f[0] == budget_folder]:
            engine.generate(ion, domain, count, seed, out)
        flags = rebudget(Path(args.models) / f"{ion}.onnx", budget_folder, {k: str(v[0]) for k, v in tests.items()},
                         pipeline.ROOT / "training" / "reports" / f"{ion}-flags.md")
        union = flags["report"]["union of test sets, outside checked exactly"]
        print(f"{ion}: inside threshold {flags['threshold_by_recall']:.3f} → {flags['threshold']:.3f}, D4h flagged "
              f"{100 * flags['report']['d4h']['flagged_share']:.2f} %, union recall {100 * union['recall']:.1f} %, "
              f"precision {100 * union['precision']:.1f} % (outside checked exactly)", flush=True)


if __name__ == "__main__":
    main()
