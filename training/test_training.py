"""Unit tests of the training module (run by scripts/test.sh): in-graph physics against references, every
architecture's forward pass and ONNX export, the paper's metrics on hand-made cases.

    /usr/bin/python3 -m unittest discover -s training -p 'test_*.py'
"""
import dataclasses
import json
import math
import re
import sys
import tempfile
import unittest
from unittest import mock
from pathlib import Path

import numpy as np
import onnx
import torch
from scipy.special import voigt_profile

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import metrics  # noqa: E402
import model as models  # noqa: E402
from train import TrainConfig  # noqa: E402

META = {"ion": "Ni2+", "domain": "extended", "energy_axis": {"start_ev": 847.7, "step_ev": 0.06, "channels": 501},
        "lifetime_step_ev": 861.33025, "domain_min": [-0.2, -1.4, -0.8, 0.6, 0.6, 1, 0.05, 0.3, 0.3],
        "domain_max": [0.2, 1.4, 0.8, 1.0, 1.0, 1000, 0.2, 1.0, 1.2]}
ENERGY = 847.7 + 0.06 * np.arange(501)


def voigt(x, fwhm_g, fwhm_l):
    return voigt_profile(x, fwhm_g * models.FWHM_TO_SIGMA, fwhm_l / 2)


class InGraphPhysicsTest(unittest.TestCase):
    def test_voigt_lines_match_scipy_with_the_lifetime_step(self):
        lines = models.VoigtLines(847.7, 0.06, 501, META["lifetime_step_ev"])
        pos = torch.tensor([[5.0, 22.0]], dtype=torch.float32)        # eV above the window start
        w = torch.tensor([[0.7, 0.3]])
        params = torch.tensor([[0, 0, 0, 0.8, 0.8, 300, 0.12, 0.4, 0.9]])
        got = lines(pos, w, params)[0].numpy()
        x = ENERGY - 847.7
        gamma = np.where(ENERGY < META["lifetime_step_ev"], 0.4, 0.9)
        want = sum(wi * voigt(x - p, 0.12, gamma) for p, wi in ((5.0, 0.7), (22.0, 0.3)))
        self.assertLess(np.abs(got - want).max() / want.max(), 2e-4)

    def test_voigt_broadening_of_a_base_equals_direct_broadening(self):
        pad = 50
        broadening = models.VoigtBroadening(847.7, 0.06, 501, pad, META["lifetime_step_ev"], 0.05, 0.3)
        base_x = 847.7 + 0.06 * (np.arange(501 + 2 * pad) - pad)
        base = voigt(base_x - 852.7, 0.05, 0.3) + 0.5 * voigt(base_x - 869.9, 0.05, 0.3)
        params = torch.tensor([[0, 0, 0, 0.8, 0.8, 300, 0.2, 0.6, 1.1]])
        got = broadening(torch.tensor(base[None], dtype=torch.float32), params)[0].numpy()
        gamma = np.where(ENERGY < META["lifetime_step_ev"], 0.6, 1.1)
        want = voigt(ENERGY - 852.7, 0.2, gamma) + 0.5 * voigt(ENERGY - 869.9, 0.2, gamma)
        self.assertLess(np.abs(got - want).max() / want.max(), 2e-3)

    def test_monomials_of_nine_inputs_are_the_papers_219(self):
        mono = models.Monomials(9, 3)
        self.assertEqual(219, mono.features)
        x = torch.tensor([[2.0, 3.0] + [1.0] * 7])
        out = mono(x)[0]
        self.assertIn(8.0, out.tolist())   # x0³
        self.assertIn(18.0, out.tolist())  # x0·x1²


class ArchitectureTest(unittest.TestCase):
    def test_every_architecture_runs_and_exports_to_onnx_opset_17(self):
        params = torch.tensor(np.array(META["domain_min"]) + 0.5 * (np.array(META["domain_max"]) -
                                                                   np.array(META["domain_min"])),
                              dtype=torch.float32).repeat(3, 1)
        for arch in models.ARCHITECTURES:
            with self.subTest(arch=arch):
                cfg = TrainConfig(arch=arch, train_dir="-", hidden=[16, 16], filters=2, kernel=3, depth=2, lines=8)
                net = models.build(cfg, META).eval()
                out = net(params)
                self.assertEqual((3, 501), tuple(out.shape))
                with tempfile.TemporaryDirectory() as tmp:
                    path = Path(tmp) / "m.onnx"
                    torch.onnx.export(net, params, str(path), opset_version=17, input_names=["params"],
                                      output_names=["spectrum"], dynamic_axes={"params": {0: "b"}, "spectrum": {0: "b"}})
                    onnx.checker.check_model(onnx.load(str(path)))

    def test_the_exported_fourier_table_is_computed_in_the_graph_and_equals_the_buffer(self):
        import export_onnx
        from onnx import numpy_helper
        net = models.build(TrainConfig(arch="voigt-lines", train_dir="-", hidden=[8], lines=8), META).eval()
        params = np.tile(np.array(META["domain_min"], np.float32), (2, 1))
        with tempfile.TemporaryDirectory() as tmp:
            export_onnx.save_model(net, Path(tmp) / "m.onnx", {}, params, Path(tmp) / "p.npz")
            m = onnx.load(str(Path(tmp) / "m.onnx"))
        table = net.lines.inverse_dft.numpy()
        values = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
        self.assertFalse([n for n, v in values.items() if v.ndim == 2 and v.shape[0] == table.shape[0] and v.shape[1] > 1],
                         "no inverse-DFT slice is stored")
        ops = {"Range": lambda a, b, d: np.arange(a, b, d), "Unsqueeze": lambda x, axes: np.expand_dims(x, tuple(axes)),
               "Mul": np.multiply, "Mod": np.mod, "Cos": np.cos, "Sin": np.sin,
               "Cast": lambda x: x.astype(np.float32), "Concat": lambda *xs: np.concatenate(xs, 0)}
        slices = []
        for node in m.graph.node:  # the table's nodes come first and use only these operators
            if node.op_type not in ops or not all(i in values for i in node.input):
                continue
            values[node.output[0]] = ops[node.op_type](*[values[i] for i in node.input])
            if "/" not in node.output[0]:  # a table slice, from its first channel on
                slices.append((int(values[node.output[0] + "/q_begin"]), values[node.output[0]]))
        self.assertEqual(2, len(slices), "the Γ1 and Γ2 channels")
        np.testing.assert_allclose(np.concatenate([v for _, v in sorted(slices, key=lambda s: s[0])], 1), table,
                                   atol=1e-6 * np.abs(table).max())

    def test_thermal_inputs_resolve_small_fields_at_low_temperature_and_stay_finite_at_zero(self):
        thermal = models.ThermalInputs(META["domain_min"], META["domain_max"])
        kt = models.ThermalInputs.BOLTZMANN_EV_PER_K * 30
        params = torch.tensor([[kt, -kt, 0, 0.8, 0.8, 30, 0.1, 0.4, 0.8],       # |Dq| = k_BT at 30 K
                               [0.0, 0.0, 0.0, 0.8, 0.8, 1, 0.1, 0.4, 0.8],      # the trained box's lowest T
                               [0.0, 0.0, 0.0, 0.8, 0.8, 1000, 0.1, 0.4, 0.8],   # and its highest
                               [0.0, 0.0, 0.0, 0.8, 0.8, 0, 0.1, 0.4, 0.8]])     # T = 0 is a valid pixel
        out = thermal(params)
        self.assertEqual((4, thermal.features), tuple(out.shape))
        self.assertTrue(torch.isfinite(out).all())
        self.assertAlmostEqual(0.5, out[0, 1].item(), places=5)   # x / (|x| + k_BT) at scale 1
        self.assertAlmostEqual(-0.5, out[0, 2].item(), places=5)
        self.assertAlmostEqual(10 / 11, out[0, 4].item(), places=5)  # and at scale 10
        self.assertAlmostEqual(0.0, out[1, 0].item(), places=5)
        self.assertAlmostEqual(1.0, out[2, 0].item(), places=5)
        cfg = TrainConfig(arch="voigt-lines", train_dir="-", hidden=[8], lines=8, thermal_inputs=1)
        net = models.build(cfg, META).eval()
        plain = models.build(TrainConfig(arch="voigt-lines", train_dir="-", hidden=[8], lines=8), META)
        self.assertEqual(plain.stem.features + thermal.features, net.stem.features)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "m.onnx"
            torch.onnx.export(net, params, str(path), opset_version=17, input_names=["params"],
                              output_names=["spectrum"], dynamic_axes={"params": {0: "b"}, "spectrum": {0: "b"}})
            onnx.checker.check_model(onnx.load(str(path)))
        self.assertTrue(torch.isfinite(net(params)).all())
        for bad in (TrainConfig(arch="voigt-lines", train_dir="-", thermal_inputs=2),
                    TrainConfig(arch="dnn", train_dir="-", thermal_inputs=1)):
            with self.assertRaises(ValueError):
                models.build(bad, META)

    def test_a_donor_without_thermal_inputs_warm_starts_one_with_them_as_the_same_function(self):
        import export_onnx
        from train import load_onnx_weights
        torch.manual_seed(5)
        donor = models.build(TrainConfig(arch="voigt-lines", train_dir="-", hidden=[8], lines=8), META).eval()
        receiver = models.build(TrainConfig(arch="voigt-lines", train_dir="-", hidden=[8], lines=8,
                                            thermal_inputs=1), META).eval()
        lo, hi = np.array(META["domain_min"], np.float32), np.array(META["domain_max"], np.float32)
        params = torch.from_numpy(lo + (hi - lo) * np.random.default_rng(2).random((6, 9), dtype=np.float32))
        self.assertGreater((receiver(params) - donor(params)).abs().max().item(), 1e-3, "different before")
        with tempfile.TemporaryDirectory() as tmp:
            export_onnx.save_model(donor, Path(tmp) / "d.onnx", {}, params.numpy(), Path(tmp) / "p.npz")
            load_onnx_weights(receiver, Path(tmp) / "d.onnx")
        self.assertLess((receiver(params) - donor(params)).abs().max().item(), 1e-6)
        self.assertTrue((receiver.body[0].weight[:, -receiver.stem.thermal.features:] == 0).all())

    def test_physics_heads_return_box_normalised_spectra(self):
        params = torch.tensor([[0.1, 0.2, 0.1, 0.8, 0.8, 300, 0.1, 0.4, 0.8]])
        for arch in ("voigt-mlp", "voigt-lines"):
            net = models.build(TrainConfig(arch=arch, train_dir="-", hidden=[8], lines=8), META)
            out = net(params)
            self.assertAlmostEqual(1.0, out.max().item(), places=5)
            self.assertAlmostEqual(0.0, out.min().item(), places=5)


class AccuracyTableTest(unittest.TestCase):
    def test_a_row_names_the_goals_it_misses(self):
        import evaluate
        met = {"D4h I1": "95.0%", "D4h outliers": "0.10%", "Oh SE max": "9.9%", "C4v r_a": "100%"}
        self.assertEqual("none", evaluate.goals_missed(met))
        self.assertEqual("D4h I1, C4v r_a", evaluate.goals_missed({**met, "D4h I1": "94.9%", "C4v r_a": "75%"}))
        self.assertEqual("D4h outliers, Oh SE max not measured",
                         evaluate.goals_missed({**met, "D4h outliers": "0.11%", "Oh SE max": "–"}))

    def test_the_table_has_a_row_per_ion_in_the_engine_order_even_without_a_model(self):
        import evaluate
        cells = ["voigt-lines", "extended", "72000", "10.0", "1e-03", "1e-02", "96.0%", "0.05%", "1.0%", "9.0%", "0",
                 "100%", "1.00", "stale"]
        row = lambda report, ion: f"| [{report}](x.md) | {ion} | " + " | ".join(cells) + " |"  # noqa: E731
        with tempfile.TemporaryDirectory() as tmp:
            doc = Path(tmp) / "accuracy.md"
            doc.write_text("# A\n<!-- models:start -->\n" + row("Ni2+", "Ni2+") + "\n" + row("Ti2+", "Ti2+") +
                           "\n<!-- models:end -->\ntail\n")
            evaluate.update_accuracy_doc(None, None, doc)
            rows = [ln for ln in doc.read_text().split("\n") if ln.startswith("| ") and "---" not in ln][1:]
        ions = [ln.split("|")[2].strip() for ln in rows]
        self.assertEqual([r["ion"] for r in data.ion_table()], ions)
        self.assertEqual(22, len(rows))
        self.assertTrue(rows[0].endswith("| none |"), rows[0])  # goals recomputed, not kept from the old cell
        self.assertTrue(rows[1].startswith("| – | V2+ |") and rows[1].endswith("| no model yet |"), rows[1])
        self.assertEqual(len(rows[0].split("|")), len(rows[1].split("|")), "same number of cells")


class WideD4hTest(unittest.TestCase):
    def test_the_wilson_interval_matches_its_closed_form(self):
        import wide_d4h
        low, high = wide_d4h.wilson(5, 10)  # symmetric about 1/2: 0.5 ± 1.96·√(2.5 + 0.9604) / 13.8416
        self.assertAlmostEqual(0.5 - 1.96 * math.sqrt(3.4604) / 13.8416, low, places=12)
        self.assertAlmostEqual(1 - low, high, places=12)
        low, high = wide_d4h.wilson(0, 40000)
        self.assertEqual(0.0, low)
        self.assertGreater(high, 0.0)  # no outlier seen is not a share of zero

    def test_a_result_counts_only_for_the_model_it_was_scored_on(self):
        import wide_d4h
        d4h = {"I1": 0.8, "I7": 0.005}
        manifest = {"models": [{"ion": "Ni2+", "sha256": "a" * 64, "metrics": {"d4h": d4h}},
                               {"ion": "Ti2+", "sha256": "b" * 64, "metrics": {"d4h": d4h}}]}
        scored = {"n": 40000, "I1": 0.81, "outliers": 160, "se_max": 0.2}
        results = {"Ni2+": {"sha256": "a" * 64, **scored}, "Ti2+": {"sha256": "c" * 64, **scored}}
        rows = wide_d4h.table(manifest, results).split("\n")[2:]
        self.assertEqual(["Ti2+", "Ni2+"], [r.split("|")[1].strip() for r in rows], "the engine's order")
        self.assertIn("| 0.40% (160) |", rows[1])
        self.assertEqual("| Ti2+ | bbbbbbbbbbbb | 80.0% | – | 0.50% | – | – | – |", rows[0])

    def test_the_log_line_sets_a_rebuild_beside_the_model_it_replaces(self):
        import wide_d4h
        old = {"sha256": "a" * 64, "set": "paper, seed 24", "n": 40000, "I1": 0.827, "outliers": 213, "se_max": 0.365}
        new = dict(old, sha256="b" * 64, I1=0.871, outliers=141, se_max=0.245)
        self.assertEqual("D4h on paper, seed 24: I1 82.7%, outliers 213 of 40000 (0.53%), SE max 36.5% "
                         "(model aaaaaaaaaaaa) → I1 87.1%, outliers 141 of 40000 (0.35%), SE max 24.5% "
                         "(model bbbbbbbbbbbb)", wide_d4h.compared(old, new))
        alone = "D4h on paper, seed 24: I1 87.1%, outliers 141 of 40000 (0.35%), SE max 24.5% (model bbbbbbbbbbbb)"
        self.assertEqual(alone, wide_d4h.compared(None, new), "an ion scored the first time")
        self.assertEqual(alone, wide_d4h.compared(new, new), "the same model scored again")

    def test_a_rebudgeted_model_keeps_the_result_of_the_network_it_shares_and_no_other(self):
        import wide_d4h
        scored = {"set": "paper, seed 24", "n": 40000, "I1": 0.81, "outliers": 160, "se_max": 0.2}
        with tempfile.TemporaryDirectory() as tmp, \
                mock.patch.object(wide_d4h, "RESULTS", Path(tmp) / "wide.json"), \
                mock.patch.object(wide_d4h, "DOC", Path(tmp) / "accuracy.md"):
            wide_d4h.DOC.write_text("<!-- wide-d4h:start -->\n<!-- wide-d4h:end -->\n")
            wide_d4h.RESULTS.write_text(json.dumps({"Ni2+": {"sha256": "a" * 64, **scored},
                                                    "Ti2+": {"sha256": "c" * 64, **scored}}))
            d4h = {"I1": 0.8, "I7": 0.005}
            (Path(tmp) / "manifest.json").write_text(json.dumps(
                {"models": [{"ion": "Ni2+", "sha256": "b" * 64, "metrics": {"d4h": d4h}},
                            {"ion": "Ti2+", "sha256": "d" * 64, "metrics": {"d4h": d4h}}]}))
            wide_d4h.carry_over("Ni2+", "a" * 64, "b" * 64, Path(tmp))
            wide_d4h.carry_over("Ti2+", "e" * 64, "d" * 64, Path(tmp))  # scored for another network: not carried
            wide_d4h.carry_over("V2+", None, "f" * 64, Path(tmp))  # never hashed and never scored: nothing to carry
            results = wide_d4h.saved_results()
            self.assertEqual(("b" * 64, "c" * 64), (results["Ni2+"]["sha256"], results["Ti2+"]["sha256"]))
            self.assertNotIn("V2+", results)
            self.assertIn("| Ni2+ | bbbbbbbbbbbb | 80.0% | 81.0% |", wide_d4h.DOC.read_text())
            self.assertIn("| Ti2+ | dddddddddddd | 80.0% | – |", wide_d4h.DOC.read_text())

    def test_the_wide_set_is_the_pipelines_d4h_fit_set_for_every_product_ion(self):
        import wide_d4h
        plan = json.loads((Path(__file__).resolve().parent / "configs" / "product.json").read_text())
        for ion in plan["order"]:  # Ni2+ replaces its first fit seeds, not this one
            expected = (Path("d") / ion / "fit-paper", "paper", 40000, 24)
            self.assertEqual(expected, wide_d4h.wide_set(plan, ion, Path("d")), ion)


class C4vStudyTest(unittest.TestCase):
    def test_a_product_only_study_keeps_earlier_rows_only_when_measured_on_the_same_test_sets(self):
        import c4v_study
        rng = np.random.default_rng(0)

        def dataset(ion, domain, seed):
            meta = {"ion": ion, "domain": domain, "seed": seed, "engine_version": "1.1.0"}
            return data.Dataset(rng.random((4, 9), dtype=np.float32), rng.random((4, 501), dtype=np.float32), meta, "x")
        d4h, c4v = dataset("Mn3+", "paper", 1001), dataset("Mn3+", "c4v", 1003)
        sets = c4v_study.identify_test_sets(d4h, c4v)
        with tempfile.TemporaryDirectory() as tmp:
            study = Path(tmp) / "Mn3+.json"
            with self.assertRaisesRegex(SystemExit, "needs an earlier study"):
                c4v_study.kept_rows(study, sets)
            study.write_text(json.dumps({"results": {"paper domain": {}}, "test_sets": sets, "commands": ["c"]}))
            self.assertEqual(["c"], c4v_study.kept_rows(study, sets)["commands"])
            # regenerated on another machine: the same parameters, spectra moved in their last bits
            rounded = data.Dataset(c4v.params, c4v.spectra + np.float32(1e-7), c4v.meta, "x")
            self.assertEqual(["c"], c4v_study.kept_rows(study, c4v_study.identify_test_sets(d4h, rounded))["commands"])
            for other in (dataset("Mn3+", "c4v", 1003),  # same name and seed, other parameters and spectra
                          data.Dataset(c4v.params, c4v.spectra + np.float32(1e-3), c4v.meta, "x"),  # other spectra
                          data.Dataset(c4v.params, c4v.spectra, {**c4v.meta, "seed": 1004}, "x")):
                with self.assertRaisesRegex(SystemExit, "other test sets"):
                    c4v_study.kept_rows(study, c4v_study.identify_test_sets(d4h, other))
            # a study saved before the fingerprints: its sets named by content hash, so only the same bytes match
            legacy = {k: {**{x: v[x] for x in ("ion", "domain", "seed", "count", "engine_version")},
                          "sha256": v["dataset_hash"]} for k, v in sets.items()}
            study.write_text(json.dumps({"results": {"paper domain": {}}, "test_sets": legacy, "commands": ["c"]}))
            self.assertEqual(["c"], c4v_study.kept_rows(study, sets)["commands"])
            with self.assertRaisesRegex(SystemExit, "other test sets"):
                c4v_study.kept_rows(study, c4v_study.identify_test_sets(d4h, rounded))
            study.write_text(json.dumps({"results": {"paper domain": {}}}))  # a study that did not record them
            with self.assertRaisesRegex(SystemExit, "other test sets"):
                c4v_study.kept_rows(study, sets)

    def test_each_committed_study_shows_the_committed_product_model(self):
        """Its product row is measured on the test sets the model's metadata was (the pipeline refreshes it after a
        rebuild): a row left from an earlier network fails here."""
        import c4v_study
        manifest = json.loads((c4v_study.ROOT / "models-onnx" / "manifest.json").read_text())
        metrics = {m["ion"]: m["metrics"] for m in manifest["models"]}
        studies = sorted(c4v_study.OUT.glob("*.json"))
        self.assertEqual(["Mn3+.json", "Ni2+.json"], [p.name for p in studies])
        for path in studies:
            study = json.loads(path.read_text())
            row, served = study["results"]["extended (product)"], metrics[study["ion"]]
            self.assertEqual(served["train_size"], study["sizes"]["extended (product)"][1], path.name)
            self.assertAlmostEqual(served["d4h"]["I1"], row["d4h_I1"], places=4, msg=path.name)
            self.assertAlmostEqual(served["d4h"]["I7"], row["d4h_outliers"], places=4, msg=path.name)


class SameDataTest(unittest.TestCase):
    """A restored run must stand on the data its model saw, allowing for other BLAS kernels' rounding."""

    def setUp(self):
        rng = np.random.default_rng(3)
        self.ds = data.Dataset(rng.random((40, 9), dtype=np.float32), rng.random((40, 501), dtype=np.float32), {}, "")
        self.props = data.fingerprints(self.ds)

    def with_spectra(self, spectra):
        return data.Dataset(self.ds.params, spectra, {}, "")

    def test_identical_data_and_data_rounded_differently_match(self):
        self.assertEqual(data.same_data(self.ds, self.props), "identical")
        rounded = self.with_spectra(self.ds.spectra + np.float32(3e-6) * np.sign(self.ds.spectra - 0.5))
        self.assertEqual(data.same_data(rounded, self.props), "equal to rounding")

    def test_other_parameters_other_spectra_or_a_bare_content_hash_do_not(self):
        moved = data.Dataset(self.ds.params.copy(), self.ds.spectra, {}, "")
        moved.params[7, 2] += np.float32(1e-3)
        self.assertIsNone(data.same_data(moved, self.props))
        self.assertIsNone(data.same_data(self.with_spectra(self.ds.spectra[::-1].copy()), self.props))
        shifted = self.with_spectra(self.ds.spectra + np.float32(1e-3))
        self.assertIsNone(data.same_data(shifted, self.props))
        bare = {"dataset_hash": self.props["dataset_hash"]}
        self.assertIsNone(data.same_data(self.with_spectra(self.ds.spectra + np.float32(3e-6)), bare))


def params_inside(n, seed):
    """`n` parameter rows drawn uniformly inside META's box."""
    lo, hi = np.array(META["domain_min"], np.float32), np.array(META["domain_max"], np.float32)
    return lo + (hi - lo) * np.random.default_rng(seed).random((n, 9), dtype=np.float32)


def exported_props(cfg, **extra):
    """The metadata an exported model carries that rebudget.rebuild reads (plus `extra`)."""
    import dataclasses
    return {"ion": META["ion"], "trained_domain": META["domain"],
            "domain_min": json.dumps(META["domain_min"]), "domain_max": json.dumps(META["domain_max"]),
            "energy_axis": json.dumps(META["energy_axis"]), "lifetime_step_ev": str(META["lifetime_step_ev"]),
            "training_config": json.dumps(dataclasses.asdict(cfg)), **extra}


def write_shards(folder, domain, seed, params, first_index=0):
    """A dataset folder as `./xasflow generate` writes it: one shard, spectra derived from the parameters; with
    `first_index`, the next shard of a folder that grows."""
    folder.mkdir(parents=True, exist_ok=first_index > 0)
    meta = dict(META, domain=domain, seed=seed, first_index=first_index)
    spectra = np.repeat(params[:, :1], 501, axis=1)
    shard = len(list(folder.glob("shard-*.npz")))
    np.savez(folder / f"shard-{shard:05d}.npz", params=params, spectra=spectra,
             metadata_json=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))


class AppendedDataTest(unittest.TestCase):
    def test_appended_folders_leave_the_earlier_split_as_it_was_and_split_on_their_own(self):
        with tempfile.TemporaryDirectory() as tmp:
            base, more = Path(tmp) / "train-extended", Path(tmp) / "train-oh-edges"
            lo, hi = np.array(META["domain_min"]), np.array(META["domain_max"])
            inside = lambda fractions: (lo + fractions[:, None] * (hi - lo)).astype(np.float32)  # noqa: E731
            write_shards(base, "extended", 1, inside(np.linspace(0, 1, 50)))
            write_shards(more, "oh-edges", 16, inside(np.full(20, 0.5)))
            before = TrainConfig(train_dir=str(base))
            after = TrainConfig(train_dir=str(base), append_dir=str(more))
            _, train_before, val_before = data.load_training(before)
            ds, train_after, val_after = data.load_training(after)
            self.assertEqual(70, len(ds))
            np.testing.assert_array_equal(val_before, val_after[:len(val_before)])  # still held out
            np.testing.assert_array_equal(train_before, train_after[:len(train_before)])
            self.assertEqual((16, 4), (len(train_after) - 40, len(val_after) - 10))  # the new folder's own 8:2
            self.assertEqual(set(range(70)), set(train_after) | set(val_after))
            self.assertFalse(set(train_after) & set(val_after))


def tiny_run_config(tmp, epochs):
    """A run that trains in a second: a small DNN on 40 spectra written to `<tmp>/train-extended`."""
    folder = Path(tmp) / "train-extended"
    write_shards(folder, "extended", 1, params_inside(40, 1))
    return TrainConfig(name="r", arch="dnn", hidden=[8], epochs=epochs, batch_size=16, threads=1,
                       train_dir=str(folder), runs_dir=str(Path(tmp) / "runs"))


class ResumeTest(unittest.TestCase):
    """A finished run is kept when its command is rerun: only if it is the run the command asks for."""

    def test_a_run_is_not_resumed_on_grown_data_or_from_another_starting_network(self):
        import train
        with tempfile.TemporaryDirectory() as tmp:
            cfg = tiny_run_config(tmp, epochs=1)
            run = train.train(cfg)
            ckpt = torch.load(run / "last.pt")
            self.assertEqual((32, ""), (ckpt["train_size"], ckpt["start_sha256"]))
            self.assertIsNone(train.resume_conflict(ckpt, dataclasses.replace(cfg, epochs=3), 32, ""))
            # a larger train_count: the same folder grows by a shard
            write_shards(Path(cfg.train_dir), "extended", 1, params_inside(10, 2), first_index=40)
            with self.assertRaisesRegex(SystemExit, "was trained on 32 spectra, and its training folders now give 40"):
                train.train(cfg)
            donor = "a" * 64  # the same init path holding a donor rebuilt since
            self.assertRegex(train.resume_conflict(ckpt, dataclasses.replace(cfg, init_onnx="d.onnx"), 32, donor),
                             "started from weights with sha256 \\(none\\), and this config from d.onnx")
            old = {k: v for k, v in ckpt.items() if k != "start_sha256"}  # written before the field: not known
            self.assertIsNone(train.resume_conflict(old, cfg, 32, donor))

    def test_a_warm_run_resumes_after_its_donor_got_a_new_head_but_not_after_new_weights(self):
        import export_onnx
        import train
        from onnx import numpy_helper
        with tempfile.TemporaryDirectory() as tmp:
            donor_cfg = tiny_run_config(tmp, epochs=1)
            ckpt = torch.load(train.train(donor_cfg) / "last.pt")
            net = models.build(donor_cfg, ckpt["meta"]).eval()
            net.load_state_dict(ckpt["model"])
            path = Path(tmp) / "donor.onnx"
            export_onnx.save_model(net, path, {}, params_inside(4, 3), Path(tmp) / "p.npz")
            cfg = dataclasses.replace(donor_cfg, name="warm", init_onnx=str(path))
            train.train(cfg)
            m = onnx.load(str(path))  # the donor refitted: another file, the same network weights
            entry = m.metadata_props.add()
            entry.key, entry.value = "se_head", "refitted"
            onnx.save(m, str(path))
            resumed = torch.load(train.train(dataclasses.replace(cfg, epochs=2)) / "last.pt")
            self.assertEqual(2, resumed["state"]["epoch"])
            names = dict(net.named_parameters())  # the donor rebuilt: one of its network's weights moves
            weight = next(i for i in m.graph.initializer if i.name in names)
            weight.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(weight) + 0.5, weight.name))
            onnx.save(m, str(path))
            moved = "started from weights with sha256 [0-9a-f]{12}, and this config from " + re.escape(str(path))
            with self.assertRaisesRegex(SystemExit, moved):
                train.train(dataclasses.replace(cfg, epochs=3))
            old = {k: v for k, v in resumed.items() if k != "start_sha256"}  # one that hashed the donor's file
            old["init_sha256"] = train.file_sha256(path)
            self.assertIsNone(train.resume_conflict(old, cfg, 32, ""))
            old["init_sha256"] = "b" * 64
            self.assertRegex(train.resume_conflict(old, cfg, 32, ""), "started from a file with sha256 b{12}, ")


class EvaluateReportTest(unittest.TestCase):
    def test_the_report_says_how_long_and_on_how_many_threads_the_run_trained(self):
        import evaluate
        import train
        with tempfile.TemporaryDirectory() as tmp:
            write_shards(Path(tmp) / "test-oh", "oh", 1002, params_inside(20, 3))
            run = train.train(tiny_run_config(tmp, epochs=2))
            results = evaluate.evaluate(str(run), {"oh": str(Path(tmp) / "test-oh")}, report="Ni2+",
                                        write_docs=False, reports_dir=tmp)
            report = (Path(tmp) / "Ni2+.md").read_text()
        self.assertEqual((32, 2, 20), (results["train_size"], results["epochs"], results["oh"]["n"]))
        self.assertIn(f"for 2 epochs ({results['train_minutes']} min of wall clock, 1 torch thread on", report)
        self.assertIn("| oh test (`oh`, seed 1002) | 20 |", report)


class FlagsReportTest(unittest.TestCase):
    def test_a_fitted_head_and_its_refreshed_report_name_the_command_that_fits_it_again(self):
        import train
        import uncertainty
        from unittest import mock
        with tempfile.TemporaryDirectory() as tmp:
            cfg = dataclasses.replace(tiny_run_config(tmp, epochs=1), arch="voigt-lines", hidden=[16, 16], lines=8)
            run = str(train.train(cfg))
            folders = {name: Path(tmp) / name for name in ("fit-beyond", "fit-paper", "test-d4h")}
            write_shards(folders["fit-paper"], "paper", 24, params_inside(50, 24))
            write_shards(folders["test-d4h"], "paper", 1001, params_inside(50, 1001))
            beyond = params_inside(50, 30)
            beyond[:, 0] *= 2  # Dq to ±0.4: about half of them outside the trained box
            write_shards(folders["fit-beyond"], "beyond", 30, beyond)
            fits, tests = [str(folders["fit-beyond"]), str(folders["fit-paper"])], {"d4h": str(folders["test-d4h"])}
            with mock.patch.object(uncertainty, "write_report") as written:  # the committed reports stay as they are
                report = uncertainty.run_uncertainty(run, fits, tests, budget_set=fits[1])
                refreshed = uncertainty.refresh_report(run, tests)
        fitted = uncertainty.fit_command(run, tests, fits, fits[1], uncertainty.HEAD_SEED)
        self.assertEqual([fitted, fitted], [c.args[4] for c in written.call_args_list])
        self.assertIn(f"--fit-extra {fits[0]},{fits[1]} --budget-set {fits[1]} --d4h {tests['d4h']}", fitted)
        self.assertEqual(list(report["sets"]), list(refreshed["sets"]))  # the budget set's calibration row kept too
        self.assertEqual(["calibration", "calibration, fit-paper", "d4h"], list(refreshed["sets"])[:3])
        self.assertEqual(report["sets"]["calibration, fit-paper"], refreshed["sets"]["calibration, fit-paper"])


class MetricsTest(unittest.TestCase):
    def test_spectral_error_and_intervals(self):
        a = np.ones((4, 501))
        p = np.stack([a[0], a[0] * 1.02, a[0] * 1.09, a[0] * 1.3])  # SE = |d| / (2 + d)
        se = metrics.spectral_error(p, a)
        np.testing.assert_allclose(se, [0, 0.02 / 2.02, 0.09 / 2.09, 0.3 / 2.3])
        f = metrics.interval_fractions(se)
        self.assertEqual((0.5, 0.25, 0.25), (f["I1"], f["I3"], f["I7"]))

    def test_c4v_share_of_bins(self):
        dq = np.linspace(-0.2, 0, 200)
        se = np.where(dq < -0.1, 0.2, 0.01)
        rows, r_a = metrics.c4v_profile(dq, se)
        self.assertEqual(20, len(rows))
        self.assertAlmostEqual(0.5, r_a)

    def test_mepd_clusters_l3_and_l2(self):
        a = np.zeros((30, 501))
        p = a.copy()
        p[:20, 100] = 1  # 20 maximum errors at L3
        p[20:, 400] = 1  # 10 at L2
        result = metrics.mepd(p, a)
        self.assertEqual((20, 10), (result["n_l3"], result["n_l2"]))
        self.assertAlmostEqual(2.0, result["r_mepd"])


class RegraphTest(unittest.TestCase):
    def test_a_committed_model_is_rebuilt_from_its_weights_with_the_same_outputs(self):
        import dataclasses
        import json

        import export_onnx
        import regraph_onnx
        import uncertainty
        cfg = TrainConfig(arch="voigt-lines", train_dir="-", hidden=[16, 16], lines=8)
        torch.manual_seed(3)
        net = models.build(cfg, META).eval()
        graph = uncertainty.WithPredictedSe(net, uncertainty.SeHead(16, META["domain_min"], META["domain_max"],
                                                                    hidden=8)).eval()
        lo, hi = np.array(META["domain_min"], np.float32), np.array(META["domain_max"], np.float32)
        params = lo + (hi - lo) * np.random.default_rng(1).random((20, 9), dtype=np.float32)
        props = {"ion": "Ni2+", "training_config": json.dumps(dataclasses.asdict(cfg)),
                 "energy_axis": json.dumps(META["energy_axis"]), "lifetime_step_ev": str(META["lifetime_step_ev"]),
                 "domain_min": json.dumps(META["domain_min"]), "domain_max": json.dumps(META["domain_max"])}
        with tempfile.TemporaryDirectory() as tmp:
            path, parity = Path(tmp) / "Ni2+.onnx", Path(tmp) / "parity" / "Ni2+.npz"
            parity.parent.mkdir()
            before = export_onnx.save_model(graph, path, props, params, parity)
            export_onnx.list_in_manifest(tmp, {"ion": "Ni2+", "file": path.name, "sha256": "old", "bytes": 0})
            regraph_onnx.regraph(path)
            after = dict(np.load(parity))
            for name in ("spectrum", "predicted_se"):
                self.assertLess(np.abs(after[name] - before[name]).max(), 1e-5, name)
            entry = json.loads((Path(tmp) / "manifest.json").read_text())["models"][0]
            self.assertEqual(export_onnx.sha256(path), entry["sha256"])
            self.assertEqual({p.key: p.value for p in onnx.load(str(path)).metadata_props}, props)
            np.savez(parity, **{**after, "spectrum": after["spectrum"] + 1e-3})  # a fixture the graph cannot meet
            with self.assertRaises(SystemExit):
                regraph_onnx.regraph(path)

    def test_stepwise_inverse_dft_equals_masking_two_full_products(self):
        lines = models.VoigtLines(847.7, 0.06, 501, META["lifetime_step_ev"])
        spectrum = torch.randn(3, 2 * lines.harmonics)
        k1, k2 = torch.rand(3, lines.harmonics), torch.rand(3, lines.harmonics)
        low = (spectrum * torch.cat([k1, k1], 1)) @ lines.inverse_dft
        high = (spectrum * torch.cat([k2, k2], 1)) @ lines.inverse_dft
        want = low * lines.below_step + high * (1 - lines.below_step)
        got = models.stepwise_inverse_dft(spectrum, k1, k2, lines.inverse_dft, lines.step_channel)
        self.assertLess((got - want).abs().max().item(), 1e-5)


class UncertaintyTest(unittest.TestCase):
    def test_calibration_is_decreasing_in_predicted_se_and_the_threshold_keeps_the_recall(self):
        import uncertainty
        rng = np.random.default_rng(3)
        log_pred = rng.uniform(-3, 0, 4000)
        se = 10 ** (log_pred + rng.normal(0, 0.2, 4000))  # the estimate tracks the true SE with noise
        curve = uncertainty.calibrate(log_pred, se)
        self.assertTrue(np.all(np.diff(curve["confidence"]) <= 1e-12), "P(SE < 10 %) falls as predicted SE grows")
        curves = {"inside": curve, "outside": curve}
        conf = uncertainty.confidence(curves, log_pred, np.ones(4000, bool), np.ones(4000, bool))
        threshold = uncertainty.choose_threshold(conf, se, target=0.97)
        report = uncertainty.flag_report(conf, se, threshold)
        self.assertGreaterEqual(report["recall"], 0.97)
        self.assertLess(report["flagged_share"], 0.8, "not everything flagged")
        self.assertGreater(report["auroc"], 0.9)
        unphysical = uncertainty.confidence(curves, log_pred[:3], np.ones(3, bool), np.zeros(3, bool))
        self.assertTrue(np.all(unphysical == 0), "an unphysical output has confidence 0")

    def test_the_flag_budget_caps_the_inside_threshold_only_where_the_recall_target_flags_more(self):
        import uncertainty
        rng = np.random.default_rng(5)
        n = 8000
        log_pred = rng.uniform(-4, -0.8, n)
        se = 10 ** (log_pred + rng.normal(0, 0.3, n))  # a noisy estimate: 95 % recall flags far more than 1 %
        inside, physical = np.arange(n) % 5 != 0, np.ones(n, bool)
        budget_rows = (np.arange(n) < n // 2) & inside  # the in-domain D4h set's rows
        curves, free, conf = uncertainty.fit_flags(log_pred, se, inside, physical)
        curves, capped, _ = uncertainty.fit_flags(log_pred, se, inside, physical, budget_rows=budget_rows, budget=0.01)
        self.assertGreater((conf[budget_rows] < free["inside"]).mean(), 0.01, "the recall target alone flags more")
        self.assertEqual(free["inside"], capped["inside_by_recall"])
        self.assertLessEqual((conf[budget_rows] < capped["inside"]).mean(), 0.01)
        self.assertEqual(free["outside"], capped["outside"], "the budget concerns inputs inside the box only")
        # the largest such threshold: the next distinct confidence up would flag more than the budget
        above = np.sort(np.unique(conf[budget_rows][conf[budget_rows] >= capped["inside"]]))[0]
        self.assertGreater((conf[budget_rows] <= above).mean(), 0.01)
        _, loose, _ = uncertainty.fit_flags(log_pred, se, inside, physical, budget_rows=budget_rows, budget=0.9)
        on_d4h = uncertainty.choose_threshold(conf[budget_rows], se[budget_rows])
        self.assertEqual(max(free["inside"], on_d4h), loose["inside"],
                         "a budget the recall targets keep leaves them alone")
        self.assertGreater(uncertainty.budget_threshold(np.array([0.0, 0.5, 0.9]), budget=0.0), 0.0,
                           "an unphysical output (confidence 0) is flagged under any budget")

    def test_the_inside_threshold_keeps_the_recall_target_on_the_d4h_rows_where_the_mixture_lets_them_pass(self):
        import uncertainty
        rng = np.random.default_rng(8)
        n = 8000
        d4h = np.arange(n) >= n // 2
        # the mixture's outliers are plain to the head (its estimate is exact); the D4h set's few hide among good rows
        log_pred = np.where(d4h, rng.uniform(-4, -2, n), rng.uniform(-4, -0.8, n))
        se = 10 ** log_pred
        hidden = np.flatnonzero(d4h)[:: 400]  # 10 D4h outliers, predicted just above the other D4h rows
        log_pred[hidden], se[hidden] = -1.9, 0.2
        inside, physical = d4h | (np.arange(n) % 5 != 0), np.ones(n, bool)
        curves, flags, conf = uncertainty.fit_flags(log_pred, se, inside, physical, budget_rows=d4h)
        caught = lambda threshold: float((conf[hidden] < threshold).mean())
        self.assertEqual(0.0, caught(flags["inside_by_recall"]), "the mixture's recall target alone misses them all")
        self.assertGreater(caught(flags["inside"]), 0.0)
        self.assertLessEqual((conf[d4h] < flags["inside"]).mean(), uncertainty.FLAG_BUDGET)
        _, loose, _ = uncertainty.fit_flags(log_pred, se, inside, physical, budget_rows=d4h, budget=0.9)
        self.assertGreaterEqual(caught(loose["inside"]), uncertainty.RECALL_TARGET, "the target holds on the D4h rows")
        self.assertLess((conf[d4h] < loose["inside"]).mean(), 0.9, "and the threshold is no higher than it needs")

    def test_a_centred_curve_puts_one_knot_mid_plateau_and_keeps_the_ends(self):
        import budget_study
        curve = {"log_se": [-3.0, -2.0, -1.5, -1.0, -0.5, 0.0], "confidence": [1.0, 1.0, 0.8, 0.2, 0.2, 0.0]}
        got = budget_study.centred(curve)
        self.assertEqual([-3.0, -2.5, -1.5, -0.75, 0.0], got["log_se"])
        self.assertEqual([1.0, 1.0, 0.8, 0.2, 0.0], got["confidence"])
        self.assertTrue(np.all(np.diff(got["confidence"][1:-1]) < 0), "strictly decreasing between the end knots")

    def test_the_pipelines_budget_set_is_a_fit_set_drawn_like_the_d4h_test_set(self):
        import pipeline
        folder = Path("data/X")
        domains = {f"fit-{name}": domain for name, domain, _, _ in pipeline.FIT_SETS}
        chosen = pipeline.budget_set(folder)
        self.assertEqual(folder, chosen.parent)
        self.assertEqual(dict((n, d) for n, d, _ in pipeline.TEST_SETS)["d4h"], domains[chosen.name])

    def test_the_flags_report_names_a_command_that_fits_the_same_head_again(self):
        import shlex
        import uncertainty
        tests = {"d4h": "data/X/test-d4h", "beyond": "data/X/test-beyond"}
        fits = ["data/X/fit-beyond", "data/X/fit-paper"]
        for seed in (uncertainty.HEAD_SEED, 5):
            command = uncertainty.fit_command("data/runs/X-ft", tests, fits, "data/X/fit-paper", seed)
            argv = shlex.split(command)
            self.assertEqual(["/usr/bin/python3", "training/uncertainty.py"], argv[:2])
            args = uncertainty.command_line().parse_args(argv[2:])
            self.assertEqual(("data/runs/X-ft", fits, "data/X/fit-paper", seed),
                             (args.run, args.fit_extra.split(","), args.budget_set, args.seed))
            self.assertEqual(tests, {k: getattr(args, k) for k in ("d4h", "oh", "c4v", "beyond") if getattr(args, k)})
        self.assertNotIn("--budget-set", uncertainty.fit_command("r", tests, fits, None, uncertainty.HEAD_SEED))

    def test_the_se_head_exports_as_a_second_onnx_output(self):
        import uncertainty
        cfg = TrainConfig(arch="voigt-lines", train_dir="-", hidden=[16, 16], lines=8)
        net = models.build(cfg, META).eval()
        head = uncertainty.SeHead(16, META["domain_min"], META["domain_max"], hidden=8).eval()
        graph = uncertainty.WithPredictedSe(net, head).eval()
        params = torch.tensor(META["domain_max"], dtype=torch.float32).repeat(2, 1)
        spectrum, se = graph(params)
        self.assertTrue(torch.allclose(spectrum, net(params), atol=1e-6), "the shared body gives the same spectrum")
        self.assertTrue(bool((se > 0).all()))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "m.onnx"
            torch.onnx.export(graph, params, str(path), opset_version=17, input_names=["params"],
                              output_names=["spectrum", "predicted_se"],
                              dynamic_axes={"params": {0: "b"}, "spectrum": {0: "b"}, "predicted_se": {0: "b"}})
            m = onnx.load(str(path))
            onnx.checker.check_model(m)
            self.assertEqual(["spectrum", "predicted_se"], [o.name for o in m.graph.output])
            from train import load_onnx_weights
            torch.manual_seed(99)
            fresh = models.build(cfg, META).eval()
            self.assertFalse(torch.allclose(fresh(params), spectrum, atol=1e-6))
            load_onnx_weights(fresh, str(path))  # a warm start from a model exported with its head
            self.assertTrue(torch.allclose(fresh(params), spectrum, atol=1e-6))


    def test_a_model_with_its_se_head_is_rebuilt_from_the_onnx_file_and_checked_against_its_parity_fixture(self):
        import export_onnx
        import rebudget
        import uncertainty
        cfg = TrainConfig(arch="voigt-lines", train_dir="-", hidden=[16, 16], lines=8)
        torch.manual_seed(4)
        net = models.build(cfg, META).eval()
        head = uncertainty.SeHead(16, META["domain_min"], META["domain_max"], hidden=8).eval()
        props, params = exported_props(cfg), params_inside(20, 1)
        with tempfile.TemporaryDirectory() as tmp:
            path, fixture = Path(tmp) / "Ni2+.onnx", Path(tmp) / "Ni2+.npz"
            export_onnx.save_model(uncertainty.WithPredictedSe(net, head).eval(), path, props, params, fixture)
            net2, head2, _ = rebudget.rebuild(path)
            rebudget.check_parity(net2, head2, fixture)
            want = uncertainty.predict_log_se(head, uncertainty.hidden(net, params), params)
            got = uncertainty.predict_log_se(head2, uncertainty.hidden(net2, params), params)
            self.assertLess(float(np.abs(got - want).max()), 1e-6)
            saved = dict(np.load(fixture))
            saved["predicted_se"] = saved["predicted_se"] * 1.01  # a head that no longer gives what was exported
            np.savez(fixture, **saved)
            with self.assertRaises(SystemExit):
                rebudget.check_parity(net2, head2, fixture)

    def test_a_models_flags_metadata_keeps_what_a_later_rebudget_needs(self):
        import rebudget
        import uncertainty
        head = uncertainty.SeHead(16, META["domain_min"], META["domain_max"], hidden=8)
        saved = {"head": head.state_dict(), "width": 16, "hidden": 8, "lo": META["domain_min"],
                 "hi": META["domain_max"], "calibration": {"inside": [[0.0, 1.0]], "outside": [[0.0, 1.0]]},
                 "thresholds": {"inside": 0.5, "outside": 0.9, "inside_by_recall": 0.8},
                 "report": {"fit_size": 1200, "calibration_size": 300, "flag_budget": 0.0075, "sets": {}}}
        with tempfile.TemporaryDirectory() as tmp:
            run = Path(tmp) / "Ni2+-edges-ft"
            run.mkdir()
            torch.save(saved, run / "uncertainty.pt")
            _, flags = uncertainty.load_head(run)
            self.assertEqual((0.5, 0.8), (flags["threshold"], flags["threshold_by_recall"]))
            missing = Path(tmp) / "no-report.md"  # the metadata is enough: no previous report is read
            self.assertEqual((1200, "Ni2+-edges-ft"), rebudget.head_fit(flags, missing))
            del flags["fit_size"]
            with self.assertRaises(FileNotFoundError):
                rebudget.head_fit(flags, missing)
            missing.write_text("### Outlier flags: Ni2+ (`Ni2+-short`)\n\nSE head fitted on 900 held-out spectra\n")
            self.assertEqual((900, "Ni2+-short"), rebudget.head_fit(flags, missing))

    def test_rebudget_writes_beside_its_model_and_report_path_and_leaves_the_committed_set_alone(self):
        """A model outside models-onnx: its file, manifest and flags report change, the repository's do not."""
        import export_onnx
        import rebudget
        import uncertainty
        cfg = TrainConfig(arch="voigt-lines", train_dir="-", hidden=[16, 16], lines=8)
        torch.manual_seed(4)
        net = models.build(cfg, META).eval()
        head = uncertainty.SeHead(16, META["domain_min"], META["domain_max"], hidden=8).eval()
        curve = {"log_se": [-20.0, 20.0], "confidence": [0.95, 0.05]}
        flags = {"method": "se-head", "calibration": curve, "calibration_outside": curve, "threshold": 0.99,
                 "threshold_outside": 0.9, "recall_target": 0.95, "recall_target_outside": 0.99,
                 "report": {"calibration": {"n": 40, "true_outliers": 40, "flagged": 40, "flagged_share": 1.0,
                                            "recall": 1.0, "precision": 1.0, "auroc": None}},
                 "threshold_by_recall": 0.99, "flag_budget": None, "fit_size": 160, "run": "Ni2+-edges-ft"}
        props = exported_props(cfg, uncertainty=json.dumps(flags))
        committed = [uncertainty.ROOT / "training" / "reports" / "Ni2+-flags.md",
                     uncertainty.ROOT / "docs" / "accuracy.md", uncertainty.ROOT / "models-onnx" / "manifest.json"]
        before = [p.read_bytes() for p in committed]
        with tempfile.TemporaryDirectory() as tmp:
            models_dir, reports = Path(tmp) / "models", Path(tmp) / "reports"
            (models_dir / "parity").mkdir(parents=True)
            path = models_dir / "Ni2+.onnx"
            export_onnx.save_model(uncertainty.WithPredictedSe(net, head).eval(), path, props, params_inside(8, 1),
                                   models_dir / "parity" / "Ni2+.npz")
            (models_dir / "manifest.json").write_text(json.dumps({"models": [{"file": "Ni2+.onnx"}]}))
            budget, tests = Path(tmp) / "fit-d4h", {"d4h": Path(tmp) / "test-d4h", "oh": Path(tmp) / "test-oh"}
            write_shards(budget, "extended", 23, params_inside(200, 2))
            for seed, folder in enumerate(tests.values(), 3):
                write_shards(folder, "extended", seed, params_inside(50, seed))
            got = rebudget.rebudget(path, budget, {k: str(v) for k, v in tests.items()}, reports / "Ni2+-flags.md")

            self.assertLess(got["threshold"], 0.99, "the budget (0.75 % of 40) lowers the recall target's threshold")
            self.assertEqual((0.99, uncertainty.FLAG_BUDGET), (got["threshold_by_recall"], got["flag_budget"]))
            saved = json.loads(rebudget.metadata(onnx.load(str(path)))["uncertainty"])
            self.assertEqual(got["threshold"], saved["threshold"])
            self.assertEqual(["calibration, at the recall target's threshold", "calibration, fit-d4h", "d4h", "oh"],
                             sorted(saved["report"])[:4])
            entry = json.loads((models_dir / "manifest.json").read_text())["models"][0]
            self.assertEqual((export_onnx.sha256(path), got["threshold"]),
                             (entry["sha256"], entry["flags"]["threshold"]))
            self.assertIn(f"< {got['threshold']:.3f} inside", (reports / "Ni2+-flags.md").read_text())
            self.assertTrue((reports / "Ni2+" / "reliability.png").exists())
        self.assertEqual(before, [p.read_bytes() for p in committed], "the repository's report, doc and manifest")

    def test_the_flags_summary_has_a_row_per_model_and_names_the_targets_met(self):
        import uncertainty
        def report(recall, precision, flagged_share=0.2, missed=3, true_outliers=100):
            return {"recall": recall, "precision": precision, "flagged_share": flagged_share, "missed": missed,
                    "true_outliers": true_outliers}
        good = {"ion": "Ni2+", "file": "Ni2+.onnx", "flags": {"recall_targets": [0.95, 0.99], "flag_budget": 0.0075,
                                                              "report": {
            "union of test sets": report(0.96, 0.72), "d4h": report(0.8, 0.5, flagged_share=0.008),
            "beyond": report(0.99, 0.7)}}}
        weak = {"ion": "Fe2+", "file": "Fe2+.onnx", "flags": {"recall_targets": [0.97, 0.999], "report": {
            "union of test sets": report(0.94, 0.5), "d4h": report(0.9, 0.3), "beyond": report(0.99, 0.5),
            "union of test sets, outside checked exactly": report(0.99, 0.75)}}}
        with tempfile.TemporaryDirectory() as tmp:
            manifest, doc = Path(tmp) / "manifest.json", Path(tmp) / "accuracy.md"
            manifest.write_text(json.dumps({"models": [good, weak, {"ion": "Ti2+", "file": "Ti2+.onnx"}]}))
            doc.write_text("# Accuracy\n")
            uncertainty.write_flags_summary(manifest, doc)
            text = doc.read_text()
        self.assertIn("| Ni2+ | 0.95/0.99, D4h ≤ 0.75 % | 96.0 % | 72.0 % | 0.80 % | 80.0 % | 3 of 100 | recall, precision, "
                      "D4h ≤ 1 % | – | – | – |", text)
        self.assertIn("| Fe2+ | 0.97/0.999 | 94.0 % | 50.0 % | 20.00 % | 90.0 % | 3 of 100 | none | 99.0 % | 75.0 % | "
                      "recall, precision |", text)
        self.assertIn("| Ti2+ | no SE head |", text)


class RecordingEngine:
    """Stands in for pipeline.Engine: records each `generate` call as (domain, count, seed, out folder)."""

    def __init__(self):
        self.calls = []

    def generate(self, ion, domain, count, seed, out):
        self.calls.append((domain, count, seed, out))


class PipelinePlanTest(unittest.TestCase):
    """The product plan is what rebuilds models-onnx/: a typo in it would only show hours into a rebuild."""

    def test_the_plan_lists_the_22_ions_of_the_engine_and_every_step_is_a_valid_config(self):
        import json
        import pipeline
        plan = json.loads((pipeline.ROOT / "training" / "configs" / "product.json").read_text())
        n3d = {row["ion"]: row["n3d"] for row in data.ion_table()}
        engine_ions = set(n3d)
        self.assertEqual(22, len(plan["order"]))
        self.assertEqual(engine_ions, set(plan["order"]))
        self.assertLessEqual(set(plan["ions"]), set(plan["order"]))
        folders = [Path("data/X/train-extended"), Path("data/X/train-oh")]
        interim = plan.get("interim", {})
        for key, build in interim.items():
            self.assertIn(build["ion"], engine_ions, f"interim {key}")
        for ion in plan["order"] + list(interim):
            p = pipeline.plan_for(plan, ion)
            for key in ("train_domain", "train_count", "slice_count", "test_count", "fit_count", "steps"):
                self.assertIn(key, p, f"{ion} lacks {key}")
            if "warm_start" in p:  # a donor shares the final-state structure (3d count)
                donor = p["warm_start"]
                donor_ion = pipeline.plan_for(plan, donor)["ion"]
                self.assertEqual(n3d[p["ion"]], n3d[donor_ion], f"{ion}: warm_start {donor}")
            names = set()
            for i, step in enumerate(p["steps"]):
                cfg = pipeline.step_config(step, ion, folders, "init.onnx" if i else None)
                placed = cfg.name + cfg.train_dir + cfg.append_dir
                self.assertNotIn("{", placed, f"{ion} {step}: placeholder left")
                self.assertIn(cfg.arch, models.ARCHITECTURES)
                self.assertEqual("init.onnx" if i else "", cfg.init_onnx, f"{ion} {step}: chained from the step before")
                names.add(cfg.name)
            self.assertEqual(len(p["steps"]), len(names), f"{ion}: every step needs its own run name")
        used = {entry["recipe"] for entry in [*plan["ions"].values(), *interim.values()] if "recipe" in entry}
        self.assertEqual(set(plan.get("recipes", {})), used, "every recipe is used, every used recipe exists")
        rebuild = pipeline.build_order(plan, plan["order"])  # a whole rebuild builds each donor before its receivers
        self.assertEqual(sorted(plan["order"]), sorted(key for key in rebuild if key not in interim))
        self.assertEqual(sorted(interim), sorted(key for key in rebuild if key in interim), "an interim no ion starts from")
        for ion in plan["order"]:
            donor = pipeline.plan_for(plan, ion).get("warm_start")
            if donor:
                self.assertLess(rebuild.index(donor), rebuild.index(ion), f"{ion}: warm_start {donor}")

    def test_a_recipe_gives_its_sizes_and_steps_and_the_entry_beside_it_wins(self):
        import pipeline
        plan = {"defaults": {"train_count": 60000, "steps": ["a.json"]},
                "recipes": {"two": {"train_count": 120000, "cold_count": 15000, "steps": ["a.json", "b.json"]}},
                "ions": {"Fe3+": {"recipe": "two", "warm_start": "Mn2+"},
                         "Co4+": {"recipe": "two", "cold_count": 5000}, "Ni2+": {"recipe": "tow"}},
                "interim": {"Fe3+@1": {"ion": "Fe3+", "recipe": "two"}}}
        self.assertEqual({"ion": "Fe3+", "train_count": 120000, "cold_count": 15000, "steps": ["a.json", "b.json"],
                          "warm_start": "Mn2+"}, pipeline.plan_for(plan, "Fe3+"))
        self.assertEqual(5000, pipeline.plan_for(plan, "Co4+")["cold_count"])
        self.assertEqual({"ion": "Fe3+", "train_count": 120000, "cold_count": 15000, "steps": ["a.json", "b.json"]},
                         pipeline.plan_for(plan, "Fe3+@1"))
        self.assertEqual(["two"], list(plan["recipes"]))  # resolving leaves the plan as it was
        self.assertEqual({"recipe": "two", "warm_start": "Mn2+"}, plan["ions"]["Fe3+"])
        with self.assertRaises(SystemExit) as stop:
            pipeline.plan_for(plan, "Ni2+")
        self.assertIn("'tow'", str(stop.exception))

    def test_train_threads_override_the_step_config_and_nothing_else(self):
        import pipeline
        step = pipeline.ROOT / "training" / "configs" / "long-thermal-steep.json"
        folders = [Path("data/Fe2+/train-extended")]
        as_written = pipeline.step_config(step, "Fe2+", folders, None)
        one_thread = pipeline.step_config(step, "Fe2+", folders, None, threads=1)
        self.assertEqual(2, as_written.threads)
        self.assertEqual(1, one_thread.threads)
        as_written.threads = 1
        self.assertEqual(as_written, one_thread)

    def test_the_build_order_puts_a_requested_donor_first_and_stops_at_a_cycle(self):
        import pipeline
        plan = {"defaults": {}, "ions": {"Cr2+": {"warm_start": "Mn3+"}, "Fe4+": {"warm_start": "Mn3+"},
                                         "Co5+": {"warm_start": "Fe4+"}}}
        self.assertEqual(["Mn3+", "Cr2+", "Ti2+"], pipeline.build_order(plan, ["Cr2+", "Ti2+", "Mn3+"]))
        self.assertEqual(["Mn3+", "Fe4+", "Co5+"], pipeline.build_order(plan, ["Co5+", "Mn3+", "Fe4+"]))
        self.assertEqual(["Co5+"], pipeline.build_order(plan, ["Co5+"]))  # a donor not asked for: its committed model
        plan["ions"]["Mn3+"] = {"warm_start": "Co5+"}
        with self.assertRaises(SystemExit) as stop:
            pipeline.build_order(plan, ["Co5+", "Mn3+", "Fe4+"])
        self.assertIn("cycle", str(stop.exception))

    def test_an_interim_build_breaks_a_warm_start_cycle_and_is_built_before_its_receiver(self):
        import pipeline
        plan = {"defaults": {"steps": ["training/configs/thermal-steep.json"]},
                "ions": {"Co2+": {"warm_start": "Ni3+"}, "Ni3+": {"warm_start": "Co2+@1"}},
                "interim": {"Co2+@1": {"ion": "Co2+", "steps": ["training/configs/long-thermal-steep.json"]}}}
        self.assertEqual(["Co2+@1", "Ni3+", "Co2+"], pipeline.build_order(plan, ["Co2+", "Ni3+"]))
        self.assertEqual(["Co2+"], pipeline.build_order(plan, ["Co2+"]))  # from the committed Ni3+
        self.assertEqual(["Co2+@1", "Ni3+"], pipeline.build_order(plan, ["Ni3+"]))  # never committed: built first
        self.assertEqual("Co2+", pipeline.plan_for(plan, "Co2+@1")["ion"])  # the engine's ion, for either kind of key
        self.assertEqual("Ni3+", pipeline.plan_for(plan, "Ni3+")["ion"])
        model = pipeline.interim_model(plan, "Co2+@1", Path("/scratch"))
        self.assertEqual(Path("data/runs/Co2+@1-long-thermal-steep/init/Co2+.onnx"), model)
        with self.assertRaises(SystemExit) as stop:
            pipeline.warm_start("Ni3+", plan, Path("/scratch"))
        self.assertIn("Co2+@1", str(stop.exception))
        cyclic = {**plan, "ions": {**plan["ions"], "Ni3+": {"warm_start": "Co2+"}}}
        with self.assertRaises(SystemExit):
            pipeline.build_order(cyclic, ["Co2+", "Ni3+"])

    def test_an_interim_build_shares_a_data_folder_only_when_the_sizes_agree(self):
        import pipeline
        steps = ["training/configs/thermal-steep.json", "training/configs/edges-ft.json"]
        plan = {"defaults": {"train_domain": "extended", "train_seed": 1, "train_count": 60000, "slice_count": 15000},
                "ions": {"Fe2+": {"train_count": 120000, "cold_count": 15000, "edges_count": 15000, "steps": steps}},
                "interim": {"Fe2+@1": {"ion": "Fe2+", "train_count": 120000, "cold_count": 15000, "steps": steps},
                            "Fe2+@2": {"ion": "Fe2+", "cold_count": 15000, "steps": steps},
                            "Fe2+@3": {"ion": "Fe2+", "train_count": 120000, "cold_count": 5000, "steps": steps},
                            "Fe2+@4": {"ion": "Fe2+", "cold_count": 15000, "edges_count": 15000, "steps": steps}}}
        root = Path("/scratch")
        self.assertEqual(root / "Fe2+", pipeline.data_folder(plan, "Fe2+", root))
        self.assertEqual(root / "Fe2+", pipeline.data_folder(plan, "Fe2+@1", root))  # a slice only Fe2+ makes
        self.assertEqual(root / "Fe2+@2", pipeline.data_folder(plan, "Fe2+@2", root))  # 60 000 against 120 000
        self.assertEqual(root / "Fe2+@3", pipeline.data_folder(plan, "Fe2+@3", root))  # another cold slice
        self.assertEqual(root / "Fe2+@2", pipeline.data_folder(plan, "Fe2+@4", root))  # as Fe2+@2, which owns a folder
        shared = pipeline.step_config(pipeline.ROOT / steps[1], "Fe2+@1", [root / "Fe2+/train-extended"], "init.onnx",
                                      data_root=root, folder=pipeline.data_folder(plan, "Fe2+@1", root))
        self.assertEqual(("Fe2+@1-edges-ft", "/scratch/Fe2+/train-oh-edges"), (shared.name, shared.append_dir))

    def test_a_warm_start_names_a_committed_model_or_stops_with_the_missing_donor(self):
        import pipeline
        plan = {"defaults": {}, "ions": {"Cr4+": {"warm_start": "V3+"}, "Fe6+": {"warm_start": "Xx9+"}}}
        self.assertIsNone(pipeline.warm_start("Ti2+", plan))
        self.assertEqual(Path("models-onnx/V3+.onnx"), pipeline.warm_start("Cr4+", plan))
        with self.assertRaises(SystemExit) as stop:
            pipeline.warm_start("Fe6+", plan)
        self.assertIn("Xx9+", str(stop.exception))

    def test_a_step_without_its_own_data_trains_on_every_training_folder_of_the_ion(self):
        import pipeline
        cfg = pipeline.step_config(pipeline.ROOT / "training/configs/slices.json", "Ti2+",
                                   [Path("data/Ti2+/train-extended"), Path("data/Ti2+/train-oh")], None)
        self.assertEqual("Ti2+-slices", cfg.name)
        self.assertEqual("data/Ti2+/train-extended,data/Ti2+/train-oh", cfg.train_dir)
        own = pipeline.step_config(pipeline.ROOT / "training/configs/paper.json", "Ti2+", [Path("x")], None)
        self.assertEqual("data/Ti2+/train-paper", own.train_dir)

    def test_a_step_that_names_its_own_folder_follows_the_data_folder(self):
        import pipeline
        step = pipeline.ROOT / "training/configs/edges-ft.json"
        elsewhere = pipeline.step_config(step, "Cr2+", [Path("/scratch/Cr2+/train-extended")], None,
                                         data_root=Path("/scratch"))
        self.assertEqual("/scratch/Cr2+/train-oh-edges", elsewhere.append_dir)
        self.assertEqual("data/Cr2+/train-oh-edges", pipeline.step_config(step, "Cr2+", [Path("x")], None).append_dir)

    def test_a_config_that_extends_another_takes_its_fields_and_changes_only_its_own(self):
        import pipeline
        import train
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "base.json").write_text('{"arch": "voigt-lines", "epochs": 5, "lr": 0.1, "name": "base"}')
            (Path(tmp) / "mid.json").write_text('{"extends": "base.json", "lr": 0.2, "name": "{ion}-mid"}')
            (Path(tmp) / "step.json").write_text('{"extends": "mid.json", "append_dir": "{data}/{ion}/more"}')
            cfg = pipeline.step_config(Path(tmp) / "step.json", "Ti2+", [Path("x")], None)
            self.assertEqual(("voigt-lines", 5, 0.2, "Ti2+-mid", "data/Ti2+/more"),
                             (cfg.arch, cfg.epochs, cfg.lr, cfg.name, cfg.append_dir))
            direct = train.parse_config(["--config", str(Path(tmp) / "mid.json"), "--train-dir", "x", "--epochs", "7",
                                         "--name", "mid"])
            self.assertEqual((5 + 2, 0.2, "voigt-lines"), (direct.epochs, direct.lr, direct.arch))
            with self.assertRaises(SystemExit) as stop:  # run directly, a template would train on a folder "{data}"
                train.parse_config(["--config", str(Path(tmp) / "step.json"), "--train-dir", "x"])
            self.assertIn("append_dir '{data}/{ion}/more', name '{ion}-mid'", str(stop.exception))
            self.assertIn("--append-dir, --name", str(stop.exception))

    def test_the_steep_edges_step_is_the_edges_step_on_its_own_folder(self):
        import dataclasses
        import pipeline
        configs = pipeline.ROOT / "training/configs"
        edges, steep = (dataclasses.asdict(pipeline.step_config(configs / name, "Cr2+", [Path("x")], "init.onnx"))
                        for name in ("edges-ft.json", "steep-edges-ft.json"))
        self.assertEqual(("Cr2+-steep-edges-ft", "data/Cr2+/train-oh-steep-edges"),
                         (steep["name"], steep["append_dir"]))
        self.assertEqual({k: v for k, v in edges.items() if k not in ("name", "append_dir")},
                         {k: v for k, v in steep.items() if k not in ("name", "append_dir")})
        self.assertEqual(("se", 12, 1), (edges["loss"], edges["epochs"], edges["thermal_inputs"]))

    def test_a_config_extending_a_missing_file_or_itself_stops_naming_the_file(self):
        import train
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "orphan.json").write_text('{"extends": "gone.json", "epochs": 5}')
            (Path(tmp) / "a.json").write_text('{"extends": "b.json"}')
            (Path(tmp) / "b.json").write_text('{"extends": "a.json"}')
            with self.assertRaises(SystemExit) as missing:
                train.read_config(Path(tmp) / "orphan.json")
            self.assertIn("gone.json", str(missing.exception))
            with self.assertRaises(SystemExit) as cycle:
                train.read_config(Path(tmp) / "a.json")
            self.assertIn("cycle", str(cycle.exception))

    def test_a_plan_with_cold_or_steep_count_adds_those_slices_to_the_training_folders(self):
        import pipeline

        plan = {"defaults": {"train_domain": "extended", "train_count": 10, "train_seed": 1, "slice_count": 5,
                             "test_count": 3, "fit_count": 2},
                "ions": {"V2+": {"cold_count": 4}, "Fe2+": {"cold_count": 4, "steep_count": 6, "edges_count": 7,
                                                                  "steep_edges_count": 8}}}
        seeds = {domain: seed for _, domain, seed in pipeline.EXTRA_SLICES + pipeline.APPENDED_SLICES}
        self.assertEqual(len(set(seeds.values())), len(seeds))  # no two slices share a seed
        for ion, slices in (("V2+", {"cold": 4}), ("Fe2+", {"cold": 4, "oh-steep": 6}), ("Ti2+", {})):
            engine = RecordingEngine()
            train_dirs, _, _ = pipeline.make_data(engine, ion, pipeline.plan_for(plan, ion), Path("data") / ion)
            for domain in ("cold", "oh-steep"):
                self.assertEqual(domain in slices, Path("data") / ion / f"train-{domain}" in train_dirs, (ion, domain))
                self.assertEqual(domain in slices,
                                 (domain, slices.get(domain), seeds[domain], Path("data") / ion / f"train-{domain}")
                                 in engine.calls,
                                 (ion, domain))
            for domain, count in (("oh-edges", 7), ("oh-steep-edges", 8)):  # made for a late step, not for every one
                made = [call for call in engine.calls if call[0] == domain]
                self.assertEqual([(domain, count, seeds[domain], Path("data") / ion / f"train-{domain}")]
                                 if ion == "Fe2+" else [], made)
                self.assertNotIn(Path("data") / ion / f"train-{domain}", train_dirs)
        engine = RecordingEngine()  # an interim build is never evaluated: no test or fit sets
        train_dirs, tests, fits = pipeline.make_data(engine, "V2+", pipeline.plan_for(plan, "V2+"), Path("x"), False)
        self.assertEqual(({}, []), (tests, fits))
        self.assertEqual(sorted(train_dirs), sorted(call[3] for call in engine.calls))

    def test_rebudget_makes_the_held_out_sets_the_pipeline_made(self):
        """rebudget.py regenerates test and budget sets from held_out_sets: they must be the pipeline's, seeds and
        sizes included (a plan's fit_seeds too), or a model's thresholds would be moved on other data."""
        import pipeline

        plan = {"defaults": {"train_domain": "extended", "train_count": 10, "train_seed": 1, "slice_count": 0,
                             "test_count": 3, "fit_count": 2},
                "ions": {"Ni2+": {"fit_seeds": [31, 32]}, "Fe3+": {}}}
        for ion in ("Ni2+", "Fe3+"):
            engine, folder = RecordingEngine(), Path("data") / ion
            p = pipeline.plan_for(plan, ion)
            _, tests, fits = pipeline.make_data(engine, ion, p, folder)
            specs_tests, specs_fits = pipeline.held_out_sets(p, folder)
            made = {out: (domain, count, seed) for domain, count, seed, out in engine.calls}
            for out, domain, count, seed in list(specs_tests.values()) + specs_fits:
                self.assertEqual((domain, count, seed), made[out], (ion, out.name))
            self.assertEqual(tests, {name: spec[0] for name, spec in specs_tests.items()})
            self.assertIn(pipeline.budget_set(folder), fits)
            self.assertEqual(p.get("fit_seeds", [21, 22])[:2], [spec[3] for spec in specs_fits[:2]])


if __name__ == "__main__":
    unittest.main()
