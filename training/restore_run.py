"""Rebuild a finished run folder from its committed ONNX model, on a machine that no longer has the run.

    /usr/bin/python3 training/restore_run.py --onnx models-onnx/Ni2+.onnx

Runs (data/runs/<name>/) are not committed, models are. The network's weights, training config, commit, sizes and
headline metrics travel in the model's metadata; the dataset metadata comes from the training data, which must be
regenerated first (`training/pipeline.py` does, from the same seeds) and is checked against the model's metadata, so
a restored run stands on the data the network was trained on: the same content hash, or (another machine's BLAS
kernels round the engine's spectra differently) the same parameters bit for bit and the same weighted mean spectrum to 1e-5
(`data.same_data`). Models exported before these fingerprints need `--accept-regenerated`. Afterwards
`training/pipeline.py --flags-only --ions <ion>` can refit the SE head of the committed network. The restored
checkpoints have no optimiser state: they serve evaluation, flags and export, not further training.
"""
import argparse
import json
import sys
from pathlib import Path

import onnx
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import model as models  # noqa: E402
from train import TrainConfig, load_onnx_weights, save_atomic  # noqa: E402


def restore(onnx_path, runs_dir=None, accept_regenerated=False):
    props = {p.key: p.value for p in onnx.load(str(onnx_path), load_external_data=False).metadata_props}
    values = json.loads(props["training_config"])
    if runs_dir:
        values["runs_dir"] = runs_dir
    known = set(TrainConfig.__dataclass_fields__)
    cfg = TrainConfig(**{k: v for k, v in values.items() if k in known})
    ds = data.load_training(cfg)[0]
    match = data.same_data(ds, props)
    legacy = "dataset_params_hash" not in props  # exported before the rounding-proof fingerprints
    if match is None and legacy and accept_regenerated and len(ds) == int(props["dataset_size"]):
        match = "regenerated, accepted unverified (same size; the model carries only a content hash)"
    if match is None:
        older = ("; this model predates the rounding-proof fingerprints, so data regenerated on another machine cannot "
                 "be verified: --accept-regenerated takes it on its size alone") if legacy else ""
        raise SystemExit(f"error: the data in {cfg.train_dir} ({len(ds)} spectra) is not the data {onnx_path} was "
                         f"trained on ({props['dataset_size']} spectra, hash {props['dataset_hash'][:16]}…); "
                         f"regenerate it with training/pipeline.py first{older}")
    print(f"training data: {match}")
    net = models.build(cfg, ds.meta)
    load_onnx_weights(net, str(onnx_path))
    run = cfg.run_dir
    if (run / "last.pt").exists():
        raise SystemExit(f"error: {run} exists; restoring would overwrite a real run")
    run.mkdir(parents=True)
    ckpt = {"model": net.state_dict(), "optimizer": None,
            "state": {"epoch": cfg.epochs, "seconds": 0.0, "history": [], "best_val": float("nan")},
            "config": values, "meta": ds.meta, "train_size": int(props["train_size"]),
            "commit": props.get("training_commit", "unknown"), "restored_from": str(onnx_path)}
    save_atomic(ckpt, run / "best.pt")
    save_atomic(ckpt, run / "last.pt")
    (run / "config.json").write_text(json.dumps(values, indent=2) + "\n")
    (run / "metrics.json").write_text(props.get("metrics", "{}") + "\n")  # the headline travels on at export
    print(f"restored {run} from {onnx_path} ({sum(p.numel() for p in net.parameters())} parameters)")
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--onnx", required=True)
    parser.add_argument("--runs-dir", help="where the run folder goes (default: the one in its training config)")
    parser.add_argument("--accept-regenerated", action="store_true",
                        help="for models exported before 2026-12-01: accept regenerated data of the same size whose "
                             "content hash differs (spectra rounded by other BLAS kernels or engine 1.0.0 vs 1.1.0)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    restore(args.onnx, args.runs_dir, args.accept_regenerated)


if __name__ == "__main__":
    main()
