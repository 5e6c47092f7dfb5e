#!/usr/bin/python3
"""bench_scipy.py -- times scipy.integrate.solve_ivp (LSODA and BDF) on the
problems of `make bench` (issue 8), at the tolerances and output times that
bench/bench_suite.c and bench/bench_robertson.c give libmuskx and the
hand-written CVODE code. The right-hand sides are generated from the same
YAML files by bench/yaml2rhs.py, so the parameters are the same numbers.

    /usr/bin/python3 bench/bench_scipy.py OUTDIR [--quick]

Writes OUTDIR/scipy_timings.tsv (problem, tool, median_s, reps) and
OUTDIR/scipy_finals.tsv (problem, tool, the state at the last output time,
comma-separated, species in file order) for bench/report.py.

Times are CPU times of the process (time.process_time), as in the C
benchmarks, so that other jobs on a shared machine do not inflate them.
As a user would call it: no Jacobian given (scipy estimates it by finite
differences), t_eval for the outputs (dense output, like CVODE's CV_NORMAL).
The integration restarts at the model's STOPS (bench/yaml2rhs.py), where
libmuskx restarts CVODE; the crosstalk model's zero drug doses change
nothing, and neither libmuskx nor these scripts restart there.
"""
import importlib.util
import os
import statistics
import subprocess
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Keep in step with bench/bench_suite.c and bench/bench_robertson.c.
PROBLEMS = [
    # name, model, inputs, times, rtol, atol
    ("robertson", "tests/models/robertson.yaml", {},
     [0.0] + [0.4 * 10.0 ** k for k in range(12)], 1e-4, [1e-8, 1e-14, 1e-6]),
    ("pollu", "bench/models/pollu.yaml", {},
     [float(i) for i in range(61)], 1e-6, 1e-10),
    ("crosstalk", "bench/models/crosstalk_flat.yaml", {"loading": 0.0},
     [float(i) for i in range(181)], 1e-6, 1e-9),
]


def load(name, model, inputs, outdir):
    src = os.path.join(outdir, f"gen_{name}.py")
    cmd = [sys.executable, os.path.join(HERE, "yaml2rhs.py"),
           os.path.join(ROOT, model), "python"]
    for k, v in inputs.items():
        cmd += ["--input", f"{k}={v!r}"]
    with open(src, "w") as f:
        subprocess.run(cmd, check=True, stdout=f)
    spec = importlib.util.spec_from_file_location(f"gen_{name}", src)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def solve(mod, method, times, rtol, atol):
    """Integrates over times, restarting at the model's stops."""
    t_end = times[-1]
    cuts = [s for s in mod.STOPS if times[0] < s < t_end]
    edges = [times[0]] + cuts + [t_end]
    y = np.array(mod.Y0, dtype=float)
    finals = None
    for a, b in zip(edges[:-1], edges[1:]):
        sel = [t for t in times if a <= t <= b]
        sol = solve_ivp(mod.rhs, (a, b), y, method=method, t_eval=sel,
                        rtol=rtol, atol=atol)
        if not sol.success:
            raise RuntimeError(f"{method}: {sol.message}")
        y = sol.y[:, -1]
        finals = y
    return finals


def bench(mod, method, times, rtol, atol, budget, max_reps):
    solve(mod, method, times, rtol, atol)  # warm-up (imports, caches)
    reps, spent = [], 0.0
    while len(reps) < 3 or (spent < budget and len(reps) < max_reps):
        t0 = time.process_time()
        y = solve(mod, method, times, rtol, atol)
        dt = time.process_time() - t0
        reps.append(dt)
        spent += dt
    return statistics.median(reps), len(reps), y


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.split("\n\n")[1])
    outdir = sys.argv[1]
    quick = "--quick" in sys.argv[2:]
    budget, max_reps = (1.0, 5) if quick else (4.0, 21)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "scipy_timings.tsv"), "w") as ft, \
            open(os.path.join(outdir, "scipy_finals.tsv"), "w") as ff:
        for name, model, inputs, times, rtol, atol in PROBLEMS:
            mod = load(name, model, inputs, outdir)
            for method in ("LSODA", "BDF"):
                tool = f"scipy_{method.lower()}"
                try:
                    med, n, y = bench(mod, method, times, rtol, atol, budget,
                                      max_reps)
                except RuntimeError as e:
                    print(f"bench_scipy: {name}: {e}", file=sys.stderr)
                    continue
                print(f"{name:10s} {tool:12s} {med:12.6f} s  (median of {n})")
                ft.write(f"{name}\t{tool}\t{med:.6g}\t{n}\n")
                ff.write(f"{name}\t{tool}\t" +
                         ",".join(repr(float(v)) for v in y) + "\n")
                ft.flush()
                ff.flush()


if __name__ == "__main__":
    main()
