"""test_sens.py -- Model.sensitivities() (issue 15) against analytic
solutions: decay A' = -k A (dA/dk = -t A0 e^{-kt}, dA/dA0 = e^{-kt}) and
the steady state of x' = M x + b (dx*/db = -M^-1)."""

import math
import unittest

from support import muskx, model_path

DECAY = """
muskx: 1
model: {id: decay}
parameters: {k: 0.5}
species: {A: 2}
reactions:
  - {equation: A ->, rate: k*A}
outputs: {twoA: 2*A}
"""


def at(S, i, c, k):
    return S[i][c][k]


class Sensitivities(unittest.TestCase):
    def test_decay(self):
        m = muskx.loads(DECAY)
        times = [0, 1, 2.5, 6]
        S = m.sensitivities(["k", "A"], times=times)
        if muskx.result.numpy is not None:
            self.assertEqual(S.shape, (4, 2, 2))
        for i, t in enumerate(times):
            e = math.exp(-0.5 * t)
            for c, f in ((0, 1), (1, 2)):  # A, twoA
                self.assertAlmostEqual(at(S, i, c, 0), -f * t * 2 * e,
                                       delta=1e-6 * (1 + t))
                self.assertAlmostEqual(at(S, i, c, 1), f * e, delta=1e-6)

    def test_result_and_steady_start(self):
        m = muskx.load(model_path("linear2.yaml"))
        r, S = m.sensitivities("b1", times=[0, 1], steady_start=True,
                               return_result=True)
        # M = [[-2, 1], [1, -3]]: dx*/db1 = -M^-1 e1 = (3, 1) / 5
        self.assertAlmostEqual(r["x"][0], 1.0, delta=1e-8)
        for i in range(2):
            self.assertAlmostEqual(at(S, i, 0, 0), 0.6, delta=1e-7)
            self.assertAlmostEqual(at(S, i, 1, 0), 0.2, delta=1e-7)

    def test_errors(self):
        m = muskx.loads(DECAY)
        with self.assertRaises(muskx.NameNotFoundError):
            m.sensitivities(["nope"], t_end=1)
        with self.assertRaises(muskx.InvalidArgumentError):
            m.sensitivities([], t_end=1)


if __name__ == "__main__":
    unittest.main()
