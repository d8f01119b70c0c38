"""Export a trained run to ONNX under the model contract (DESIGN.md §3) and list it in models-onnx/manifest.json.

    /usr/bin/python3 training/export_onnx.py --run data/runs/ni2-voigt-mlp [--out models-onnx]

Input `params` float32 (N, 9) in physical units; output `spectrum` float32 (N, 501), box-normalised, and — when the
run has an SE head (training/uncertainty.py) — `predicted_se` float32 (N,) with its calibration in the `uncertainty`
metadata; dynamic batch axis; opset 17. Writes <out>/<ion>.onnx, <out>/parity/<ion>.npz (100 fresh inputs from the trained domain
and PyTorch's outputs, for the Java parity test) and the model's manifest entry with its sha256.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import onnx
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import uncertainty  # noqa: E402
from evaluate import load_run  # noqa: E402
from train import file_sha256 as sha256  # noqa: E402  (rebudget, regraph_onnx call export_onnx.sha256)

OPSET = 17
PARITY_SEED = 20261124
PARITY_ROWS = 100


def headline(metrics):
    """The per-set numbers that travel in metadata and the manifest (no per-channel arrays)."""
    keep = ("n", "mse", "mae", "se_median", "se_max", "outliers_per_10000", "r_mepd", "r_a") + \
        ("I1", "I2", "I3", "I4", "I5", "I6", "I7")
    out = {k: v for k, v in metrics.items() if not isinstance(v, dict)}
    for name, s in metrics.items():
        if isinstance(s, dict):
            out[name] = {k: s[k] for k in keep if k in s}
    return out


def export(run, out_dir, file_stem=None):
    net, cfg, ckpt = load_run(run)
    meta = ckpt["meta"]
    ion = meta["ion"]
    out_dir = Path(out_dir)
    (out_dir / "parity").mkdir(parents=True, exist_ok=True)
    stem = file_stem or ion
    path = out_dir / f"{stem}.onnx"

    lo, hi = np.array(meta["domain_min"], np.float32), np.array(meta["domain_max"], np.float32)
    fresh = lo + (hi - lo) * np.random.default_rng(PARITY_SEED).random((PARITY_ROWS, 9), dtype=np.float32)
    head, flags = uncertainty.load_head(run)
    graph = net if head is None else uncertainty.WithPredictedSe(net, head).eval()

    metrics_path = Path(run) / "metrics.json"
    metrics = headline(json.loads(metrics_path.read_text())) if metrics_path.exists() else {}
    ds = data.load_training(cfg)[0]
    props = {
        "ion": ion,
        "architecture": cfg.arch,
        "parameter_names": json.dumps(data.PARAMETER_NAMES),
        "trained_domain": meta["domain"],
        "domain_min": json.dumps([float(v) for v in meta["domain_min"]]),
        "domain_max": json.dumps([float(v) for v in meta["domain_max"]]),
        "energy_axis": json.dumps({"start_ev": meta["energy_axis"]["start_ev"], "step_ev": meta["energy_axis"]["step_ev"],
                                   "channels": int(meta["energy_axis"]["channels"])}),
        "outputs": json.dumps({"spectrum": "float32 (N, 501), box-normalised intensities on energy_axis",
                               **({} if head is None else {"predicted_se": "float32 (N,), the SE head's estimate of "
                                                           "Σ|p − a| / Σ|p + a| (fraction); calibration in 'uncertainty'"})}),
        "lifetime_step_ev": str(meta["lifetime_step_ev"]),
        "contract_version": str(meta["contract_version"]),
        "engine_version": str(meta["engine_version"]),
        "dataset_size": str(len(ds)),
        "train_size": str(ckpt["train_size"]),
        **data.fingerprints(ds),
        "dataset_seed": str(meta["seed"]),
        "seed": str(cfg.seed),
        "training_commit": ckpt.get("commit", "unknown"),
        "training_config": json.dumps(ckpt["config"]),
        "metrics": json.dumps(metrics),
    }
    if flags is not None:
        props["uncertainty"] = json.dumps(flags, allow_nan=False)
    del ds
    save_model(graph, path, props, fresh, out_dir / "parity" / f"{stem}.npz")
    list_in_manifest(out_dir, {
        "ion": ion, "file": path.name, "sha256": sha256(path), "bytes": path.stat().st_size,
        "architecture": cfg.arch, "trained_domain": meta["domain"],
        "domain_min": [float(v) for v in meta["domain_min"]], "domain_max": [float(v) for v in meta["domain_max"]],
        "contract_version": str(meta["contract_version"]), "parity": f"parity/{stem}.npz", "metrics": metrics,
        **({} if flags is None else {"flags": manifest_flags(flags)})})
    if Path(out_dir).resolve() == (uncertainty.ROOT / "models-onnx").resolve():
        uncertainty.write_flags_summary(out_dir / "manifest.json", uncertainty.ROOT / "docs" / "accuracy.md")
    print(f"exported {path} ({path.stat().st_size / 1e6:.2f} MB), sha256 {sha256(path)[:16]}…")
    return path


def manifest_flags(flags):
    """A model's manifest entry for its flags, from its `uncertainty` metadata."""
    return {"threshold": flags["threshold"], "report": flags["report"],
            "recall_targets": [flags["recall_target"], flags["recall_target_outside"]],
            "flag_budget": flags.get("flag_budget")}


def output_names(graph):
    return ["spectrum", "predicted_se"] if isinstance(graph, uncertainty.WithPredictedSe) else ["spectrum"]


def save_model(graph, path, props, parity_params, parity_path):
    """Writes `graph` to `path` at opset 17 with its metadata, and the parity fixture: `parity_params` and
    PyTorch's outputs for them, which the Java parity test compares ONNX Runtime against."""
    outputs = output_names(graph)
    with torch.no_grad():
        result = graph(torch.from_numpy(parity_params))
    result = result if isinstance(result, tuple) else (result,)
    expected = {name: r.numpy() for name, r in zip(outputs, result)}
    torch.onnx.export(graph, torch.from_numpy(parity_params[:2]), str(path), opset_version=OPSET,
                      input_names=["params"], output_names=outputs,
                      dynamic_axes={name: {0: "batch"} for name in ["params"] + outputs}, do_constant_folding=True)
    m = onnx.load(str(path))
    lines = getattr(getattr(graph, "net", graph), "lines", None)
    if lines is not None:
        fourier_tables_in_graph(m, lines.inverse_dft.numpy())
    for k, v in props.items():
        entry = m.metadata_props.add()
        entry.key, entry.value = k, v
    m.producer_name = "xasflow training/export_onnx.py"
    onnx.checker.check_model(m)
    onnx.save(m, str(path))
    np.savez(parity_path, params=parity_params, **expected)
    return expected


def fourier_tables_in_graph(m, table):
    """Replaces the exported slices of the inverse-DFT table (2K × 501 floats: 2 MB, the largest part of a model
    file) by the nodes that compute them: w_k cos and w_k sin of 2π·(k·q mod L)/L. The integer product is reduced
    mod L first, so the float32 angle stays below 2π and its cosine is as exact as the table's. ONNX Runtime folds
    these nodes back into constants when it loads the model, so inference costs the same."""
    from onnx import helper, numpy_helper, TensorProto
    harmonics = table.shape[0] // 2
    period = 2 * (harmonics - 1)
    weight = table[:harmonics, :1]  # cos(0) = 1 in column 0: the per-harmonic weight
    k = np.arange(harmonics, dtype=np.int64)[:, None]
    found = []
    for init in m.graph.initializer:
        if len(init.dims) != 2 or init.dims[0] != table.shape[0]:
            continue
        value = numpy_helper.to_array(init)
        for first in (0, table.shape[1] - init.dims[1]):
            if np.array_equal(value, table[:, first:first + init.dims[1]]):
                found.append((init, first))
                break
    for init, first in found:
        q = np.arange(first, first + init.dims[1], dtype=np.int64)[None, :]
        angle = np.float32(2 * np.pi / period) * ((k * q) % period).astype(np.float32)
        computed = np.concatenate([weight * np.cos(angle), weight * np.sin(angle)]).astype(np.float32)
        worst = float(np.abs(computed - numpy_helper.to_array(init)).max())
        if worst > 1e-6 * float(np.abs(table).max()):
            raise SystemExit(f"error: the in-graph Fourier table differs from the exported one by {worst:.2e}")
        name = init.name
        c = lambda suffix, value: helper.make_tensor(f"{name}/{suffix}", TensorProto.INT64, [], [value])  # noqa: E731
        m.graph.initializer.extend([
            c("k_end", harmonics), c("q_begin", first), c("q_end", first + init.dims[1]), c("one", 1),
            c("zero", 0), c("period", period),
            helper.make_tensor(f"{name}/axis_1", TensorProto.INT64, [1], [1]),
            helper.make_tensor(f"{name}/axis_0", TensorProto.INT64, [1], [0]),
            helper.make_tensor(f"{name}/radians", TensorProto.FLOAT, [], [2 * np.pi / period]),
            numpy_helper.from_array(np.concatenate([weight, weight]).astype(np.float32), f"{name}/weight")])
        nodes = [
            helper.make_node("Range", [f"{name}/zero", f"{name}/k_end", f"{name}/one"], [f"{name}/k"]),
            helper.make_node("Range", [f"{name}/q_begin", f"{name}/q_end", f"{name}/one"], [f"{name}/q"]),
            helper.make_node("Unsqueeze", [f"{name}/k", f"{name}/axis_1"], [f"{name}/k_column"]),
            helper.make_node("Unsqueeze", [f"{name}/q", f"{name}/axis_0"], [f"{name}/q_row"]),
            helper.make_node("Mul", [f"{name}/k_column", f"{name}/q_row"], [f"{name}/kq"]),
            helper.make_node("Mod", [f"{name}/kq", f"{name}/period"], [f"{name}/kq_mod"]),
            helper.make_node("Cast", [f"{name}/kq_mod"], [f"{name}/kq_float"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [f"{name}/kq_float", f"{name}/radians"], [f"{name}/angle"]),
            helper.make_node("Cos", [f"{name}/angle"], [f"{name}/cos"]),
            helper.make_node("Sin", [f"{name}/angle"], [f"{name}/sin"]),
            helper.make_node("Concat", [f"{name}/cos", f"{name}/sin"], [f"{name}/harmonics"], axis=0),
            helper.make_node("Mul", [f"{name}/harmonics", f"{name}/weight"], [name])]
        m.graph.initializer.remove(init)
        for node in reversed(nodes):
            m.graph.node.insert(0, node)
    return len(found)


def list_in_manifest(out_dir, entry):
    """Adds or replaces (by file name) one model's entry in <out_dir>/manifest.json."""
    manifest_path = Path(out_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"models": []}
    manifest["models"] = [e for e in manifest["models"] if e["file"] != entry["file"]]
    manifest["models"].append(entry)
    manifest["models"].sort(key=lambda e: e["file"])
    manifest_path.write_text(json.dumps(manifest, indent=1, allow_nan=False) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", required=True)
    parser.add_argument("--out", default="models-onnx")
    parser.add_argument("--file-stem", help="model file name without .onnx (default: the ion key)")
    args = parser.parse_args()
    export(args.run, args.out, args.file_stem)


if __name__ == "__main__":
    main()
