"""Evaluate a trained run with the paper's metrics on its validation split and on held-out test sets.

    /usr/bin/python3 training/evaluate.py --run data/runs/ni2-voigt-mlp \
        --d4h data/Ni2+/test-d4h --oh data/Ni2+/test-oh --c4v data/Ni2+/test-c4v

Writes <run>/metrics.json (read by export_onnx.py), training/reports/<report>.md with PNG plots, and the
run's section of docs/accuracy.md (replaced, not duplicated, on a rerun).
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
import model as models  # noqa: E402
from train import TrainConfig, predict  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def load_run(run, which="best.pt"):
    ckpt = torch.load(Path(run) / which)
    cfg = TrainConfig(**ckpt["config"])
    net = models.build(cfg, ckpt["meta"])
    net.load_state_dict(ckpt["model"])
    net.eval()
    return net, cfg, ckpt


def plot_histogram(se, title, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fractions = metrics.interval_fractions(se)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    left.hist(np.clip(se * 100, 0, 20), bins=80, color="#4477aa")
    left.set_xlabel("SE (%) (clipped at 20)")
    left.set_ylabel("spectra")
    left.set_title(title)
    right.bar(metrics.INTERVALS, [100 * fractions[k] for k in metrics.INTERVALS], color="#228833")
    for i, k in enumerate(metrics.INTERVALS):
        right.text(i, 100 * fractions[k] + 1, f"{100 * fractions[k]:.1f}", ha="center", fontsize=8)
    right.set_ylabel("% of spectra")
    right.set_ylim(0, 110)
    right.set_title("I1 < 3 %, I2 3–4, …, I6 7–10, I7 ≥ 10 %")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def plot_worst(energy, p, a, se, title, path, count=5):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    worst = np.argsort(se)[::-1][:count]
    fig, axes = plt.subplots(1, count, figsize=(3.2 * count, 3), sharey=True)
    for ax, i in zip(axes, worst):
        ax.plot(energy, a[i], "k-", lw=1, label="exact")
        ax.plot(energy, p[i], "r--", lw=1, label="network")
        ax.set_title(f"#{i}: SE {100 * se[i]:.1f} %", fontsize=9)
        ax.set_xlabel("energy (eV)")
    axes[0].legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def plot_mepd(energy, result, se, title, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.4))
    ch = result["channels"]
    ax.scatter(energy[ch][result["labels_l3"]], 100 * se[result["labels_l3"]], s=3, label=f"L3 ({result['n_l3']})")
    ax.scatter(energy[ch][~result["labels_l3"]], 100 * se[~result["labels_l3"]], s=3, label=f"L2 ({result['n_l2']})")
    ax.set_xlabel("energy of the maximum error (eV)")
    ax.set_ylabel("SE (%)")
    ax.set_title(f"{title}: r_MEPD = {result['r_mepd']:.2f}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def draw_c4v_profile(ax, rows, label_prefix="", colour=None, max_alpha=1.0):
    """Median and maximum SE per Dq bin of a metrics.c4v_profile."""
    centre = [(r["dq_lo"] + r["dq_hi"]) / 2 for r in rows]
    ax.plot(centre, [100 * r["se_median"] for r in rows], "o-", color=colour, label=f"{label_prefix}median SE")
    ax.plot(centre, [100 * r["se_max"] for r in rows], "s--", color=colour, alpha=max_alpha,
            label=f"{label_prefix}max SE")


def plot_c4v(rows, title, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.4))
    draw_c4v_profile(ax, rows)
    ax.axhline(10, color="grey", lw=0.8)
    ax.set_xlabel("Dq (eV)")
    ax.set_ylabel("SE (%)")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def fmt(x, pct=False):
    return f"{100 * x:.2f} %" if pct else (f"{x:.3g}" if isinstance(x, float) else str(x))


def evaluate(run, sets, report=None, write_docs=True, reports_dir=ROOT / "training" / "reports"):
    net, cfg, ckpt = load_run(run)
    meta = ckpt["meta"]
    ion = meta["ion"]
    report = report or ion
    reports_dir = Path(reports_dir)
    out_dir = reports_dir / report
    out_dir.mkdir(parents=True, exist_ok=True)
    axis = meta["energy_axis"]
    energy = axis["start_ev"] + axis["step_ev"] * np.arange(int(axis["channels"]))

    ds, _, val_idx = data.load_training(cfg)
    results = {"ion": ion, "arch": cfg.arch, "run": cfg.name, "trained_domain": meta["domain"],
               "train_size": ckpt["train_size"], "epochs": ckpt["state"]["epoch"],
               "train_minutes": round(ckpt["state"]["seconds"] / 60, 1)}
    results["validation"], _ = metrics.summary(predict(net, ds.params[val_idx]), ds.spectra[val_idx])
    del ds
    lines = [f"# {ion}: {cfg.arch} ({cfg.name})", "",
             f"Trained on {results['train_size']} spectra of the `{meta['domain']}` domain for {results['epochs']} epochs "
             f"({results['train_minutes']} min of wall clock, {cfg.threads} torch "
             f"thread{'s' * (cfg.threads != 1)} on this machine's 2 CPU cores). Command: "
             f"`/usr/bin/python3 training/evaluate.py --run {run} " +
             " ".join(f"--{k} {v}" for k, v in sets.items()) + "`", "",
             "| set | n | MSE | MAE | median SE | I1 | I2 | I3 | I4 | I5 | I6 | I7 (outliers) | SE max |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]

    def row(label, s):
        return (f"| {label} | {s['n']} | {s['mse']:.2e} | {s['mae']:.2e} | {100 * s['se_median']:.2f} % | "
                + " | ".join(f"{100 * s[k]:.2f} %" for k in metrics.INTERVALS) + f" | {100 * s['se_max']:.1f} % |")

    lines.append(row("validation (8:2 split)", results["validation"]))
    extra = []
    for name, folder in sets.items():
        test = data.load(folder)
        p = predict(net, test.params)
        s, se = metrics.summary(p, test.spectra)
        lines.append(row(f"{name} test (`{test.meta['domain']}`, seed {test.meta['seed']})", s))
        plot_histogram(se, f"{ion} {name}", out_dir / f"{name}-se.png")
        plot_worst(energy, p, test.spectra, se, f"{ion} {name}: worst 5", out_dir / f"{name}-worst.png")
        extra.append(f"![{name} SE]({report}/{name}-se.png)\n\n![{name} worst]({report}/{name}-worst.png)\n")
        if name == "d4h":
            m = metrics.mepd(p, test.spectra)
            s["r_mepd"], s["mepd_centres_ev"] = m["r_mepd"], [float(energy[int(round(c))]) for c in m["centres"]]
            plot_mepd(energy, m, se, f"{ion} {name}", out_dir / "mepd.png")
            s["channel_se"] = [round(float(v), 5) for v in metrics.channel_resolved_se(p, test.spectra)]
            extra.append(f"MEPD: {m['n_l3']} maximum errors in L3, {m['n_l2']} in L2, r_MEPD = {m['r_mepd']:.2f}.\n\n"
                         f"![MEPD]({report}/mepd.png)\n")
        if name == "c4v":
            rows, r_a = metrics.c4v_profile(test.params[:, 0], se)
            s["r_a"], s["profile"] = r_a, rows
            plot_c4v(rows, f"{ion} C4v: SE vs Dq (r_a = {100 * r_a:.0f} %)", out_dir / "c4v.png")
            extra.append(f"C4v: r_a = {100 * r_a:.0f} % of 0.01 eV Dq bins have ≥ 95 % of spectra below SE 10 %.\n\n"
                         f"![C4v]({report}/c4v.png)\n")
        results[name] = s
    lines += [""] + extra
    lines += ["## Learning curve (validation set, every epoch)", "",
              "| epoch | minutes | spectra seen | val MSE | val I1 | val outliers | val median SE |", "|---|---|---|---|---|---|---|"]
    for h in ckpt["state"]["history"]:
        lines.append(f"| {h['epoch']} | {h['minutes']} | {h['samples_seen']} | {h['val_mse']:.2e} | {h['val_I1']:.1%} | "
                     f"{h['val_outliers']:.2%} | {h['val_se_median']:.2%} |")
    (reports_dir / f"{report}.md").write_text("\n".join(lines) + "\n")
    (Path(run) / "metrics.json").write_text(json.dumps(results, indent=1) + "\n")
    if write_docs:
        update_accuracy_doc(report, results)
    return results


COLUMNS = ("report", "ion", "arch", "trained domain", "train spectra", "last step, min", "val MSE", "val MAE", "D4h I1",
           "D4h outliers", "D4h median SE", "Oh SE max", "Oh outliers /10⁴", "C4v r_a", "r_MEPD", "goals missed")
# the per-model goals of the 22-ion issue: (column, comparison, bound in %)
GOALS = (("D4h I1", ">=", 95.0), ("D4h outliers", "<=", 0.1), ("Oh SE max", "<=", 10.0), ("C4v r_a", ">=", 95.0))


def goals_missed(cells):
    """The goals a table row misses, from its own cells ("–" where a set was not measured)."""
    missed = []
    for column, op, bound in GOALS:
        text = cells.get(column, "–").rstrip("%").strip()
        if text in ("–", ""):
            missed.append(f"{column} not measured")
        elif not (float(text) >= bound if op == ">=" else float(text) <= bound):
            missed.append(column)
    return ", ".join(missed) or "none"


def update_accuracy_doc(report, r, doc=ROOT / "docs" / "accuracy.md"):
    """Replace this report's line in the model table of docs/accuracy.md (r None: rewrite the table only); every
    row's `goals missed` is recomputed from its cells, and an ion without a report gets a row saying so."""
    text = doc.read_text() if doc.exists() else ""
    start, end = "<!-- models:start -->", "<!-- models:end -->"
    if start not in text:
        text += "\n## Models (generated by training/evaluate.py)\n\n" + start + "\n" + end + "\n"
    head, rest = text.split(start, 1)
    table, tail = rest.split(end, 1)
    lines = [ln for ln in table.strip("\n").split("\n") if ln.startswith("| [") and not ln.startswith(f"| [{report}]")]
    if r is not None:
        lines.append(report_row(report, r))
    by_ion = {}
    for line in sorted(lines):  # one row per report, in a stable order
        cells = [c.strip() for c in line.strip().strip("|").split("|")][:len(COLUMNS) - 1]
        cells.append(goals_missed(dict(zip(COLUMNS, cells))))
        by_ion.setdefault(cells[1], []).append("| " + " | ".join(cells) + " |")
    rows = []
    for ion in [row["ion"] for row in data.ion_table()]:  # every ion of the engine, Ti2+ … Ni4+
        rows += by_ion.pop(ion, [f"| – | {ion} | " + "– | " * (len(COLUMNS) - 3) + "no model yet |"])
    rows += [row for other in by_ion.values() for row in other]
    header = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    doc.write_text(head + start + "\n" + "\n".join(header + rows) + "\n" + end + tail)


def report_row(report, r):
    d, oh, c4v = r.get("d4h", {}), r.get("oh", {}), r.get("c4v", {})
    get = lambda s, k, f: f.format(s[k]) if k in s else "–"  # noqa: E731
    return (f"| [{report}](../training/reports/{report}.md) | {r['ion']} | {r['arch']} | {r['trained_domain']} | "
            f"{r['train_size']} | {r['train_minutes']} | {r['validation']['mse']:.2e} | {r['validation']['mae']:.2e} | "
            f"{get(d, 'I1', '{:.1%}')} | {get(d, 'I7', '{:.2%}')} | {get(d, 'se_median', '{:.2%}')} | "
            f"{get(oh, 'se_max', '{:.1%}')} | {get(oh, 'outliers_per_10000', '{:.0f}')} | {get(c4v, 'r_a', '{:.0%}')} | "
            f"{get(d, 'r_mepd', '{:.2f}')} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", required=True, help="run folder with best.pt (data/runs/<name>)")
    parser.add_argument("--report", help="report name (default: the ion)")
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/accuracy.md")
    for name in ("d4h", "oh", "c4v", "ood"):
        parser.add_argument("--" + name, help=f"{name} test-set folder")
    args = parser.parse_args()
    sets = {k: getattr(args, k) for k in ("d4h", "oh", "c4v", "ood") if getattr(args, k)}
    torch.set_num_threads(2)
    r = evaluate(args.run, sets, args.report, not args.no_docs)
    print(json.dumps({k: {m: v for m, v in s.items() if m not in ("channel_se", "profile")} if isinstance(s, dict) else s
                      for k, s in r.items()}, indent=1))


if __name__ == "__main__":
    main()
