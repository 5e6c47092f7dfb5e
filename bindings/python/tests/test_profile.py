"""test_profile.py -- Problem.profile() against closed-form profiles and
`muskx fit --profile`.

tests/fit/linear/ is A(t) = a + b t with normal noise of unknown sd. With
c = (X^T X)^-1 and RSS_min the least-squares residual, the profile of a
(or b) is exactly nllh = n/2 (log(2 pi RSS / n) + 1) with RSS = RSS_min +
(beta - hat)^2 / c_jj, so the 95 % interval is hat +- sqrt(c_jj RSS_min
(exp(2 * 1.92073 / n) - 1)); the profile of sd is n log sd + n/2 log(2 pi)
+ RSS_min / (2 sd^2), its interval found here by bisection. All computed
from the data, independently of libmuskx. A copy with a parameter c that
moves nothing has a flat profile of c: not identifiable on either side.
With Laplace noise instead (the objective form) the profiles are those of
least absolute deviations, computed here by enumerating the kinks.
params= profiles a subset: its intervals and points are the full run's,
bit for bit, and the closed-form ones.
"""

import math
import os
import shutil
import subprocess
import tempfile
import unittest

from support import muskx, REPO

LINEAR = os.path.join(REPO, "tests", "fit", "linear")
MUSKX = os.path.join(REPO, "build", "muskx")
HALF_CHI2_95 = 1.920729410347062  # chi2_1(0.95) / 2


def read_tsv(path):
    with open(path) as f:
        head = f.readline().rstrip("\n").split("\t")
        return [dict(zip(head, line.rstrip("\n").split("\t")))
                for line in f if line.strip()]


def closed_form():
    rows = read_tsv(os.path.join(LINEAR, "measurements.tsv"))
    t = [float(r["time"]) for r in rows]
    y = [float(r["measurement"]) for r in rows]
    n = len(t)
    s1, s2 = sum(t), sum(x * x for x in t)
    sy, sty = sum(y), sum(a * b for a, b in zip(t, y))
    det = n * s2 - s1 * s1
    hat = {"a": (s2 * sy - s1 * sty) / det, "b": (n * sty - s1 * sy) / det}
    rss = sum((yi - hat["a"] - hat["b"] * ti) ** 2 for ti, yi in zip(t, y))
    hat["sd"] = math.sqrt(rss / n)
    c = {"a": s2 / det, "b": n / det}

    def nllh_beta(j, v):
        r = rss + (v - hat[j]) ** 2 / c[j]
        return n / 2 * (math.log(2 * math.pi * r / n) + 1)

    def nllh_sd(s):
        return n * math.log(s) + n / 2 * math.log(2 * math.pi) + \
            rss / (2 * s * s)

    half = {j: math.sqrt(c[j] * rss * (math.exp(2 * HALF_CHI2_95 / n) - 1))
            for j in c}
    ci = {j: (hat[j] - half[j], hat[j] + half[j]) for j in c}
    top = nllh_sd(hat["sd"]) + HALF_CHI2_95

    def cross(lo, hi):  # nllh_sd - top changes sign on [lo, hi]
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if (nllh_sd(mid) > top) == (nllh_sd(lo) > top):
                lo = mid
            else:
                hi = mid
        return 0.5 * (lo + hi)
    ci["sd"] = (cross(1e-3, hat["sd"]), cross(hat["sd"], 100.0))
    return hat, ci, nllh_beta, nllh_sd, nllh_sd(hat["sd"])


class SelectionSpy:
    """Records the indices Problem.profile() hands the library through
    muskx_fit_set_profile_params (muskx._profile.lib replaced by a proxy
    for the duration of a with block)."""

    def __init__(self):
        self.calls = []

    def __enter__(self):
        from muskx import _profile
        real, spy = _profile.lib, self

        class Proxy:
            def __getattr__(self, name):
                f = getattr(real, name)
                if name != "muskx_fit_set_profile_params":
                    return f

                class Call:
                    def __setattr__(self, k, v):
                        setattr(f, k, v)

                    def __call__(self, fit, sel, n):
                        spy.calls.append([sel[i] for i in range(n)])
                        return f(fit, sel, n)
                return Call()
        self._module, self._real = _profile, real
        _profile.lib = Proxy()
        return self

    def __exit__(self, *exc):
        self._module.lib = self._real


def values(buf):
    return [float(x) for x in buf]


@unittest.skipUnless(getattr(muskx, "HAVE_PETAB", False),
                     "library without PEtab")
class AProfile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # one fit and one full profile of the line, shared by the tests
        # that compare against them
        with muskx.Problem.from_petab(os.path.join(LINEAR,
                                                   "problem.yaml")) as p:
            cls.fitted = p.fit(starts=8, seed=3, threads=1)
            cls.full = p.profile(cls.fitted, threads=1)

    def test_profiles_are_the_closed_form_ones(self):
        hat, ci, nllh_beta, nllh_sd, nllh0 = closed_form()
        pr = self.full
        with muskx.Problem.from_petab(os.path.join(LINEAR,
                                                   "problem.yaml")) as p:
            pr2 = p.profile(self.fitted, threads=2)
        self.assertEqual(pr["parameter_ids"], ["a", "b", "sd"])
        self.assertEqual(pr["scales"], ["lin"] * 3)
        self.assertAlmostEqual(pr["threshold"], HALF_CHI2_95, delta=1e-12)
        self.assertAlmostEqual(pr["nllh"], nllh0, delta=1e-7)
        self.assertAlmostEqual(pr["llh"], -nllh0, delta=1e-7)
        self.assertFalse(pr["better_optimum"])
        self.assertGreater(pr["min_nllh"], nllh0 - 1e-7)
        self.assertEqual(pr["identifiable"], [True] * 3)
        self.assertEqual(pr["not_identifiable"], [])
        for k, q in enumerate(pr["profiles"]):
            j = q["id"]
            lo, hi = ci[j]
            tol = 1e-4 * (hi - lo)
            self.assertAlmostEqual(q["lower"], lo, delta=tol, msg=j)
            self.assertAlmostEqual(q["upper"], hi, delta=tol, msg=j)
            self.assertEqual((pr["lower"][k], pr["upper"][k]),
                             (q["lower"], q["upper"]))
            vs, fs = values(q["values"]), values(q["nllh"])
            self.assertGreaterEqual(len(vs), 5, j)
            self.assertEqual(vs, sorted(vs), j)
            # both sides reached, and beyond, the threshold
            self.assertLess(vs[0], lo)
            self.assertGreater(vs[-1], hi)
            for v, f in zip(vs, fs):
                want = nllh_sd(v) if j == "sd" else nllh_beta(j, v)
                self.assertAlmostEqual(f, want, delta=1e-6,
                                       msg="%s = %r" % (j, v))
            for v, f, rr in zip(vs, fs, values(q["ratio"])):
                self.assertAlmostEqual(rr, math.exp(nllh0 - f), delta=1e-6)
        # the thread count does not change the profiles
        for q, q2 in zip(pr["profiles"], pr2["profiles"]):
            self.assertEqual(values(q["values"]), values(q2["values"]))
            self.assertEqual(values(q["nllh"]), values(q2["nllh"]))

    def test_level_sets_the_threshold(self):
        # chi2_1(0.9) = 2.705543454095404 (tables); the line's a and b
        # intervals at 90 % are closed-form as at 95 %
        half90 = 2.705543454095404 / 2
        rows = read_tsv(os.path.join(LINEAR, "measurements.tsv"))
        t = [float(r["time"]) for r in rows]
        n = len(t)
        hat, ci, _, _, _ = closed_form()
        with muskx.Problem.from_petab(os.path.join(LINEAR,
                                                   "problem.yaml")) as p:
            pr = p.profile([hat["a"], hat["b"], hat["sd"]], level=0.9)
        self.assertAlmostEqual(pr["threshold"], half90, delta=1e-12)
        self.assertEqual(pr["level"], 0.9)
        shrink = math.sqrt((math.exp(2 * half90 / n) - 1) /
                           (math.exp(2 * HALF_CHI2_95 / n) - 1))
        for q in pr["profiles"][:2]:
            lo, hi = ci[q["id"]]
            mid, half = (lo + hi) / 2, (hi - lo) / 2 * shrink
            self.assertAlmostEqual(q["lower"], mid - half, delta=2e-4 * half)
            self.assertAlmostEqual(q["upper"], mid + half, delta=2e-4 * half)

    def test_theta_as_sequence_or_dict(self):
        hat, ci, _, _, _ = closed_form()
        with muskx.Problem.from_petab(os.path.join(LINEAR,
                                                   "problem.yaml")) as p:
            a = p.profile([hat["a"], hat["b"], hat["sd"]], max_points=10)
            b = p.profile({"a": 1.0, "b": 0.2}, max_points=10)
        for pr in (a, b):
            for q in pr["profiles"]:
                lo, hi = ci[q["id"]]
                self.assertAlmostEqual(q["lower"], lo, delta=1e-4 * (hi - lo))
                self.assertAlmostEqual(q["upper"], hi, delta=1e-4 * (hi - lo))

    @unittest.skipUnless(os.access(MUSKX, os.X_OK), "build/muskx not built")
    def test_agrees_with_muskx_fit_profile(self):
        tmp = tempfile.mkdtemp(prefix="muskx-prof-")
        try:
            problem = os.path.join(LINEAR, "problem.yaml")
            subprocess.run([MUSKX, "fit", problem, "--starts", "8", "--seed",
                            "3", "--threads", "1", "--profile", "-o", tmp],
                           check=True, capture_output=True, timeout=300)
            cli = {r["parameter"]: r
                   for r in read_tsv(os.path.join(tmp, "profile_ci.tsv"))}
            with muskx.Problem.from_petab(problem) as p:
                pr = p.profile(p.fit(starts=8, seed=3, threads=1))
        finally:
            shutil.rmtree(tmp)
        self.assertEqual(sorted(cli), sorted(pr["parameter_ids"]))
        for q in pr["profiles"]:
            row = cli[q["id"]]
            width = float(row["upper"]) - float(row["lower"])
            self.assertAlmostEqual(q["lower"], float(row["lower"]),
                                   delta=1e-9 * width)
            self.assertAlmostEqual(q["upper"], float(row["upper"]),
                                   delta=1e-9 * width)
            self.assertEqual(row["identifiable"],
                             "yes" if q["identifiable"] else "no")

    def test_a_parameter_that_moves_nothing_is_not_identifiable(self):
        tmp = tempfile.mkdtemp(prefix="muskx-prof-")
        try:
            d = os.path.join(tmp, "p")
            shutil.copytree(LINEAR, d)
            path = os.path.join(d, "model.yaml")
            with open(path) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write(text.replace("parameters: {a: 1.0, b: 0.5}",
                                     "parameters: {a: 1.0, b: 0.5, c: 0.5}"))
            with open(os.path.join(d, "parameters.tsv"), "a") as f:
                f.write("c\tlin\t0\t1\t0.5\t1\n")
            with muskx.Problem.from_petab(os.path.join(d, "problem.yaml")) \
                    as p:
                pr = p.profile(p.fit(starts=4, seed=1, threads=1))
        finally:
            shutil.rmtree(tmp)
        hat, ci, _, _, nllh0 = closed_form()
        self.assertEqual(pr["not_identifiable"], ["c"])
        q = pr["profiles"][3]
        self.assertTrue(math.isnan(q["lower"]) and math.isnan(q["upper"]))
        vs = values(q["values"])
        self.assertEqual((vs[0], vs[-1]), (0.0, 1.0))  # both bounds reached
        for f in values(q["nllh"]):
            self.assertAlmostEqual(f, nllh0, delta=1e-7)
        lo, hi = ci["a"]
        self.assertAlmostEqual(pr["profiles"][0]["lower"], lo,
                               delta=1e-4 * (hi - lo))
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            return
        from muskx.plotting import plot_profiles
        fig = plot_profiles(pr)
        said = [[t.get_text() for t in ax.texts] for ax in fig.axes[:4]]
        self.assertEqual(said, [[], [], [],
                                ["not identifiable below and above"]])
        plt.close(fig)

    def test_laplace_profiles_are_the_least_absolute_deviation_ones(self):
        # Laplace noise of unknown scale s (the objective form, SLSQP):
        # nllh = n log(2 s) + S / s with S = sum |y - a - b t|, so the
        # profile of s is n log(2 s) + S_min / s, and that of a (or b) is
        # n log(2 S(a) / n) + n with S(a) = min over b of the absolute
        # deviations, attained where the line passes through a data point
        # (a convex piecewise-linear function: its minimum is at a kink).
        rows = read_tsv(os.path.join(LINEAR, "measurements.tsv"))
        t = [float(r["time"]) for r in rows]
        y = [float(r["measurement"]) for r in rows]
        n, top = len(t), HALF_CHI2_95

        def dev(a, b):
            return sum(abs(yi - a - b * ti) for ti, yi in zip(t, y))

        def s_a(a):
            return min(dev(a, (yi - a) / ti) for ti, yi in zip(t, y) if ti)

        def s_b(b):
            return min(dev(yi - b * ti, b) for ti, yi in zip(t, y))
        # the optimum: a line through two data points
        s0, a0, b0 = min((dev(y[i] - b * t[i], b), y[i] - b * t[i], b)
                         for i in range(n) for j in range(n) if t[i] != t[j]
                         for b in [(y[j] - y[i]) / (t[j] - t[i])])
        nllh0 = n * math.log(2 * s0 / n) + n

        def cross(f, lo, hi):
            out = f(lo) > nllh0 + top
            for _ in range(100):
                mid = 0.5 * (lo + hi)
                if (f(mid) > nllh0 + top) == out:
                    lo = mid
                else:
                    hi = mid
            return 0.5 * (lo + hi)
        prof = {"a": lambda a: n * math.log(2 * s_a(a) / n) + n,
                "b": lambda b: n * math.log(2 * s_b(b) / n) + n,
                "sd": lambda s: n * math.log(2 * s) + s0 / s}
        hat = {"a": a0, "b": b0, "sd": s0 / n}
        far = {"a": (a0 - 10, a0 + 10), "b": (b0 - 10, b0 + 10),
               "sd": (hat["sd"] / 100, hat["sd"] * 100)}
        want = {j: (cross(f, far[j][0], hat[j]), cross(f, far[j][1], hat[j]))
                for j, f in prof.items()}
        tmp = tempfile.mkdtemp(prefix="muskx-prof-")
        try:
            d = os.path.join(tmp, "p")
            shutil.copytree(LINEAR, d)
            path = os.path.join(d, "observables.tsv")
            with open(path) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write(text.replace("\tnormal\n", "\tlaplace\n"))
            problem = os.path.join(d, "problem.yaml")
            with muskx.Problem.from_petab(problem) as p:
                pr = p.profile(p.fit(starts=8, seed=3, threads=1))
            cli = None
            if os.access(MUSKX, os.X_OK):
                out = os.path.join(tmp, "out")
                subprocess.run([MUSKX, "fit", problem, "--starts", "8",
                                "--seed", "3", "--threads", "1",
                                "--profile", "-o", out], check=True,
                               capture_output=True, timeout=300)
                cli = {r["parameter"]: r for r in
                       read_tsv(os.path.join(out, "profile_ci.tsv"))}
        finally:
            shutil.rmtree(tmp)
        self.assertAlmostEqual(pr["nllh"], nllh0, delta=1e-7)
        for q in pr["profiles"]:
            lo, hi = want[q["id"]]
            for got, ref in ((q["lower"], lo), (q["upper"], hi)):
                self.assertAlmostEqual(got, ref, delta=1e-4 * (hi - lo),
                                       msg=q["id"])
                if cli is not None:
                    self.assertAlmostEqual(
                        got, float(cli[q["id"]]["lower" if ref == lo
                                                else "upper"]),
                        delta=1e-9 * (hi - lo), msg=q["id"])

    def test_plot_profiles(self):
        try:
            import matplotlib
            matplotlib.use("Agg")
        except ImportError:
            self.skipTest("matplotlib missing")
        from muskx.plotting import plot_profiles
        hat, ci, nllh_beta, _, nllh0 = closed_form()
        with muskx.Problem.from_petab(os.path.join(LINEAR,
                                                   "problem.yaml")) as p:
            pr = p.profile([hat["a"], hat["b"], hat["sd"]], max_points=8)
        fig = plot_profiles(pr)
        axes = [ax for ax in fig.axes if ax.get_visible()]
        self.assertEqual([ax.get_xlabel() for ax in axes], ["a", "b", "sd"])
        # the curve of a is the closed-form profile minus the optimum
        x, y = axes[0].lines[0].get_data()
        self.assertGreaterEqual(len(x), 5)
        for v, f in zip(x, y):
            self.assertAlmostEqual(f, nllh_beta("a", v) - nllh0, delta=1e-6)
        # the threshold, then the interval's ends
        self.assertAlmostEqual(axes[0].lines[1].get_ydata()[0],
                               HALF_CHI2_95, delta=1e-9)
        ends = [ln.get_xdata()[0] for ln in axes[0].lines[2:]]
        lo, hi = ci["a"]
        self.assertEqual(len(ends), 2)
        self.assertAlmostEqual(ends[0], lo, delta=1e-4 * (hi - lo))
        self.assertAlmostEqual(ends[1], hi, delta=1e-4 * (hi - lo))
        import matplotlib.pyplot as plt
        plt.close(fig)

    def test_params_profiles_a_subset_as_the_full_run(self):
        # params= (muskx_fit_set_profile_params): the profiled parameters'
        # points and intervals are the full run's, bit for bit (the same
        # refined optimum, the same steps), and the closed-form intervals;
        # the others are not profiled. Names and indices, in any order.
        hat, ci, _, _, _ = closed_form()
        r, full = self.fitted, self.full
        with muskx.Problem.from_petab(os.path.join(LINEAR,
                                                   "problem.yaml")) as p:
            with SelectionSpy() as spy:
                subs = [(["a", "sd"],
                         p.profile(r, threads=1, params=["sd", 0])),
                        (["b"], p.profile(r, threads=1, params="b")),
                        (["b"], p.profile(r, threads=1, params=(1,)))]
                p.profile(r, threads=1, max_points=2)
        # the library profiled only those (the full run sets nothing)
        self.assertEqual(spy.calls, [[0, 2], [1], [1]])
        self.assertEqual(full["profiled"], ["a", "b", "sd"])
        by_id = {q["id"]: q for q in full["profiles"]}
        for want, pr in subs:
            self.assertEqual(pr["profiled"], want)
            self.assertEqual([q["id"] for q in pr["profiles"]], want)
            self.assertEqual(pr["parameter_ids"], ["a", "b", "sd"])
            self.assertEqual(len(pr["lower"]), len(want))
            self.assertEqual(pr["nllh"], full["nllh"])
            for k, q in enumerate(pr["profiles"]):
                f = by_id[q["id"]]
                self.assertEqual((q["lower"], q["upper"]),
                                 (f["lower"], f["upper"]), msg=q["id"])
                self.assertEqual((pr["lower"][k], pr["upper"][k]),
                                 (q["lower"], q["upper"]))
                self.assertEqual(values(q["values"]), values(f["values"]))
                self.assertEqual(values(q["nllh"]), values(f["nllh"]))
                self.assertEqual(q["identifiable"], f["identifiable"])
                lo, hi = ci[q["id"]]
                self.assertAlmostEqual(q["lower"], lo, delta=1e-4 * (hi - lo))
                self.assertAlmostEqual(q["upper"], hi, delta=1e-4 * (hi - lo))

    def test_on_point_sees_every_point_as_it_is_taken(self):
        # on_point (muskx_fit_set_profile_callback, issue 17): every point
        # the result holds, each once, with the closed-form nllh, the
        # optima first; the result is the one without it, bit for bit
        hat, ci, nllh_beta, nllh_sd, nllh0 = closed_form()
        seen = []
        with muskx.Problem.from_petab(os.path.join(LINEAR,
                                                   "problem.yaml")) as p:
            pr = p.profile(self.fitted, threads=2,
                           on_point=lambda *a: seen.append(a))
        self.assertEqual([a[:2] for a in seen[:3]],
                         [("a", 0), ("b", 0), ("sd", 0)])
        self.assertTrue(all(a[1] in (-1, 1) for a in seen[3:]))
        self.assertFalse(pr["stopped"])
        self.assertEqual(pr["unfinished"], [])
        for q, f in zip(pr["profiles"], self.full["profiles"]):
            j = q["id"]
            got = sorted((v, y) for i, s, v, y in seen if i == j)
            self.assertEqual(got, sorted(zip(values(q["values"]),
                                             values(q["nllh"]))), j)
            self.assertEqual(values(q["values"]), values(f["values"]))
            self.assertEqual((q["lower_end"], q["upper_end"]),
                             ("crossed", "crossed"))
            for v, y in got:
                want = nllh_sd(v) if j == "sd" else nllh_beta(j, v)
                self.assertAlmostEqual(y, want, delta=1e-6, msg=j)

    def test_on_point_stops_the_profiles(self):
        # a true return on the 5th point: 5 points kept, the run marked
        # stopped, no interval from a stopped side, nothing said about
        # identifiability; an exception is raised
        calls = []

        def stop_at_5(i, side, v, y):
            calls.append(i)
            return len(calls) == 5
        with muskx.Problem.from_petab(os.path.join(LINEAR,
                                                   "problem.yaml")) as p:
            pr = p.profile(self.fitted, threads=1, on_point=stop_at_5)
            self.assertEqual(len(calls), 5)
            self.assertTrue(pr["stopped"])
            self.assertEqual(sum(len(q["values"]) for q in pr["profiles"]), 5)
            self.assertEqual(pr["not_identifiable"], [])
            self.assertEqual(pr["identifiable"], [False] * 3)
            self.assertEqual(sorted(pr["unfinished"]), ["a", "b", "sd"])
            for q in pr["profiles"]:
                for end, how in ((q["lower"], q["lower_end"]),
                                 (q["upper"], q["upper_end"])):
                    self.assertEqual(how, "stopped", q["id"])
                    self.assertTrue(math.isnan(end))

            def boom(*a):
                raise ValueError("boom")
            with self.assertRaises(ValueError):
                p.profile(self.fitted, threads=2, on_point=boom)
            with self.assertRaises(TypeError):
                p.profile(self.fitted, on_point=3)

    def test_a_side_at_its_bound_beside_an_unfinished_one(self):
        # b's upper bound just above its estimate (closed form 0.24196),
        # one point a side: the upper side reaches the bound, the lower
        # runs out of points -- not identifiable above AND unfinished
        # below, so b is in both lists (review rev23a #3)
        hat = closed_form()[0]
        self.assertAlmostEqual(hat["b"], 0.24196, delta=1e-5)
        d = tempfile.mkdtemp(prefix="muskx-prof-ub-")
        try:
            for name in os.listdir(LINEAR):
                shutil.copy(os.path.join(LINEAR, name), d)
            rows = open(os.path.join(LINEAR, "parameters.tsv")).read() \
                .splitlines()
            with open(os.path.join(d, "parameters.tsv"), "w") as out:
                for r in rows:
                    c = r.split("\t")
                    if c[0] == "b":
                        c[3], c[4] = "0.2425", "0.2"
                    out.write("\t".join(c) + "\n")
            with muskx.Problem.from_petab(os.path.join(d, "problem.yaml")) \
                    as p:
                pr = p.profile(p.fit(starts=4, seed=3, threads=1),
                               params=["b"], max_points=1, threads=1)
        finally:
            shutil.rmtree(d)
        q = pr["profiles"][0]
        self.assertEqual((q["lower_end"], q["upper_end"]),
                         ("max_points", "bound"))
        self.assertTrue(math.isnan(q["lower"]) and math.isnan(q["upper"]))
        self.assertFalse(q["identifiable"])
        self.assertEqual(pr["not_identifiable"], ["b"])
        self.assertEqual(pr["unfinished"], ["b"])
        self.assertFalse(pr["stopped"])

    def test_bad_params_are_refused(self):
        with muskx.Problem.from_petab(os.path.join(LINEAR,
                                                   "problem.yaml")) as p:
            nominal = list(p.nominal)
            with self.assertRaises(muskx.NameNotFoundError) as e:
                p.profile(nominal, params=["a", "nope"])
            self.assertIn("'nope'", str(e.exception))
            for bad in (["a", "a"], ["b", 1], [3], [-1], []):
                with self.assertRaises(muskx.InvalidArgumentError,
                                       msg=str(bad)):
                    p.profile(nominal, params=bad)
            for bad in ([True], [1.0], 2.5, [None]):
                with self.assertRaises(TypeError, msg=str(bad)):
                    p.profile(nominal, params=bad)

    def test_bad_arguments_are_refused(self):
        with muskx.Problem.from_petab(os.path.join(LINEAR,
                                                   "problem.yaml")) as p:
            nominal = list(p.nominal)
            for level in (0, 1, 1.5, -0.1, float("nan")):
                with self.assertRaises(muskx.InvalidArgumentError):
                    p.profile(nominal, level=level)
            for kw in ({"level": "0.9"}, {"level": True},
                       {"max_points": 2.5}, {"threads": "2"},
                       {"max_points": True}):
                with self.assertRaises(TypeError, msg=str(kw)):
                    p.profile(nominal, **kw)
            for kw in ({"max_points": 0}, {"threads": -1}, {"rtol": 0}):
                with self.assertRaises(muskx.InvalidArgumentError,
                                       msg=str(kw)):
                    p.profile(nominal, **kw)
            with self.assertRaises(muskx.InvalidArgumentError):
                p.profile([1.0, 0.5])  # two values for three parameters
            with self.assertRaises(muskx.InvalidArgumentError):
                p.profile([1.0, 0.5, 20.0])  # sd above its bound
            with self.assertRaises(muskx.MuskxError):
                p.profile({"nope": 1.0})
            with self.assertRaises(muskx.InvalidArgumentError):
                p.profile({"theta": [], "best": None})  # a fit that failed


if __name__ == "__main__":
    unittest.main()
