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
        cls.bad = os.path.join(cls.dir, "bad.yaml")
        with open(cls.bad, "w") as f:
            f.write(BAD)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

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

    def test_report_errors_with_their_place(self):
        with self.assertRaises(muskx.ModelError) as cm:
            muskx.load_scenario(self.bad)
        e = cm.exception
        self.assertEqual(e.file, self.bad)
        self.assertEqual(e.line, 5)
        self.assertIn("uu", e.message)


if __name__ == "__main__":
    unittest.main()
