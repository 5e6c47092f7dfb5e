#!/usr/bin/python3
"""alnwall_diag.py -- where the alendronate gain sits, compartment by
compartment (issue 17, session 20, alnwall; models/calibration/README.md,
"Issue 17, session 20, alnwall").

Runs postmenopausal women (1700 mg/day calcium, steady start) on 70 mg
alendronate weekly for N doses (default 104, the fitting condition pm_aln70)
and without drug (placebo), and prints, at the given days, the spine and
total hip aBMD against placebo, and per bone compartment of the two sites
(spine_t, spine_c, hip_t, hip_c) its weighted contribution to the site
(points of the site's mineral, drug minus placebo) split into volume (BV:
remodelling space and balance) and mean mineral degree, plus the erosion
depth dep_aln and the inhibition 1 - f_aoc_aln.

  python3 scripts/alnwall_diag.py [--muskx build/muskx] [--models DIR]
                                  [--set NAME=VALUE ...] [--doses N] [--days D]
Diagnostic only: prints, writes nothing in the tree.
"""
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diag_common  # noqa: E402

COMPS = ["spine_t", "spine_c", "hip_t", "hip_c"]
PER = ["BMD_pct", "BV_pct"]


def scen(models, days, doses):
    extra = ["BMD_spine_pct", "BMD_hip_pct", "CTX_pct", "aln.dep_aln", "aln.f_aoc_aln"] + \
        ["%s.%s" % (c, o) for c in COMPS for o in PER]
    drugs = [] if doses == 0 else \
        ["{agent: alendronate, dose: 70 mg, route: oral, start: 0 d, every: 1 week, count: %d}" % doses]
    return diag_common.scenario_text(
        "alnwall_diag", "alnwall diagnostic", models,
        ["{name: course, duration: %d d, inputs: {loading: 1}}" % days], extra, diag_common.PM, drugs,
        "alnwall diagnostic")


def main():
    sys_argv = sys.argv[1:]
    doses, days = 104, 3650
    for opt in ("--doses", "--days"):
        if opt in sys_argv:
            i = sys_argv.index(opt)
            v = int(sys_argv[i + 1])
            del sys_argv[i:i + 2]
            if opt == "--doses":
                doses = v
            else:
                days = v
    sys.argv[1:] = sys_argv
    a = diag_common.parse_args(__doc__)
    inf = diag_common.info_values(a.muskx, a.models, ("phi_spine", "phi_hip", "phi_hip_e"), "alnwall_diag")
    w = {"spine_t": inf["phi_spine"], "spine_c": 1 - inf["phi_spine"],
         "hip_t": inf["phi_hip"], "hip_c": 1 - inf["phi_hip"] - inf["phi_hip_e"]}
    with tempfile.TemporaryDirectory() as tmp:
        d = diag_common.run_daily(a.muskx, a.models, tmp, "aln", scen(a.models, days, doses), a.set, "alnwall_diag")
        p = diag_common.run_daily(a.muskx, a.models, tmp, "pla", scen(a.models, days, 0), a.set, "alnwall_diag")
    show = [t for t in (91, 182, 365, 548, 730, 1095, 1460, 1825, 2555, 3650, 4380, 5400) if t <= days]
    print("alendronate 70 mg weekly x %d (last dose day %d); drug minus placebo" % (doses, 7 * (doses - 1)))
    print("%6s %7s %7s %7s %6s %6s | %s" % ("day", "spine", "hip", "CTX", "dep", "inh",
                                           "  ".join("%-21s" % (c + " vol+deg") for c in COMPS)))
    for t in show:
        x, y = d[t], p[t]
        parts = []
        for c in COMPS:
            i1, i0 = 1 + x[c + ".BMD_pct"] / 100, 1 + y[c + ".BMD_pct"] / 100
            b1, b0 = 1 + x[c + ".BV_pct"] / 100, 1 + y[c + ".BV_pct"] / 100
            ch = 100 * w[c] * (i1 - i0)
            lt, lv = math.log(i1 / i0), math.log(b1 / b0)
            vol = ch * lv / lt if abs(lt) > 1e-12 else 0.0
            parts.append("%+6.2f=%+6.2f%+6.2f " % (ch, vol, ch - vol))
        print("%6d %+7.2f %+7.2f %+7.1f %6.3f %6.3f | %s" % (
            t, x["BMD_spine_pct"] - y["BMD_spine_pct"], x["BMD_hip_pct"] - y["BMD_hip_pct"],
            x["CTX_pct"] - y["CTX_pct"], x["aln.dep_aln"], 1 - x["aln.f_aoc_aln"], " ".join(parts)))


if __name__ == "__main__":
    main()
