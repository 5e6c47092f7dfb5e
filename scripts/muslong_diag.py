#!/usr/bin/env python3
"""muslong_diag.py -- the muscle course over long unloading (issue 17,
session 20, muslong): muscle_pct, thigh, calf, synthesis and breakdown on a
180-day flight without countermeasure (loading 0) and in one 120-day strict
bed rest (then 30 d ambulatory), printed at chosen days (the bed rest's days
include 56/60, 84/90 and 120: a 60- or 90-day bed rest is read part-way
through the 120-day run, not run on its own).

    python3 scripts/muslong_diag.py [--muskx build/muskx] [--models models] [--set NAME=VALUE]
"""
import tempfile

from diag_common import parse_args, run_daily, scenario_text

OUTS = ["muscle_pct", "muscle_thigh_pct", "muscle_calf_pct", "synthesis_pct", "muscle.breakdown_pct", "muscle.disuse_muscle"]


RUNS = [
    ("flight180", ["{name: flight, duration: 180 d, inputs: {loading: 0}}",
                   "{name: recovery, duration: 90 d, inputs: {loading: 1}}"],
     [7, 17, 30, 60, 90, 120, 150, 180, 210, 240]),
    ("bedrest120", ["{name: bedrest, duration: 120 d, inputs: {loading: 1, bedrest: 1}}",
                    "{name: recovery, duration: 30 d, inputs: {loading: 1}}"],
     [7, 14, 20, 23, 56, 60, 84, 90, 120]),
]


def main():
    a = parse_args(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        for name, phases, days in RUNS:
            rows = run_daily(a.muskx, a.models, tmp, name, scenario_text(name, name + " (muslong_diag)", a.models, phases, OUTS), a.set,
                             "muslong_diag")
            print(name + (" (--set %s)" % " ".join(a.set) if a.set else ""))
            print("  day  " + "  ".join("%16s" % o for o in OUTS))
            for d in days:
                print("  %3d  " % d + "  ".join("%16.2f" % rows[d][o] for o in OUTS))
            if name == "flight180":
                m = {d: rows[d]["muscle_pct"] for d in (120, 180)}
                print("  plateau ratio (180-120)/(180-0) = %.3f (V-mus-plateau needs < 0.2)"
                      % ((m[180] - m[120]) / m[180]))


if __name__ == "__main__":
    main()
