#!/usr/bin/env python3
"""check_boehm.py -- `make check-fit` (issue 15): a 20-start `muskx fit` of
../shared/petab-benchmarks/Boehm_JProteomeRes2014 (seed 1, 2 threads,
rtol = atol = 1e-8). Reference: llh -138.22199693517703 at the published
optimum (AMICI; the benchmarks' README). Passes when the best start is
within 0.1 of it and prints how many of the 20 starts are; the issue asks
for at least 5 (MIN_REACHED, override with the environment): 7 of 20
on seed 1 with muskx fit's defaults (the hybrid of trust-region dogleg
and projected LM, noise parameters in closed form, one restart per
start, the Gauss-Newton gain stop), 84 of 240 over seeds 1-12, 5 or
more on every one of the 12 seeds; 1 of 20 and 49 of 240 before the
restarts (docs/fitting.md, "Restarts"). The starts search at
--search-tolerance 1e-6 and report at 1e-8 (docs/fitting.md, "Search
accuracy"): every start's nllh must be the problem's at its reported
parameters evaluated at rtol = atol = 1e-8 through the Python bindings
(a fresh simulation), within 1e-5 (a run with sensitivities takes other
steps than one without: 8e-7 apart at 1e-8); at 1e-6 they are up to 4e-4
apart. About
2 s of CPU, but Boehm's simulations are not make check material. Prints
"N passed, N failed".
"""
import csv
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))), "bindings", "python"))

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MUSKX = os.environ.get("MUSKX", os.path.join(ROOT, "build", "muskx"))
BENCH = os.environ.get("PETAB_BENCH",
                       os.path.join(ROOT, "..", "shared", "petab-benchmarks"))
REF = -138.22199693517703
MIN_REACHED = int(os.environ.get("MIN_REACHED", "5"))


def main():
    problem = os.path.join(BENCH, "Boehm_JProteomeRes2014",
                           "Boehm_JProteomeRes2014.yaml")
    if not os.path.exists(problem):
        print("check_boehm: %s missing" % problem)
        print("0 passed, 1 failed")
        return 1
    out = tempfile.mkdtemp(prefix="muskx-boehm-")
    t0 = time.time()
    p = subprocess.run([MUSKX, "fit", problem, "--starts", "20", "--seed", "1",
                        "--threads", "2", "-o", out],
                       capture_output=True, text=True)
    wall = time.time() - t0
    if p.returncode != 0:
        print(p.stderr)
        print("0 passed, 1 failed")
        return 1
    with open(os.path.join(out, "starts.tsv")) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    llh = [-float(r["nllh"]) for r in rows]
    import muskx
    pb = muskx.Problem.from_petab(problem)
    worst = max(abs(pb.evaluate([float(r[i]) for i in pb.parameter_ids],
                                1e-8, 1e-8)["llh"] - v)
                for r, v in zip(rows, llh))
    reached = sum(abs(v - REF) <= 0.1 for v in llh)
    best = max(llh)
    print("Boehm: best llh %.6f (reference %.6f), %d of 20 starts within 0.1,"
          " %.0f s wall" % (best, REF, reached, wall))
    print("largest difference of a start's llh from its evaluation at "
          "1e-8: %.3g" % worst)
    ok = [abs(best - REF) <= 0.1, reached >= MIN_REACHED, worst <= 1e-5]
    for name, good in zip(("best start reaches the reference",
                           "at least %d starts reach it" % MIN_REACHED,
                           "every start's llh is at the full accuracy"), ok):
        if not good:
            print("FAIL " + name)
    print("%d passed, %d failed" % (sum(ok), len(ok) - sum(ok)))
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
