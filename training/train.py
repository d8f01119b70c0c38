"""Train one network on engine data; checkpointed every epoch and resumable (rerun the same command).

    /usr/bin/python3 training/train.py --config training/configs/ni2-voigt-mlp.json [--key value ...]

Every TrainConfig field can be set in the JSON config or overridden on the command line. A config may start from
another with `"extends": "<file beside it>"` and name only the fields it changes.
"""
import argparse
import dataclasses
import hashlib
import json
import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import metrics  # noqa: E402
import model as models  # noqa: E402


@dataclass
class TrainConfig:
    name: str = "run"                      # run folder under runs_dir; checkpoints and logs live there
    arch: str = "voigt-mlp"                # one of model.ARCHITECTURES
    train_dir: str = ""                    # engine shards (./xasflow generate --out ...)
    append_dir: str = ""                   # shards added after train_dir's split (data.load_training)
    train_limit: int = 0                   # use only the first N spectra (0 = all): data-size curves
    validation_fraction: float = 0.2       # the paper's 8:2 split
    seed: int = 7                          # weights, split and batch order all follow from it
    epochs: int = 40
    batch_size: int = 256                  # small batches generalise better here; 2 cores are busy at 256
    optimizer: str = "adam"                # "rmsprop" is the paper's; adam converged faster in our runs
    lr: float = 1e-3
    lr_final: float = 1e-5                 # cosine decay to this by the last epoch
    weight_decay: float = 0.0
    loss: str = "mse"                      # "mse" (the paper's) or "se": the SE metric itself, Σ|p − a| / Σ|p + a|
    hidden: list = field(default_factory=lambda: [512, 512, 512])  # dense widths (the paper's stem: 260, 160)
    activation: str = "relu"               # relu (paper), silu or gelu
    degree: int = 3                        # monomial degree of the feature step (the paper: 3)
    filters: int = 8                       # channels of the characteristic layers (paper: 165; far too heavy here)
    kernel: int = 7                        # kernel of the characteristic layers (paper: 25)
    depth: int = 7                         # number of characteristic layers (sLCNN-7)
    lines: int = 128                       # voigt-lines: effective sticks (Ni2+ has 60 final states)
    line_margin_ev: float = 2.0            # voigt-lines: lines may sit this far outside the window
    thermal_inputs: int = 0                # voigt-lines: 1 adds ln T and crystal field / k_BT inputs (model.ThermalInputs)
    base_pad: int = 50                     # voigt-mlp: base-spectrum channels beyond each end of the window
    threads: int = 2                       # torch intra-op threads (this machine has 2 cores)
    init_onnx: str = ""                    # warm start from a committed model's weights (checkpoints live in data/)
    max_minutes: float = 0.0               # stop (resumably) after this long; 0 = run to the last epoch
    runs_dir: str = "data/runs"

    @property
    def run_dir(self):
        """The run's folder: checkpoints, log and the exported networks live there."""
        return Path(self.runs_dir) / self.name


def read_config(path, _seen=()):
    """A config file's TrainConfig fields; those of the file it `extends` (beside it, recursively) come first."""
    path = Path(path)
    values = json.loads(path.read_text())
    base = values.pop("extends", None)
    if base is None:
        return values
    base_path = path.parent / base
    if not base_path.is_file():
        raise SystemExit(f"error: {path}: extends '{base}', but {base_path} does not exist")
    if base_path.resolve() in _seen:
        raise SystemExit(f"error: {path}: extends '{base}', which extends {path.name} again (a cycle)")
    merged = read_config(base_path, _seen + (path.resolve(),))
    merged.update(values)
    return merged


def parse_config(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", help="JSON file with TrainConfig fields")
    for f in dataclasses.fields(TrainConfig):
        parser.add_argument("--" + f.name.replace("_", "-"), dest=f.name, default=None,
                            type=json.loads if f.name == "hidden" else (f.type if f.type in (int, float) else str))
    args = parser.parse_args(argv)
    values = {}
    if args.config:
        values.update(read_config(args.config))
    values.update({k: v for k, v in vars(args).items() if k != "config" and v is not None})
    # a pipeline step names the ion's folders by placeholders (`{data}/{ion}/train-oh`) that only the pipeline fills
    left = sorted(k for k, v in values.items() if isinstance(v, str) and ("{ion}" in v or "{data}" in v))
    if left:
        raise SystemExit(f"error: {args.config} is a step of training/pipeline.py, with placeholders only it fills in "
                         + ", ".join(f"{k} '{values[k]}'" for k in left) + "; run it through the pipeline or give "
                         + ", ".join("--" + k.replace("_", "-") for k in left))
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    unknown = set(values) - known
    if unknown:
        raise SystemExit(f"error: unknown config keys {sorted(unknown)}, expected some of {sorted(known)}")
    cfg = TrainConfig(**values)
    if cfg.arch not in models.ARCHITECTURES:
        raise SystemExit(f"error: arch '{cfg.arch}' unknown, expected one of {list(models.ARCHITECTURES)}")
    if not cfg.train_dir:
        raise SystemExit("error: train_dir is required")
    return cfg


def git_commit():
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True,
                              cwd=Path(__file__).resolve().parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def predict(net, params, batch=4096):
    """Numpy in, numpy out, in evaluation mode."""
    net.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(params), batch):
            out.append(net(torch.from_numpy(params[i:i + batch])).numpy())
    return np.concatenate(out)


def save_atomic(obj, path):
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def load_onnx_weights(net, path, model=None):
    """Copy every trainable weight from an exported model (its initializers keep the state_dict names); `model` is
    the file already parsed, if the caller has it (a 3.5 MB model is not parsed twice)."""
    import onnx
    from onnx import numpy_helper

    found = {i.name: numpy_helper.to_array(i) for i in (onnx.load(path) if model is None else model).graph.initializer}
    # a model exported with its SE head keeps the network's weights under "net." (uncertainty.WithPredictedSe)
    found.update({name[len("net."):]: v for name, v in found.items() if name.startswith("net.")})
    widened = widen_for_thermal_inputs(net, found)
    missing = [name for name, p in net.named_parameters()
               if name not in found or tuple(found[name].shape) != tuple(p.shape)]
    if missing:
        raise SystemExit(f"error: {path} does not fit this architecture: no matching weights for {missing[:5]}")
    with torch.no_grad():
        for name, p in net.named_parameters():
            p.copy_(torch.from_numpy(found[name].copy()))
    print(f"warm start: {sum(1 for _ in net.parameters())} weight tensors from {path}"
          + (f" (its first layer widened by {widened} thermal inputs with zero weights)" if widened else ""), flush=True)


def widen_for_thermal_inputs(net, found):
    """A donor trained without the thermal inputs warm-starts a network with them: the inputs are appended after the
    monomials, so their columns of the first layer start at zero and the network starts as the donor's function.
    Returns how many columns were added (0 if none were needed)."""
    thermal = getattr(getattr(net, "stem", None), "thermal", None)
    first = "body.0.weight"
    if thermal is None or first not in found:
        return 0
    weight = found[first]
    rows, columns = net.get_parameter(first).shape
    if weight.shape != (rows, columns - thermal.features):
        return 0
    found[first] = np.concatenate([weight, np.zeros((rows, thermal.features), weight.dtype)], axis=1)
    return thermal.features


def loss_function(name):
    """MSE weighs the few large misses; SE is the paper's per-spectrum metric (L1-like), so training on it moves
    the SE intervals I1…I7 directly."""
    if name == "mse":
        return lambda p, a: torch.mean((p - a) ** 2)
    if name == "se":
        return lambda p, a: torch.mean((p - a).abs().sum(1) / (p + a).abs().sum(1).clamp(min=1e-12))
    raise SystemExit(f"error: unknown loss '{name}' (use mse or se)")


def learning_rate(cfg, progress):
    """Cosine decay from lr to lr_final over the run; progress in [0, 1]."""
    return cfg.lr_final + 0.5 * (cfg.lr - cfg.lr_final) * (1 + math.cos(math.pi * min(progress, 1.0)))


def file_sha256(path):
    """A file's sha256, read in 1 MB chunks: a model's identity in the manifest and a run's starting network."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def start_sha256(net):
    """The sha256 of the weights a warm start took from its donor: the identity of a run's starting network, whatever
    else the donor's file holds (an SE head refitted since, new metadata)."""
    h = hashlib.sha256()
    for name, p in sorted(net.named_parameters()):
        h.update(name.encode())
        h.update(p.detach().cpu().numpy().tobytes())
    return h.hexdigest()


def resume_conflict(ckpt, cfg, train_size, started_from):
    """Why a checkpoint cannot be resumed under this config (None if it can). Besides the recipe, the data and the
    starting network must be those it was trained from: the same folders may have grown (a larger `train_count`), and
    the same init path may hold another network (a donor rebuilt since). Resuming either would finish, or keep as
    finished, a run of the old recipe under the new one's name. `started_from` is `start_sha256` of this config's
    starting network ("" from scratch)."""
    defaults = dataclasses.asdict(TrainConfig())  # keys added since the checkpoint was written take defaults
    changed = {k for k, v in dataclasses.asdict(cfg).items() if ckpt["config"].get(k, defaults[k]) != v}
    changed -= {"epochs", "max_minutes", "threads", "init_onnx"}  # the init path may move; its content is checked
    if changed:
        return f"was trained with another config (differs in {sorted(changed)})"
    if ckpt.get("train_size", train_size) != train_size:
        return f"was trained on {ckpt['train_size']} spectra, and its training folders now give {train_size}"
    if "start_sha256" in ckpt:
        before, now, of = ckpt["start_sha256"], started_from, "weights"
    elif "init_sha256" in ckpt:  # older checkpoints hashed the donor's whole file
        before, now, of = ckpt["init_sha256"], file_sha256(cfg.init_onnx) if cfg.init_onnx else "", "a file"
    else:
        return None  # checkpoints before either field: the start is not known
    if before != now:
        what = f"{cfg.init_onnx} (sha256 {now[:12]})" if cfg.init_onnx else "scratch"
        return f"started from {of} with sha256 {before[:12] or '(none)'}, and this config from {what}"
    return None


def train(cfg):
    torch.set_num_threads(cfg.threads)
    run = cfg.run_dir
    run.mkdir(parents=True, exist_ok=True)
    ds, train_idx, val_idx = data.load_training(cfg)
    x_train, y_train = ds.params[train_idx], ds.spectra[train_idx]
    x_val, y_val = ds.params[val_idx], ds.spectra[val_idx]

    torch.manual_seed(cfg.seed)
    net = models.build(cfg, ds.meta)
    if hasattr(net, "init_from_mean"):
        net.init_from_mean(y_train.mean(0))
    opt = (torch.optim.RMSprop(net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay) if cfg.optimizer == "rmsprop"
           else torch.optim.Adam(net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay))
    criterion = loss_function(cfg.loss)
    best_key = "mse" if cfg.loss == "mse" else "se_mean"  # the best checkpoint is judged by the trained-for metric
    state = {"epoch": 0, "seconds": 0.0, "history": [], "best_val": float("inf")}
    if cfg.init_onnx:  # on a resume too: the starting weights are checked against the checkpoint's
        load_onnx_weights(net, cfg.init_onnx)
    started_from = start_sha256(net) if cfg.init_onnx else ""
    ckpt_path = run / "last.pt"
    if ckpt_path.exists():
        ckpt = torch.load(ckpt_path)
        conflict = resume_conflict(ckpt, cfg, len(x_train), started_from)
        if conflict:
            raise SystemExit(f"error: {ckpt_path} {conflict}; move the run folder aside or use another --name")
        net.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        state = ckpt["state"]
        print(f"resuming {cfg.name} at epoch {state['epoch']} ({state['seconds'] / 60:.1f} min trained)", flush=True)
    else:
        (run / "config.json").write_text(json.dumps(dataclasses.asdict(cfg), indent=2) + "\n")
    n_params = sum(p.numel() for p in net.parameters())
    print(f"{cfg.name}: {cfg.arch}, {n_params} parameters, {len(x_train)} train / {len(x_val)} validation spectra "
          f"of {ds.meta['ion']} ({ds.meta['domain']})", flush=True)

    rng = np.random.default_rng(cfg.seed + state["epoch"])
    steps_per_epoch = math.ceil(len(x_train) / cfg.batch_size)
    started = time.time()
    while state["epoch"] < cfg.epochs:
        epoch_start = time.time()
        net.train()
        order = rng.permutation(len(x_train))
        total = 0.0
        for step in range(steps_per_epoch):
            for group in opt.param_groups:
                group["lr"] = learning_rate(cfg, (state["epoch"] + step / steps_per_epoch) / cfg.epochs)
            batch = order[step * cfg.batch_size:(step + 1) * cfg.batch_size]
            x, y = torch.from_numpy(x_train[batch]), torch.from_numpy(y_train[batch])
            loss = criterion(net(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item() * len(batch)
        state["epoch"] += 1
        state["seconds"] += time.time() - epoch_start
        val, _ = metrics.summary(predict(net, x_val), y_val)
        row = {"epoch": state["epoch"], "minutes": round(state["seconds"] / 60, 2),
               "samples_seen": state["epoch"] * len(x_train), f"train_{cfg.loss}": total / len(x_train),
               "val_mse": val["mse"], "val_mae": val["mae"], "val_I1": val["I1"], "val_outliers": val["I7"],
               "val_se_median": val["se_median"], "lr": opt.param_groups[0]["lr"]}
        state["history"].append(row)
        print(json.dumps(row), flush=True)
        ckpt = {"model": net.state_dict(), "optimizer": opt.state_dict(), "state": state,
                "config": dataclasses.asdict(cfg), "meta": ds.meta,
                "train_size": len(x_train), "start_sha256": started_from, "commit": git_commit()}
        if val[best_key] < state.get("best_val", state.get("best_val_mse", float("inf"))):
            state["best_val"] = val[best_key]
            save_atomic(ckpt, run / "best.pt")
        save_atomic(ckpt, ckpt_path)
        if cfg.max_minutes and time.time() - started > cfg.max_minutes * 60:
            print(f"stopping after {cfg.max_minutes} min; rerun the same command to resume", flush=True)
            return run
    print(f"done: {cfg.name} after {state['epoch']} epochs, {state['seconds'] / 60:.1f} min", flush=True)
    return run


if __name__ == "__main__":
    train(parse_config())
