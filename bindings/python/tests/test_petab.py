"""test_petab.py -- muskx.Problem against the PEtab test suite's and
AMICI's published values (../shared), and its errors."""

import math
import os
import shutil
import tempfile
import unittest

from support import muskx, REPO, SHARED

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

    def test_the_gradient_agrees_with_central_differences(self):
        # All 20 test-suite cases (pre-equilibration with conservation
        # laws in 0009, 0010, 0017, 0018) and six benchmark problems, at
        # nominal + 0.05 (away from the optimum, where the gradient is 0).
        # Central differences with h = 1e-5 at rtol = atol = 1e-12: their
        # truncation error is below 2e-5 of the largest component here.
        # Not here: Fujita (12 s of differences) and Crauste, whose llh is
        # too noisy in the parameters for differences (see README).
        suite = os.path.dirname(os.path.dirname(CASE1))
        problems = [os.path.join(suite, "%04d" % i, "_%04d.yaml" % i)
                    for i in range(1, 21)]
        bench = os.path.dirname(os.path.dirname(BOEHM))
        problems += [os.path.join(bench, n, n + ".yaml") for n in (
            "Boehm_JProteomeRes2014", "Zheng_PNAS2012", "Brannmark_JBC2010",
            "Elowitz_Nature2000", "Sneyd_PNAS2002",
            "Borghans_BiophysChem1997")]
        for path in problems:
            with self.subTest(problem=os.path.basename(path)), \
                    muskx.Problem.from_petab(path) as p:
                th = [v + 0.05 if v + 0.05 <= hi else v - 0.05
                      for v, hi in zip(p.nominal, p.upper)]
                llh, g = p.gradient(th, rtol=1e-12, atol=1e-12)
                self.assertAlmostEqual(llh, p.llh(th, 1e-12, 1e-12),
                                       delta=1e-6 * (1 + abs(llh)))
                fd = []
                for k in range(len(th)):
                    tp, tm = list(th), list(th)
                    tp[k] += 1e-5
                    tm[k] -= 1e-5
                    fd.append((p.llh(tp, 1e-12, 1e-12) -
                               p.llh(tm, 1e-12, 1e-12)) / 2e-5)
                scale = max(max(abs(v) for v in fd), 1e-3)
                worst = max(abs(a - b) for a, b in zip(g, fd)) / scale
                self.assertLess(worst, 1e-4)

    def test_the_jacobian_gives_the_gradient_of_gaussian_noise(self):
        # Normal noise: d llh = sum(-dsigma/sigma - r dr), from the
        # Jacobian, must equal the gradient (two paths through the code).
        with muskx.Problem.from_petab(BOEHM) as p:
            th = [v + 0.05 for v in p.nominal]
            _, g = p.gradient(th, rtol=1e-10, atol=1e-10)
            j = p.jacobian(th, rtol=1e-10, atol=1e-10)
            r, s = list(j["residual"]), list(j["sigma"])
            dr, ds = j["dresidual"], j["dsigma"]
            n = len(th)
            flat = (lambda a, i, k: a[i][k]) if hasattr(dr, "shape") else \
                (lambda a, i, k: a[i * n + k])
            for k in range(n):
                gk = sum(-flat(ds, i, k) / s[i] - r[i] * flat(dr, i, k)
                         for i in range(len(r)))
                self.assertAlmostEqual(gk, g[k], delta=1e-8 * (1 + abs(g[k])))

    def test_tables_as_text(self):
        with muskx.Problem.from_petab(CASE1) as p:
            t = p.parameters_table([2.0, 0.0, 0.8, 0.6]).splitlines()
            self.assertEqual(t[0].split("\t")[:5],
                             ["parameterId", "parameterScale", "lowerBound",
                              "upperBound", "nominalValue"])
            self.assertEqual(t[1].split("\t")[4], "2")
            s = p.simulations_table().splitlines()
            self.assertEqual(s[0].split("\t")[-1], "simulation")
            # _simulations.tsv of the suite: 0.42857190373069665 at t = 10
            self.assertAlmostEqual(float(s[2].split("\t")[-1]),
                                   0.42857190373069665, delta=1e-3)

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


LINEAR = os.path.join(REPO, "tests", "fit", "linear", "problem.yaml")


@unittest.skipUnless(getattr(muskx, "HAVE_PETAB", False),
                     "library without PEtab")
class AFit(unittest.TestCase):
    def closed_form(self):
        # y = a + b t with normal noise of unknown sd: ordinary least
        # squares, sd^2 = RSS / n, llh = -n/2 (log(2 pi sd^2) + 1).
        path = os.path.join(os.path.dirname(LINEAR), "measurements.tsv")
        with open(path) as f:
            head = f.readline().rstrip("\n").split("\t")
            rows = [dict(zip(head, line.rstrip("\n").split("\t")))
                    for line in f if line.strip()]
        t = [float(r["time"]) for r in rows]
        y = [float(r["measurement"]) for r in rows]
        n = len(t)
        s1, s2 = sum(t), sum(x * x for x in t)
        sy, sty = sum(y), sum(a * b for a, b in zip(t, y))
        det = n * s2 - s1 * s1
        a, b = (s2 * sy - s1 * sty) / det, (n * sty - s1 * sy) / det
        rss = sum((yi - a - b * ti) ** 2 for ti, yi in zip(t, y))
        sd = math.sqrt(rss / n)
        return [a, b, sd], -n / 2 * (math.log(2 * math.pi * sd * sd) + 1)

    def test_fit_reaches_the_closed_form_on_any_thread_count(self):
        est, llh = self.closed_form()
        with muskx.Problem.from_petab(LINEAR) as p:
            self.assertEqual(p.parameter_ids, ["a", "b", "sd"])
            r1 = p.fit(starts=6, seed=3, threads=1)
            r2 = p.fit(starts=6, seed=3, threads=2)
        best = r1["best"]
        self.assertIsNotNone(best)
        self.assertEqual(len(r1["llh"]), 6)
        self.assertEqual(len(r1["exit"]), 6)
        self.assertAlmostEqual(r1["llh"][best], llh, delta=1e-7)
        th = r1["theta"]
        for k in range(3):  # numpy: starts x 3; without numpy: flat
            got = th[best][k] if hasattr(th, "shape") else th[best * 3 + k]
            self.assertAlmostEqual(got, est[k], delta=1e-5)
        self.assertEqual(list(r1["llh"]), list(r2["llh"]))
        # every start's sd is set in closed form: sqrt(RSS / n) at its a, b
        path = os.path.join(os.path.dirname(LINEAR), "measurements.tsv")
        with open(path) as f:
            head = f.readline().rstrip("\n").split("\t")
            rows = [dict(zip(head, line.rstrip("\n").split("\t")))
                    for line in f if line.strip()]
        t = [float(r["time"]) for r in rows]
        y = [float(r["measurement"]) for r in rows]
        for k in range(6):
            a, b, sd = [(th[k][j] if hasattr(th, "shape") else th[k * 3 + j])
                        for j in range(3)]
            rss = sum((yi - a - b * ti) ** 2 for ti, yi in zip(t, y))
            want = min(max(math.sqrt(rss / len(t)), 0.01), 10)
            self.assertAlmostEqual(sd, want, delta=1e-6 * want)
        # searched jointly instead (muskx fit --joint-sigma): same optimum
        with muskx.Problem.from_petab(LINEAR) as p:
            rj = p.fit(starts=6, seed=3, threads=1, joint_sigma=True)
        self.assertAlmostEqual(rj["llh"][rj["best"]], llh, delta=1e-7)
        if hasattr(r1["theta"], "shape"):
            self.assertEqual(r1["theta"].shape, (6, 3))
            self.assertEqual(r1["theta"].tolist(), r2["theta"].tolist())

    def test_nominal_start_is_start_zero(self):
        est, llh = self.closed_form()
        with muskx.Problem.from_petab(LINEAR) as p:
            r = p.fit(starts=3, seed=3, threads=1, nominal_start=True)
            nominal = list(p.nominal)
        st = r["start"]
        first = list(st[0]) if hasattr(st, "shape") else list(st[:3])
        self.assertEqual(first, nominal)
        self.assertAlmostEqual(max(r["llh"]), llh, delta=1e-7)

    def test_a_missing_nominal_value_is_fitted(self):
        # PEtab v1: nominalValue is optional for an estimated parameter
        est, llh = self.closed_form()
        tmp = tempfile.mkdtemp()
        try:
            src = os.path.dirname(LINEAR)
            for name in os.listdir(src):
                shutil.copy(os.path.join(src, name), tmp)
            path = os.path.join(tmp, "parameters.tsv")
            with open(path) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write(text.replace("b\tlin\t-10\t10\t0.5\t1",
                                     "b\tlin\t-10\t10\t\t1"))
            with muskx.Problem.from_petab(
                    os.path.join(tmp, "problem.yaml")) as p:
                self.assertTrue(math.isnan(p.nominal[1]))
                r = p.fit(starts=3, seed=3, threads=1)
                self.assertAlmostEqual(r["llh"][r["best"]], llh, delta=1e-7)
                with self.assertRaises(muskx.InvalidArgumentError) as cm:
                    p.fit(starts=3, seed=3, threads=1, nominal_start=True)
                self.assertIn("'b' has no nominalValue", str(cm.exception))
        finally:
            shutil.rmtree(tmp)

    def test_bad_fit_arguments_are_refused(self):
        with muskx.Problem.from_petab(LINEAR) as p:
            with self.assertRaises(muskx.InvalidArgumentError):
                p.fit(starts=0)
            with self.assertRaises(muskx.InvalidArgumentError):
                p.fit(rtol=-1)
            for bad in (-1e-6, 0.01):
                with self.assertRaises(muskx.InvalidArgumentError):
                    p.fit(search_tolerance=bad)
            # a float count was truncated (2.7 starts ran 2), a negative
            # seed wrapped to 2^64 - 1
            with self.assertRaises(TypeError):
                p.fit(starts=2.7)
            with self.assertRaises(TypeError):
                p.fit(starts="3")
            with self.assertRaises(muskx.InvalidArgumentError):
                p.fit(starts=1, seed=-1)

    def test_search_tolerance_reaches_the_closed_form(self):
        # the starts search at search_tolerance and report at rtol/atol
        # (muskx fit --search-tolerance): the same closed-form optimum
        # with it off and at 1e-4, on 1 and 2 threads
        est, llh = self.closed_form()
        with muskx.Problem.from_petab(LINEAR) as p:
            runs = [p.fit(starts=4, seed=5, threads=k, search_tolerance=t)
                    for t in (0, 1e-4) for k in (1, 2)]
        for r in runs:
            self.assertAlmostEqual(r["llh"][r["best"]], llh, delta=1e-7)
        self.assertEqual(list(runs[2]["llh"]), list(runs[3]["llh"]))


if __name__ == "__main__":
    unittest.main()
