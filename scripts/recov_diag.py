#!/usr/bin/python3
"""recov_diag.py -- where the hip's and spine's flight loss is, and how much
of it comes back in the year after landing, per compartment (issue 17,
session 19, recov; models/calibration/README.md, "Issue 17, session 19,
recov").

Runs the fitting set's `flight` condition (healthy crew, 1000 mg/day
calcium, steady start; 180 days at loading 0 without countermeasures,
then 1 g) and prints, at the given days, spine and total hip BMD, and per
compartment (hip_t, bone_t = the hip's endocortical envelope, hip_c,
spine_t, spine_c) the change of BMD (mineral), BV (volume) and mean
mineral degree, resorption and formation relative to the healthy
baseline, the modelling-based share of formation (k_mod, k_rm, k_mb;
relative to the baseline remodelling formation), the osteocytes' disuse
signal Dis and the strain above the accommodated level (reload). Then per
compartment the loss at landing (day 180) and the change to day 450 (the
rows sibonga2007_spine / sibonga2007_hip), in points of the site's
mineral, split into volume and mineral degree.

  python3 scripts/recov_diag.py [--muskx build/muskx] [--models DIR]
                                [--set NAME=VALUE ...]

--set changes a parameter (what-if, no refit; a share phi_* given here is
also used for the weights). Diagnostic only: prints, writes nothing in
the tree.
"""
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diag_common  # noqa: E402

COMPS = ["hip_t", "bone_t", "hip_c", "spine_t", "spine_c"]
PER = ["BMD_pct", "BV_pct", "mineral_degree_pct", "resorption_rel", "formation_rel",
       "modelling_rel", "reload_rm_rel", "ocy.Dis", "ocy.reload"]
SHOW = [0, 180, 181, 190, 200, 217, 240, 270, 300, 365, 450, 545, 725]
LAND, VISIT, END = 180, 450, 725


def run(muskx, models, sets, tmp):
    extra = ["BMD_spine_pct", "BMD_hip_pct", "BMD_wb_pct", "CTX_pct", "P1NP_pct"] + \
        ["%s.%s" % (c, o) for c in COMPS for o in PER]
    text = """muskx_scenario: 1
scenario:
  id: recov_flight
  name: recov diagnostic flight
  description: recov diagnostic (the fitting condition flight)
model: %s/crosstalk/spaceflight.yaml
set: {postmenopausal: 0, calcium_intake: 1000}
start: steady
phases:
  - {name: flight, duration: %d d, inputs: {loading: 0}}
  - {name: earth, duration: %d d, inputs: {loading: 1}}
outputs: [%s]
sampling: 1 d
""" % (models, LAND, END - LAND, ", ".join(extra))
    return diag_common.run_daily(muskx, models, tmp, "flight", text, sets, "recov_diag")


def info_values(muskx, models, names):
    return diag_common.info_values(muskx, models, names, "recov_diag")


def main():
    a = diag_common.parse_args(__doc__)
    models = a.models
    ph = info_values(a.muskx, models, ["phi_hip", "phi_hip_e", "phi_spine"])
    for s in a.set:
        k, v = s.split("=", 1)
        if k in ph:
            ph[k] = float(v)
    w = {"hip_t": ph["phi_hip"], "bone_t": ph["phi_hip_e"], "hip_c": 1 - ph["phi_hip"] - ph["phi_hip_e"],
         "spine_t": ph["phi_spine"], "spine_c": 1 - ph["phi_spine"]}
    with tempfile.TemporaryDirectory() as tmp:
        d = run(a.muskx, models, a.set, tmp)
    print("=== flight: 180 d at loading 0, then 1 g (condition `flight`) ===")
    print("%6s %7s %7s %7s %7s %7s" % ("day", "spine", "hip", "wb", "CTX", "P1NP"))
    for t in SHOW:
        x = d[t]
        print("%6d %7.2f %7.2f %7.2f %7.1f %7.1f" % (t, x["BMD_spine_pct"], x["BMD_hip_pct"], x["BMD_wb_pct"],
                                                   x["CTX_pct"], x["P1NP_pct"]))
    for c in COMPS:
        print("-- %s (share %.3f): BMD%% BV%% degree%% res form (of which modelling, reloading term) Dis reload" % (c, w[c]))
        for t in SHOW:
            x = d[t]
            print("%6d %7.2f %7.2f %7.2f %6.2f %6.2f (%6.3f %6.3f) %6.3f %6.3f" % tuple(
                [t] + [x["%s.%s" % (c, o)] for o in PER]))
    z, l, v = d[0], d[LAND], d[VISIT]
    print("-- loss day 0 -> %d and change %d -> %d in points of the site's day-0 mineral (share x compartment change), split volume + degree" % (LAND, LAND, VISIT))
    for site, comps in [("hip", ["hip_t", "bone_t", "hip_c"]), ("spine", ["spine_t", "spine_c"])]:
        I0 = sum(w[c] * (1 + z[c + ".BMD_pct"] / 100) for c in comps)
        tl = tr = 0.0
        for c in comps:
            i0, i1, i2 = [1 + x[c + ".BMD_pct"] / 100 for x in (z, l, v)]
            b0, b1, b2 = [1 + x[c + ".BV_pct"] / 100 for x in (z, l, v)]
            loss = 100 * w[c] * (i1 - i0) / I0
            ch = 100 * w[c] * (i2 - i1) / I0
            lvl, ltl = math.log(b1 / b0), math.log(i1 / i0)
            lv, lt = math.log(b2 / b1), math.log(i2 / i1)
            vloss = loss * lvl / ltl if abs(ltl) > 1e-12 else 0.0
            vol = ch * lv / lt if abs(lt) > 1e-12 else 0.0
            tl += loss
            tr += ch
            # net volume flux after landing (formation - resorption, per year, % of BV0)
            print("  %-7s loss %+6.2f pts (volume %+6.2f, degree %+6.2f); by day %d %+6.2f pts = volume %+6.2f + degree %+6.2f: %5.1f %% of its loss back" % (
                c, loss, vloss, loss - vloss, VISIT, ch, vol, ch - vol, -100 * ch / loss if abs(loss) > 1e-9 else float("nan")))
        print("  %s: loss %+6.2f pts, back %+6.2f (%.1f %%) (output BMD_%s_pct %+6.2f -> %+6.2f)" % (
            site, tl, tr, -100 * tr / tl, site, l["BMD_%s_pct" % site], v["BMD_%s_pct" % site]))
    # half-recovery of the weight-bearing mean (seed S16's measure)
    wb = [(t, d[t]["BMD_wb_pct"]) for t in sorted(d) if t >= LAND]
    trough = min(wb, key=lambda p: p[1])
    half = next((t - LAND for t, y in wb if t > LAND and y >= d[LAND]["BMD_wb_pct"] / 2), None)
    print("BMD_wb_pct: landing %+.2f, trough %+.2f at day %d, half of the landing change back after %s" % (
        d[LAND]["BMD_wb_pct"], trough[1], trough[0], "%d d" % half if half is not None else "more than %d d" % (END - LAND)))


if __name__ == "__main__":
    main()
