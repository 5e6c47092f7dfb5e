"""test_habits.py -- the habits of roadrunner/Tellurium users (issue 20).

References are closed forms of first-order decay A -> B, rate k A, with an
event that doubles k at t = 5:
    A(t) = A0 exp(-k t)                 t <= 5
    A(t) = A0 exp(-5 k) exp(-2k (t-5))  t > 5
flux = k(t) A(t); total = A + B = A0; the Jacobian is [[-k, 0], [k, 0]].
"""

import math
import os
import tempfile
import unittest

from support import muskx, model_path, WRMSMixin, REPO as HERE_REPO

numpy = muskx.result.numpy

DECAY = """
muskx: 1
model: {id: decay2, time_unit: h}
parameters:
  k: {value: 0.3, unit: 1/h}
species:
  A: {initial: 2.0, unit: mM}
  B: {initial: 0.0, unit: mM}
assignments:
  total: {expr: A + B, unit: mM}
outputs:
  A_pct: {expr: 100*A/2, unit: '%'}
reactions:
  - id: r1
    equation: A -> B
    rate: k*A
events:
  - id: faster
    at: 5
    set: {k: 2*k}
"""

K, A0 = 0.3, 2.0


def a_exact(t, k=K):
    if t <= 5:
        return A0 * math.exp(-k * t)
    return A0 * math.exp(-5 * k) * math.exp(-2 * k * (t - 5))


class RoadrunnerSimulate(WRMSMixin, unittest.TestCase):
    def setUp(self):
        self.m = muskx.loads(DECAY)

    def test_start_end_points(self):
        r = self.m.simulate(0, 4, 9, rtol=1e-10, atol=1e-12)
        self.assertEqual(len(r), 9)
        self.assertEqual(list(r.time), [0.5 * i for i in range(9)])
        self.assertWRMS(r["A"], [a_exact(t) for t in r.time], 1e-10, 1e-12)

    def test_start_end_defaults_to_51_points(self):
        r = self.m.simulate(0, 100)
        self.assertEqual(len(r), 51)
        self.assertEqual(r.time[-1], 100.0)
        self.assertEqual(r.time[1], 2.0)

    def test_keywords_still_work(self):
        r = self.m.simulate(t_end=2, dt=0.5)
        self.assertEqual(list(r.time), [0, 0.5, 1, 1.5, 2])
        r = self.m.simulate(start=1, end=3, points=3)
        self.assertEqual(list(r.time), [1, 2, 3])

    def test_ambiguous_and_contradictory_calls_refused(self):
        with self.assertRaisesRegex(TypeError, "ambiguous"):
            self.m.simulate(100)
        with self.assertRaisesRegex(TypeError, "not both"):
            self.m.simulate(0, 10, 11, t_end=5)
        with self.assertRaisesRegex(ValueError, "end is before start"):
            self.m.simulate(100, 1)
        with self.assertRaises(ValueError):
            self.m.simulate(0, 10, 1)
        with self.assertRaises(ValueError):
            self.m.simulate(0, 10, 2.5)

    def test_unknown_attribute_raises(self):
        with self.assertRaisesRegex(AttributeError, "simulator"):
            self.m.k = 3
        with self.assertRaises(AttributeError):
            self.m.no_such_thing = 1


class Selections(WRMSMixin, unittest.TestCase):
    def test_flux_assignment_parameter_and_time(self):
        m = muskx.loads(DECAY)
        r = m.simulate(0, 9, 10, selections=["time", "r1", "total", "k",
                                             "A_pct"],
                       rtol=1e-10, atol=1e-12)
        self.assertEqual(r.columns, ["time", "r1", "total", "k", "A_pct"])
        self.assertEqual(r.units, {"time": "h", "r1": "(mM)/h",
                                   "total": "mM", "k": "1/h", "A_pct": "%"})
        ks = [K if t < 5 else 2 * K for t in r.time]
        self.assertEqual(list(r["k"]), ks)
        self.assertWRMS(r["r1"], [k * a_exact(t) for k, t in
                                  zip(ks, r.time)], 1e-10, 1e-12)
        self.assertWRMS(r["total"], [A0] * len(r), 1e-10, 1e-12)
        self.assertWRMS(r["time"], list(r.time), 1e-12, 1e-14)

    def test_unknown_selection(self):
        m = muskx.loads(DECAY)
        with self.assertRaisesRegex(KeyError, "nope"):
            m.simulate(0, 1, 2, selections=["A", "nope"])

    def test_default_columns_have_units(self):
        r = muskx.loads(DECAY).simulate(0, 1, 2)
        self.assertEqual(r.units, {"A": "mM", "B": "mM", "A_pct": "%"})
        self.assertEqual(r.time_unit, "h")


class IndexHabits(unittest.TestCase):
    def test_none_and_booleans_are_not_an_index(self):
        # numpy read r[None] as a new axis: a (1, rows, cols) array, not an
        # error.
        r = muskx.loads(DECAY).simulate(0, 2, 3)
        for key in (None, True, False, (None, 0), (slice(None), None)):
            with self.assertRaisesRegex(TypeError, "indexed by a column name",
                                        msg=repr(key)):
                r[key]


@unittest.skipIf(numpy is None, "numpy")
class ArrayHabits(unittest.TestCase):
    def test_asarray_and_slicing(self):
        r = muskx.loads(DECAY).simulate(0, 4, 5, rtol=1e-10, atol=1e-12)
        a = numpy.asarray(r)
        self.assertEqual(a.shape, (5, 4))
        self.assertEqual(r.colnames, ["time", "A", "B", "A_pct"])
        self.assertEqual(list(r[:, 0]), [0, 1, 2, 3, 4])
        self.assertAlmostEqual(r[4, 1], a_exact(4.0), places=8)
        self.assertAlmostEqual(r[2][3], 50 * a_exact(2.0), places=6)
        self.assertEqual(r[1:3, 0].tolist(), [1.0, 2.0])

    def test_selected_time_is_not_doubled(self):
        r = muskx.loads(DECAY).simulate(0, 2, 3, selections=["time", "A"])
        self.assertEqual(numpy.asarray(r).shape, (3, 2))
        self.assertEqual(list(r[:, 0]), [0, 1, 2])

    def test_html(self):
        r = muskx.loads(DECAY).simulate(0, 2, 3)
        h = r._repr_html_()
        self.assertIn("<table>", h)
        self.assertIn("<small>mM</small>", h)


class StatefulSimulator(WRMSMixin, unittest.TestCase):
    def test_continue_across_the_event(self):
        sim = muskx.loads(DECAY).simulator(rtol=1e-10, atol=1e-12)
        r1 = sim.simulate(0, 6, 7)
        self.assertEqual(sim.time, 6.0)
        self.assertEqual(sim.k, 2 * K)            # the event moved it
        r2 = sim.simulate(end=9, points=4)        # continues from t = 6
        self.assertEqual(list(r2.time), [6, 7, 8, 9])
        self.assertWRMS(r2["A"], [a_exact(t) for t in r2.time], 1e-10, 1e-12)
        self.assertAlmostEqual(r2["A"][0], r1["A"][-1], places=12)

    def test_a_fresh_start_after_the_event_is_refused(self):
        # Continuing from t = 6 skips the event at 5 (the last run fired
        # it); a run that starts at 5.5 without having got there would lose
        # it without a word, so it is refused, naming the event.
        sim = muskx.loads(DECAY).simulator()
        sim.simulate(0, 6, 7)
        sim.reset()
        with self.assertRaisesRegex(muskx.MuskxError,
                                    "event 'faster' .*fires at t=5, before "
                                    "the run starts at t=5.5"):
            sim.simulate(5.5, 7, 3)

    def test_set_and_reset(self):
        sim = muskx.loads(DECAY).simulator(rtol=1e-10, atol=1e-12)
        sim["k"] = 0.1
        sim.A = 1.0
        r = sim.simulate(0, 4, 5)
        self.assertWRMS(r["A"], [math.exp(-0.1 * t) for t in r.time],
                        1e-10, 1e-12)
        sim.reset()
        self.assertEqual(sim.time, 0.0)
        self.assertEqual(sim["A"], 1.0)           # the value set is kept
        self.assertEqual(sim["k"], 0.1)
        r = sim.simulate(0, 4, 5)
        self.assertWRMS(r["A"], [math.exp(-0.1 * t) for t in r.time],
                        1e-10, 1e-12)
        sim.reset_all()
        self.assertEqual(sim["k"], K)
        r = sim.simulate(0, 4, 5)
        self.assertWRMS(r["A"], [a_exact(t) for t in r.time], 1e-10, 1e-12)

    def test_unknown_attribute_and_selections(self):
        sim = muskx.loads(DECAY).simulator()
        with self.assertRaises(AttributeError):
            sim.kk = 2
        with self.assertRaises(KeyError):
            sim["kk"] = 2
        sim.selections = ["time", "r1"]
        r = sim.simulate(0, 1, 3)
        self.assertEqual(r.columns, ["time", "r1"])
        sim.selections = None
        self.assertEqual(sim.simulate(0, 1, 2).columns, ["A", "B", "A_pct"])


@unittest.skipIf(numpy is None, "numpy")
class Linearisation(unittest.TestCase):
    def test_rhs_and_jacobian(self):
        m = muskx.loads(DECAY)
        f = m.eval_rhs(0.0, [2.0, 0.5])
        self.assertEqual(f.tolist(), [-0.6, 0.6])
        J = m.jacobian(0.0, [2.0, 0.5], params={"k": 0.4})
        self.assertEqual(J.tolist(), [[-0.4, 0.0], [0.4, 0.0]])
        with self.assertRaises(ValueError):
            m.eval_rhs(0.0, [1.0])

    def test_sparse_jacobian(self):
        try:
            import scipy.sparse  # noqa: F401
        except ImportError:
            self.skipTest("scipy")
        J = muskx.loads(DECAY).jacobian(0.0, [2.0, 0.5], sparse=True)
        self.assertEqual(J.toarray().tolist(), [[-0.3, 0.0], [0.3, 0.0]])


class SbmlInPython(WRMSMixin, unittest.TestCase):
    def test_round_trip_through_sbml_text(self):
        m = muskx.load(model_path("decay.yaml"))
        xml = m.to_sbml()
        self.assertTrue(xml.lstrip().startswith("<?xml"))
        m2 = muskx.loads(xml)
        r = m2.simulate(0, 3, 4, rtol=1e-10, atol=1e-12)
        self.assertWRMS(r["A"], [1.5 * math.exp(-0.7 * t) for t in r.time],
                        1e-10, 1e-12)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "decay.xml")
            m.to_sbml(path)
            self.assertEqual(muskx.load(path).species, ["A"])

    def test_bad_sbml_text_is_a_model_error(self):
        with self.assertRaises(muskx.ModelError):
            muskx.loads("<?xml version='1.0'?><sbml><model", name="bad.xml")


def _matplotlib():
    try:
        import matplotlib
        matplotlib.use("Agg")
        return matplotlib
    except ImportError:
        return None


@unittest.skipIf(_matplotlib() is None or numpy is None, "matplotlib")
class Plots(unittest.TestCase):
    def test_result_plot_has_units(self):
        r = muskx.loads(DECAY).simulate(0, 9, 10, selections=["A", "r1"])
        ax = r.plot()
        self.assertEqual(ax.get_xlabel(), "time (h)")
        self.assertEqual(ax.get_ylabel(), "value (units in the legend)")
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        self.assertEqual(labels, ["A (mM)", "r1 ((mM)/h)"])
        line = ax.get_lines()[0]
        self.assertEqual(list(line.get_xdata()), list(r.time))
        ax2 = muskx.loads(DECAY).simulate(0, 1, 2).plot(columns=["A", "B"])
        self.assertEqual(ax2.get_ylabel(), "mM")

    @unittest.skipUnless(muskx.HAVE_SCENARIOS, "scenarios")
    def test_comparison_plot_shades_phases(self):
        import matplotlib.pyplot as plt
        scen = os.path.join(os.path.dirname(model_path("x")), "..", "..",
                            "scenarios")
        c = muskx.compare(os.path.join(scen, "iss_no_countermeasure.yaml"),
                          os.path.join(scen, "iss_exercise.yaml"),
                          columns=["BMD_wb_pct"],
                          allow_path=os.path.join(scen, "..", "models"))
        fig = c.plot()
        ax = fig.axes[0]
        self.assertEqual(ax.get_ylabel(), "BMD_wb_pct (%)")
        self.assertEqual(len(ax.get_lines()), 2)
        first = next(iter(c.results.values()))
        shaded = [p for p in ax.patches]
        self.assertEqual(len(shaded), (len(first.phases) + 1) // 2)
        texts = [t.get_text() for t in ax.texts]
        self.assertEqual(texts, [p[0] for p in first.phases])
        plt.close("all")


class Pandas(unittest.TestCase):
    def setUp(self):
        try:
            import pandas  # noqa: F401
        except ImportError:
            self.skipTest("pandas")

    def test_every_result_type(self):
        m = muskx.loads(DECAY)
        df = m.simulate(0, 2, 3).to_pandas()
        self.assertEqual(list(df.columns), ["A", "B", "A_pct"])
        self.assertEqual(df.attrs["units"]["A"], "mM")
        ss = muskx.loads(DECAY.replace("A -> B", "A <-> B")).steady_state()
        self.assertEqual(sorted(ss.to_pandas().index), ["A", "B"])

    def test_to_csv_units_read_back(self):
        import pandas
        r = muskx.loads(DECAY).simulate(0, 2, 3)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "r.csv")
            r.to_csv(path, units=True)
            df = pandas.read_csv(path)
        self.assertEqual(list(df.columns), ["time [h]", "A [mM]", "B [mM]",
                                            "A_pct [%]"])
        self.assertAlmostEqual(df["A [mM]"].iloc[-1], r["A"][-1], places=12)


@unittest.skipIf(numpy is None, "numpy")
class Ensembles(unittest.TestCase):
    """A(t) = 1.5 exp(-k t) decreases with k, so with 2001 samples (each
    probability below an exact order statistic) the p-quantile of A(t) is
    1.5 exp(-q t) with q the (1-p)-quantile of the k values drawn."""

    def test_quantiles_follow_the_drawn_values(self):
        m = muskx.load(model_path("decay.yaml"))
        e = m.ensemble(0, 2, 3, vary={"k": ("uniform", 0.5, 1.0)}, n=2001,
                       seed=3, threads=2)
        self.assertEqual(e.trajectories.shape, (2001, 3, 2))
        self.assertEqual(e.nfailed, 0)
        k = e.values[:, 0]
        self.assertTrue(((k >= 0.5) & (k <= 1.0)).all())
        q = e.quantiles([0.05, 0.5, 0.95])["A"]
        for row, p in enumerate([0.05, 0.5, 0.95]):
            kq = numpy.quantile(k, 1 - p)
            want = 1.5 * numpy.exp(-kq * e.time)
            self.assertLess(numpy.max(numpy.abs(q[row] - want)), 1e-5)
        self.assertEqual(e.units["A"], "mM")
        self.assertIn("<table>", e._repr_html_())
        with self.assertRaises(ValueError):
            m.ensemble(0, 1, 2, vary={"k": ("gamma", 1, 2)}, n=3)
        with self.assertRaises(KeyError):
            m.ensemble(0, 1, 2, vary={"nope": ("normal", 1, 0.1)}, n=3)
        # int() made n = 2.5 two samples; seed -1 wrapped to 2**64 - 1
        for kw in ({"n": 2.5}, {"n": True}, {"n": 3, "seed": -1},
                   {"n": 3, "threads": -2}):
            with self.assertRaises(ValueError, msg=kw):
                m.ensemble(0, 1, 2, vary={"k": ("normal", 1, 0.1)}, **kw)

    @unittest.skipIf(_matplotlib() is None, "matplotlib")
    def test_plot(self):
        e = muskx.load(model_path("decay.yaml")).ensemble(
            0, 2, 5, vary={"k": ("lognormal", 0.7, 0.2)}, n=50)
        ax = e.plot("A")
        self.assertEqual(ax.get_ylabel(), "A (mM)")
        self.assertEqual(ax.get_xlabel(), "time (s)")


class ShippedByName(unittest.TestCase):
    def test_data_path_first_then_shipped(self):
        with tempfile.TemporaryDirectory() as tmp:
            os.makedirs(os.path.join(tmp, "models", "mine"))
            with open(os.path.join(tmp, "models", "mine", "komarova2003.yaml"),
                      "w") as f:
                f.write("muskx: 1\nmodel: {id: shadow}\nspecies: {A: 1}\n")
            old = os.environ.get("MUSKX_DATA_PATH")
            os.environ["MUSKX_DATA_PATH"] = tmp
            try:
                self.assertEqual(muskx.load("komarova2003").id, "shadow")
            finally:
                if old is None:
                    del os.environ["MUSKX_DATA_PATH"]
                else:
                    os.environ["MUSKX_DATA_PATH"] = old
        self.assertEqual(muskx.load("komarova2003").id, "komarova2003")
        with self.assertRaises(muskx.ModelFileError):
            muskx.load("no_such_shipped_model")


class SteadyStateMessages(unittest.TestCase):
    """x' = u grows without bound (no steady state exists); y' = -y has
    one; u comes from a table whose value at t = 0 is 2."""

    GROW = """
muskx: 1
model: {id: grow}
inputs:
  u: {times: [0, 10], values: [2, 5]}
species: {x: 1, y: 1}
odes: {x: u, y: -y}
"""

    def test_names_the_moving_species_and_the_inputs_used(self):
        with self.assertRaises(muskx.ConvergenceError) as cm:
            muskx.loads(self.GROW).steady_state()
        msg = str(cm.exception)
        self.assertIn("species 'x' still moves", msg)
        self.assertIn("dx/dt = 2", msg)
        self.assertIn("u = 2 (its table's value at t = 0)", msg)
        self.assertNotIn("'y'", msg)

    def test_success_says_which_input_values_were_held(self):
        m = muskx.loads(self.GROW.replace("odes: {x: u, y: -y}",
                                          "odes: {x: u - x, y: -y}"))
        ss = m.steady_state()
        self.assertEqual(ss.inputs, {"u": 2.0})
        self.assertAlmostEqual(ss["x"], 2.0, places=8)
        ss = m.steady_state(inputs={"u": ([-1, 0, 5], [7, 3, 9])})
        self.assertEqual(ss.inputs, {"u": 3.0})
        self.assertAlmostEqual(ss["x"], 3.0, places=8)


if __name__ == "__main__":
    unittest.main()


class ConstructorsTakePaths(unittest.TestCase):
    """muskx.Model(path), muskx.Scenario(path) and muskx.Problem(path), as
    other packages spell loading, crashed the interpreter (the path was
    read as a C address). They now load, as muskx.load(),
    muskx.load_scenario() and Problem.from_petab() do, and anything else
    is a TypeError naming the loader."""

    SCENARIO = os.path.join(HERE_REPO, "tests", "scenarios", "basic.yaml")
    MODELS = os.path.join(HERE_REPO, "tests", "models")

    def test_model_from_a_path_is_load(self):
        import pathlib
        path = model_path("decay.yaml")
        for arg in (path, pathlib.Path(path)):
            a, b = muskx.Model(arg), muskx.load(path)
            self.assertEqual(a.id, b.id)
            self.assertEqual(a.species, b.species)
            ra = a.simulate(t_end=3, dt=1)
            rb = b.simulate(t_end=3, dt=1)
            self.assertEqual(list(ra[a.species[0]]), list(rb[b.species[0]]))

    def test_scenario_from_a_path_is_load_scenario(self):
        a = muskx.Scenario(self.SCENARIO, allow_path=self.MODELS)
        b = muskx.load_scenario(self.SCENARIO, allow_path=self.MODELS)
        self.assertEqual((a.id, a.phases, a.columns),
                         (b.id, b.phases, b.columns))
        ra, rb = a.run(), b.run()
        for c in a.columns:
            self.assertEqual(list(ra[c]), list(rb[c]))

    def test_a_bad_file_is_a_model_error(self):
        for cls in (muskx.Model, muskx.Scenario, muskx.Problem):
            with self.assertRaises(muskx.ModelFileError):
                cls(os.path.join(HERE_REPO, "no-such-file.yaml"))

    def test_other_arguments_are_a_type_error_not_a_crash(self):
        import ctypes
        for cls, loader in ((muskx.Model, "muskx.load"),
                            (muskx.Scenario, "muskx.load_scenario"),
                            (muskx.Problem, "from_petab")):
            for bad in (5, 0, True, None, b"decay.yaml", 1.5,
                        ctypes.c_void_p()):
                with self.assertRaises(TypeError) as cm:
                    cls(bad)
                self.assertIn(loader, str(cm.exception))
