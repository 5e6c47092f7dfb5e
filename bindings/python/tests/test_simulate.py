"""test_simulate.py -- simulations against analytic solutions.

Every reference is a closed form written next to the test; results are
compared in WRMS at the run's tolerances (support.WRMSMixin).
"""

import csv
import math
import os
import tempfile
import unittest

from support import muskx, model_path, WRMSMixin

DRIVEN = """
muskx: 1
model: {id: driven}
parameters: {k: 0.5}
inputs:
  u: {default: 0}
species: {x: 0}
odes: {x: u - k*x}
"""

TWO_RATES = """
muskx: 1
model: {id: two_rates}
parameters:
  k: 0.7
  k2: 2*k
species: {A: 1.0, B: 1.0}
odes:
  A: -k*A
  B: -k2*B
"""

DOSED = """
muskx: 1
model: {id: dosed}
parameters: {k: 0.4}
species: {A: 0}
odes: {A: -k*A}
"""


class DecayRuns(WRMSMixin, unittest.TestCase):
    """dA/dt = -k A: A(t) = A0 exp(-k t)."""

    @classmethod
    def setUpClass(cls):
        cls.m = muskx.load(model_path("decay.yaml"))

    @classmethod
    def tearDownClass(cls):
        cls.m.close()

    def test_follow_the_exponential(self):
        r = self.m.simulate(t_end=10, dt=0.25)
        self.assertEqual(len(r), 41)
        self.assertAlmostEqual(r.time[-1], 10.0)
        self.assertWRMS(r["A"], [1.5 * math.exp(-0.7 * t) for t in r.time])

    def test_compute_outputs_as_columns(self):
        r = self.m.simulate(t_end=5)
        self.assertEqual(r.columns, ["A", "half"])
        self.assertEqual(list(r["half"]), [a / 2 for a in r["A"]])

    def test_use_a_changed_parameter_and_initial_value(self):
        r = self.m.simulate(t_end=4, dt=0.5, params={"k": 0.2},
                            initial={"A": 3.0})
        self.assertWRMS(r["A"], [3.0 * math.exp(-0.2 * t) for t in r.time])

    def test_do_not_change_the_model_defaults(self):
        self.m.simulate(t_end=1, params={"k": 5.0})
        r = self.m.simulate(t_end=1, dt=1)
        self.assertWRMS(r["A"], [1.5, 1.5 * math.exp(-0.7)])

    def test_accept_explicit_times(self):
        ts = [0.0, 0.1, 1.0, 2.5, 7.0]
        r = self.m.simulate(times=ts, rtol=1e-9, atol=1e-12)
        self.assertEqual(list(r.time), ts)
        self.assertWRMS(r["A"], [1.5 * math.exp(-0.7 * t) for t in ts],
                        rtol=1e-9, atol=1e-12)

    def test_start_at_t_start(self):
        r = self.m.simulate(t_start=2, t_end=3, dt=0.5)
        self.assertEqual(list(r.time), [2.0, 2.5, 3.0])
        # the initial values hold at t_start
        self.assertWRMS(r["A"], [1.5 * math.exp(-0.7 * (t - 2))
                                 for t in r.time])

    def test_end_exactly_at_t_end_when_dt_does_not_divide(self):
        r = self.m.simulate(t_end=1.0, dt=0.3)
        self.assertEqual(list(r.time)[-1], 1.0)
        self.assertEqual(len(r), 5)

    def test_with_every_linear_solver_agree(self):
        for solver in ("auto", "dense", "lapack", "klu", "spgmr"):
            with self.subTest(solver=solver):
                r = self.m.simulate(t_end=3, dt=1, solver=solver)
                self.assertWRMS(r["A"], [1.5 * math.exp(-0.7 * t)
                                         for t in r.time])
                if solver != "auto":
                    self.assertEqual(r.stats["linear_solver"], solver)

    def test_report_solver_statistics(self):
        r = self.m.simulate(t_end=3)
        self.assertGreater(r.stats["steps"], 0)
        self.assertGreater(r.stats["rhs_evals"], 0)
        self.assertIn(r.stats["linear_solver"], ("dense", "lapack", "klu"))
        self.assertTrue(r.complete)

    def test_honour_per_species_absolute_tolerances(self):
        r = self.m.simulate(t_end=2, atol_species={"A": 1e-12})
        self.assertWRMS(r["A"], [1.5 * math.exp(-0.7 * t) for t in r.time])


class DerivedParameters(WRMSMixin, unittest.TestCase):
    def test_follow_the_parameter_they_depend_on(self):
        with muskx.loads(TWO_RATES) as m:
            r = m.simulate(t_end=2, dt=0.5, params={"k": 0.3})
            self.assertWRMS(r["A"], [math.exp(-0.3 * t) for t in r.time])
            self.assertWRMS(r["B"], [math.exp(-0.6 * t) for t in r.time])


class ReversibleReaction(WRMSMixin, unittest.TestCase):
    """A <-> B: A = Aeq + (A0 - Aeq) exp(-(kf+kb) t), A + B conserved."""

    def test_relaxes_to_equilibrium(self):
        with muskx.load(model_path("reversible.yaml")) as m:
            r = m.simulate(t_end=3, dt=0.1, rtol=1e-8, atol=1e-11)
            T = 1.25
            aeq = 0.5 * T / 2.5
            a = [aeq + (1.0 - aeq) * math.exp(-2.5 * t) for t in r.time]
            self.assertWRMS(r["A"], a, 1e-8, 1e-11)
            self.assertWRMS(r["B"], [T - x for x in a], 1e-8, 1e-11)
            self.assertWRMS(r["total"], [T] * len(r), 1e-8, 1e-11)

    def test_steady_state_is_marginal_because_mass_is_conserved(self):
        with muskx.load(model_path("reversible.yaml")) as m:
            ss = m.steady_state()
            self.assertAlmostEqual(ss["A"], 0.25, places=6)
            self.assertAlmostEqual(ss["B"], 1.0, places=6)
            self.assertEqual(ss.stability, "marginal")


def step_response(t, t_on, level, k):
    return 0.0 if t < t_on else (level / k) * (1 - math.exp(-k * (t - t_on)))


class Inputs(WRMSMixin, unittest.TestCase):
    """dx/dt = u(t) - k x, x(0) = 0."""

    def test_a_step_table_in_the_model_file(self):
        with muskx.load(model_path("step_input.yaml")) as m:
            r = m.simulate(t_end=15, dt=0.5)
            self.assertWRMS(r["x"], [step_response(t, 5, 2, 0.5)
                                     for t in r.time])

    def test_a_constant_set_per_run(self):
        with muskx.loads(DRIVEN) as m:
            r = m.simulate(t_end=10, dt=1, inputs={"u": 2})
            self.assertWRMS(r["x"], [4 * (1 - math.exp(-0.5 * t))
                                     for t in r.time])

    def test_a_step_table_set_per_run(self):
        with muskx.loads(DRIVEN) as m:
            r = m.simulate(t_end=12, dt=0.5, inputs={"u": ([0, 3], [0, 2])})
            self.assertWRMS(r["x"], [step_response(t, 3, 2, 0.5)
                                     for t in r.time])

    def test_a_linear_table_set_per_run(self):
        a, k = 0.5, 0.5
        x4 = (a / k) * 4 - (a / k ** 2) * (1 - math.exp(-k * 4))

        def ref(t):
            if t <= 4:
                return (a / k) * t - (a / k ** 2) * (1 - math.exp(-k * t))
            return 2 / k + (x4 - 2 / k) * math.exp(-k * (t - 4))

        with muskx.loads(DRIVEN) as m:
            r = m.simulate(t_end=10, dt=0.25,
                           inputs={"u": ([0, 4], [0, 2], "linear")})
            self.assertWRMS(r["x"], [ref(t) for t in r.time])


class Doses(WRMSMixin, unittest.TestCase):
    """dA/dt = -k A with amounts added at dose times (superposition)."""

    def test_a_single_dose(self):
        with muskx.loads(DOSED) as m:
            r = m.simulate(t_end=6, dt=0.5, doses=[("A", 1.0, 2.0)])
            ref = [0.0 if t < 1 else 2 * math.exp(-0.4 * (t - 1))
                   for t in r.time]
            self.assertWRMS(r["A"], ref)

    def test_repeated_doses(self):
        with muskx.loads(DOSED) as m:
            r = m.simulate(t_end=8, dt=0.5, doses=[("A", 0.0, 1.0, 2.0, 3)])
            ref = [sum(math.exp(-0.4 * (t - ti)) for ti in (0, 2, 4)
                       if ti <= t) for t in r.time]
            self.assertWRMS(r["A"], ref)

    def test_a_dose_given_as_a_dict(self):
        with muskx.loads(DOSED) as m:
            r = m.simulate(times=[0, 2], doses=[
                {"species": "A", "t0": 1.0, "amount": 2.0}])
            self.assertWRMS(r["A"], [0, 2 * math.exp(-0.4)])

    def test_doses_before_the_start(self):
        # A schedule reaching into the run is given from the start on
        # (0, 2, 4 from t_start 1: 2 and 4); one wholly before it would be
        # lost, so the run is refused naming the species.
        with muskx.loads(DOSED) as m:
            r = m.simulate(t_start=1, t_end=8, dt=0.5,
                           doses=[("A", 0.0, 1.0, 2.0, 3)])
            ref = [sum(math.exp(-0.4 * (t - ti)) for ti in (2, 4)
                       if ti <= t) for t in r.time]
            self.assertWRMS(r["A"], ref)
            with self.assertRaisesRegex(muskx.MuskxError,
                                        "dose of 'A' at t=0.5 is before"):
                m.simulate(t_start=1, t_end=8, doses=[("A", 0.5, 1.0)])

    def test_a_dose_count_that_is_not_a_whole_number(self):
        # int() truncated 2.7 to 2 doses; ctypes wrapped 2**32 + 3 to 3.
        with muskx.loads(DOSED) as m:
            for count in (2.7, 2**32 + 3, 0, "3", None):
                with self.assertRaises(muskx.MuskxError, msg=repr(count)):
                    m.simulate(t_end=8, doses=[("A", 0.0, 1.0, 2.0, count)])
            for steps in (2.5, 0, 2**64):
                with self.assertRaises(muskx.MuskxError, msg=repr(steps)):
                    m.simulate(t_end=8, max_steps=steps)
            # every -1 (or 0) with count 3 gave one dose without a word
            for every in (-1.0, 0.0):
                with self.assertRaisesRegex(muskx.MuskxError,
                                            "with count 3", msg=every):
                    m.simulate(t_end=8, doses=[("A", 0.0, 1.0, every, 3)])

    def test_times_that_are_not_finite_numbers(self):
        # nan said "t_end (nan) must not be before t_start", inf "dt must
        # be > 0, not None"; True ran to t = 1 and "5" to t = 5; points
        # 10**12 built a list until the kernel killed the process.
        with muskx.loads(DOSED) as m:
            for kw in ({"t_end": float("nan")}, {"t_end": float("inf")},
                       {"t_end": True}, {"t_end": "5"},
                       {"t_start": float("nan"), "t_end": 1}):
                with self.assertRaisesRegex(muskx.MuskxError,
                                            "must be a (finite )?number",
                                            msg=repr(kw)):
                    m.simulate(**kw)
            with self.assertRaisesRegex(muskx.MuskxError,
                                        "end must be a finite number"):
                m.simulate(0, float("inf"), 3)
            with self.assertRaisesRegex(muskx.MuskxError, "more than the"):
                m.simulate(0, 1, 10**12)
            with self.assertRaisesRegex(muskx.MuskxError, "must be a number"):
                m.simulate(t_end=1, params={"k": "0.4"})
            with self.assertRaisesRegex(TypeError, "params must be a mapping"):
                m.simulate(t_end=1, params=[("k", 0.4)])


class SteadyStates(unittest.TestCase):
    """dX/dt = k0 - k1 X: X* = k0/k1, eigenvalue -k1."""

    def test_of_synthesis_and_degradation(self):
        with muskx.load(model_path("synth_deg.yaml")) as m:
            ss = m.steady_state()
            self.assertAlmostEqual(ss.values["X"], 4.0, places=8)
            self.assertLess(ss.residual, 1e-8)
            self.assertEqual(ss.stability, "stable")
            self.assertEqual(len(ss.eigenvalues), 1)
            self.assertAlmostEqual(ss.eigenvalues[0], complex(-0.5, 0))
            self.assertIn("stable", repr(ss))

    def test_with_changed_parameters(self):
        with muskx.load(model_path("synth_deg.yaml")) as m:
            ss = m.steady_state(params={"k0": 3.0, "k1": 0.25})
            self.assertAlmostEqual(ss["X"], 12.0, places=7)
            self.assertAlmostEqual(ss.eigenvalues[0].real, -0.25)

    def test_as_a_starting_point(self):
        with muskx.load(model_path("synth_deg.yaml")) as m:
            r = m.simulate(t_end=10, steady_start=True)
            for x in r["X"]:
                self.assertAlmostEqual(x, 4.0, places=7)
            ss = m.steady_state()
            r2 = m.simulate(t_end=1, initial=ss.values)
            self.assertAlmostEqual(r2["X"][0], 4.0, places=8)


class Results(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with muskx.load(model_path("decay.yaml")) as m:
            cls.r = m.simulate(t_end=2, dt=0.5)

    def test_columns_are_numpy_arrays_with_numpy_and_lists_without(self):
        if muskx.HAVE_NUMPY:
            import numpy
            self.assertIsInstance(self.r["A"], numpy.ndarray)
            self.assertIsInstance(self.r.time, numpy.ndarray)
            # zero copy: a column is a view of the buffer C wrote
            self.assertTrue(numpy.shares_memory(self.r["A"], self.r.array))
        else:
            self.assertIsInstance(self.r["A"], list)
            self.assertIsInstance(self.r.time, list)

    def test_behave_like_a_mapping_of_columns(self):
        self.assertEqual(list(self.r), ["A", "half"])
        self.assertIn("A", self.r)
        self.assertIn("time", self.r)
        self.assertNotIn("B", self.r)
        self.assertEqual(list(self.r["time"]), list(self.r.time))
        self.assertIsNone(self.r.get("B"))
        with self.assertRaises(KeyError):
            self.r["B"]

    def test_give_rows_and_the_final_state(self):
        self.assertEqual(self.r.final["time"], 2.0)
        self.assertAlmostEqual(self.r.final["A"], 1.5 * math.exp(-1.4), 5)
        self.assertEqual(self.r.row(0)["A"], 1.5)
        self.assertEqual(len(self.r.array), 5)
        with self.assertRaises(IndexError):
            self.r.row(5)

    def test_write_csv_like_the_command_line(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "out.csv")
            self.r.to_csv(path)
            with open(path) as f:
                rows = list(csv.reader(f))
        self.assertEqual(rows[0], ["time", "A", "half"])
        self.assertEqual(len(rows), 6)
        self.assertEqual([float(x) for x in rows[-1]],
                         [float(self.r.time[-1]), float(self.r["A"][-1]),
                          float(self.r["half"][-1])])

    def test_convert_to_pandas_when_it_exists(self):
        try:
            import pandas  # noqa: F401
        except ImportError:
            with self.assertRaises(ImportError):
                self.r.to_pandas()
            return
        df = self.r.to_pandas()
        self.assertEqual(list(df.columns), ["A", "half"])
        self.assertEqual(df.index.name, "time")

    def test_have_a_readable_repr(self):
        self.assertIn("5 rows x 2 columns", repr(self.r))


if __name__ == "__main__":
    unittest.main()
