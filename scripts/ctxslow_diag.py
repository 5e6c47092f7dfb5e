#!/usr/bin/python3
"""ctxslow_diag.py -- the slow component of resorption under unloading
(issue 17, session 22, ctxslow; models/calibration/README.md, "session 22,
ctxslow").

Runs 180 days of flight (loading 0, the fitting condition `flight`) and of
strict bed rest (loading 1, bedrest 1, the condition `bedrest`) from the
healthy crew's steady state and prints, at days 2, 7, 14, 28, 60,
120, 170, 180: CTX_pct, and for the two compartments CTX reads (spine_t,
bone_c) and the fully unloaded hip_t: resorption_rel and, where the model
has it, the accumulated osteocyte-apoptosis burden apo_burden (the
branch's commit afddacb, models/bone/rankl_opg.yaml Apo; not in the
shipped model: then the column shows BV_pct instead);
then the Stavnichuk 2020 shape numbers of tests/calibration/test_ctxslow.py
(E170/E14, the day the excess reaches half its day-170 value).

  python3 scripts/ctxslow_diag.py [--muskx build/muskx] [--models DIR]
                                  [--set NAME=VALUE ...]

Diagnostic only: prints, writes nothing in the tree.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diag_common  # noqa: E402

COMPS = ["spine_t", "bone_c", "hip_t"]
SHOW = [2, 7, 14, 28, 60, 120, 170, 180]


def second(a):
    """apo_burden where the bone module has it (branch ctxslow, afddacb), else BV_pct"""
    with open(os.path.join(a.models, "bone", "rankl_opg.yaml")) as f:
        return "apo_burden" if "apo_burden:" in f.read() else "BV_pct"


def run(a, tmp, name, unload):
    extra = ["CTX_pct"] + ["%s.%s" % (c, o) for c in COMPS for o in ("resorption_rel", second(a))]
    text = diag_common.scenario_text(
        "ctxslow_" + name, "ctxslow diagnostic " + name, a.models,
        ["{name: unload, duration: 180 d, inputs: %s}" % unload], extra, diag_common.HEALTHY,
        description="ctxslow diagnostic (180 d unloaded)")
    return diag_common.run_daily(a.muskx, a.models, tmp, name, text, a.set, "ctxslow_diag")


def main():
    a = diag_common.parse_args(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        res = {"flight": run(a, tmp, "flight", "{loading: 0}"),
               "bed rest": run(a, tmp, "bedrest", "{loading: 1, bedrest: 1}")}
    col = second(a)
    for lab, d in res.items():
        print("=== %s ===" % lab)
        print("%5s %7s " % ("day", "CTX") + " ".join("%9s %9s" % (c + ".res", c + "." + col[:3]) for c in COMPS))
        for t in SHOW:
            print("%5d %7.1f " % (t, d[t]["CTX_pct"]) + " ".join(
                "%9.3f %9.3f" % (d[t][c + ".resorption_rel"], d[t][c + "." + col]) for c in COMPS))
        e = [d[t]["CTX_pct"] for t in range(181)]
        half = 0.5 * e[170]
        th = next((t for t in range(181) if e[t] >= half), float("nan"))
        print("E170/E14 %.3f (Stavnichuk 2020 shape: 1.56 .. 1.79); excess first >= half of day 170 on day %s "
              "(8.1 .. 11.3); day-170/peak %.2f" % (e[170] / e[14], th, e[170] / max(e)))
        print()


if __name__ == "__main__":
    main()
