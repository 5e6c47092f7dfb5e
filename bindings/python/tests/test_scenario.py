"""test_scenario.py -- scenarios (muskx-scenario(5)) from Python, checked
on a driven first-order system with a closed form:

    dx/dt = u - k x, k = 0.5/day, steady start at u = 0 (x = 0);
    phase "on" (10 d): u = 2  =>  x = 4 (1 - exp(-k t))
    phase "off" (10 d): u = 0 =>  x = x(10) exp(-k (t - 10))
"""

import math
import os
import shutil
import tempfile
import unittest
from concurrent.futures import ThreadPoolExecutor

from support import muskx, WRMSMixin

# as muskx/result.py reads it: "0" (scripts/test-python.sh's first run)
# is numpy on; os.environ.get() alone took it as set and skipped the band
# tests in both runs (session 28)
NO_NUMPY = os.environ.get("MUSKX_NO_NUMPY", "") not in ("", "0")

MODEL = """muskx: 1
model: {id: driven_days, time_unit: day}
parameters: {k: 0.5}
inputs:
  u: {default: 0}
species: {x: 0}
odes: {x: u - k*x}
outputs:
  x_pct: 100*x
"""

SCENARIO = """muskx_scenario: 1
scenario: {id: %s, name: "on then off"}
model: driven.yaml
phases:
  - {name: "on", duration: 10 d, inputs: {u: %g}}
  - {name: "off", duration: 10 d, inputs: {u: 0}}
outputs: [x, x_pct]
sampling: 0.5 d
"""

BAD = """muskx_scenario: 1
scenario: {id: bad}
model: driven.yaml
phases:
  - {name: "on", duration: 10 d, inputs: {uu: 1}}
outputs: [x]
"""


def reference(t, level=2.0, k=0.5):
    if t <= 10:
        return level / k * (1 - math.exp(-k * t))
    return level / k * (1 - math.exp(-k * 10)) * math.exp(-k * (t - 10))


# the bands' k: a lognormal population around the model's 0.5/day
VARY_K = {"k": ("lognormal", 0.5, 0.3)}


def band_by_hand(k, g, level=2.0):
    """The 5 and 95 % quantiles (numpy's definition 7, as muskx_quantiles)
    of x_pct at the end of "on", 100 g level/k (1 - exp(-10 k)) by hand
    for each of the draws k."""
    import numpy as np
    return np.quantile(100 * g * level / k * (1 - np.exp(-10 * k)),
                       [0.05, 0.95])


@unittest.skipUnless(muskx.HAVE_SCENARIOS, "libmuskx has no scenarios")
class Scenarios(WRMSMixin, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp()
        with open(os.path.join(cls.dir, "driven.yaml"), "w") as f:
            f.write(MODEL)
        cls.path = os.path.join(cls.dir, "on_off.yaml")
        with open(cls.path, "w") as f:
            f.write(SCENARIO % ("on_off", 2.0))
        cls.path1 = os.path.join(cls.dir, "on_off_1.yaml")
        with open(cls.path1, "w") as f:
            f.write(SCENARIO % ("on_off_half", 1.0))
        with open(os.path.join(cls.dir, "driven_g.yaml"), "w") as f:
            f.write(MODEL.replace("driven_days", "driven_g").replace(
                "{k: 0.5}", "{k: 0.5, g: 1}").replace("u - k*x",
                                                      "g*u - k*x"))
        cls.path_g = os.path.join(cls.dir, "on_off_g.yaml")
        with open(cls.path_g, "w") as f:
            f.write((SCENARIO % ("on_off_g", 2.0)).replace(
                "driven.yaml", "driven_g.yaml"))
        cls.bad = os.path.join(cls.dir, "bad.yaml")
        with open(cls.bad, "w") as f:
            f.write(BAD)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def draws_of_k(self, n, seed):
        """The library's draws of k for VARY_K: those of muskx.ensemble
        with the same vary and seed, which compare(bands=True) runs as
        its sets (set i is the same in every arm)."""
        with muskx.load_scenario(self.path) as ref:
            return muskx.ensemble(ref, n, vary=VARY_K, seed=seed,
                                  threads=1).values[:, 0]

    def loaded_then_edited(self, name):
        """A Scenario of a copy of on_off_g.yaml (at path self.dir/name)
        with g = 3 set on the object, whose file is then edited on disk:
        the "on" level u 2 -> 7, and g 1 -> 4 in set:. Returns (the
        Scenario, the path)."""
        tmp = os.path.join(self.dir, name)
        shutil.copy(self.path_g, tmp)
        sc = muskx.load_scenario(tmp)
        sc.set("g", 3.0)
        with open(tmp) as f:
            text = f.read()
        edited = text.replace("inputs: {u: 2}", "inputs: {u: 7}").replace(
            "phases:", "set: {g: 4}\nphases:")
        self.assertNotEqual(edited, text)
        with open(tmp, "w") as f:
            f.write(edited)
        return sc, tmp

    def test_load_with_their_phases_and_columns(self):
        with muskx.load_scenario(self.path) as sc:
            self.assertEqual(sc.id, "on_off")
            self.assertEqual(sc.model.id, "driven_days")
            self.assertEqual(sc.phases, [("on", 0.0, 10.0),
                                         ("off", 10.0, 20.0)])
            self.assertEqual(sc.recovery, "on")
            self.assertEqual(sc.columns, ["x", "x_pct"])
            self.assertEqual(sc.show["x_pct"], "value")
            self.assertEqual((sc.t_end, sc.dt), (20.0, 0.5))

    def test_once_closed_says_the_scenario_is(self):
        # it said "the model is closed", of a scenario
        sc = muskx.load_scenario(self.path)
        sc.close()
        with self.assertRaises(muskx.MuskxError) as cm:
            sc.run()
        self.assertEqual(cm.exception.status, "ESTATE")
        self.assertIn("the scenario is closed", str(cm.exception))

    def test_run_to_the_analytic_solution(self):
        r = muskx.run_scenario(self.path)
        self.assertEqual(len(r), 41)
        self.assertWRMS(r["x"], [reference(t) for t in r.time])
        s = r.summary["x_pct"]
        self.assertAlmostEqual(s["phases"]["on"]["end"],
                               100 * reference(10), places=3)
        self.assertAlmostEqual(s["phases"]["off"]["peak_time"], 10.0)

    def test_take_overrides_without_changing_the_file(self):
        r = muskx.run_scenario(self.path, set={"k": 0.25})
        self.assertWRMS(r["x"], [reference(t, k=0.25) for t in r.time])
        with self.assertRaises(KeyError):
            muskx.run_scenario(self.path, set={"nope": 1})

    def test_run_from_several_threads(self):
        with muskx.load_scenario(self.path) as sc:
            with ThreadPoolExecutor(4) as pool:
                runs = list(pool.map(lambda _: sc.run(), range(8)))
        for r in runs:
            self.assertWRMS(r["x"], [reference(t) for t in r.time])

    def test_compare_side_by_side(self):
        c = muskx.compare(self.path, self.path1)
        self.assertEqual(list(c.results), ["on_off", "on_off_half"])
        half = c.results["on_off_half"]
        self.assertWRMS(half["x"], [reference(t, level=1.0)
                                    for t in half.time])
        self.assertIn("on_off_half", str(c))

    @unittest.skipIf(NO_NUMPY, "bands need numpy")
    def test_compare_with_bands_gives_the_closed_form_quantiles(self):
        # session 24: compare() had no bands (muskx compare --bands had).
        # The sets' k from the library's draws (muskx.ensemble, the same
        # vary and seed: set i is the same in every arm); x_pct (shown as
        # its value) at the end of "on" = 100 level/k (1 - exp(-10 k)) by
        # hand for each, and numpy's quantile (definition 7, as
        # muskx_quantiles) of those
        import numpy as np
        vary = VARY_K
        c = muskx.compare(self.path, self.path1, bands=True, vary=vary,
                          samples=40, seed=5, threads=1)
        k = self.draws_of_k(40, 5)
        x2, x1 = (100 * lv / k * (1 - np.exp(-10 * k)) for lv in (2.0, 1.0))
        for got, want in ((c.bands["on_off"]["x_pct"]["on"], x2),
                          (c.bands["on_off_half"]["x_pct"]["on"], x1),
                          (c.diff["on_off_half"]["x_pct"]["on"], x1 - x2)):
            q = np.quantile(want, [0.05, 0.95])
            self.assertLess(abs(got[0] - q[0]), 1e-4 * abs(q[0]), got)
            self.assertLess(abs(got[1] - q[1]), 1e-4 * abs(q[1]), got)
        self.assertLess(c.diff["on_off_half"]["x_pct"]["on"][1], 0)
        self.assertEqual(c.diff["on_off"]["x_pct"], {})
        self.assertEqual((c.nsets, c.nfailed["on_off"]), (40, 0))
        text = str(c)
        self.assertIn("band 95 %", text)
        self.assertIn("minus first, 5 %", text)
        self.assertNotIn("20 sets or fewer", text)  # 40 sets
        # the same sets from params= (a dict) give the same bands
        c2 = muskx.compare(self.path, self.path1, bands=True,
                           params={"k": list(k)}, threads=1)
        self.assertEqual(c2.bands["on_off_half"]["x_pct"]["on"],
                         c.bands["on_off_half"]["x_pct"]["on"])
        c6 = muskx.compare(self.path, bands=True, vary=vary, samples=6)
        self.assertIn("with 20 sets or fewer they lie between", str(c6))
        self.assertNotIn("failed", str(c6))
        # a set that fails (k = -50: x grows as exp(50 t) in "on") is left
        # out, and the table says so as the CLI does (review rev24a: it
        # did not)
        cf = muskx.compare(self.path, bands=True, threads=1,
                           params={"k": [0.5, 0.4, -50.0]})
        self.assertEqual(cf.nfailed["on_off"], 1)
        self.assertIn("each phase; some sets failed and are left out (why: "
                      "the warning), sets used: on_off 2; with 20 sets or "
                      "fewer", str(cf))

    @unittest.skipIf(NO_NUMPY, "bands need numpy")
    def test_compare_bands_say_why_sets_failed(self):
        # review rev27u M2: failed sets were left out with only .nfailed;
        # now a RuntimeWarning gives how many, the sets used and the first
        # one's error (k = -50: x grows as exp(50 t) in "on")
        with self.assertWarns(RuntimeWarning) as cm:
            cf = muskx.compare(self.path, bands=True, threads=1,
                               params={"k": [0.5, -50.0, 0.4, -60.0]})
        msg = str(cm.warning)
        self.assertIn("on_off: bands: 2 of 4 parameter sets failed and are "
                      "left out (the bands of this scenario use 2); the "
                      "first, set 2: t=", msg)
        self.assertIn("sets used: on_off 2", str(cf))
        # review rev27u L4, L5: fewer than 2 sets are no band, and the
        # note for 20 sets or fewer says how to get one
        self.assertIn("(use samples=200 for one)", str(cf))
        with self.assertRaises(muskx.InvalidArgumentError) as cm:
            muskx.compare(self.path, bands=True, vary=VARY_K, samples=1)
        self.assertIn("a band needs at least 2", str(cm.exception))
        with self.assertRaises(muskx.InvalidArgumentError) as cm:
            muskx.compare(self.path, bands=True, params={"k": [0.5]})
        self.assertIn("a band needs at least 2", str(cm.exception))

    @unittest.skipIf(NO_NUMPY, "bands need numpy")
    def test_compare_bands_refuse_a_set_name_that_varies(self):
        # review rev27u M1: set= k and vary= k gave a line (k = 0.3)
        # outside its own band (the sets' k); refused, saying what to do
        for kw, by in (({"vary": VARY_K, "samples": 5}, "vary="),
                       ({"params": {"k": [0.4, 0.5]}}, "params=")):
            with self.assertRaises(muskx.InvalidArgumentError) as cm:
                muskx.compare(self.path, bands=True, set={"k": 0.3}, **kw)
            self.assertIn("set= and %s both give 'k'" % by, str(cm.exception))
            self.assertIn("Drop it from set=", str(cm.exception))

    @unittest.skipIf(NO_NUMPY, "bands need numpy")
    def test_compare_bands_take_the_command_lines_vary(self):
        # review rev27u L5: vary=["k=lognormal(...)"] raised AttributeError;
        # it is the dict's distribution, so the same bands
        want = muskx.compare(self.path, bands=True, vary=VARY_K, samples=8,
                             seed=3, threads=1).bands
        for v in (["k=lognormal(0.5,0.3)"], "k = lognormal(0.5, 0.3)"):
            got = muskx.compare(self.path, bands=True, vary=v, samples=8,
                                seed=3, threads=1).bands
            self.assertEqual(got["on_off"]["x_pct"], want["on_off"]["x_pct"])
        with self.assertRaises(muskx.InvalidArgumentError) as cm:
            muskx.compare(self.path, bands=True, vary=["k~lognormal(1,2)"])
        self.assertIn("expected 'NAME=DIST(A,B)'", str(cm.exception))
        with self.assertRaises(TypeError) as cm:
            muskx.compare(self.path, bands=True, vary=5)
        self.assertIn("list of 'NAME=DIST(A,B)' strings", str(cm.exception))

    @unittest.skipIf(NO_NUMPY, "bands need numpy")
    def test_vary_outside_a_declared_range_is_refused(self):
        # review rev27u M2, L10: a distribution whose draws lie outside the
        # parameter's min/max lost those sets silently; more than 0.1 % out
        # is refused with the share: uniform(0.2, 1.6) over [0, 1] has
        # 0.6 / 1.4 = 42.9 % above; normal(0.5, 0.5) has Phi(-1) = 15.9 %
        # below 0 and 15.9 % above 1; normal(0.5, 0.1) has 2 Phi(-5)
        with open(os.path.join(self.dir, "driven_b.yaml"), "w") as f:
            f.write(MODEL.replace("driven_days", "driven_b").replace(
                "{k: 0.5}", "{k: {value: 0.5, min: 0, max: 1}}"))
        path = os.path.join(self.dir, "on_off_b.yaml")
        with open(path, "w") as f:
            f.write((SCENARIO % ("on_off_b", 2.0)).replace(
                "driven.yaml", "driven_b.yaml"))
        for spec, share in ((("uniform", 0.2, 1.6), "42.9 %"),
                            (("normal", 0.5, 0.5), "31.7 %")):
            with self.assertRaises(muskx.InvalidArgumentError) as cm:
                muskx.compare(path, bands=True, vary={"k": spec}, samples=4)
            self.assertIn("%s of its draws lie outside the parameter's "
                          "declared range [0, 1]" % share, str(cm.exception))
        c = muskx.compare(path, bands=True, samples=4,
                          vary={"k": ("normal", 0.5, 0.1)})
        self.assertEqual(c.nfailed["on_off_b"], 0)

    @unittest.skipIf(NO_NUMPY, "bands need numpy")
    def test_vary_an_input_outside_its_declared_range_is_refused(self):
        # session 28: an input's min/max was not checked up front, so the
        # members drawn outside failed one by one; the same rule as a
        # parameter's: uniform(-1, 1) over [0, 5] has 1 / 2 = 50 % below
        with open(os.path.join(self.dir, "driven_u.yaml"), "w") as f:
            f.write(MODEL.replace("driven_days", "driven_u").replace(
                "u: {default: 0}", "u: {default: 0, min: 0, max: 5}"))
        path = os.path.join(self.dir, "on_off_u.yaml")
        with open(path, "w") as f:
            f.write((SCENARIO % ("on_off_u", 2.0)).replace(
                "driven.yaml", "driven_u.yaml"))
        with self.assertRaises(muskx.InvalidArgumentError) as cm:
            muskx.compare(path, bands=True, vary={"u": ("uniform", -1, 1)},
                          samples=4)
        self.assertIn("50 % of its draws lie outside the input's declared "
                      "range [0, 5]", str(cm.exception))
        # within it, it runs: on a scenario whose "on" phase takes u from
        # the draws (a name a phase gives cannot be varied, review rev28u
        # H1)
        free = os.path.join(self.dir, "on_free_u.yaml")
        with open(free, "w") as f:
            f.write((SCENARIO % ("on_free_u", 2.0)).replace(
                "driven.yaml", "driven_u.yaml").replace(
                ", inputs: {u: 2}", ""))
        c = muskx.compare(free, bands=True, samples=4,
                          vary={"u": ("uniform", 0, 5)})
        self.assertEqual(c.nfailed["on_free_u"], 0)
        # gsa() draws its design itself and ran the rows outside, each
        # failing (indices from the rest); now the same refusal
        sc = muskx.load_scenario(path)
        with self.assertRaises(muskx.InvalidArgumentError) as cm:
            muskx.gsa(sc, {"u": ("uniform", -1, 1), "k": ("uniform", 0.4, 0.6)},
                      samples=8, outputs=["x_pct@on"], threads=1, bootstrap=0)
        self.assertIn("50 % of its draws lie outside the input's declared "
                      "range [0, 5]", str(cm.exception))
        sc.close()
        sc = muskx.load_scenario(free)
        g = muskx.gsa(sc, {"u": ("uniform", 0, 5), "k": ("uniform", 0.4, 0.6)},
                      samples=8, outputs=["x_pct@on"], threads=1, bootstrap=0)
        self.assertTrue((g.n == 8).all())
        sc.close()

    @unittest.skipIf(NO_NUMPY, "bands need numpy")
    def test_compare_bands_of_a_scenario_keep_its_set_values(self):
        # review rev24a M1: the arms were reloaded from the file, dropping
        # sc.set(): the bands were those of the file's g = 1 while the
        # central line had g = 3. x_pct at the end of "on" = 100 g u/k
        # (1 - exp(-10 k)), by hand from the library's draws of k
        vary = VARY_K
        k = self.draws_of_k(30, 2)
        want = {g: band_by_hand(k, g) for g in (1.0, 3.0)}
        sc = muskx.load_scenario(self.path_g)
        sc.set("g", 5.0)
        sc.set("g", 3.0)        # the last value counts
        c = muskx.compare(sc, bands=True, vary=vary, samples=30, seed=2,
                          threads=1)
        got = c.bands["on_off_g"]["x_pct"]["on"]
        for j in (0, 1):
            self.assertLess(abs(got[j] - want[3.0][j]),
                            1e-4 * want[3.0][j], (got, want))
        central = c.results["on_off_g"].summary["x_pct"]["phases"]["on"][
            "end"]
        self.assertLess(got[0], central)
        self.assertLess(central, got[1])
        # set= of compare() comes after the object's own values
        c = muskx.compare(sc, bands=True, vary=vary, samples=30, seed=2,
                          threads=1, set={"g": 1.0})
        got = c.bands["on_off_g"]["x_pct"]["on"]
        self.assertLess(abs(got[0] - want[1.0][0]), 1e-4 * want[1.0][0])
        # and run_scenario(sc, set=) keeps them as well (g = 3 by hand)
        r = muskx.run_scenario(sc, set={"k": 0.25})
        self.assertWRMS(r["x"], [3 * reference(t, k=0.25) for t in r.time])
        # a Scenario whose file is gone still runs with set= (as loaded,
        # prof25fix; it was reloaded from its file and refused), and its
        # bands are of the scenario as loaded
        tmp = os.path.join(self.dir, "gone.yaml")
        shutil.copy(self.path_g, tmp)
        gone = muskx.load_scenario(tmp)
        os.remove(tmp)
        r = muskx.run_scenario(gone, set={"k": 0.25})
        self.assertWRMS(r["x"], [reference(t, k=0.25) for t in r.time])
        gone.set("g", 3.0)
        c = muskx.compare(gone, bands=True, vary=vary, samples=30, seed=2,
                          threads=1)
        got = c.bands["on_off_g"]["x_pct"]["on"]
        for j in (0, 1):
            self.assertLess(abs(got[j] - want[3.0][j]), 1e-4 * want[3.0][j])
        gone.close()
        sc.close()

    def test_run_scenario_with_set_uses_the_scenario_as_loaded(self):
        # review of session 25: run_scenario(sc, set=) reloaded sc's file,
        # so a file edited on disk after loading ran edited. Edited here:
        # the "on" level u 2 -> 7 and g 1 -> 4 in set:; the run must be of
        # the file as loaded with the object's g = 3 and set='s k = 0.25:
        # x = 3 reference(t, k=0.25) (old code: 3 x 7/2 of it)
        sc, tmp = self.loaded_then_edited("edited_run.yaml")
        r = muskx.run_scenario(sc, set={"k": 0.25})
        self.assertWRMS(r["x"], [3 * reference(t, k=0.25) for t in r.time])
        # set= wins over the object's own value, and the object is unchanged
        r = muskx.run_scenario(sc, set={"g": 2.0})
        self.assertWRMS(r["x"], [2 * reference(t) for t in r.time])
        r = sc.run()
        self.assertWRMS(r["x"], [3 * reference(t) for t in r.time])
        # threads, each with its own k, on the one object
        ks = [0.2, 0.3, 0.5, 0.8] * 2
        with ThreadPoolExecutor(4) as pool:
            runs = list(pool.map(
                lambda k: muskx.run_scenario(sc, set={"k": k}), ks))
        for k, r in zip(ks, runs):
            self.assertWRMS(r["x"], [3 * reference(t, k=k) for t in r.time])
        # a name that is no parameter, species or input; a value not finite
        with self.assertRaises(muskx.NameNotFoundError) as cm:
            muskx.run_scenario(sc, set={"gg": 1.0})
        self.assertIn("'gg'", str(cm.exception))
        with self.assertRaises(muskx.InvalidArgumentError) as cm:
            muskx.run_scenario(sc, set={"k": float("nan")})
        self.assertIn("not finite", str(cm.exception))
        sc.close()
        os.remove(tmp)

    def test_run_scenario_with_set_of_a_phase_driven_name(self):
        # review 2 of prof25fix: set= for a name the file's set: gives and
        # a phase drives (u: 0.5 in the file, 2 on "on") was ignored on the
        # phases without a value (the step table took the file's entry),
        # and run_scenario(sc, set=) gave no start warning where
        # run_scenario(path, set=) gives one. start: defaults from x = 0:
        # rest: x = (u/k)(1 - exp(-k t)); on: x = 4 + (x(10) - 4)
        # exp(-k (t - 10)), k = 0.5, by hand
        import warnings
        text = ("muskx_scenario: 1\nscenario: {id: rest_on}\n"
                "model: driven.yaml\nstart: defaults\nset: {u: 0.5}\n"
                "phases:\n  - {name: rest, duration: 10 d}\n"
                "  - {name: \"on\", duration: 10 d, inputs: {u: 2}}\n"
                "outputs: [x]\nsampling: 0.5 d\n")
        path = os.path.join(self.dir, "rest_on.yaml")
        with open(path, "w") as f:
            f.write(text)

        def want(t, u):
            x10 = u / 0.5 * (1 - math.exp(-0.5 * min(t, 10)))
            if t <= 10:
                return x10
            return 4 + (x10 - 4) * math.exp(-0.5 * (t - 10))

        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            sc = muskx.load_scenario(path)
            self.assertEqual(len(w), 1)             # the file's u = 0.5
            self.assertIn("set: u = 0.5 (", str(w[0].message))
            r = muskx.run_scenario(sc, set={"u": 1.0})
            self.assertWRMS(r["x"], [want(t, 1.0) for t in r.time])
            self.assertEqual(len(w), 2, [str(x.message) for x in w])
            self.assertIn("rest_on.yaml:4:8: warning: start: defaults",
                          str(w[1].message))
            self.assertIn("set: u = 1 (", str(w[1].message))
            # as the path gives it
            r2 = muskx.run_scenario(path, set={"u": 1.0})
            self.assertEqual(str(w[-1].message), str(w[1].message))
            self.assertEqual(list(r2["x"]), list(r["x"]))
            n = len(w)
            # u = 0 (the default): no warning; x stays 0 at rest
            r = muskx.run_scenario(sc, set={"u": 0.0})
            self.assertWRMS(r["x"], [want(t, 0.0) for t in r.time])
            self.assertEqual(len(w), n, [str(x.message) for x in w[n:]])
            # the object unchanged: u = 0.5
            r = sc.run()
            self.assertWRMS(r["x"], [want(t, 0.5) for t in r.time])
            self.assertEqual(len(sc.warnings), 1)
            self.assertIn("set: u = 0.5 (", sc.warnings[0])
        sc.close()
        os.remove(path)

    def test_run_scenario_set_of_a_builtin_dose(self):
        # session 28: run_scenario(sc, set={dose: ...}) on a loaded
        # Scenario (muskx_scenario_run_with) ran the model's own regimen
        # on top of the scenario's drug entry of that agent, silently: now
        # refused as sc.set() is, naming the entry at file:line:col; 0 runs
        # the entry alone, 10 mg sc at F 0.5 into C_depot decaying at
        # 0.1/day: C = 5 exp(-0.1 t) by hand. Without a drug entry, a
        # RuntimeWarning with the value.
        import warnings
        from support import REPO
        scen = os.path.join(REPO, "tests", "scenarios")
        models = os.path.join(REPO, "tests", "models")
        drug = os.path.join(scen, "builtin_dose_drug.yaml")
        with muskx.load_scenario(drug, allow_path=models) as sc:
            with self.assertRaises(muskx.InvalidArgumentError) as cm:
                muskx.run_scenario(sc, set={"dose_c": 60})
            msg = str(cm.exception)
            self.assertIn("set for the run: dose_c = 60 switches on the "
                          "model's own drug_c regimen", msg)
            self.assertIn("the drug entry at %s:13:33 gives drug_c as well"
                          % drug, msg)
            with self.assertRaises(muskx.InvalidArgumentError):
                sc.set("dose_c", 60)
            r = muskx.run_scenario(sc, set={"dose_c": 0})
            self.assertWRMS(r["c.C_depot"],
                            [5 * math.exp(-0.1 * t) for t in r.time])
        alone = os.path.join(scen, "builtin_dose_set.yaml")
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            with muskx.load_scenario(alone, allow_path=models) as sc:
                n = len(w)
                muskx.run_scenario(sc, set={"dose_c": 30})
                said = [str(x.message) for x in w[n:]]
                self.assertEqual(len(said), 1, said)
                self.assertIn("builtin_dose_set.yaml: warning: set for the "
                              "run: dose_c = 30 switches on", said[0])

    @unittest.skipIf(NO_NUMPY, "bands need numpy")
    def test_compare_bands_of_a_scenario_use_it_as_loaded(self):
        # low24: the bands of a Scenario whose file was edited on disk
        # after loading were the edited file's (the arms were reloaded),
        # beside the loaded scenario's central line. Edited here: the "on"
        # level u 2 -> 7, and g 1 -> 4 in set:. The bands must be those of
        # the file as loaded, with the object's set() values and set=:
        # x_pct at the end of "on" = 100 g u/k (1 - exp(-10 k)), u = 2, by
        # hand from the library's draws of k, and the bands of a
        # compare() of an unedited copy
        vary = VARY_K
        k = self.draws_of_k(30, 2)
        sc, tmp = self.loaded_then_edited("edited.yaml")
        for g, set_ in ((3.0, None), (1.0, {"g": 1.0})):
            want = band_by_hand(k, g)
            c = muskx.compare(sc, bands=True, vary=vary, samples=30, seed=2,
                              threads=1, set=set_)
            got = c.bands["on_off_g"]["x_pct"]["on"]
            for j in (0, 1):
                self.assertLess(abs(got[j] - want[j]), 1e-4 * want[j],
                                (g, set_, got, want))
            # the same as the bands of the unedited file with the same sets
            with muskx.load_scenario(self.path_g) as orig:
                orig.set("g", 3.0)
                c0 = muskx.compare(orig, bands=True, vary=vary, samples=30,
                                   seed=2, threads=1, set=set_)
            self.assertEqual(got, c0.bands["on_off_g"]["x_pct"]["on"])
        # a set= name that the sets vary is refused (review rev27u M1: it
        # was silently theirs, the line outside its band)
        with self.assertRaises(muskx.InvalidArgumentError):
            muskx.compare(sc, bands=True, vary=vary, samples=30, seed=2,
                          threads=1, set={"k": 0.9})
        # a set= name that is no parameter is refused by name
        with self.assertRaises(muskx.NameNotFoundError) as cm:
            muskx.compare(sc, bands=True, vary=vary, samples=4,
                          set={"gg": 1.0})
        self.assertIn("gg", str(cm.exception))
        sc.close()
        os.remove(tmp)

    @unittest.skipIf(NO_NUMPY, "bands need numpy")
    def test_bands_refuse_varying_what_the_scenario_gives(self):
        # review rev28u H1: a name the scenario's set: (or a loaded
        # Scenario's set()) gives, varied by the bands' sets, was silently
        # the sets': the arm's band was another model's, its line outside
        # it. Refused, saying why; a phase's input likewise.
        path = os.path.join(self.dir, "set_k.yaml")
        with open(path, "w") as f:
            f.write((SCENARIO % ("set_k", 2.0)).replace(
                "model: driven.yaml", "model: driven.yaml\nset: {k: 0.9}"))
        with self.assertRaises(muskx.MuskxError) as cm:
            muskx.compare(self.path, path, bands=True, vary=VARY_K,
                          samples=4, seed=1, threads=1)
        self.assertIn("'k' is varied, but scenario 'set_k' sets it to 0.9",
                      str(cm.exception))
        with muskx.load_scenario(self.path) as sc:
            sc.set("k", 0.9)
            with self.assertRaises(muskx.MuskxError) as cm:
                muskx.compare(sc, bands=True, vary=VARY_K, samples=4,
                              seed=1, threads=1)
            self.assertIn("sets it to 0.9", str(cm.exception))
        with self.assertRaises(muskx.MuskxError) as cm:
            muskx.compare(self.path, bands=True, samples=4, seed=1,
                          threads=1, vary={"u": ("uniform", 0.5, 1.0)})
        self.assertIn("gives it in every phase (2 in 'on', ...",
                      str(cm.exception))
        os.remove(path)

    def test_compare_bands_say_what_they_need(self):
        with self.assertRaises(muskx.InvalidArgumentError) as cm:
            muskx.compare(self.path, self.path1, bands=True)
        self.assertIn("vary=", str(cm.exception))
        self.assertIn("params=", str(cm.exception))
        with self.assertRaises(muskx.InvalidArgumentError) as cm:
            muskx.compare(self.path, self.path1,
                          vary={"k": ("lognormal", 0.5, 0.3)})
        self.assertIn("bands=True", str(cm.exception))
        with self.assertRaises(muskx.InvalidArgumentError):
            muskx.compare(self.path, self.path1, bands=True, samples=2.5,
                          vary={"k": ("lognormal", 0.5, 0.3)})
        # session 24: the command line's spelling, and a name in another
        # case, were refused without what to write
        with self.assertRaises(muskx.InvalidArgumentError) as cm:
            muskx.compare(self.path, bands=True, samples=5,
                          vary={"k": "lognormal(0.5, 0.3)"})
        self.assertIn("write ('lognormal', 0.5, 0.3)", str(cm.exception))
        with self.assertRaises(muskx.NameNotFoundError) as cm:
            muskx.compare(self.path, bands=True, samples=5,
                          vary={"K": ("lognormal", 0.5, 0.3)})
        self.assertIn("'K' is not a parameter, compartment, species or input of model "
                      "'driven_days': names are case-sensitive: write 'k'",
                      str(cm.exception))

    def test_report_errors_with_their_place(self):
        with self.assertRaises(muskx.ModelError) as cm:
            muskx.load_scenario(self.bad)
        e = cm.exception
        self.assertEqual(e.file, self.bad)
        self.assertEqual(e.line, 5)
        self.assertIn("uu", e.message)


if __name__ == "__main__":
    unittest.main()
