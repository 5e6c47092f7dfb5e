#!/usr/bin/python3
"""ctxrise_diag.py -- what the serum resorption marker is made of in flight
and in strict bed rest, compartment by compartment (issue 17, session 21,
ctxrise; models/calibration/README.md, "Issue 17, session 21, ctxrise").

Runs 180 days of flight (loading 0, the fitting condition `flight`) and of
strict bed rest (loading 1, bedrest 1, the condition `bedrest`) from the
healthy crew's steady state and prints, at days 2, 7, 14, 28, 60, 120, 170:

  1. CTX_pct and each of the ten bone compartments' resorption relative to
     baseline (resorption_rel) and bone volume (BV_pct);
  2. each compartment's share of the CTX excess when the marker is read
     as w_ctx_t spine_t + (1 - w_ctx_t) bone_c (shipped), and the day-170 /
     peak ratio of every compartment's resorption excess (shape, not level).

  python3 scripts/ctxrise_diag.py [--muskx build/muskx] [--models DIR]
                                  [--set NAME=VALUE ...]

Diagnostic only: prints, writes nothing in the tree.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diag_common  # noqa: E402

COMPS = ["bone_c", "spine_t", "spine_c", "hip_t", "hip_c", "bone_t", "tibia_t", "tibia_e",
         "tibia_c", "skel_c"]
SHOW = [2, 7, 14, 28, 60, 120, 170]


def run(a, tmp, name, unload):
    extra = ["CTX_pct"] + ["%s.%s" % (c, o) for c in COMPS for o in ("resorption_rel", "BV_pct")]
    text = diag_common.scenario_text(
        "ctxrise_" + name, "ctxrise diagnostic " + name, a.models,
        ["{name: unload, duration: 180 d, inputs: %s}" % unload], extra, diag_common.HEALTHY,
        description="ctxrise diagnostic (180 d unloaded)")
    return diag_common.run_daily(a.muskx, a.models, tmp, name, text, a.set, "ctxrise_diag")


def main():
    a = diag_common.parse_args(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        res = {"flight": run(a, tmp, "flight", "{loading: 0}"),
               "bed rest": run(a, tmp, "bedrest", "{loading: 1, bedrest: 1}")}
    for lab, d in res.items():
        print("=== %s: CTX_pct and resorption_rel of each compartment ===" % lab)
        print("%5s %7s " % ("day", "CTX") + " ".join("%7s" % c for c in COMPS))
        for t in SHOW:
            print("%5d %7.1f " % (t, d[t]["CTX_pct"]) +
                  " ".join("%7.3f" % d[t][c + ".resorption_rel"] for c in COMPS))
        print("%5s %7s " % ("BV%", "") + " ".join("%7s" % "" for _ in COMPS))
        for t in SHOW:
            print("%5d %7s " % (t, "") + " ".join("%7.2f" % d[t][c + ".BV_pct"] for c in COMPS))
        print("%-13s " % "d170/peak exc" + " ".join(
            "%7.2f" % ((d[170][c + ".resorption_rel"] - 1) /
                       max(max(d[t][c + ".resorption_rel"] for t in range(181)) - 1, 1e-12))
            for c in COMPS))
        print("%-13s " % "peak day" + " ".join(
            "%7d" % max(range(181), key=lambda t, c=c: d[t][c + ".resorption_rel"]) for c in COMPS))
        print()


if __name__ == "__main__":
    main()
