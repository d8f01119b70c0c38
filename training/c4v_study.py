"""The paper's C4v extrapolation study, side by side with the product model.

A model trained on the paper's domain (Dq in [0, 0.2]) must extrapolate to the C4v case (Ds = Dt = 0, Dq in
[−0.2, 0]); the product model was trained on the extended domain (Dq in [−0.2, 0.2], plus the Oh and C4v slices),
so the same spectra are inside its domain. Both are tested on the ion's C4v test set (seed 1003: SE against Dq in
0.01 eV bins, r_a) and on its D4h paper-domain test set (seed 1001), which both models have inside their domain.

    /usr/bin/python3 training/c4v_study.py --ion Ni2+ --paper-run data/runs/Ni2+-paper \
        [--control-run data/runs/Ni2+-extended-control] [--product models-onnx/Ni2+.onnx]

Writes training/reports/c4v-study/<ion>.json and .png, and the ion's section of docs/accuracy.md. When only the
product model has changed, `--product-only` measures it again and keeps the other rows from that JSON (the runs
behind them need not be on this machine), provided they were measured on the same test sets (regenerated ones count
as the same when only the BLAS kernels' rounding moved their spectra; the JSON keeps their fingerprints). The runs:

    ./xasflow generate --ion Ni2+ --count 60000 --seed 31 --domain paper --out data/Ni2+/train-paper
    /usr/bin/python3 training/train.py --config training/configs/paper.json --name Ni2+-paper \
        --train-dir data/Ni2+/train-paper
    /usr/bin/python3 training/train.py --config training/configs/paper.json --name Ni2+-extended-control \
        --train-dir data/Ni2+/train-extended --train-limit 60000
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import evaluate  # noqa: E402
import metrics  # noqa: E402
import regraph_onnx  # noqa: E402
import uncertainty  # noqa: E402
from train import predict  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "training" / "reports" / "c4v-study"


def product_network(path):
    graph, props = regraph_onnx.rebuild(path)
    return (graph.net if isinstance(graph, uncertainty.WithPredictedSe) else graph), props


def measure(net, d4h, c4v):
    on_d4h, _ = metrics.summary(predict(net, d4h.params), d4h.spectra)
    on_c4v, se_c4v = metrics.summary(predict(net, c4v.params), c4v.spectra)
    profile, r_a = metrics.c4v_profile(c4v.params[:, 0], se_c4v)
    return {"d4h_I1": on_d4h["I1"], "d4h_outliers": on_d4h["I7"], "c4v_I1": on_c4v["I1"],
            "c4v_outliers": on_c4v["I7"], "c4v_se_median": on_c4v["se_median"], "r_a": r_a, "profile": profile}


def identify_test_sets(d4h, c4v):
    """What identifies the two test sets a study was measured on (the D4h params alone are the same for every ion:
    same box and seed): a row kept from an earlier study is comparable only if `same_test_sets` says so."""
    def identity(ds):
        return {"ion": ds.meta["ion"], "domain": ds.meta["domain"], "seed": ds.meta["seed"], "count": len(ds),
                "engine_version": ds.meta.get("engine_version"), **data.fingerprints(ds)}
    return {"d4h": identity(d4h), "c4v": identity(c4v)}


def same_test_sets(saved, today):
    """Equal test sets, allowing for the last bits another machine's BLAS kernels change when it regenerates them
    (same parameters bit for bit, spectra fingerprints within `data.SPECTRA_FINGERPRINT_TOLERANCE`). A study saved
    before the fingerprints (its sets identified by `sha256` alone) needs the very same bytes."""
    labels = ("ion", "domain", "seed", "count", "engine_version")
    for name, ours in today.items():
        theirs = dict((saved or {}).get(name) or {})
        if "sha256" in theirs:
            theirs["dataset_hash"] = theirs.pop("sha256")
        if any(theirs.get(k) != ours[k] for k in labels) or data.same_fingerprints(ours, theirs) is None:
            return False
    return True


def kept_rows(study_path, sets):
    """The saved study's rows and command, for a `--product-only` run on the same test sets."""
    if not study_path.exists():
        raise SystemExit(f"error: --product-only needs an earlier study ({study_path} is missing): run --paper-run")
    saved = json.loads(study_path.read_text())
    if not same_test_sets(saved.get("test_sets"), sets):
        def brief(s):
            return {k: {x: v[x] for x in ("seed", "count", "engine_version", "dataset_hash", "sha256") if x in v}
                    for k, v in (s or {}).items()}
        raise SystemExit(f"error: {study_path} was measured on other test sets ({brief(saved.get('test_sets'))}) "
                         f"than today's ({brief(sets)}): its rows are not comparable; run with --paper-run")
    return saved


def plot(ion, results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for (label, r), colour in zip(results.items(), ("tab:red", "tab:orange", "tab:blue")):
        evaluate.draw_c4v_profile(ax, r["profile"], f"{label} (r_a {100 * r['r_a']:.0f} %): ", colour, max_alpha=0.6)
    ax.axhline(10, color="grey", lw=0.8)
    ax.set_yscale("log")
    ax.set_xlabel("Dq (eV), C4v: Ds = Dt = 0")
    ax.set_ylabel("SE (%)")
    ax.set_title(f"{ion}: C4v test set, paper-domain vs extended-domain models")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def section(ion, results, sizes, commands):
    rows = ["| model | trained on | train spectra | D4h I1 | D4h outliers | C4v I1 | C4v outliers | C4v median SE | "
            "C4v r_a |", "|---|---|---|---|---|---|---|---|---|"]
    for label, r in results.items():
        rows.append(f"| {label} | {sizes[label][0]} | {sizes[label][1]} | {100 * r['d4h_I1']:.1f} % | "
                    f"{100 * r['d4h_outliers']:.2f} % | {100 * r['c4v_I1']:.1f} % | {100 * r['c4v_outliers']:.2f} % | "
                    f"{100 * r['c4v_se_median']:.2f} % | {100 * r['r_a']:.0f} % |")
    said = "Command: " + ", then ".join(f"`{c}`" for c in commands)
    return "\n".join([f"### C4v extrapolation study: {ion}", "", said, "", *rows, "",
                      f"![{ion} C4v study](../training/reports/c4v-study/{ion}.png)", ""])


def study(ion, data_root, paper_run=None, control_run=None, product=None):
    """Measures the study's models on the ion's test sets, writes its JSON, plot and docs section, returns the section.
    Without `paper_run` it measures the product model again and keeps the other rows of the saved study."""
    product_path = Path(product or ROOT / "models-onnx" / f"{ion}.onnx")
    d4h = data.load(str(data_root / ion / "test-d4h"))
    c4v = data.load(str(data_root / ion / "test-c4v"))

    sets = identify_test_sets(d4h, c4v)
    study_path = OUT / f"{ion}.json"
    if paper_run is None:
        saved = kept_rows(study_path, sets)
        results, sizes = saved["results"], saved["sizes"]
        commands = [saved["commands"][0], f"/usr/bin/python3 training/c4v_study.py --ion {ion} --product-only"]
    else:
        paper_net, paper_cfg, paper_ckpt = evaluate.load_run(paper_run)
        if paper_ckpt["meta"]["domain"] != "paper":
            raise SystemExit(f"error: {paper_run} was trained on '{paper_ckpt['meta']['domain']}', not 'paper'")
        results = {"paper domain": measure(paper_net, d4h, c4v)}
        sizes = {"paper domain": (f"`{paper_cfg.name}`: paper box, Dq ∈ [0, 0.2]", paper_ckpt["train_size"])}
        commands = [f"/usr/bin/python3 training/c4v_study.py --ion {ion} --paper-run {paper_run}"
                    + (f" --control-run {control_run}" if control_run else "")]
    product_net, props = product_network(product_path)
    if control_run:
        control_net, control_cfg, control_ckpt = evaluate.load_run(control_run)
        results["extended, same budget"] = measure(control_net, d4h, c4v)
        sizes["extended, same budget"] = (f"`{control_cfg.name}`: extended box, Dq ∈ [−0.2, 0.2]",
                                          control_ckpt["train_size"])
    results["extended (product)"] = measure(product_net, d4h, c4v)
    sizes["extended (product)"] = (f"`{product_path.name}`: extended box, Dq ∈ [−0.2, 0.2], + Oh/C4v slices",
                                   int(props["train_size"]))
    OUT.mkdir(parents=True, exist_ok=True)
    study_path.write_text(json.dumps({"ion": ion, "sizes": sizes, "results": results, "test_sets": sets,
                                      "commands": commands}, indent=1))
    plot(ion, results, OUT / f"{ion}.png")
    body = section(ion, results, sizes, commands)
    uncertainty.replace_section(ROOT / "docs" / "accuracy.md", f"c4v-study-{ion}", body)
    return body


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ion", required=True)
    runs = parser.add_mutually_exclusive_group(required=True)
    runs.add_argument("--paper-run", help="training run on the paper's domain (data/runs/...)")
    runs.add_argument("--product-only", action="store_true", help="measure the product model again and keep the "
                      "other rows of the saved study (same test sets required)")
    parser.add_argument("--control-run", help="optional run on the extended box with the paper run's data size and "
                        "schedule: separates the domain's effect from the product model's larger training")
    parser.add_argument("--product", help="product ONNX model (default models-onnx/<ion>.onnx)")
    parser.add_argument("--data", default="data")
    args = parser.parse_args()
    if args.product_only and args.control_run:
        raise SystemExit("error: --control-run is measured with --paper-run; --product-only keeps its saved row")
    print(study(args.ion, Path(args.data), args.paper_run, args.control_run, args.product))


if __name__ == "__main__":
    main()
