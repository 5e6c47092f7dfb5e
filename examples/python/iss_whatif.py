#!/usr/bin/env python3
"""iss_whatif.py -- a six-month ISS mission with and without exercise.

Model: models/crosstalk/spaceflight.yaml (muscle-bone crosstalk under
unloading; time in days). Protocol, as in models/README.md:

    loading = 0 (micro-g) for days 0-180, then 1 (Earth) to day 545,

given as a step input table: inputs={"loading": ([0, 180], [0, 1])}.
Arms:
    no countermeasure      loading only
    exercise               in flight (days 0-180) the ISS prescription,
                           resistive (ARED-type) and aerobic exercise
                           6 sessions a week at full intensity: the daily
                           doses (intensity x sessions a day, as a
                           scenario sets them, muskx-scenario(5))
                           exercise_resistive = exercise_aerobic = 6/7,
                           back to 0 after landing

Prints the change in weight-bearing-site BMD, whole-body BMD and muscle
mass at landing (day 180) and after a year of recovery (day 545), and
plots the time courses when matplotlib is installed.

Run from the repository root, after `make`:

    PYTHONPATH=bindings/python /usr/bin/python3 examples/python/iss_whatif.py
    ... examples/python/iss_whatif.py -o whatif.png     # plot file name
"""

import argparse
import os
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "bindings", "python"))  # in-tree use

import muskx  # noqa: E402

LANDING = 180.0      # days in micro-g
END = 545.0          # landing + 365 days of recovery
FLIGHT = ([0.0, LANDING], [0.0, 1.0])        # loading: 0 in flight, 1 after
ISS_DOSE = 6.0 / 7.0  # 6 sessions a week at intensity 1 (scenarios/iss_exercise.yaml)
IN_FLIGHT = ([0.0, LANDING], [ISS_DOSE, 0.0])  # a countermeasure during flight

ARMS = {
    "no countermeasure": {"loading": FLIGHT},
    "exercise": {"loading": FLIGHT,
                 "exercise_resistive": IN_FLIGHT,
                 "exercise_aerobic": IN_FLIGHT},
}
COLUMNS = [("BMD_wb_pct", "weight-bearing BMD"),
           ("BMD_wholebody_pct", "whole-body BMD"),
           ("muscle_pct", "muscle mass")]


def at(result, column, t):
    """The value of a column at output time t (the row nearest to t)."""
    times = list(result.time)
    i = min(range(len(times)), key=lambda j: abs(times[j] - t))
    return float(result[column][i])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=os.path.join(
        REPO, "models", "crosstalk", "spaceflight.yaml"))
    ap.add_argument("-o", "--output", default="iss_whatif.png",
                    help="plot file (default: %(default)s)")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args()

    # the model imports its modules from sibling folders (../drugs):
    # allow the whole models/ folder (muskx(3), File access)
    with muskx.load(args.model,
                    allow_path=os.path.join(REPO, "models")) as model:
        # One Model, shared: each arm runs in its own thread.
        with ThreadPoolExecutor(max_workers=len(ARMS)) as pool:
            futures = {arm: pool.submit(model.simulate, t_end=END, dt=1.0,
                                        inputs=inputs)
                       for arm, inputs in ARMS.items()}
            results = {arm: f.result() for arm, f in futures.items()}

    names = list(ARMS)
    print("ISS what-if: %g days at loading 0, then %g days at loading 1\n"
          % (LANDING, END - LANDING))
    print("%-22s  %-38s  %-38s" % ("", "at landing (day %g)" % LANDING,
                                   "after recovery (day %g)" % END))
    print("%-22s  %s  %s" % ("change from preflight",
                             "".join("%-19s" % a[:18] for a in names),
                             "".join("%-19s" % a[:18] for a in names)))
    for col, label in COLUMNS:
        print("%-22s  %s  %s" % (
            label,
            "".join("%-19s" % ("%+.1f %%" % at(results[a], col, LANDING))
                    for a in names),
            "".join("%-19s" % ("%+.1f %%" % at(results[a], col, END))
                    for a in names)))

    if args.no_plot:
        return 0
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\n(no plot: matplotlib is not installed; on Debian: "
              "apt-get install python3-matplotlib, or pip install "
              "matplotlib)")
        return 0
    fig, axes = plt.subplots(1, len(COLUMNS), figsize=(5 * len(COLUMNS), 4),
                             sharex=True)
    for ax, (col, label) in zip(axes, COLUMNS):
        for arm, r in results.items():
            ax.plot(list(r.time), list(r[col]), label=arm)
        ax.axvline(LANDING, color="grey", linestyle=":", linewidth=1)
        ax.axhline(0, color="black", linewidth=0.5)
        ax.set_title(label)
        ax.set_xlabel("day")
        ax.set_ylabel("% change from preflight")
    axes[0].legend()
    fig.suptitle("%g days in micro-g, then %g on Earth"
                 % (LANDING, END - LANDING))
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)
    print("\nplot written to %s" % args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
