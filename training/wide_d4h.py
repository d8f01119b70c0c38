"""Every committed model on 40 000 more D4h spectra, beside its 5 000-spectrum D4h test set.

At 0.5 % outliers a share measured on 5 000 spectra has a binomial standard error of ±0.10 points, as large as what one
rebuild gains; on 40 000 it is ±0.035. The wider set is each ion's `fit-paper` (drawn like test-d4h from the paper
domain, seed 24): the SE head fits on it, the network never trains on it.

    /usr/bin/python3 training/wide_d4h.py [--ions Fe2+,Cr4+] [--threads 1] [--xasflow "java -jar …"]

Makes the set where it is missing, with the pipeline's seed and size (so a later rebuild keeps it), scores the served
model with `./xasflow predict`, and keeps each result in training/reports/wide-d4h.json under the model's sha256: an ion
is scored again only when its model changes (not when rebudget.py moves its threshold: `carry_over`). The table goes
to docs/accuracy.md (<!-- wide-d4h:start -->). The pipeline calls `rescore` after each export, so a rebuild's log shows
the previous model's share beside the new one's.
"""
import argparse
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import misses  # noqa: E402
import uncertainty  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "training" / "reports" / "wide-d4h.json"
DOC = ROOT / "docs" / "accuracy.md"


def wide_set(plan, ion, data_root):
    """(folder, domain, count, seed) of the ion's D4h fit set, as the pipeline makes it."""
    import pipeline  # here, not above: the pipeline imports this module
    p = pipeline.plan_for(plan, ion)
    folder = data_root / ion
    _, fits = pipeline.held_out_sets(p, folder)
    return next(spec for spec in fits if spec[0] == pipeline.budget_set(folder))


def wilson(k, n, z=1.96):
    """The 95 % Wilson interval of a binomial share k/n."""
    centre, half = (k + z * z / 2) / (n + z * z), z * math.sqrt(k * (n - k) / n + z * z / 4) / (n + z * z)
    return centre - half, centre + half


def table(manifest, results):
    """Markdown rows, one per ion in the engine's order: the 5 000 test set from the model's metadata, the wide set
    from `results` where it was scored for this very model."""
    by_ion = {m["ion"]: m for m in manifest["models"]}
    lines = ["| ion | model (sha256) | D4h I1, 5 000 | D4h I1, 40 000 | D4h outliers, 5 000 | D4h outliers, 40 000 "
             "| 95 % interval, 40 000 | SE max, 40 000 |", "|---|---|---|---|---|---|---|---|"]
    for ion in [row["ion"] for row in data.ion_table()]:
        model = by_ion.get(ion)
        if model is None:
            continue
        d4h = model["metrics"].get("d4h", {})
        narrow = (f"{d4h['I1']:.1%}", f"{d4h['I7']:.2%}") if d4h else ("–", "–")
        r = results.get(ion)
        if r is None or r["sha256"] != model["sha256"]:
            wide = ("–",) * 4  # not scored yet, or scored for an earlier model
        else:
            low, high = wilson(r["outliers"], r["n"])
            wide = (f"{r['I1']:.1%}", f"{r['outliers'] / r['n']:.2%} ({r['outliers']})",
                    f"{low:.2%}–{high:.2%}", f"{r['se_max']:.1%}")
        lines.append(f"| {ion} | {model['sha256'][:12]} | {narrow[0]} | {wide[0]} | {narrow[1]} | "
                     f"{' | '.join(wide[1:])} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ions", help="comma-separated (default: every committed model)")
    parser.add_argument("--plan", default=str(ROOT / "training" / "configs" / "product.json"))
    parser.add_argument("--data", default=str(ROOT / "data"))
    parser.add_argument("--models", default=str(ROOT / "models-onnx"))
    parser.add_argument("--threads", type=int, default=2, help="engine threads for the sets it makes")
    parser.add_argument("--xasflow", default=str(ROOT / "xasflow"),
                        help="launcher that generates and predicts (e.g. a frozen jar)")
    args = parser.parse_args()
    import pipeline  # here, not above: the pipeline imports this module
    plan = json.loads(Path(args.plan).read_text())
    manifest = json.loads((Path(args.models) / "manifest.json").read_text())
    committed = {m["ion"]: m["sha256"] for m in manifest["models"]}
    ions = args.ions.split(",") if args.ions else list(committed)
    for ion in ions:
        if ion not in committed:
            raise SystemExit(f"error: --ions names {ion}, which has no model in {args.models}")
    results = saved_results()
    engine = pipeline.Engine(args.xasflow, args.threads)
    for ion in ions:
        if results.get(ion, {}).get("sha256") == committed[ion]:
            print(f"{ion}: scored for this model already", flush=True)
            continue
        folder, domain, count, seed = wide_set(plan, ion, Path(args.data))
        engine.generate(ion, domain, count, seed, folder)
        _, now = rescore(ion, folder, Path(args.models), args.xasflow)
        print(f"{ion}: {compared(None, now)}", flush=True)
    publish(Path(args.models), saved_results())


def rescore(ion, folder, models=ROOT / "models-onnx", launcher=str(ROOT / "xasflow")):
    """Scores the ion's served model on its wide set `folder` (made already) and keeps the result under the model's
    sha256 (after each ion: resumable), then rewrites the table. Returns the result the ion had before (None if none)
    and this one."""
    manifest = models / "manifest.json"
    sha256 = next(m["sha256"] for m in json.loads(manifest.read_text())["models"] if m["ion"] == ion)
    ds, scores, _ = misses.score(ion, folder, str(models), launcher)
    now = {"sha256": sha256, "set": f"{ds.meta['domain']}, seed {ds.meta['seed']}",
           **{key: scores[key] for key in ("n", "I1", "outliers", "se_max")}}
    results = saved_results()  # read after scoring: other pipelines write
    before = results.get(ion)
    results[ion] = now
    save_results(results)
    publish(models, results)
    return before, now


def carry_over(ion, before, after, models=ROOT / "models-onnx"):
    """Keeps the ion's wide-set result, scored for the model with sha256 `before`, for `after`: the same network with
    other metadata (rebudget.py moves a threshold, not a weight, so every predicted spectrum is the same)."""
    results = saved_results()
    if before is not None and results.get(ion, {}).get("sha256") == before:  # an unhashed entry has no result
        results[ion]["sha256"] = after
        save_results(results)
        publish(models, results)


def saved_results():
    """Every wide-set result kept so far, by ion."""
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {}


def save_results(results):
    """Writes every wide-set result, by ion (what saved_results reads)."""
    RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


def compared(before, now):
    """One log line: the wide-set scores of the previous model (if it was scored) and of this one."""
    def share(r):
        return (f"I1 {r['I1']:.1%}, outliers {r['outliers']} of {r['n']} ({r['outliers'] / r['n']:.2%}), "
                f"SE max {r['se_max']:.1%}")
    was = f"{share(before)} (model {before['sha256'][:12]}) → " if before and before["sha256"] != now["sha256"] else ""
    return f"D4h on {now['set']}: {was}{share(now)} (model {now['sha256'][:12]})"


def publish(models, results):
    """The table of every model committed in `models` into docs/accuracy.md, with the manifest read now: scoring takes
    minutes, and another pipeline may have exported meanwhile."""
    manifest = json.loads((models / "manifest.json").read_text())
    body = ("Command: `/usr/bin/python3 training/wide_d4h.py`; the 5 000-spectrum columns are the test set of the "
            "table above (seed 1001), the 40 000-spectrum ones the ion's `fit-paper` set (seed 24), both drawn from the "
            "paper domain; – where the committed model is not scored yet.\n\n" + table(manifest, results))
    uncertainty.replace_section(DOC, "wide-d4h", body)


if __name__ == "__main__":
    main()
