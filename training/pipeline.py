"""Rebuild product models end to end, one ion after another:

    engine data → training (one or more chained steps) → evaluation → SE head and flags → ONNX export

    /usr/bin/python3 training/pipeline.py --ions Ni3+,Mn3+          # default plan: training/configs/product.json

Data per ion (all under data/<ion>/, seeds fixed so that no two sets overlap):
  train-<domain> (seed 1) plus the Oh and C4v slices train-oh / train-c4v (seeds 12, 13) and, if the plan asks,
  train-cold / train-oh-steep (seeds 14, 15): the training data; train-oh-edges and train-oh-steep-edges (seeds
  16, 17), if the plan asks, for the steps whose `append_dir` names them;
  test-d4h / test-oh / test-c4v / test-beyond (seeds 1001–1004): the held-out test sets of docs/accuracy.md;
  fit-beyond / fit-oh / fit-c4v / fit-paper / fit-beyond-2 / fit-oh-2 / fit-c4v-2 (seeds 21–27): held-out sets the
  SE head is fitted on, never tested on.

Every stage is resumable: rerun the same command after an interruption and finished shards, epochs, evaluations and
exports are kept. Each ion prints `[i/n] ion: stage …` lines. A step of the plan is a training config
(training/configs/*.json, `{ion}` replaced by the ion and `{data}` by the data folder; most extend se-voigt-lines.json,
the network and loss they share); a later step starts from the previous step's weights, the first from scratch or, with
`"warm_start": "<ion>"`, from that ion's committed model; a donor named in the same run is built before the ions that
start from it. A donor may be an interim build (`plan["interim"]`, e.g. `Co2+@1`: the Co2+ that Ni3+ started from before
Co2+ was rebuilt warm from Ni3+); it is trained, never committed, and always built before its receiver, on its ion's
data folder (or an earlier interim's) when its data sizes agree (`data_folder`). Data sizes and steps that many ions
share are a named recipe (`plan["recipes"]`; an entry `{"recipe": "warm+short", "warm_start": "Cr2+"}` takes that
recipe's sizes and steps).
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import c4v_study  # noqa: E402
import evaluate  # noqa: E402
import export_onnx  # noqa: E402
import train as trainer  # noqa: E402
import uncertainty  # noqa: E402
import wide_d4h  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEST_SETS = (("d4h", "paper", 1001), ("oh", "oh", 1002), ("c4v", "c4v", 1003), ("beyond", "beyond", 1004))
# (name, domain, seed, × fit_count); the second four doubled the SE head's residuals (Fe3+: union precision 66 → 72 %)
FIT_SETS = (("beyond", "beyond", 21, 2), ("oh", "oh", 22, 1), ("c4v", "c4v", 23, 1),
            ("paper", "paper", 24, 4), ("beyond-2", "beyond", 25, 2), ("oh-2", "oh", 26, 1), ("c4v-2", "c4v", 27, 1))
SLICE_SEEDS = (("oh", 12), ("c4v", 13))
# (plan key, domain, seed): training slices a plan may add (docs/training.md): the near-spherical cold corner, and
# the Oh box with Dq on the spectrum's steepest change (the spin crossovers)
EXTRA_SLICES = (("cold_count", "cold", 14), ("steep_count", "oh-steep", 15))
# slices a plan may add for a late step only: made here, named by that step's `append_dir`, outside the folders every
# step trains on (the Oh box crowded at every bound, where the networks' worst Oh spectra sit; the same with Dq on
# the spin crossover)
APPENDED_SLICES = (("edges_count", "oh-edges", 16), ("steep_edges_count", "oh-steep-edges", 17))
SLICE_COUNTS = ("slice_count",) + tuple(key for key, _, _ in EXTRA_SLICES + APPENDED_SLICES)


def budget_set(folder):
    """The fit set drawn like test-d4h (its domain, another seed), on which the SE head's flag budget holds."""
    d4h_domain = dict((name, domain) for name, domain, _ in TEST_SETS)["d4h"]
    return next(folder / f"fit-{name}" for name, domain, _, _ in FIT_SETS if domain == d4h_domain)


class Engine:
    """The `generate` command of the launcher (a frozen jar keeps long runs safe from rebuilds); the same launcher
    scores the exported model (`predict`)."""

    def __init__(self, launcher, threads):
        self.launcher, self.threads = launcher, threads

    def generate(self, ion, domain, count, seed, out):
        # one BLAS thread per eigensolve, as ./xasflow sets it: with a bare `java -jar` launcher OpenBLAS would
        # start a thread pool per engine thread, and generation ran ~10× slower here (54 against 500 spectra/s)
        env = {**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}
        subprocess.run(shlex.split(self.launcher) + ["generate", "--ion", ion, "--count", str(count), "--seed",
                                                     str(seed), "--domain", domain, "--out", str(out),
                                                     "--threads", str(self.threads)],
                       check=True, cwd=ROOT, env=env)


def plan_for(plan, key):
    """An ion's plan (defaults, then its entry's `recipe`, then the entry), or an interim build's; `ion` is the
    engine's ion either way (an interim entry names it: `plan["interim"]["Co2+@1"]["ion"]` is Co2+). A recipe is a
    named set of data sizes and steps shared by many entries (`plan["recipes"]`); what an entry names beside it wins."""
    entry = {**plan.get("ions", {}).get(key, {}), **plan.get("interim", {}).get(key, {})}
    p = {**plan["defaults"], "ion": key}
    if "recipe" in entry:
        recipes = plan.get("recipes", {})
        name = entry.pop("recipe")
        if name not in recipes:
            raise SystemExit(f"error: {key}: recipe '{name}' is not one of the plan's recipes {sorted(recipes)}")
        p.update(recipes[name])
    p.update(entry)
    return p


def is_interim(plan, key):
    """An interim build trains like an ion but is never committed: it exists only as a warm start for another ion
    (it breaks a cycle, e.g. Co2+@1 → Ni3+ → Co2+: each d7 ion's committed model started from the other's)."""
    return key in plan.get("interim", {})


def data_folder(plan, key, data_root=Path("data")):
    """Where a build's data go: `<data>/<ion>`. An interim build shares the folder of its ion, or else of an earlier
    interim build of that ion that owns one, when every training set it makes is made there alike (same domain, seed
    and size; a slice only one of the two makes is no conflict), so a rebuild does not compute the same spectra twice;
    otherwise it has its own, `<data>/<key>` (Co2+@1: 60 000 extended spectra against Co2+'s 120 000; Fe6+@1 and Fe6+@2,
    the same recipe, share Fe6+@1's when Fe6+ has grown to 240 000)."""
    if not is_interim(plan, key):
        return data_root / key
    p = plan_for(plan, key)
    earlier = [k for k in plan["interim"] if plan["interim"][k]["ion"] == p["ion"]]
    for other in [p["ion"]] + earlier[:earlier.index(key)]:
        if same_training_sets(p, plan_for(plan, other)) and data_folder(plan, other, data_root) == data_root / other:
            return data_root / other
    return data_root / key


def same_training_sets(p, q):
    """Whether two builds' training sets can share a folder (a slice only one of the two makes is no conflict)."""
    return all(p[k] == q[k] for k in ("train_domain", "train_seed", "train_count")) and all(
        p.get(k) == q.get(k) or not p.get(k) or not q.get(k) for k in SLICE_COUNTS)


def run_model(run, ion):
    """The network a finished run passes on to the next step or to a receiver (exported beside its checkpoints)."""
    return run / "init" / f"{ion}.onnx"


def interim_model(plan, key, data_root=Path("data")):
    """Where an interim build's network is: its last step's run model."""
    p = plan_for(plan, key)
    cfg = step_config(p["steps"][-1], key, [], None, data_root=data_root)
    return run_model(cfg.run_dir, p["ion"])


def make_data(engine, ion, p, folder, held_out=True):
    """Every data set of one ion; returns (training folders, test sets, fit sets). Without `held_out` (an interim
    build: never evaluated) only the training folders."""
    train_dirs = [folder / f"train-{p['train_domain']}"]
    engine.generate(ion, p["train_domain"], p["train_count"], p["train_seed"], train_dirs[0])
    for name, seed in SLICE_SEEDS if p["slice_count"] else ():
        train_dirs.append(folder / f"train-{name}")
        engine.generate(ion, name, p["slice_count"], seed, train_dirs[-1])
    for key, domain, seed in EXTRA_SLICES:
        if p.get(key):
            train_dirs.append(folder / f"train-{domain}")
            engine.generate(ion, domain, p[key], seed, train_dirs[-1])
    for key, domain, seed in APPENDED_SLICES:
        if p.get(key):
            engine.generate(ion, domain, p[key], seed, folder / f"train-{domain}")
    if not held_out:
        return train_dirs, {}, []
    tests, fits = held_out_sets(p, folder)
    for out, domain, count, seed in list(tests.values()) + fits:
        engine.generate(ion, domain, count, seed, out)
    return train_dirs, {name: spec[0] for name, spec in tests.items()}, [spec[0] for spec in fits]


def held_out_sets(p, folder):
    """The test sets ({name: (folder, domain, count, seed)}) and the SE head's fit sets ([(folder, domain, count,
    seed)]) of one ion's plan entry."""
    tests = {name: (folder / f"test-{name}", domain, p["test_count"], seed) for name, domain, seed in TEST_SETS}
    seeds = p.get("fit_seeds", [])  # a plan may replace the first seeds; the rest keep their defaults
    seeds = seeds + [seed for _, _, seed, _ in FIT_SETS[len(seeds):]]
    fits = [(folder / f"fit-{name}", domain, scale * p["fit_count"], seed)
            for (name, domain, _, scale), seed in zip(FIT_SETS, seeds)]
    return tests, fits


def step_config(path, ion, train_dirs, init_onnx, threads=None, data_root=Path("data"), folder=None):
    """A step's TrainConfig; without its own train_dir it trains on all of the ion's training folders. `threads`
    (torch threads) overrides the config's: it changes the speed, not the result's recipe (resumable either way).
    A folder the step names itself is written `{data}/{ion}/…`: the build's data folder (`folder`, by default
    `<data_root>/<ion>`), so that it follows `--data` and an interim build's shared folder."""
    folder = (folder or data_root / ion).as_posix()

    def fill(value):
        if not isinstance(value, str):
            return value
        return value.replace("{data}/{ion}", folder).replace("{ion}", ion).replace("{data}", data_root.as_posix())

    values = {key: fill(value) for key, value in trainer.read_config(path).items()}
    values.setdefault("train_dir", ",".join(str(d) for d in train_dirs))  # a step may train on part of the data
    if init_onnx:
        values["init_onnx"] = str(init_onnx)
    if threads:
        values["threads"] = threads
    return trainer.TrainConfig(**values)


def warm_start(ion, plan, data_root=Path("data")):
    """The model an ion's (or interim build's) first step starts from (`"warm_start": "<ion>"`, an ion with the same
    3d count: same final-state structure, other Slater integrals and spin-orbit): the donor's committed model, or an
    interim build's network; None to start from scratch."""
    donor = plan_for(plan, ion).get("warm_start")
    if not donor:
        return None
    if is_interim(plan, donor):
        path = interim_model(plan, donor, data_root)
        if not path.exists():
            raise SystemExit(f"error: {ion}: warm_start '{donor}' is an interim build, not built yet ({path} is "
                             "missing)")
        return path
    path = Path("models-onnx") / f"{donor}.onnx"  # relative to the repository root, as the model's metadata keeps it
    if not (ROOT / path).exists():
        raise SystemExit(f"error: {ion}: warm_start '{donor}' has no committed model ({ROOT / path} is missing)")
    return path


def build_order(plan, ions):
    """The ions in the order given, except that a warm-start donor also asked for is built before its receivers
    (so a rebuild of the whole set starts every receiver from the donor's new model); an interim donor is always
    built first (it is never committed; a finished build is kept)."""
    ordered, visiting = [], set()

    def visit(ion):
        if ion in ordered:
            return
        if ion in visiting:
            raise SystemExit(f"error: warm starts form a cycle through {ion}")
        visiting.add(ion)
        donor = plan_for(plan, ion).get("warm_start")
        if donor in ions or is_interim(plan, donor):
            visit(donor)
        ordered.append(ion)

    for ion in ions:
        visit(ion)
    return ordered


def finished(run, cfg):
    last = run / "last.pt"
    return last.exists() and trainer.torch.load(last)["state"]["epoch"] >= cfg.epochs


def build_ion(key, plan, data_root, engine, say, flags_only=False, train_threads=None):
    p = plan_for(plan, key)
    interim = is_interim(plan, key)
    if interim and flags_only:
        return "interim build: no flags"
    ion = p["ion"]
    started = time.time()
    say("data")
    folder = data_folder(plan, key, data_root)
    train_dirs, tests, fits = make_data(engine, ion, p, folder, held_out=not interim)
    init, run = (None if flags_only else warm_start(key, plan, data_root)), None  # flags need no donor
    for i, step in enumerate(p["steps"], 1):
        cfg = step_config(step, key, train_dirs, init, train_threads, data_root, folder)
        if flags_only:  # the trained network stays as it is: only its last step's run is needed
            run = cfg.run_dir
            if i == len(p["steps"]) and not finished(run, cfg):
                raise SystemExit(f"error: {ion}: --flags-only needs a finished run, and {run} is not one")
            continue
        say(f"training step {i}/{len(p['steps'])}: {cfg.name}")
        run = trainer.train(cfg)
        if not finished(run, cfg):
            return f"training paused at its time budget in {cfg.name}; rerun to continue"
        if i < len(p["steps"]) or interim:  # the next step (or the interim build's receiver) starts from these weights
            init = run_model(run, ion)
            if not init.exists():
                export_onnx.export(str(run), init.parent)
    if interim:
        return f"interim build done in {(time.time() - started) / 60:.1f} min: {init}"
    test_sets = {k: str(v) for k, v in tests.items()}
    if not flags_only:
        say("evaluation")
        evaluate.evaluate(str(run), {k: v for k, v in test_sets.items() if k != "beyond"})
    say("SE head and flags")
    uncertainty.run_uncertainty(str(run), [str(f) for f in fits], test_sets, budget_set=str(budget_set(folder)))
    say("export")
    export_onnx.export(str(run), ROOT / "models-onnx")
    if not flags_only and (c4v_study.OUT / f"{ion}.json").exists():  # the study's product row shows this network
        say("C4v study: product row")
        try:
            c4v_study.study(ion, data_root)
        except SystemExit as e:  # a study on other test sets needs its paper run again: the model itself is done
            say(f"C4v study not refreshed: {e}")
    try:  # the keep-or-drop evidence: outlier shares to ±0.035 points instead of ±0.10
        say(wide_d4h.compared(*wide_d4h.rescore(ion, budget_set(folder), launcher=engine.launcher)))
    except SystemExit as e:  # the model itself is done; `training/wide_d4h.py --ions <ion>` scores it later
        say(f"not scored on its 40 000-spectrum set: {e}")
    return f"done in {(time.time() - started) / 60:.1f} min"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plan", default=str(ROOT / "training" / "configs" / "product.json"))
    parser.add_argument("--ions", help="comma-separated ion keys (default: every ion of the plan, in its order)")
    parser.add_argument("--data", default="data", help="data folder (relative to the repository root)")
    parser.add_argument("--threads", type=int, default=2, help="engine threads for data generation")
    parser.add_argument("--train-threads", type=int,
                        help="torch threads per training step (default: the step's config, 2); two pipelines with "
                             "one thread each train more epochs per minute on 2 cores than one with two")
    parser.add_argument("--xasflow", default=str(ROOT / "xasflow"),
                        help="launcher command, e.g. 'java -jar /tmp/frozen/xasflow.jar' for long runs")
    parser.add_argument("--flags-only", action="store_true",
                        help="keep each ion's trained network; refit only its SE head and flags and re-export it "
                             "(after a change to the head's recipe)")
    args = parser.parse_args()
    plan = json.loads(Path(args.plan).read_text())
    os.chdir(ROOT)  # run names, data and checkpoint paths are relative to the repository root
    ions = args.ions.split(",") if args.ions else plan["order"]
    unknown = [ion for ion in ions if ion not in plan["order"] and not is_interim(plan, ion)]
    if unknown:
        raise SystemExit(f"error: ions {unknown} are not in the plan {args.plan}; it lists {plan['order']} and the "
                         f"interim builds {list(plan.get('interim', {}))}")
    ions = build_order(plan, ions)
    engine = Engine(args.xasflow, args.threads)
    for i, ion in enumerate(ions, 1):
        def say(stage, i=i, ion=ion):
            print(f"[{i}/{len(ions)}] {ion}: {stage}", flush=True)
        say("starting")
        say(build_ion(ion, plan, Path(args.data), engine, say, args.flags_only, args.train_threads))


if __name__ == "__main__":
    main()
