#!/usr/bin/env python3
"""assumed_arms.py -- how much the what-ifs depend on the crosstalk arms
whose magnitude no study gives (labelled "assumed" in models/myokines/*.yaml
and models/muscle/muscle_mass.yaml).

Each arm is switched off (its gain set to 0) in turn and the 6-month
weight-bearing BMD and muscle changes are printed for the flight arm with
no countermeasure and the exercise arm (resistive + aerobic 1), next to the
shipped model. The last columns show what matters for a countermeasure
decision: the exercise benefit (exercise minus no countermeasure) and how
far switching the arm off moves it. A report, not a test; nothing is fitted.

Usage: python3 tests/calibration/assumed_arms.py [--muskx build/muskx]
Python 3 standard library only.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_spaceflight as T  # noqa: E402  (its simulate() writes the input tables)

# arm -> the gains that carry it (all "assumed" in the model files)
ARMS = [
    ("myostatin -> muscle synthesis", {"muscle.e_mstn_m": 0}),
    ("myostatin -> osteoblasts/osteoclasts", {"mstn.e_mstn_ob": 0, "mstn.e_mstn_oc": 0}),
    ("IGF-1 -> muscle synthesis", {"muscle.e_igf_m": 0}),
    ("IGF-1 -> osteoblasts", {"e_igf_ob": 0}),
    ("irisin -> Wnt and osteoclasts", {"e_ir_wnt": 0, "fndc5.e_ir_oc": 0}),
    ("IL-6 -> RANKL", {"il6.e_il6": 0}),
    ("IL-7 -> osteoclasts/formation", {"il7.E_oc": 0, "il7.E_ob": 0}),
    ("SOST -> muscle breakdown", {"muscle.e_sost_m": 0}),
    ("muscle set point (g_syn_M)", {"muscle.g_syn_M": 0}),
]


def six_months(muskx, over):
    flight = {"loading": ([0, 180], [0, 1])}
    # the ISS prescription's doses 6/7 (issue 17, session 25 dose25)
    ex = dict(flight, exercise_resistive=([0, 180], [T.ISS_DOSE, 0]),
              exercise_aerobic=([0, 180], [T.ISS_DOSE, 0]))
    F = T.simulate(muskx, flight, over, t_end=181)
    E = T.simulate(muskx, ex, over, t_end=181)
    return [T.at(F, "BMD_wb_pct", 180), T.at(E, "BMD_wb_pct", 180),
            T.at(F, "muscle_pct", 180), T.at(E, "muscle_pct", 180)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--muskx", default=os.path.join(T.ROOT, "build", "muskx"))
    a = ap.parse_args()
    base = six_months(a.muskx, {})
    head = ("arm switched off", "BMD none", "BMD ex", "mus none", "mus ex", "ex benefit BMD", "shift")
    print("%-38s %9s %9s %9s %9s %15s %8s" % head)

    def row(name, v):
        gain = v[1] - v[0]
        print("%-38s %9.2f %9.2f %9.2f %9.2f %15.2f %+8.2f" % (
            name, v[0], v[1], v[2], v[3], gain, gain - (base[1] - base[0])))
    row("(shipped model)", base)
    for name, over in ARMS:
        row(name, six_months(a.muskx, over))
    print("values: % change at day 180; 'shift' = change of the exercise BMD benefit vs the shipped model")
    return 0


if __name__ == "__main__":
    sys.exit(main())
