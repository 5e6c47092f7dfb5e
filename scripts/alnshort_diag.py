#!/usr/bin/python3
"""alnshort_diag.py -- why the lumbar-spine gain of a short alendronate
course is (or is not) kept a year after stopping (issue 17, session 19,
alnshort2; models/calibration/README.md, "Issue 17, session 19, alnshort2").

Runs the fitting set's condition pm_aln140x26 (postmenopausal, 1700 mg/day
calcium, steady start; alendronate 140 mg a week x 26, the JBMR 1994 course
of 20 mg/day for 6 months; CTX row day 455, spine row day 546) and prints:
  * spine, CTX, P1NP and the alendronate pools (surface, buried) with the
    inhibition they exert (1 - f_aoc_aln) at the given days;
  * per spine compartment (spine_t, spine_c) and for the serum-marker
    compartment bone_c: BMD, BV (volume) and mean mineral degree, resorption
    and formation relative to the healthy baseline;
  * per spine compartment, the gain on treatment (day 0 -> 182, the last
    dose) and the change after stopping (182 -> 546) split into volume and
    mineral degree, in points of the spine's day-0 mineral;
  * the remodelling space: the volume change divided by the change of
    resorption (an effective remodelling period sigma = -dBV/(turnover
    d resorption_rel), days): if the volume is only the open remodelling
    space, sigma is the same on the way down and up;
  * the cumulative resorption and formation in each window (in % of BV0);
  * after the last dose, per compartment, the day resorption and formation
    are half-way from their trough to their day-1095 plateau, and that
    plateau as a share of pretreatment; the buried and surface drug and
    the inhibition it still exerts on day 1095.

  python3 scripts/alnshort_diag.py [--muskx build/muskx] [--models DIR]
                                   [--set NAME=VALUE ...]
Diagnostic only: prints, writes nothing in the tree.
"""
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diag_common  # noqa: E402

COMPS = ["spine_t", "spine_c", "bone_c"]
PER = ["BMD_pct", "BV_pct", "mineral_degree_pct", "resorption_rel", "formation_rel"]
SHOW = [0, 91, 182, 200, 240, 273, 300, 365, 455, 546, 730, 1095]
DAYS, STOP, VISIT = 1095, 182, 546


def info(muskx, models):
    return diag_common.info_values(muskx, models, ("phi_spine", "turnover_t", "turnover_cort", "turnover_c"),
                                   "alnshort_diag")


def run(muskx, models, sets, tmp):
    extra = ["BMD_spine_pct", "CTX_pct", "P1NP_pct", "aln.ALN_surface_mg", "aln.ALN_buried_mg",
             "aln.f_aoc_aln"] + ["%s.%s" % (c, o) for c in COMPS for o in PER]
    text = diag_common.scenario_text(
        "alnshort_diag", "alnshort diagnostic", models,
        ["{name: course, duration: %d d, inputs: {loading: 1}}" % DAYS], extra, diag_common.PM,
        ["{agent: alendronate, dose: 140 mg, route: oral, start: 0 d, every: 1 week, count: 26}"],
        "alnshort diagnostic")
    return diag_common.run_daily(muskx, models, tmp, "aln", text, sets, "alnshort_diag")


def main():
    a = diag_common.parse_args(__doc__)
    models = a.models
    inf = info(a.muskx, models)
    w = {"spine_t": inf["phi_spine"], "spine_c": 1 - inf["phi_spine"]}
    turn = {"spine_t": inf["turnover_t"], "spine_c": inf["turnover_cort"], "bone_c": inf["turnover_c"]}
    with tempfile.TemporaryDirectory() as tmp:
        d = run(a.muskx, models, a.set, tmp)
    print("%6s %7s %7s %7s %8s %8s %6s" % ("day", "spine", "CTX", "P1NP", "surf mg", "bur mg", "inh"))
    for t in SHOW:
        x = d[t]
        print("%6d %7.2f %7.1f %7.1f %8.3f %8.2f %6.3f" % (
            t, x["BMD_spine_pct"], x["CTX_pct"], x["P1NP_pct"], x["aln.ALN_surface_mg"],
            x["aln.ALN_buried_mg"], 1 - x["aln.f_aoc_aln"]))
    for c in COMPS:
        print("-- %s (turnover %.2f %%/yr%s): BMD%% BV%% degree%% res form" % (
            c, 100 * 365 * turn[c], ", share %.3f" % w[c] if c in w else ""))
        for t in SHOW:
            x = d[t]
            print("%6d %7.2f %7.2f %7.2f %6.3f %6.3f" % tuple([t] + [x["%s.%s" % (c, o)] for o in PER]))
    z = d[0]
    I0 = sum(w[c] * (1 + z[c + ".BMD_pct"] / 100) for c in w)
    print("-- spine, points of the day-0 spine mineral: gain 0 -> %d, change %d -> %d (volume + degree)" % (STOP, STOP, VISIT))
    for c in w:
        parts = []
        for t0, t1 in ((0, STOP), (STOP, VISIT)):
            i0, i1 = [1 + d[t][c + ".BMD_pct"] / 100 for t in (t0, t1)]
            b0, b1 = [1 + d[t][c + ".BV_pct"] / 100 for t in (t0, t1)]
            ch = 100 * w[c] * (i1 - i0) / I0
            lt, lv = math.log(i1 / i0), math.log(b1 / b0)
            vol = ch * lv / lt if abs(lt) > 1e-12 else 0.0
            parts.append((ch, vol, ch - vol))
        print("  %-7s gain %+6.2f = volume %+6.2f + degree %+6.2f; after stopping %+6.2f = volume %+6.2f + degree %+6.2f" % (
            c, parts[0][0], parts[0][1], parts[0][2], parts[1][0], parts[1][1], parts[1][2]))
    print("-- remodelling space: sigma = -dBV/(turnover d resorption_rel), days; cumulative resorption/formation (%% of BV0)")
    for c in ("spine_t", "spine_c"):
        for t0, t1 in ((0, STOP), (STOP, 365), (STOP, VISIT), (VISIT, DAYS)):
            dbv = (d[t1][c + ".BV_pct"] - d[t0][c + ".BV_pct"]) / 100
            dres = d[t1][c + ".resorption_rel"] - d[t0][c + ".resorption_rel"]
            cr = sum(d[t][c + ".resorption_rel"] for t in range(t0, t1)) * turn[c] * 100
            cf = sum(d[t][c + ".formation_rel"] for t in range(t0, t1)) * turn[c] * 100
            sig = -dbv / (turn[c] * dres) if abs(dres) > 1e-9 else float("nan")
            print("  %-7s day %4d -> %4d: dBV %+6.2f %%, d res_rel %+6.3f, sigma %7.0f d; resorbed %5.2f %%, formed %5.2f %%" % (
                c, t0, t1, 100 * dbv, dres, sig, cr, cf))
    # how resorption and formation come back after the last dose: the day
    # each is half-way from its trough after day STOP to its day-DAYS level,
    # and that level as a share of the pretreatment (day-0) level
    print("-- after the last dose (day %d): half-way day from the trough to the day-%d plateau; plateau / pretreatment" % (STOP, DAYS))
    for c in COMPS:
        out = []
        for o in ("resorption_rel", "formation_rel"):
            k = "%s.%s" % (c, o)
            lo = min(d[t][k] for t in range(STOP, DAYS + 1))
            tlo = min((t for t in range(STOP, DAYS + 1)), key=lambda t: d[t][k])
            half = (lo + d[DAYS][k]) / 2
            day = next((t for t in range(tlo, DAYS + 1) if d[t][k] >= half), None)
            out.append("%s trough %.3f (day %d), half-way day %s, plateau %.3f = %.2f of pretreatment" % (
                o.split("_")[0], lo, tlo, day, d[DAYS][k], d[DAYS][k] / z[k]))
        print("  %-7s %s; %s" % (c, out[0], out[1]))
    x = d[DAYS]
    print("  day %d: buried alendronate %.2f mg, surface %.3f mg, inhibition of osteoclast activity %.3f (serum CTX %+.1f %%)" % (
        DAYS, x["aln.ALN_buried_mg"], x["aln.ALN_surface_mg"], 1 - x["aln.f_aoc_aln"], x["CTX_pct"]))

if __name__ == "__main__":
    main()
