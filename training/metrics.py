"""The paper's accuracy metrics (DESIGN.md §2) on box-normalised spectra, numpy (N, 501) arrays."""
import numpy as np

INTERVALS = ("I1", "I2", "I3", "I4", "I5", "I6", "I7")
INTERVAL_EDGES = (0.03, 0.04, 0.05, 0.06, 0.07, 0.10)  # I1 < 3 %, …, I6 7–10 %, I7 ≥ 10 % (outlier)
OUTLIER_SE = 0.10


def spectral_error(p, a):  # (N, C), (N, C) -> (N,): SE = Σ|p − a| / Σ|p + a|
    return np.abs(p - a).sum(1) / np.maximum(np.abs(p + a).sum(1), 1e-30)


def interval_fractions(se):
    """Fractions of spectra in I1…I7."""
    bins = np.digitize(se, INTERVAL_EDGES)  # 0 → I1, …, 6 → I7
    counts = np.bincount(bins, minlength=7)
    return {name: float(c) / len(se) for name, c in zip(INTERVALS, counts)}


def summary(p, a):
    """MSE/MAE per data set and the SE distribution."""
    se = spectral_error(p, a)
    out = {
        "n": int(len(se)),
        "mse": float(np.mean((p - a) ** 2)),
        "mae": float(np.mean(np.abs(p - a))),
        "se_median": float(np.median(se)),
        "se_mean": float(se.mean()),
        "se_p99": float(np.quantile(se, 0.99)),
        "se_max": float(se.max()),
        "outliers": int((se >= OUTLIER_SE).sum()),
        "outliers_per_10000": float((se >= OUTLIER_SE).mean() * 1e4),
    }
    out.update(interval_fractions(se))
    return out, se


def channel_resolved_se(p, a):  # -> (C,): SE per energy channel over the data set
    return np.abs(p - a).sum(0) / np.maximum(np.abs(p + a).sum(0), 1e-30)


def mepd(p, a, seed=0):
    """Maximum-error point distribution: per spectrum the channel of the largest |p − a|, split into an L3 and
    an L2 cluster by k-means (k = 2) on the channel index; r_MEPD = N(L3) / N(L2)."""
    from sklearn.cluster import KMeans

    worst = np.abs(p - a).argmax(1)
    km = KMeans(n_clusters=2, n_init=10, random_state=seed).fit(worst.reshape(-1, 1).astype(float))
    l3 = int(np.argmin(km.cluster_centers_.ravel()))
    n_l3 = int((km.labels_ == l3).sum())
    n_l2 = len(worst) - n_l3
    return {"channels": worst, "labels_l3": km.labels_ == l3, "n_l3": n_l3, "n_l2": n_l2,
            "r_mepd": float(n_l3 / n_l2) if n_l2 else float("inf"),
            "centres": sorted(float(c) for c in km.cluster_centers_.ravel())}


def c4v_profile(dq, se, lo=-0.2, hi=0.0, width=0.01):
    """SE against Dq in bins of `width` eV; r_a = share of bins where ≥ 95 % of spectra have SE < 10 %."""
    edges = np.arange(lo, hi + width / 2, width)
    rows = []
    for left, right in zip(edges[:-1], edges[1:]):
        inside = (dq >= left) & (dq < right if right < hi else dq <= right)
        if inside.any():
            ok = float((se[inside] < OUTLIER_SE).mean())
            rows.append({"dq_lo": float(left), "dq_hi": float(right), "n": int(inside.sum()),
                         "se_median": float(np.median(se[inside])), "se_max": float(se[inside].max()),
                         "share_below_10": ok})
    r_a = float(np.mean([r["share_below_10"] >= 0.95 for r in rows])) if rows else float("nan")
    return rows, r_a
