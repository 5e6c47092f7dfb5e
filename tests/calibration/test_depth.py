#!/usr/bin/python3
"""test_depth.py -- the erosion-depth term of a bisphosphonate (issue 17,
session 19, alnshort2): models/drugs/alendronate.yaml's output
dep_aln = 1 - s_dep ALN_surf/(ALN_surf + r_dep EC50_aln) and
models/bone/rankl_opg.yaml's input dep_ext, the erosion depth of the
units resorbing now relative to untreated, each cavity still refilled in
full: the coupling signal that recruits formation is TGFb/dep_ext
(cpl1 -> cpl2 -> cpl3), resorption itself is unchanged.

Checks (independent references: the formula recomputed here from the
module's own surface-pool output; the steady state of a linear chain; the
sign of the balance):
  DEPaln   alendronate.yaml alone, 70 mg weekly for a year, s_dep 0.4,
           r_dep 0.5: dep_aln equals 1 - 0.4 ALN_surf/(ALN_surf + 0.5
           EC50_aln) recomputed from the output ALN_surface_mg at every
           day (absolute 1e-9), and lies in [0.6, 1]
  DEPinert with s_dep 0 (the module default) dep_aln is exactly 1 on
           every day of the same run although the drug is on
  DEPchain rankl_opg.yaml alone with bone volume frozen (turnover 1e-12):
           after 3000 d at dep_ext 0.5 the coupling signal cpl3 is 2 x TGFb
           (relative 1e-5: the chain's steady state is its input TGFb/dep),
           and at dep_ext 1 it equals TGFb (two-sided)
  DEPbal   rankl_opg.yaml alone at its turnover: a year at dep_ext 0.7
           gains bone volume (BV_pct > 0.1 %) where a year at dep_ext 1
           keeps it at baseline (|BV_pct| < 1e-6 %): a positive balance per
           remodelling unit, none without it
  DEPbind  the integrated model (models/crosstalk/spaceflight.yaml): its
           s_dep and r_dep reach the alendronate import (aln.s_dep and
           aln.r_dep equal them, as muskx info lists them), and on a run
           of 70 mg weekly with s_dep 0.3 and r_dep 0.5 set at the top
           level, dep_ext of every one of the 10 bone compartments equals
           1 - 0.3 surf/(surf + 0.5 EC50_aln) recomputed here from the
           run's aln.ALN_surf and the model's aln.EC50_aln (absolute 1e-9
           on days 30, 90, 365, 730, 1095) and is below 0.9 on day 365
           (the drug acts); with s_dep 0 every dep_ext is exactly 1. A
           dropped binding (dep_ext at its default 1, or the module's own
           s_dep 0 / r_dep 1) fails

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_depth.py
"""
import os
import tempfile

import muskx_cli
from muskx_cli import ROOT, check

ALN = os.path.join(ROOT, "models", "drugs", "alendronate.yaml")
MODULE = os.path.join(ROOT, "models", "bone", "rankl_opg.yaml")
MODEL = os.path.join(ROOT, "models", "crosstalk", "spaceflight.yaml")
COMPARTMENTS = ["bone_t", "bone_c", "spine_t", "spine_c", "hip_t", "hip_c",
                "tibia_t", "tibia_c", "tibia_e", "skel_c"]


def main():
    ec50 = muskx_cli.info_values(ALN, {"EC50_aln"})["EC50_aln"]
    s_dep, r_dep = 0.4, 0.5
    on = muskx_cli.simulate(ALN, 365, 1, {"aln_dose": 70, "s_dep": s_dep, "r_dep": r_dep})
    off = muskx_cli.simulate(ALN, 365, 1, {"aln_dose": 70})
    want = [1 - s_dep * s / (s + r_dep * ec50) for s in on["ALN_surface_mg"]]
    err = max(abs(a - b) for a, b in zip(on["dep_aln"], want))
    lo = min(on["dep_aln"])
    check("DEPaln", err < 1e-9 and 1 - s_dep <= lo < 1 and max(on["dep_aln"]) <= 1,
          "dep_aln vs 1 - s_dep surf/(surf + r_dep EC50_aln) over 365 d: max |diff| %.2e (< 1e-9); min %.4f in [0.6, 1)"
          % (err, lo))
    peak = max(off["ALN_surface_mg"])
    check("DEPinert", all(x == 1.0 for x in off["dep_aln"]) and peak > ec50,
          "s_dep 0: dep_aln exactly 1 on all %d days (surface pool up to %.3g mg, EC50_aln %.3g)"
          % (len(off["dep_aln"]), peak, ec50))

    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        for d in (0.5, 1.0):
            r = muskx_cli.scenario(tmp, MODULE, "chain%d" % int(10 * d),
                                   ["{name: depth, duration: 3000 d, inputs: {dep_ext: %r}}" % d],
                                   [], ["cpl3", "TGFb_pM"], {"turnover": 1e-12})
            res[d] = r["cpl3"][-1] / r["TGFb_pM"][-1]
        bal = {}
        for d in (0.7, 1.0):
            r = muskx_cli.scenario(tmp, MODULE, "bal%d" % int(10 * d),
                                   ["{name: depth, duration: 365 d, inputs: {dep_ext: %r}}" % d],
                                   [], ["BV_pct"])
            bal[d] = r["BV_pct"][-1]
    check("DEPchain", abs(res[0.5] / 2 - 1) < 1e-5 and abs(res[1.0] - 1) < 1e-5,
          "cpl3/TGFb after 3000 d: %.7f at dep_ext 0.5 (2), %.7f at dep_ext 1 (1)" % (res[0.5], res[1.0]))
    check("DEPbal", bal[0.7] > 0.1 and abs(bal[1.0]) < 1e-6,
          "BV_pct after a year: %+.4f %% at dep_ext 0.7 (> 0.1), %+.2e %% at dep_ext 1 (|.| < 1e-6)" % (bal[0.7], bal[1.0]))

    # the integrated model's wiring: parameters through, output to every compartment
    w = muskx_cli.info_values(MODEL, {"s_dep", "r_dep", "aln.s_dep", "aln.r_dep", "aln.EC50_aln"})
    par_ok = len(w) == 5 and w["aln.s_dep"] == w["s_dep"] and w["aln.r_dep"] == w["r_dep"]
    cols = ["aln.ALN_surf"] + ["%s.dep_ext" % c for c in COMPARTMENTS]
    days = [30, 90, 365, 730, 1095]
    s_set, r_set = 0.3, 0.5
    on = muskx_cli.simulate_at(MODEL, days, cols, {"aln_dose": 70, "s_dep": s_set, "r_dep": r_set},
                               rtol=1e-8, atol=1e-12)
    off = muskx_cli.simulate_at(MODEL, days, cols, {"aln_dose": 70, "s_dep": 0.0},
                                rtol=1e-8, atol=1e-12)
    ec50 = w.get("aln.EC50_aln", float("nan"))
    err, bad = 0.0, set()
    for row in on:
        want = 1 - s_set * row["aln.ALN_surf"] / (row["aln.ALN_surf"] + r_set * ec50)
        for c in COMPARTMENTS:
            d = abs(row["%s.dep_ext" % c] - want)
            err = max(err, d)
            if not d < 1e-9:
                bad.add(c)
    d365 = max(on[days.index(365)]["%s.dep_ext" % c] for c in COMPARTMENTS)
    off_bad = [c for c in COMPARTMENTS if any(r["%s.dep_ext" % c] != 1.0 for r in off)]
    check("DEPbind", par_ok and not bad and not off_bad and d365 < 0.9,
          "aln.s_dep %g = s_dep %g, aln.r_dep %g = r_dep %g; s_dep %g r_dep %g set: dep_ext of all %d compartments vs "
          "1 - s_dep surf/(surf + r_dep EC50_aln) max |diff| %.2e (< 1e-9), largest on day 365 %.4f (< 0.9); "
          "s_dep 0: exactly 1 everywhere%s%s"
          % (w.get("aln.s_dep", float("nan")), w.get("s_dep", float("nan")), w.get("aln.r_dep", float("nan")),
             w.get("r_dep", float("nan")), s_set, r_set, len(COMPARTMENTS), err, d365,
             "; wrong in " + ", ".join(sorted(bad)) if bad else "",
             "; not 1 at s_dep 0 in " + ", ".join(off_bad) if off_bad else ""))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
