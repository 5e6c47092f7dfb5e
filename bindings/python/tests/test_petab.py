"""test_petab.py -- muskx.Problem against the PEtab test suite's and
AMICI's published values (../shared), and its errors."""

import math
import os
import shutil
import tempfile
import unittest

from support import muskx, REPO

SHARED = os.path.normpath(os.path.join(REPO, "..", "shared"))
CASE1 = os.path.join(SHARED, "petab-test-suite", "v1.0.0", "sbml", "0001",
                     "_0001.yaml")
BOEHM = os.path.join(SHARED, "petab-benchmarks", "Boehm_JProteomeRes2014",
                     "Boehm_JProteomeRes2014.yaml")


@unittest.skipUnless(getattr(muskx, "HAVE_PETAB", False) and
                     os.path.exists(CASE1) and os.path.exists(BOEHM),
                     "library without PEtab, or ../shared missing")
class AProblem(unittest.TestCase):
    def test_case_0001_matches_the_test_suite(self):
        with muskx.Problem.from_petab(CASE1) as p:
            self.assertEqual(p.parameter_ids, ["a0", "b0", "k1", "k2"])
            self.assertEqual(p.scales, ["lin"] * 4)
            self.assertEqual(p.nominal, [1.0, 0.0, 0.8, 0.6])
            e = p.evaluate()
            # _0001_solution.yaml: llh, chi2 and simulations (tol 1e-3).
            self.assertAlmostEqual(e["llh"], -0.84750169713188, delta=1e-3)
            self.assertAlmostEqual(e["chi2"], 0.79183798368486, delta=1e-3)
            self.assertAlmostEqual(e["simulation"][1], 0.42857190373069665,
                                   delta=1e-3)
            self.assertEqual(list(e["sigma"]), [0.5, 0.5])
            # residual = (measurement - simulation) / sigma
            self.assertAlmostEqual(e["residual"][0], (0.7 - 1.0) / 0.5,
                                   delta=1e-6)

    def test_theta_moves_the_likelihood_as_the_formula_says(self):
        with muskx.Problem.from_petab(CASE1) as p:
            # a0 = 0.7 makes the t = 0 residual vanish: chi2 drops by
            # ((0.7 - 1) / 0.5)^2 = 0.36 from that point, and the t = 10
            # point changes with the smaller total.
            e = p.evaluate({"a0": 0.7})
            self.assertAlmostEqual(e["residual"][0], 0.0, delta=1e-6)
            self.assertAlmostEqual(e["llh"],
                                   -0.5 * e["chi2"]
                                   - 2 * 0.5 * math.log(2 * math.pi * 0.25),
                                   delta=1e-9)

    def test_boehm_matches_amici(self):
        with muskx.Problem.from_petab(BOEHM) as p:
            self.assertEqual(len(p.parameter_ids), 9)
            self.assertEqual(set(p.scales), {"log10"})
            # AMICI, rtol = atol = 1e-8 (petab-benchmarks/README.md).
            self.assertAlmostEqual(p.llh(), -138.22199693517703, delta=0.01)

    def test_wrong_theta_is_refused(self):
        with muskx.Problem.from_petab(CASE1) as p:
            with self.assertRaises(muskx.InvalidArgumentError):
                p.llh([1.0, 2.0])
            with self.assertRaises(muskx.NameNotFoundError):
                p.llh({"nope": 1.0})

    def test_a_bad_cell_names_file_line_and_column(self):
        tmp = tempfile.mkdtemp()
        try:
            d = os.path.join(tmp, "case")
            shutil.copytree(os.path.dirname(CASE1), d)
            with open(os.path.join(d, "_measurements.tsv"), "w") as f:
                f.write("observableId\tsimulationConditionId\ttime\t"
                        "measurement\nobs_a\tc0\t0\tx\n")
            with self.assertRaises(muskx.ModelError) as cm:
                muskx.Problem.from_petab(os.path.join(d, "_0001.yaml"))
            e = cm.exception
            self.assertTrue(e.file.endswith("_measurements.tsv"))
            self.assertEqual((e.line, e.column), (2, 12))
            self.assertIn("not a finite number", e.message)
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main()
