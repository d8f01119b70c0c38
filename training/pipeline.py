"""Rebuild product models end to end, one ion after another: engine data (train + D4h/Oh/C4v test sets) →
training → evaluation → ONNX export into models-onnx/. Every stage is resumable: rerun the same command after an
interruption and finished shards, epochs and exports are kept.

    /usr/bin/python3 training/pipeline.py --plan training/configs/product.json --ions Ni2+,Fe2+

The plan holds the defaults for every ion and per-ion overrides (data size, lines, epochs); see that file.
"""
import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import evaluate  # noqa: E402
import export_onnx  # noqa: E402
import train as trainer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEST_SETS = (("d4h", "paper", 1001), ("oh", "oh", 1002), ("c4v", "c4v", 1003))


XASFLOW = [str(ROOT / "xasflow")]


def generate(ion, domain, count, seed, out, threads):
    subprocess.run(XASFLOW + ["generate", "--ion", ion, "--count", str(count), "--seed", str(seed),
                    "--domain", domain, "--out", str(out), "--threads", str(threads)], check=True, cwd=ROOT)


def plan_for(plan, ion):
    cfg = dict(plan["defaults"])
    cfg.update(plan.get("ions", {}).get(ion, {}))
    return cfg


def build_ion(ion, plan, data_root, threads):
    p = plan_for(plan, ion)
    started = time.time()
    tests = {}
    for name, domain, seed in TEST_SETS:
        tests[name] = data_root / ion / f"test-{name}"
        generate(ion, domain, p["test_count"], seed, tests[name], threads)
    train_dir = data_root / ion / f"train-{p['train_domain']}"
    generate(ion, p["train_domain"], p["train_count"], p["train_seed"], train_dir, threads)
    fields = {f for f in trainer.TrainConfig.__dataclass_fields__}
    cfg = trainer.TrainConfig(name=p.get("run_name") or f"{p['run_prefix']}-{ion}", train_dir=str(train_dir),
                              **{k: v for k, v in p.items() if k in fields and k not in ("name", "train_dir")})
    run = trainer.train(cfg)
    if (run / "last.pt").exists() and trainer.torch.load(run / "last.pt")["state"]["epoch"] < cfg.epochs:
        return f"{ion}: training paused at its time budget; rerun to continue"
    evaluate.evaluate(str(run), {k: str(v) for k, v in tests.items()})
    export_onnx.export(str(run), ROOT / "models-onnx")
    return f"{ion}: done in {(time.time() - started) / 60:.1f} min"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plan", default=str(ROOT / "training" / "configs" / "product.json"))
    parser.add_argument("--ions", help="comma-separated ion keys (default: every ion of the plan)")
    parser.add_argument("--data", default="data", help="data folder (relative to the repository root)")
    parser.add_argument("--threads", type=int, default=2, help="engine threads for data generation")
    parser.add_argument("--xasflow", default=XASFLOW[0],
                        help="launcher to run the engine with (a frozen copy keeps long runs safe from rebuilds)")
    args = parser.parse_args()
    XASFLOW[0] = args.xasflow
    plan = json.loads(Path(args.plan).read_text())
    import os
    os.chdir(ROOT)  # run names, data and checkpoint paths are relative to the repository root
    ions = args.ions.split(",") if args.ions else plan["order"]
    for i, ion in enumerate(ions, 1):
        print(f"[{i}/{len(ions)}] {ion}: starting", flush=True)
        print(f"[{i}/{len(ions)}] {build_ion(ion, plan, Path(args.data), args.threads)}", flush=True)


if __name__ == "__main__":
    main()
