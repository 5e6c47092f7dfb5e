#!/usr/bin/python3
"""multistart_report.py -- `make fit-report` (issue 15: "report the same for
the other benchmark problems"): a 20-start `muskx fit` of each PEtab
benchmark problem in ../shared/petab-benchmarks, and a look at why starts
drawn over the whole box fail to simulate. Minutes of CPU: not in
`make check`.

    multistart_report.py [--starts N] [--seed S] [--max-steps N]
                         [--points N] [--problems A,B,...] [--no-fit]
                         [--no-probe] [--out FILE] [--fit-dir DIR]
                         [--fit-args "ARGS"]

--fit-args passes more options to every `muskx fit` (e.g. "--method lm
--joint-sigma", to compare local methods on the same starts).

Fit (one thread, rtol = atol = 1e-8, the given step budget per output
interval, default 10000 as `muskx fit`): per problem the starts ending
within 0.1 of the reference llh of the benchmarks' README (AMICI at the
published parameters), the best llh, the starts that failed (exit
`failed`: the simulation failed at every redraw of the start, or later
for good), the exits, and the CPU (getrusage of the child) and wall time.

Probe (--points, default 100, uniform on the parameters' scales over the
box of parameters.tsv, numpy seed 1): evaluates the llh at rtol = atol =
1e-8 with the fit's step budget; each point that fails is evaluated again
with 100x the step budget, then also at rtol = atol = 1e-6, to separate a
step budget or tolerance problem from a point that cannot be simulated;
the failures are counted by CVODE's reason (message of the error).

Writes a Markdown report (default: stdout) with both tables; the
measured tables in docs/fitting.md come from it. Prints the load average
at the start and the end: the machine may be shared.
"""
import collections
import csv
import ctypes
import math
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
MUSKX = os.environ.get("MUSKX", os.path.join(ROOT, "build", "muskx"))
BENCH = os.path.abspath(os.environ.get(
    "PETAB_BENCH", os.path.join(ROOT, "..", "shared", "petab-benchmarks")))


def arg(argv, name, default):
    return argv[argv.index(name) + 1] if name in argv else default


def references():
    """problem -> reference llh, from the README's table."""
    refs = {}
    with open(os.path.join(BENCH, "README.md")) as f:
        for line in f:
            m = re.match(r"\| (\w+) \| (-?[0-9.]+) \|", line)
            if m:
                refs[m.group(1)] = float(m.group(2))
    return refs


FIT_ARGS = []


def fit(name, starts, seed, max_steps, ref, fit_dir):
    problem = os.path.join(BENCH, name, name + ".yaml")
    if fit_dir:
        out = os.path.join(fit_dir, name)
        os.makedirs(out, exist_ok=True)
        return fit_in(problem, name, starts, seed, max_steps, ref, out)
    with tempfile.TemporaryDirectory(prefix="muskx-fitreport-") as out:
        return fit_in(problem, name, starts, seed, max_steps, ref, out)


def fit_in(problem, name, starts, seed, max_steps, ref, out):
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    p = subprocess.run([MUSKX, "fit", problem, "--starts", str(starts),
                        "--seed", str(seed), "--threads", "1",
                        "--max-steps", str(max_steps), "-o", out] + FIT_ARGS,
                       capture_output=True, text=True)
    wall = time.time() - t0
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = c1.ru_utime - c0.ru_utime + c1.ru_stime - c0.ru_stime
    row = {"problem": name, "ref": ref, "cpu": cpu, "wall": wall,
           "starts": starts}
    if p.returncode != 0:
        row["error"] = (p.stderr.strip().splitlines() or ["?"])[-1]
        return row
    with open(os.path.join(out, "starts.tsv")) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    llh = [-float(r["nllh"]) for r in rows]
    ok = [v for v in llh if math.isfinite(v)]
    row.update(
        hits=sum(abs(v - ref) <= 0.1 for v in ok),
        above=sum(v > ref + 0.1 for v in ok),
        best=max(ok) if ok else float("nan"),
        failed=sum(r["exit"] == "failed" or not math.isfinite(float(r["nllh"]))
                   for r in rows),
        exits=collections.Counter(r["exit"] for r in rows),
        iters=sum(int(r["iterations"]) for r in rows))
    return row


def reason(msg):
    """A short class of a simulation error message."""
    for key, what in (("not finite", "non-finite rate or state (overflow)"),
                      ("Newton iteration", "Newton failures (CV_CONV_FAILURE)"),
                      ("error test failed", "error-test failures "
                       "(CV_ERR_FAILURE)"),
                      ("step budget", "step budget spent (CV_TOO_MUCH_WORK)"),
                      ("no steady state", "no steady state found"),
                      ("could not advance", "could not advance (CV_TOO_CLOSE)")):
        if key in msg:
            return what
    return msg[:80]


def probe(name, points, max_steps):
    import numpy as np
    import muskx
    from muskx._lib import lib
    from muskx.model import _ptr
    pb = muskx.Problem.from_petab(os.path.join(BENCH, name, name + ".yaml"),
                                  allow_path=BENCH)

    def llh(th, steps, tol):
        th = np.ascontiguousarray(th, dtype=float)
        v = ctypes.c_double()
        # Problem.evaluate has no step budget: the same call with one
        try:
            pb._call(tol, tol, lambda p, s: lib.muskx_sim_set_max_steps(
                s, int(steps)) or lib.muskx_petab_llh(
                    p, s, _ptr(th), ctypes.byref(v), None))
            return None
        except muskx.MuskxError as e:
            return str(e)
    lo, hi = np.array(pb.lower), np.array(pb.upper)
    rng = np.random.default_rng(1)
    fail, fail_more, fail_loose = 0, 0, 0
    why = collections.Counter()
    c0 = time.process_time()
    for _ in range(points):
        th = lo + (hi - lo) * rng.random(len(lo))
        e = llh(th, max_steps, 1e-8)
        if e is None:
            continue
        fail += 1
        e2 = llh(th, 100 * max_steps, 1e-8)
        if e2 is None:
            continue
        fail_more += 1
        why[reason(e2)] += 1
        if llh(th, 100 * max_steps, 1e-6) is not None:
            fail_loose += 1
    return {"problem": name, "points": points, "fail": fail,
            "fail_more": fail_more, "fail_loose": fail_loose, "why": why,
            "cpu": time.process_time() - c0}


def main(argv):
    starts = int(arg(argv, "--starts", "20"))
    seed = int(arg(argv, "--seed", "1"))
    max_steps = int(arg(argv, "--max-steps", "10000"))
    points = int(arg(argv, "--points", "100"))
    FIT_ARGS[:] = arg(argv, "--fit-args", "").split()
    refs = references()
    names = arg(argv, "--problems", ",".join(sorted(refs))).split(",")
    load0 = os.getloadavg()
    L = ["# Multi-start fits of the PEtab benchmark problems", "",
         "Written by `tests/petab/multistart_report.py` (`make fit-report`).",
         "Load average at the start %.2f %.2f %.2f (2 cores)."
         % load0, ""]
    if "--no-fit" not in argv:
        L += ["## `muskx fit --starts %d --seed %d --threads 1 --max-steps %d%s`"
              % (starts, seed, max_steps,
                 "".join(" " + a for a in FIT_ARGS)), "",
              "rtol = atol = 1e-8. Reached: within 0.1 of the reference llh; "
              "above: more than 0.1 above it; failed: starts without a result.",
              "",
              "| problem | reference llh | reached | above | best llh | "
              "failed | exits | iterations | CPU | wall |",
              "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|"]
        for n in names:
            r = fit(n, starts, seed, max_steps, refs[n],
                    arg(argv, "--fit-dir", None))
            if "error" in r:
                L.append("| %s | %.4f | error: %s | | | | | | %.1f s | %.1f s |"
                         % (n, r["ref"], r["error"], r["cpu"], r["wall"]))
            else:
                ex = ", ".join("%s %d" % kv for kv in sorted(r["exits"].items()))
                L.append("| %s | %.4f | %d / %d | %d | %.4f | %d | %s | %d | "
                         "%.1f s | %.1f s |" % (
                             n, r["ref"], r["hits"], r["starts"], r["above"],
                             r["best"], r["failed"], ex, r["iters"], r["cpu"],
                             r["wall"]))
            print(L[-1], file=sys.stderr, flush=True)
    if "--no-probe" not in argv and points > 0:
        L += ["", "## Can points drawn over the whole box be simulated?", "",
              "%d points uniform on the parameters' scales (numpy seed 1), "
              "llh at rtol = atol = 1e-8 with %d steps per output interval; "
              "the failures again with %d steps, then also at rtol = atol = "
              "1e-6. Reasons: CVODE's, for the points failing with 100x steps." % (
                  points, max_steps, 100 * max_steps), "",
              "| problem | fail | still with 100x steps | still at 1e-6 too | "
              "reasons | CPU |", "|---|---:|---:|---:|---|---:|"]
        for n in names:
            r = probe(n, points, max_steps)
            why = "; ".join("%s %d" % kv for kv in r["why"].most_common())
            L.append("| %s | %d / %d | %d | %d | %s | %.1f s |" % (
                n, r["fail"], r["points"], r["fail_more"], r["fail_loose"],
                why or "-", r["cpu"]))
            print(L[-1], file=sys.stderr, flush=True)
    L += ["", "Load average at the end %.2f %.2f %.2f." % os.getloadavg()]
    text = "\n".join(L) + "\n"
    out = arg(argv, "--out", None)
    if out:
        with open(out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
