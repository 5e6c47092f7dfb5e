#!/usr/bin/env python3
"""bench_fit_scipy.py -- `make bench` (issue 15): a multi-start fit of the
Boehm_JProteomeRes2014 PEtab problem by `muskx fit` (exact Jacobian from
forward sensitivities, projected Levenberg-Marquardt) against
scipy.optimize.least_squares (trf, bounds, 2-point finite differences)
driving the Python bindings (muskx.Problem.evaluate), from the same
starts (read from muskx fit's starts.tsv), the same residuals (normalised
residuals plus sqrt(2 log sigma + K) per measurement) and the same
tolerances of the simulations (1e-8). One thread each, one tool after
the other.

  /usr/bin/python3 bench/bench_fit_scipy.py OUTDIR [--starts N] [--quick]

Prints per tool: CPU time (muskx: the child process's getrusage; scipy:
this process's, both single-threaded, so other jobs on a shared machine
do not inflate them), wall time, best llh, starts within 0.1 of the
reference llh ("converged"), CPU seconds per converged start, and the
ratios scipy / muskx; the load average before and after says whether the
machine was busy. Writes OUTDIR/fit_scipy.tsv.
"""
import csv
import math
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
MUSKX = os.path.join(ROOT, "build", "muskx")
PROBLEM = os.path.join(ROOT, "..", "shared", "petab-benchmarks",
                       "Boehm_JProteomeRes2014", "Boehm_JProteomeRes2014.yaml")
REF = -138.22199693517703


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    starts = 20
    if "--starts" in sys.argv:
        starts = int(sys.argv[sys.argv.index("--starts") + 1])
    if "--quick" in sys.argv:
        starts = min(starts, 4)
    try:
        import numpy as np
        from scipy.optimize import least_squares
        import muskx
    except ImportError as e:
        print("bench_fit_scipy: skipped (%s)" % e)
        return 0
    fitdir = os.path.join(out, "fit-boehm")
    load0 = os.getloadavg()[0]
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    p = subprocess.run([MUSKX, "fit", PROBLEM, "--starts", str(starts),
                        "--seed", "1", "--threads", "1", "-o", fitdir],
                       capture_output=True, text=True)
    t_muskx = time.time() - t0
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_muskx = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    if p.returncode != 0:
        print(p.stderr)
        return 1
    with open(os.path.join(fitdir, "starts.tsv")) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    pb = muskx.Problem.from_petab(PROBLEM)
    ids = pb.parameter_ids
    x0s = [[float(r["start_" + i]) for i in ids] for r in rows]
    llh_muskx = [-float(r["nllh"]) for r in rows]
    lo, hi = pb.lower, pb.upper
    nominal = pb.evaluate()
    sig0 = min(nominal["sigma"])
    K = max(1.0, 2 * math.log(1e6) - 2 * math.log(sig0))
    m = len(nominal["residual"])
    const = -nominal["llh"] - 0.5 * sum(
        r * r + 2 * math.log(s) + K
        for r, s in zip(nominal["residual"], nominal["sigma"]))

    def fun(theta):
        try:
            e = pb.evaluate(list(theta))
        except muskx.MuskxError:
            return np.full(2 * m, 1e10)
        r = list(e["residual"])
        q = [math.sqrt(max(2 * math.log(s) + K, 0.0)) if s > 0 else 1e10
             for s in e["sigma"]]
        v = np.array(r + q)
        return np.where(np.isfinite(v), v, 1e10)

    t0, cpu0 = time.time(), time.process_time()
    llh_scipy = []
    for x0 in x0s:
        x0 = np.clip(x0, np.array(lo) + 1e-10, np.array(hi) - 1e-10)
        res = least_squares(fun, x0, bounds=(lo, hi), method="trf",
                            jac="2-point", xtol=1e-8, gtol=1e-8,
                            max_nfev=2000)
        llh_scipy.append(-(0.5 * float(res.fun @ res.fun) + const))
    t_scipy = time.time() - t0
    cpu_scipy = time.process_time() - cpu0
    load1 = os.getloadavg()[0]
    ok = lambda v: sum(abs(x - REF) <= 0.1 for x in v)
    lines = [("muskx fit (exact Jacobian)", cpu_muskx, t_muskx,
              max(llh_muskx), ok(llh_muskx)),
             ("scipy least_squares (2-point FD)", cpu_scipy, t_scipy,
              max(llh_scipy), ok(llh_scipy))]
    print("Boehm_JProteomeRes2014, %d starts, same starts, 1 thread each; "
          "load average %.2f before, %.2f after (2 = both cores busy)"
          % (starts, load0, load1))
    with open(os.path.join(out, "fit_scipy.tsv"), "w") as f:
        f.write("tool\tcpu_s\twall_s\tbest_llh\tconverged\tstarts\t"
                "cpu_s_per_converged\tload_before\tload_after\n")
        for name, cpu, wall, best, n in lines:
            per = cpu / n if n else float("inf")
            print("  %-34s CPU %7.1f s  wall %7.1f s  best llh %.5f  "
                  "%2d/%d within 0.1 of %.5f  CPU per converged start %s"
                  % (name, cpu, wall, best, n, starts, REF,
                     "%.1f s" % per if n else "- (none)"))
            f.write("%s\t%.3f\t%.3f\t%.10g\t%d\t%d\t%.4g\t%.2f\t%.2f\n"
                    % (name, cpu, wall, best, n, starts, per, load0, load1))
    print("  ratio scipy / muskx: CPU %.2f, wall %.2f"
          % (cpu_scipy / cpu_muskx, t_scipy / t_muskx), end="")
    nm, ns = ok(llh_muskx), ok(llh_scipy)
    if nm and ns:
        print(", CPU per converged start %.2f"
              % ((cpu_scipy / ns) / (cpu_muskx / nm)))
    else:
        print(", CPU per converged start: n/a (a tool reached the optimum "
              "from no start)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
