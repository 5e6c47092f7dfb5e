#!/usr/bin/env python3
"""check_bench_gradients.py -- muskx_petab_jacobian() (forward
sensitivities) against finite differences of muskx_petab_evaluate() on
every PEtab benchmark problem in ../shared/petab-benchmarks (issue 15).

At the nominal parameters, every residual's and every sigma's derivative
with respect to every estimated parameter (on its scale). Sensitivities
at rtol = atol = 1e-10, the runs of the differences at 1e-12. For each
parameter the difference quotient is tried at several steps h (relative
to max(1, |theta_k|)) and the best agreement counts: a large step has
truncation error from the curvature, a small one the solvers' noise
divided by h, and which wins depends on the problem (Borghans oscillates,
so its quotient needs small steps; Fujita and Brannmark have a noise floor
near 1e-5 of the residuals from a time switch and a pre-equilibration
steady state, so they need large ones). A derivative d passes when
    |J - d| <= REL |d| + REL (1 + max |d| over its column).
Crauste_CellSystems2017's nominal point lies within 1e-6 (log10 units)
of a blow-up: increasing rho_P, rho_E, mu_PL or delta_NE by that makes the
Naive/Effector populations explode (CVODE's step budget is spent), and the
residuals' second derivatives are ~1e5 times the first. Its quotient is
therefore one-sided, second order, away from the blow-up, with steps
1e-5 to 1e-9, and REL is 1e-3 there (the best ratio is 2.9 at 1e-4: the
truncation at those steps; the quotients converge to the sensitivities as
h falls, docs/fitting.md). So that Crauste's sensitivities are also checked
against central differences at REL = 1e-4, it is checked a second time at
a point 0.01 (log10) below the nominal rho_P (llh -207.1), where every
central difference of steps 1e-3..1e-5 can be simulated (EXTRA).

Run from the repository root with Debian's python3 after `make`; prints
one line per problem and "N passed, N failed". About 30 s.
"""

import os
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
import muskx  # noqa: E402

BENCH = os.path.abspath(os.path.join(ROOT, "..", "shared", "petab-benchmarks"))
SENS_TOL, FD_TOL = 1e-10, 1e-12
DEFAULT = {"steps": (1e-3, 1e-4, 1e-5), "side": 0, "rel": 1e-4}
SPECIAL = {
    "Borghans_BiophysChem1997": {"steps": (1e-4, 1e-5, 1e-6), "side": 0,
                                 "rel": 1e-4},
    "Crauste_CellSystems2017": {"steps": (1e-5, 1e-7, 1e-8, 1e-9),
                                "side": -1,
                                "rel": 1e-3},
}
# Further points per problem: (shifts of the nominal theta, settings).
EXTRA = {
    "Crauste_CellSystems2017": [({"rho_P": -0.01}, DEFAULT)],
}


def flat(a):
    """A row-major list from a numpy 2-D array or a flat buffer."""
    return list(a.flat) if hasattr(a, "flat") else list(a)


def values(p, theta):
    e = p.evaluate(theta, rtol=FD_TOL, atol=FD_TOL)
    return list(e["residual"]) + list(e["sigma"])


def quotient(p, theta, f0, k, h, side):
    def at(step):
        t = list(theta)
        t[k] += step
        return values(p, t)
    if side == 0:
        fp, fm = at(h), at(-h)
        return [(a - b) / (2 * h) for a, b in zip(fp, fm)]
    s = side * h  # one-sided, second order: (-3 f0 + 4 f1 - f2) / 2s
    f1, f2 = at(s), at(2 * s)
    return [(-3 * a + 4 * b - c) / (2 * s) for a, b, c in zip(f0, f1, f2)]


def check_problem(name, shift=None, cfg=None):
    cfg = cfg or SPECIAL.get(name, DEFAULT)
    p = muskx.Problem.from_petab(os.path.join(BENCH, name, name + ".yaml"),
                                 allow_path=BENCH)
    theta = list(p.nominal)
    for pid, d in (shift or {}).items():
        theta[p.parameter_ids.index(pid)] += d
    n, m = len(theta), p.nmeasurements
    j = p.jacobian(theta, rtol=SENS_TOL, atol=SENS_TOL)
    dres, dsig = flat(j["dresidual"]), flat(j["dsigma"])
    f0 = values(p, theta)
    worst, where = 0.0, ""
    for k, pid in enumerate(p.parameter_ids):
        col = [dres[i * n + k] for i in range(m)] + \
              [dsig[i * n + k] for i in range(m)]
        best = float("inf")
        for rel in cfg["steps"]:
            h = rel * max(1.0, abs(theta[k]))
            try:
                d = quotient(p, theta, f0, k, h, cfg["side"])
            except muskx.SolverError:
                continue
            floor = cfg["rel"] * (1 + max(abs(x) for x in d))
            ratio = max(abs(a - b) / (cfg["rel"] * abs(b) + floor)
                        for a, b in zip(col, d))
            best = min(best, ratio)
        if not best <= worst:
            worst, where = best, pid
    return worst, where, n, m


def main():
    if not os.path.isdir(BENCH):
        print("check_bench_gradients: %s missing" % BENCH)
        print("0 passed, 1 failed")
        return 1
    names = sorted(d for d in os.listdir(BENCH)
                   if os.path.isfile(os.path.join(BENCH, d, d + ".yaml")))
    passed = failed = 0
    runs = [(name, None, None) for name in names]
    runs += [(name, shift, cfg) for name in names
             for shift, cfg in EXTRA.get(name, [])]
    for name, shift, cfg in runs:
        t0 = time.time()
        label = name + ("" if shift is None else " at nominal " + ", ".join(
            "%s %+g" % kv for kv in shift.items()))
        c = cfg or SPECIAL.get(name, DEFAULT)
        try:
            worst, where, n, m = check_problem(name, shift, cfg)
            ok = worst <= 1.0
            detail = "worst |J - FD| / tolerance %.3g (%s), %s differences, " \
                     "REL %g, %d parameters x %d measurements, %.1f s" % (
                         worst, where,
                         "central" if c["side"] == 0 else "one-sided",
                         c["rel"], n, m, time.time() - t0)
        except muskx.MuskxError as e:
            ok, detail = False, "error: %s" % e
        print("%s %s: %s" % ("ok  " if ok else "FAIL", label, detail))
        sys.stdout.flush()
        passed += ok
        failed += not ok
    if len(names) != 8:
        print("FAIL expected the 8 benchmark problems, found %d" % len(names))
        failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
