"""test_errors.py -- every failure becomes a Python exception that says
what and where."""

import math
import os
import unittest
import warnings

from support import muskx, model_path, BAD_MODELS, REPO, SHARED

numpy = muskx.result.numpy

BAD = """muskx: 1
model: {id: m}
species: {OPG: 1, C: 0}
parameters: {k: 1}
reactions:
  - id: r3
    equation: OPG -> C
    rate: k * RANKLL * OPG
"""


class ABadModel(unittest.TestCase):
    def test_from_a_string_names_line_and_column(self):
        with self.assertRaises(muskx.ModelError) as cm:
            muskx.loads(BAD, name="bone.yaml")
        e = cm.exception
        self.assertEqual((e.file, e.line, e.column), ("bone.yaml", 8, 15))
        self.assertIn("RANKLL", e.message)
        self.assertEqual(e.status, "EMODEL")
        self.assertEqual(str(e), "bone.yaml:8:15: " + e.message)
        self.assertIsInstance(e, muskx.MuskxError)

    def test_from_a_file_names_the_file(self):
        path = os.path.join(BAD_MODELS, "019_undefined_name_in_rate.yaml")
        with self.assertRaises(muskx.ModelError) as cm:
            muskx.load(path)
        e = cm.exception
        self.assertEqual(e.file, path)
        self.assertEqual((e.line, e.column), (9, 15))

    def test_with_a_yaml_syntax_error_has_its_own_status(self):
        with self.assertRaises(muskx.ModelError) as cm:
            muskx.loads("muskx: 1\nmodel: {id: m\n")
        self.assertEqual(cm.exception.status, "ESYNTAX")
        self.assertGreater(cm.exception.line, 0)

    def test_every_shipped_bad_model_reports_its_expected_place(self):
        checked = 0
        for name in sorted(os.listdir(BAD_MODELS)):
            path = os.path.join(BAD_MODELS, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                first = f.readline()
            if not first.startswith("# expect: "):
                continue
            where = first[len("# expect: "):].split(":")
            if len(where) < 3 or not where[0].strip().isdigit():
                continue
            with self.subTest(model=name):
                with self.assertRaises(muskx.ModelError) as cm:
                    muskx.load(path)
                self.assertEqual((cm.exception.line, cm.exception.column),
                                 (int(where[0]), int(where[1])))
                checked += 1
        self.assertGreater(checked, 10)


class AMissingFile(unittest.TestCase):
    def test_is_a_model_file_error_and_an_oserror(self):
        with self.assertRaises(OSError) as cm:
            muskx.load("/nonexistent/model.yaml")
        e = cm.exception
        self.assertIsInstance(e, muskx.ModelFileError)
        self.assertIsInstance(e, muskx.ModelError)
        self.assertEqual(e.status, "EIO")
        self.assertEqual((e.line, e.column), (0, 0))


class BadArguments(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = muskx.load(model_path("decay.yaml"))

    @classmethod
    def tearDownClass(cls):
        cls.m.close()

    def test_an_unknown_parameter_is_a_key_error(self):
        with self.assertRaises(KeyError) as cm:
            self.m.simulate(t_end=1, params={"kk": 1})
        e = cm.exception
        self.assertIsInstance(e, muskx.NameNotFoundError)
        self.assertEqual(e.status, "ENOTFOUND")
        self.assertEqual(e.name, "kk")
        self.assertIn("kk", str(e))

    def test_an_unknown_species_or_input_is_a_key_error(self):
        with self.assertRaises(KeyError):
            self.m.simulate(t_end=1, initial={"Z": 1})
        with self.assertRaises(KeyError):
            self.m.simulate(t_end=1, inputs={"light": 1})
        with self.assertRaises(KeyError):
            self.m.simulate(t_end=1, doses=[("Z", 0, 1)])

    def test_a_non_finite_value_is_a_value_error(self):
        with self.assertRaises(ValueError) as cm:
            self.m.simulate(t_end=1, params={"k": math.nan})
        self.assertIsInstance(cm.exception, muskx.InvalidArgumentError)
        self.assertEqual(cm.exception.status, "EINVAL")
        with self.assertRaises(ValueError):
            self.m.simulate(t_end=1, params={"k": "fast"})

    def test_decreasing_times_are_a_value_error(self):
        with self.assertRaises(ValueError):
            self.m.simulate(times=[0, 2, 1])

    def test_bad_tolerances_are_a_value_error(self):
        with self.assertRaises(ValueError):
            self.m.simulate(t_end=1, rtol=0)
        with self.assertRaises(ValueError):
            self.m.simulate(t_end=1, atol=-1)

    def test_a_bad_solver_name_is_a_value_error(self):
        with self.assertRaises(ValueError):
            self.m.simulate(t_end=1, solver="gauss")

    def test_a_table_with_mismatched_lengths_is_a_value_error(self):
        with muskx.load(model_path("step_input.yaml")) as m:
            with self.assertRaises(ValueError):
                m.simulate(t_end=1, inputs={"u": ([0, 1, 2], [0, 1])})
            with self.assertRaises(ValueError):
                m.simulate(t_end=1, inputs={"u": ([0, 1], [0, 1], "cubic")})
            with self.assertRaises(ValueError):
                m.simulate(t_end=1, inputs={"u": ([1, 0], [0, 1])})

    def test_times_as_a_string_or_nested_are_a_type_error(self):
        # numpy read "012" as the one time 12, and flattened [[0, 1], [2, 3]]
        for bad in ("012", b"01", [[0, 1], [2, 3]]):
            with self.assertRaises(TypeError, msg=repr(bad)):
                self.m.simulate(times=bad)

    def test_a_name_with_a_nul_character_is_a_value_error(self):
        # C read "k\0x" as "k" and set k without a word
        with self.assertRaises(ValueError):
            self.m.simulate(t_end=1, params={"k\0x": 1})
        with self.assertRaises(ValueError):
            self.m.simulate(t_end=1, initial={"A\0": 2})

    def test_a_grid_of_more_than_1e8_rows_is_refused_at_once(self):
        # it built a list of 1e9 floats (minutes, gigabytes) first
        with self.assertRaises(ValueError) as cm:
            self.m.simulate(t_end=1e9, dt=1)
        self.assertIn("at most 100000000", str(cm.exception))

    def test_missing_output_times_are_a_type_error(self):
        with self.assertRaises(TypeError):
            self.m.simulate()
        with self.assertRaises(TypeError):
            self.m.simulate(t_end=1, times=[0, 1])


class EveryUnknownNameIsNamed(unittest.TestCase):
    """A NameNotFoundError for a name the caller gave carries it as .name,
    on every path (session 25 Low: run_scenario(sc, set=) and the
    ensemble/compare paths raised it with .name None), and its message
    keeps the C side's suggestion where there is one."""

    @classmethod
    def setUpClass(cls):
        tests = os.path.join(REPO, "tests")
        with warnings.catch_warnings():    # its start warning is expected
            warnings.simplefilter("ignore", RuntimeWarning)
            cls.sc = muskx.load_scenario(
                os.path.join(tests, "scenarios", "start_defaults_set.yaml"),
                allow_path=tests)

    @classmethod
    def tearDownClass(cls):
        cls.sc.close()

    def assertNames(self, call, name, hint=None):
        with self.assertRaises(muskx.NameNotFoundError) as cm:
            call()
        self.assertEqual(cm.exception.name, name, str(cm.exception))
        self.assertIn("'%s'" % name, str(cm.exception))
        if hint is not None:
            self.assertIn("did you mean '%s'?" % hint, str(cm.exception))

    def test_scenario_paths(self):
        sc, lognormal = self.sc, ("lognormal", 0.05, 0.3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            self.assertNames(lambda: muskx.run_scenario(
                sc, set={"shift": 0.2, "shfit": 1}), "shfit", "shift")
            self.assertNames(lambda: sc.set("shfit", 1), "shfit", "shift")
            self.assertNames(lambda: muskx.compare(
                sc, bands=True, vary={"k_B": lognormal}, samples=4,
                set={"shfit": 1}), "shfit", "shift")
            self.assertNames(lambda: muskx.compare(
                sc, bands=True, vary={"shfit": lognormal}, samples=4),
                "shfit", "shift")
            self.assertNames(lambda: muskx.compare(
                sc, bands=True, params={"k_B": [0.05, 0.06],
                                        "shfit": [1, 2]}, samples=2),
                "shfit", "shift")
            self.assertNames(lambda: muskx.ensemble(
                sc, 3, vary={"shfit": lognormal}), "shfit", "shift")

    @unittest.skipIf(numpy is None, "numpy")
    def test_a_model_ensemble(self):
        self.assertNames(lambda: self.sc.model.ensemble(
            vary={"shfit": ("lognormal", 1, 0.1)}, n=3, times=[0, 1]),
            "shfit", "shift")

    def test_a_selection(self):
        m = self.sc.model
        self.assertNames(lambda: m.simulate(t_end=1, selections=["B",
                                                                 "Bpct"]),
                         "Bpct")

    def test_a_name_the_c_check_accepts_comes_first(self):
        """The name the C side refused, not an earlier one it accepts
        (session 26 review H1: a compartment in vary, `t` in selections
        were named; an event name, which no selection accepts, was not)."""
        tests = os.path.join(REPO, "tests")
        with muskx.load_scenario(
                os.path.join(tests, "scenarios", "api_small_day.yaml"),
                allow_path=tests) as sc:
            m, u = sc.model, ("uniform", 0.5, 1.5)
            self.assertNames(lambda: m.simulate(
                t_end=1, selections=["t", "Sx"]), "Sx")
            self.assertNames(lambda: m.simulate(
                t_end=1, selections=["time", "cell", "sat", "conversion",
                                     "refill", "Sx"]), "refill")
            if numpy is None:
                return
            self.assertNames(lambda: muskx.ensemble(
                sc, 3, vary={"cell": u, "kcatt": u}), "kcatt", "kcat")
            self.assertNames(lambda: muskx.ensemble(
                sc, 3, columns=["total", "totl"]), "totl")
            self.assertNames(lambda: muskx.gsa(
                sc, vary={"cell": u, "kcatt": u}, samples=4,
                outputs=["total@end"]), "kcatt", "kcat")
            self.assertNames(lambda: muskx.gsa(
                sc, vary={"kcat": u}, samples=4, outputs=["totl@end"]),
                "totl")
            self.assertNames(lambda: m.ensemble(
                vary={"kcat": ("lognormal", 1, 0.1)}, columns=["S", "Sx"],
                n=3, times=[0, 1]), "Sx")

    def test_a_petab_problem(self):
        case = os.path.join(SHARED, "petab-test-suite", "v1.0.0", "sbml",
                            "0001", "_0001.yaml")
        if not os.path.exists(case):
            self.skipTest("no PEtab test suite at %s" % case)
        with muskx.Problem.from_petab(case) as p:
            self.assertNames(lambda: p.llh({"k1": 0.8, "nope": 1.0}), "nope")
            with self.assertRaises(muskx.NameNotFoundError) as cm:
                p.llh({"nope": 1.0})
            self.assertIn("the estimated ones: a0, b0, k1, k2",
                          str(cm.exception))


class ASolverFailure(unittest.TestCase):
    """divzero.yaml: dA/dt = -k A / u with u = 0 from t = 2."""

    def test_raises_with_the_time_and_the_rows_before_it(self):
        with muskx.load(model_path("divzero.yaml")) as m:
            with self.assertRaises(muskx.SolverError) as cm:
                m.simulate(times=[0, 0.5, 1, 1.5, 2.5, 3])
        e = cm.exception
        self.assertIn(e.status, ("ESOLVER", "ENONFINITE"))
        self.assertAlmostEqual(e.time, 2.0, places=6)
        self.assertIn("t=", e.message)
        r = e.result
        self.assertFalse(r.complete)
        self.assertEqual(len(r), 4)           # t = 0, 0.5, 1, 1.5
        self.assertEqual(list(r.time), [0, 0.5, 1, 1.5])
        for t, a in zip(r.time, r["A"]):
            self.assertAlmostEqual(a, math.exp(-0.3 * t), places=5)
        self.assertIn("partial", repr(r))

    def test_does_not_happen_when_the_input_is_overridden(self):
        with muskx.load(model_path("divzero.yaml")) as m:
            r = m.simulate(t_end=4, inputs={"u": 1})
            self.assertAlmostEqual(r["A"][-1], math.exp(-1.2), places=5)


if __name__ == "__main__":
    unittest.main()
