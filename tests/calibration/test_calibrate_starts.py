#!/usr/bin/env python3
"""test_calibrate_starts.py -- the copy of a PEtab problem that `make
calibrate`'s drawn starts are fitted on (calibrate.problem_at) is the
problem at the drawn point, and nothing else:

  - at the shipped values the copy (in a folder elsewhere, its wrapper
    model's relative import made absolute) gives exactly the llh of the
    shipped problem (`muskx petab`, both at their nominal values);
  - at a point with two parameters moved (kappa_R x 1.1 and g_ocp x 0.9,
    one on each side) its llh differs from the shipped one and equals the
    llh of the shipped problem evaluated at that point through the Python
    bindings (Problem.llh(theta) on the parameters' scales): an
    independent path to the same number;
  - the estimated parameters' nominal values in the copy's parameters.tsv
    are the point's, bit for bit (repr round trip);
  - options a run cannot honour are refused (exit 2), and a drawn start's
    fit is stopped after --start-timeout minutes, its CPU time counted.

Python 3 standard library and the muskx Python bindings; about 17 s of CPU
(four evaluations of the 79-row problem).
"""
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import muskx_cli as mc  # noqa: E402
import calibrate  # noqa: E402

PROBLEM = os.path.join(mc.ROOT, "models", "calibration", "spaceflight", "problem.yml")


def llh_of(problem):
    out, _ = mc.run(["petab", problem])
    m = re.search(r"^llh = (\S+)$", out, re.M)
    if m is None:
        raise RuntimeError("muskx petab %s: no llh line in %r" % (problem, out))
    return float(m.group(1))


def main():
    tmp = tempfile.mkdtemp(prefix="muskx-calstarts-")
    try:
        est = calibrate.estimated(PROBLEM)
        base = llh_of(PROBLEM)
        copy = calibrate.problem_at(PROBLEM, est, os.path.join(tmp, "at_shipped"))
        got = llh_of(copy)
        mc.check("copy at the shipped values: the shipped llh", got == base,
                 "llh %r vs %r" % (got, base))

        moved = dict(est)
        moved["kappa_R"] *= 1.1
        moved["g_ocp"] *= 0.9
        copy = calibrate.problem_at(PROBLEM, moved, os.path.join(tmp, "moved"))
        tsv = calibrate.parse_parameters(os.path.join(os.path.dirname(copy), "parameters.tsv"))
        mc.check("copy's nominal values are the point's", all(tsv[k] == v for k, v in moved.items()),
                 "kappa_R %r vs %r, g_ocp %r vs %r" % (tsv["kappa_R"], moved["kappa_R"],
                                                       tsv["g_ocp"], moved["g_ocp"]))
        got = llh_of(copy)
        p = calibrate.open_problem(PROBLEM)
        try:
            theta = [calibrate.to_scale(moved[i], s) for i, s in zip(p.parameter_ids, p.scales)]
            ref = p.llh(theta)
        finally:
            p.close()
        mc.check("copy at a moved point: the bindings' llh there, not the shipped one",
                 abs(got - ref) <= 1e-6 * abs(ref) and abs(got - base) > 1e-3,
                 "llh %r, bindings %r, shipped %r" % (got, ref, base))
        mc.check("llh finite", math.isfinite(got) and math.isfinite(base), "%r %r" % (got, base))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # drawn-start options a run cannot honour are refused before any fit
    # (argparse's exit 2 and the option named), not run as something else
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "calibrate.py")
    for opt, val in (("--drawn-starts", "-1"), ("--start-sd", "0"), ("--start-sd", "nan"),
                     ("--draw-tries", "0"), ("--start-timeout", "-1"), ("--start-timeout", "nan")):
        r = subprocess.run([sys.executable, script, opt, val, PROBLEM], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
        mc.check("%s %s refused" % (opt, val), r.returncode == 2 and opt in r.stderr,
                 "exit %d: %s" % (r.returncode, r.stderr.strip()[-200:]))
    # a drawn start's fit is stopped after --start-timeout minutes
    # (run_limited): a child that would run 30 s is stopped after 1.2 s,
    # and its CPU time is counted (a busy loop, against the wall clock);
    # one that ends in time is not stopped and its output is kept
    busy = [sys.executable, "-c", "import time\nt=time.time()\nwhile time.time()-t<30: pass"]
    r, wall, cpu = calibrate.run_limited(busy, 0.02)
    mc.check("a fit over --start-timeout is stopped", r is None and 1.0 <= wall < 10,
             "result %r after %.2f s wall" % (r, wall))
    mc.check("its CPU time is counted", 0.05 < cpu <= wall + 0.5, "cpu %.2f s, wall %.2f s" % (cpu, wall))
    r, wall, _ = calibrate.run_limited([sys.executable, "-c", "print('done')"], 0.5)
    mc.check("a fit within --start-timeout runs to its end",
             r is not None and r.returncode == 0 and r.stdout.strip() == "done" and wall < 30,
             "result %r after %.2f s" % (r, wall))
    r, _, _ = calibrate.run_limited([sys.executable, "-c", "print('done')"], 0)
    mc.check("--start-timeout 0: no limit", r is not None and r.stdout.strip() == "done", "%r" % (r,))
    return mc.finish()


if __name__ == "__main__":
    mc.run_main(main)
