"""Rebuild committed ONNX models from their own weights under the current training/model.py.

    /usr/bin/python3 training/regraph_onnx.py models-onnx/Ni2+.onnx [models-onnx/Fe2+.onnx …]

When the graph code gets faster without changing what it computes (for example the stepwise-Γ inverse DFT that
transforms each width only onto its own channels), the committed models should profit without their training runs,
whose checkpoints live in data/ and may be gone. Every trained weight is read back from the model's initializers
(they keep the state_dict names), the network and its SE head are rebuilt from the metadata (fixed buffers that the
exporter folded away are recomputed), and the model is exported again with the same metadata (plus
`lifetime_step_ev` where an older export lacked it). The new graph must reproduce the old parity outputs to 1e-5, or nothing is
written; the parity fixture (same inputs) and the manifest's sha256 and size are then updated.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import export_onnx  # noqa: E402
import model as models  # noqa: E402
import uncertainty  # noqa: E402
from train import TrainConfig  # noqa: E402

TOLERANCE = 1e-5


def rebuild(path):
    """The torch graph (network, or network + SE head) and the metadata of the ONNX model at `path`."""
    m = onnx.load(str(path))
    props = {p.key: p.value for p in m.metadata_props}
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in m.graph.initializer}
    with_head = any(o.name == "predicted_se" for o in m.graph.output)
    prefix = "net." if with_head else ""
    cfg = TrainConfig(**json.loads(props["training_config"]))
    axis = json.loads(props["energy_axis"])
    meta = {"energy_axis": axis, "domain_min": json.loads(props["domain_min"]),
            "domain_max": json.loads(props["domain_max"])}
    if "lifetime_step_ev" not in props:  # models exported before the key travelled in their metadata
        props["lifetime_step_ev"] = str(lifetime_step_ev(props["ion"]))
    meta["lifetime_step_ev"] = float(props["lifetime_step_ev"])
    net = models.build(cfg, meta)
    below = weights.get(prefix + "lines.below_step")
    if below is not None and not torch.equal(below, net.lines.below_step):
        raise SystemExit(f"error: {path}: its Γ1/Γ2 step is not at E_L3 + 0.75 ζ2p = {meta['lifetime_step_ev']} eV")
    graph = net
    if with_head:
        lo, span = weights["head.lo"], weights["head.span"]
        head = uncertainty.SeHead(cfg.hidden[-1], lo.tolist(), (lo + span).tolist(),
                                  hidden=weights["head.layers.0.weight"].shape[0])
        graph = uncertainty.WithPredictedSe(net, head)
    # every trained parameter must be there; fixed buffers that the exporter folded into constants (gather indices,
    # frequencies) are rebuilt from the metadata, and the parity check below catches any that came out different
    state = graph.state_dict()
    learned = {name for name, _ in graph.named_parameters()}
    fits = {k for k in state if k in weights and tuple(weights[k].shape) == tuple(state[k].shape)}
    missing = sorted(learned - fits)
    if missing:
        raise SystemExit(f"error: {path} does not fit the current model.py: no matching initializer for {missing[:5]}")
    graph.load_state_dict({k: weights[k] if k in fits else v for k, v in state.items()})
    return graph.eval(), props


def lifetime_step_ev(ion):
    """E_L3 + 0.75·ζ2p (DESIGN.md §1), from the engine's copy of the Hartree–Fock table."""
    row = next(r for r in data.ion_table() if r["ion"] == ion)
    return float(row["E_L3_eV"]) + 0.75 * float(row["zeta2p_f_eV"])


def regraph(path):
    path = Path(path)
    out_dir = path.parent
    graph, props = rebuild(path)
    parity_path = out_dir / "parity" / f"{path.stem}.npz"
    before = dict(np.load(parity_path))
    with torch.no_grad():
        result = graph(torch.from_numpy(before["params"]))
    result = result if isinstance(result, tuple) else (result,)
    for name, r in zip(export_onnx.output_names(graph), result):
        worst = float(np.abs(r.numpy() - before[name]).max())
        if not worst <= TOLERANCE:
            raise SystemExit(f"error: rebuilt {path.name} differs from its parity '{name}' by {worst:.2e} "
                             f"(> {TOLERANCE}); nothing written")
    size_before = path.stat().st_size
    export_onnx.save_model(graph, path, props, before["params"], parity_path)
    manifest = json.loads((out_dir / "manifest.json").read_text())
    entry = next(e for e in manifest["models"] if e["file"] == path.name)
    entry.update(sha256=export_onnx.sha256(path), bytes=path.stat().st_size)
    export_onnx.list_in_manifest(out_dir, entry)
    print(f"{path.name}: rebuilt ({size_before} -> {path.stat().st_size} bytes), parity within {TOLERANCE}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", help="committed .onnx files (beside manifest.json and parity/)")
    for path in parser.parse_args().models:
        regraph(path)


if __name__ == "__main__":
    main()
