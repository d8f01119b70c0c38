"""Reading the engine's .npz shards (see `./xasflow generate`) and splitting them for training."""
import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HF_TABLE = Path(__file__).resolve().parent.parent / "src/main/resources/io/xasflow/physics/hf_parameters.csv"


def ion_table():
    """The engine's atomic-data rows (one dict per ion, Ti2+ … Ni4+ in the table's order)."""
    with open(HF_TABLE, newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


PARAMETER_NAMES = ["dq", "ds", "dt", "s1", "s2", "temperature_k", "sigma_g_ev", "gamma1_ev", "gamma2_ev"]


@dataclass
class Dataset:
    params: np.ndarray   # (N, 9) float32, physical units, PARAMETER_NAMES order
    spectra: np.ndarray  # (N, 501) float32, box-normalised
    meta: dict           # the first shard's metadata_json (ion, domain, energy axis, ion constants, ...)
    folder: str

    def __len__(self):
        return len(self.params)

    def content_hash(self):
        """sha256 over parameters and spectra: identifies the data a model saw, whatever the shard layout."""
        h = hashlib.sha256()
        h.update(np.ascontiguousarray(self.params).tobytes())
        h.update(np.ascontiguousarray(self.spectra).tobytes())
        return h.hexdigest()

    def params_hash(self):
        """sha256 over the parameters alone: the sampler makes them bit for bit on any machine, while the engine's
        spectra differ in the last bits between BLAS kernel sets (docs/engine.md, Precision)."""
        return hashlib.sha256(np.ascontiguousarray(self.params).tobytes()).hexdigest()

    def spectra_fingerprint(self):
        """A weighted mean spectrum (501 channels, float64; row r weighs 1 + r/N, so reordered rows change it too):
        the fingerprint of the spectra that survives such rounding."""
        weights = 1 + np.arange(len(self.spectra), dtype=np.float64) / max(1, len(self.spectra))
        return weights @ self.spectra.astype(np.float64) / weights.sum()


SPECTRA_FINGERPRINT_TOLERANCE = 1e-5  # per channel; BLAS kernel sets move single spectra by ≤ 3e-5, a mean far less


def fingerprints(ds):
    """The ONNX metadata that identifies a model's training data for `same_data`."""
    return {"dataset_hash": ds.content_hash(), "dataset_params_hash": ds.params_hash(),
            "dataset_spectra_fingerprint": json.dumps([float(f"{v:.8g}") for v in ds.spectra_fingerprint()])}


def same_data(ds, props):
    """How `ds` matches the data a model was trained on (its ONNX metadata `props`): see `same_fingerprints`.
    Models exported before 2026-12-01 carry only the content hash."""
    return same_fingerprints(fingerprints(ds), props)


def same_fingerprints(ours, theirs):
    """How today's `fingerprints` (`ours`) match stored ones: 'identical' (same content hash), 'equal to rounding'
    (same parameters bit for bit, spectra fingerprints within the tolerance), or None (stored ones without the
    rounding-proof pair match by content hash alone)."""
    if ours["dataset_hash"] == theirs.get("dataset_hash"):
        return "identical"
    if ours["dataset_params_hash"] != theirs.get("dataset_params_hash"):
        return None
    mine, stored = (np.asarray(json.loads(f["dataset_spectra_fingerprint"]), dtype=np.float64) for f in (ours, theirs))
    if stored.shape != mine.shape:
        return None
    worst = float(np.abs(mine - stored).max())
    return "equal to rounding" if worst <= SPECTRA_FINGERPRINT_TOLERANCE else None


def load(folder, limit=None):
    """All complete shards of a dataset folder, in index order; `limit` keeps the first rows only. Several folders,
    comma-separated (e.g. the extended box plus its Oh and C4v slices), are concatenated; the first one's metadata
    (domain bounds) describes the whole."""
    if "," in str(folder):
        if limit is not None:
            raise ValueError(f"train_limit applies to one folder, not to the list {folder}")
        parts = [load(f) for f in str(folder).split(",")]
        first = parts[0]
        for part in parts[1:]:
            if part.meta["ion"] != first.meta["ion"]:
                raise ValueError(f"{part.folder} holds {part.meta['ion']}, {first.folder} holds {first.meta['ion']}")
            if np.any(part.params < np.asarray(first.meta["domain_min"]) - 1e-6) or \
                    np.any(part.params > np.asarray(first.meta["domain_max"]) + 1e-6):
                raise ValueError(f"{part.folder} has parameters outside {first.folder}'s domain")
        meta = dict(first.meta, sources=[{"folder": d.folder, "domain": d.meta["domain"], "seed": d.meta["seed"],
                                           "count": len(d)} for d in parts])
        return Dataset(np.concatenate([d.params for d in parts]), np.concatenate([d.spectra for d in parts]), meta,
                       str(folder))
    shards = sorted(Path(folder).glob("shard-*.npz"))
    if not shards:
        raise FileNotFoundError(f"no shard-*.npz in {folder}: generate it with ./xasflow generate --out {folder}")
    params, spectra, meta, rows = [], [], None, 0
    for shard in shards:
        with np.load(shard) as z:
            m = json.loads(bytes(z["metadata_json"]).decode())
            if meta is None:
                meta = m
            elif (m["ion"], m["domain"], m["seed"]) != (meta["ion"], meta["domain"], meta["seed"]):
                raise ValueError(f"{shard} belongs to another dataset: {m['ion']}/{m['domain']}/seed {m['seed']}")
            if m["first_index"] != rows:
                raise ValueError(f"{shard} starts at index {m['first_index']}, expected {rows}: a shard is missing")
            params.append(z["params"])
            spectra.append(z["spectra"])
            rows += len(z["params"])
        if limit is not None and rows >= limit:
            break
    params, spectra = np.concatenate(params), np.concatenate(spectra)
    if limit is not None:
        if rows < limit:
            raise ValueError(f"{folder} holds {rows} spectra, fewer than the {limit} asked for")
        params, spectra = params[:limit], spectra[:limit]
    meta["parameter_names"] = meta.get("parameter_names", PARAMETER_NAMES)
    return Dataset(params, spectra, meta, str(folder))


def load_training(cfg):
    """A run's spectra (`train_dir`, then `append_dir`) and its train/validation indices. `train_dir` gets the split
    every earlier step on it had; the folders of `append_dir` are split on their own and added to both sides, so a
    step that brings new data never trains on a spectrum an earlier step held out (the SE head fits on those)."""
    if not cfg.append_dir:
        ds = load(cfg.train_dir, cfg.train_limit or None)
        return (ds,) + split(len(ds), cfg.seed, cfg.validation_fraction)
    ds = load(f"{cfg.train_dir},{cfg.append_dir}", cfg.train_limit or None)
    base = sum(source["count"] for source in ds.meta["sources"][:len(cfg.train_dir.split(","))])
    train_idx, val_idx = split(base, cfg.seed, cfg.validation_fraction)
    more_train, more_val = split(len(ds) - base, cfg.seed + 1, cfg.validation_fraction)
    return ds, np.concatenate([train_idx, base + more_train]), np.concatenate([val_idx, base + more_val])


def split(n, seed, validation_fraction=0.2):
    """The paper's 8:2 train/validation split, a fixed permutation from the seed."""
    order = np.random.default_rng(seed).permutation(n)
    cut = int(round(n * (1 - validation_fraction)))
    return order[:cut], order[cut:]
