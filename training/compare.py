"""Architecture comparison on one ion, like the paper's Fig. 3: validation MSE by architecture, by depth of the
characteristic layers and by training-set size, each run with the same wall-clock budget on this machine.

    /usr/bin/python3 training/compare.py --train-dir data/Ni2+/train-extended --minutes 5

Runs are ordinary resumable training runs (data/runs/cmp-*); the table goes to docs/accuracy.md between
<!-- compare:start --> and <!-- compare:end -->, with the command and the budget.
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train as trainer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# (label, overrides): paper architectures with the paper's dense stem (260, 160), then the physics heads
RUNS = [
    ("dnn", {"arch": "dnn", "hidden": [512, 512, 512]}),
    ("cnn-7", {"arch": "cnn", "hidden": [260, 160], "depth": 7}),
    ("tcnn-7", {"arch": "tcnn", "hidden": [260, 160], "depth": 7}),
    ("lcnn-7", {"arch": "lcnn", "hidden": [260, 160], "depth": 7}),
    ("slcnn-3", {"arch": "slcnn", "hidden": [260, 160], "depth": 3}),
    ("slcnn-5", {"arch": "slcnn", "hidden": [260, 160], "depth": 5}),
    ("slcnn-7", {"arch": "slcnn", "hidden": [260, 160], "depth": 7}),
    ("voigt-mlp", {"arch": "voigt-mlp", "hidden": [512, 512, 512], "activation": "silu"}),
    ("voigt-lines", {"arch": "voigt-lines", "hidden": [512, 512, 512], "activation": "silu"}),
]
SIZES = (10000, 40000, 160000)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train-dir", required=True)
    parser.add_argument("--minutes", type=float, default=5.0, help="training budget per run")
    parser.add_argument("--limit", type=int, default=40000, help="spectra per run for the architecture rows")
    args = parser.parse_args()
    rows = []
    plan = [(label, o, args.limit) for label, o in RUNS]
    plan += [("voigt-lines", RUNS[-1][1], n) for n in SIZES if n != args.limit]
    for label, overrides, limit in plan:
        cfg = trainer.TrainConfig(name=f"cmp-{label}-{limit}", train_dir=args.train_dir, train_limit=limit,
                                  epochs=1000, max_minutes=args.minutes, **overrides)
        run = cfg.run_dir
        if not (run / "last.pt").exists():
            trainer.train(cfg)
        import torch
        ckpt = torch.load(run / "last.pt")
        best = min(ckpt["state"]["history"], key=lambda r: r["val_mse"])
        n_params = sum(v.numel() for k, v in ckpt["model"].items() if not k.endswith(("index", "lo", "span", "columns")))
        rows.append({"label": label, "spectra": limit, "params": n_params, **best})
        print(json.dumps(rows[-1]), flush=True)
    write_table(rows, args)


def write_table(rows, args):
    doc = ROOT / "docs" / "accuracy.md"
    text = doc.read_text()
    start, end = "<!-- compare:start -->", "<!-- compare:end -->"
    table = [f"Command: `/usr/bin/python3 training/compare.py --train-dir {args.train_dir} --minutes {args.minutes}"
             f" --limit {args.limit}`; every run trains for {args.minutes} min on 2 CPU threads (8:2 split of the first"
             " N spectra); the epoch with the lowest validation MSE is shown.", "",
             "| network | spectra | weights | epochs | val MSE | val MAE | val I1 | val outliers | val median SE |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        table.append(f"| {r['label']} | {r['spectra']} | {r['params']} | {r['epoch']} | {r['val_mse']:.2e} | "
                     f"{r['val_mae']:.2e} | {r['val_I1']:.1%} | {r['val_outliers']:.1%} | {r['val_se_median']:.2%} |")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    doc.write_text(head + start + "\n" + "\n".join(table) + "\n" + end + tail)


if __name__ == "__main__":
    main()
