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
                                [--set NAME=VALUE ...] [--bedrest DAYS]

--bedrest DAYS runs strict bed rest (the model's input bedrest: 1 at
loading 1) for DAYS days instead of the flight, then a year ambulatory,
and reads the visit a year after the end (issue 17, session 20, recov2).
DAYS must be >= 0 (0, the default, is the flight); a negative value is
refused (exit status 2). A share of the loss back is printed only for a
loss above 0.05 points (smaller losses print nan).
Both protocols end with a volume budget of the recovery per compartment
(all ten compact, cancellous and envelope compartments but bone_c and the
calcium pool): what resorption, coupled (remodelling) formation, the
modelling terms k_mod + k_mb, and the reloading term k_rm removed or added
between the end of unloading and the visit, in % of the compartment's
BV0 (each output x the compartment's turnover, integrated by the
trapezoid rule over daily rows).

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
# the volume budget of the recovery (session 20, recov2): every bone compartment
BUDGET = ["spine_t", "spine_c", "hip_t", "bone_t", "hip_c", "tibia_t", "tibia_e", "tibia_c", "skel_c"]
BPER = ["BMD_pct", "BV_pct", "resorption_rel", "formation_rel", "modelling_rel", "reload_rm_rel"]
# smallest loss (points) whose share back is printed (review of session 20)
SHARE_MIN = 0.05
SITES = ["BMD_spine_pct", "BMD_hip_pct", "BMD_wb_pct", "BMD_tibia_pct", "BMD_tibia_shaft_pct",
         "BMD_tibia_whole_pct", "BMD_wholebody_pct"]


def run(muskx, models, sets, tmp, land, end, bedrest):
    extra = ["BMD_spine_pct", "BMD_hip_pct", "BMD_wb_pct", "CTX_pct", "P1NP_pct"] + \
        ["%s.%s" % (c, o) for c in COMPS for o in PER]
    extra += [x for x in SITES if x not in extra]
    extra += ["%s.%s" % (c, o) for c in BUDGET for o in BPER if "%s.%s" % (c, o) not in extra]
    unload = "{loading: 1, bedrest: 1}" if bedrest else "{loading: 0}"
    text = diag_common.scenario_text(
        "recov_flight", "recov diagnostic " + ("bed rest" if bedrest else "flight"), models,
        ["{name: unloaded, duration: %d d, inputs: %s}" % (land, unload),
         "{name: earth, duration: %d d, inputs: {loading: 1}}" % (end - land)], extra, diag_common.HEALTHY,
        description="recov diagnostic (%s)" % ("strict bed rest" if bedrest else "the fitting condition flight"))
    return diag_common.run_daily(muskx, models, tmp, "flight", text, sets, "recov_diag")


def budget(d, turn, land, visit):
    """Per compartment: BV change land -> visit and its parts, % of BV0."""
    days = [t for t in sorted(d) if land <= t <= visit]
    print("-- volume budget day %d -> %d, %% of each compartment's BV0 (turnover x integral of the relative flux)" % (land, visit))
    print("  %-8s %9s %8s %8s | %8s %8s %8s %8s | %7s %7s" % (
        "comp", "turn%/yr", "BMD@end", "BV@end", "resorb", "coupled", "kmod+mb", "k_rm", "dBV", "BMD@vis"))
    for c in BUDGET:
        k = turn[c]
        parts = [0.0, 0.0, 0.0, 0.0]
        for a, b in zip(days[:-1], days[1:]):
            for t, h in ((a, 0.5 * (b - a)), (b, 0.5 * (b - a))):
                x = d[t]
                res, form = x[c + ".resorption_rel"], x[c + ".formation_rel"]
                mod, rm = x[c + ".modelling_rel"], x[c + ".reload_rm_rel"]
                parts[0] -= 100 * k * h * res
                parts[1] += 100 * k * h * (form - mod)
                parts[2] += 100 * k * h * (mod - rm)
                parts[3] += 100 * k * h * rm
        l, v = d[land], d[visit]
        print("  %-8s %9.2f %8.2f %8.2f | %8.2f %8.2f %8.2f %8.2f | %7.2f %7.2f" % (
            c, 100 * 365 * k, l[c + ".BMD_pct"], l[c + ".BV_pct"], parts[0], parts[1], parts[2], parts[3],
            v[c + ".BV_pct"] - l[c + ".BV_pct"], v[c + ".BMD_pct"]))
    print("  (resorb + coupled + kmod+mb + k_rm = dBV up to the lag of the mineralising flux Fm)")
    print("-- sites: end of unloading -> visit (share of the change back)")
    for sname in SITES:
        e, v = d[land][sname], d[visit][sname]
        # a share of a loss below SHARE_MIN points is noise (a 0.01-point loss gave -138.8 %): printed as nan
        print("  %-20s %+7.2f -> %+7.2f (%5.1f %%)" % (sname, e, v, 100 * (v - e) / -e if abs(e) > SHARE_MIN else float("nan")))


def info_values(muskx, models, names):
    return diag_common.info_values(muskx, models, names, "recov_diag")


def main():
    a = diag_common.parse_args(__doc__, lambda ap: ap.add_argument(
        "--bedrest", type=int, default=0, metavar="DAYS",
        help="strict bed rest for DAYS days instead of the 180-day flight (visit a year after)"))
    if a.bedrest < 0:
        sys.stderr.write("recov_diag: --bedrest %d: DAYS must be >= 0 (0 = the 180-day flight)\n" % a.bedrest)
        sys.exit(2)
    models = a.models
    land, visit, end = (a.bedrest, a.bedrest + 365, a.bedrest + 545) if a.bedrest > 0 else (LAND, VISIT, END)
    show = sorted(set([0, land, land + 1, land + 10, land + 20, land + 37, land + 60, land + 90, land + 120,
                       land + 185, visit, end])) if a.bedrest > 0 else SHOW
    ph = info_values(a.muskx, models, ["phi_hip", "phi_hip_e", "phi_spine"])
    for s in a.set:
        k, v = s.split("=", 1)
        if k in ph:
            ph[k] = float(v)
    w = {"hip_t": ph["phi_hip"], "bone_t": ph["phi_hip_e"], "hip_c": 1 - ph["phi_hip"] - ph["phi_hip_e"],
         "spine_t": ph["phi_spine"], "spine_c": 1 - ph["phi_spine"]}
    turn = info_values(a.muskx, models, ["%s.turnover" % c for c in BUDGET])
    turn = {c: turn["%s.turnover" % c] for c in BUDGET}
    with tempfile.TemporaryDirectory() as tmp:
        d = run(a.muskx, models, a.set, tmp, land, end, a.bedrest > 0)
    if a.bedrest > 0:
        print("=== bed rest: %d d strict bed rest (bedrest 1, loading 1), then ambulatory ===" % a.bedrest)
    else:
        print("=== flight: 180 d at loading 0, then 1 g (condition `flight`) ===")
    print("%6s %7s %7s %7s %7s %7s" % ("day", "spine", "hip", "wb", "CTX", "P1NP"))
    for t in show:
        x = d[t]
        print("%6d %7.2f %7.2f %7.2f %7.1f %7.1f" % (t, x["BMD_spine_pct"], x["BMD_hip_pct"], x["BMD_wb_pct"],
                                                   x["CTX_pct"], x["P1NP_pct"]))
    for c in COMPS:
        print("-- %s (share %.3f): BMD%% BV%% degree%% res form (of which modelling, reloading term) Dis reload" % (c, w[c]))
        for t in show:
            x = d[t]
            print("%6d %7.2f %7.2f %7.2f %6.2f %6.2f (%6.3f %6.3f) %6.3f %6.3f" % tuple(
                [t] + [x["%s.%s" % (c, o)] for o in PER]))
    z, l, v = d[0], d[land], d[visit]
    print("-- loss day 0 -> %d and change %d -> %d in points of the site's day-0 mineral (share x compartment change), split volume + degree" % (land, land, visit))
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
                c, loss, vloss, loss - vloss, visit, ch, vol, ch - vol, -100 * ch / loss if abs(loss) > SHARE_MIN else float("nan")))
        print("  %s: loss %+6.2f pts, back %+6.2f (%.1f %%) (output BMD_%s_pct %+6.2f -> %+6.2f)" % (
            site, tl, tr, -100 * tr / tl, site, l["BMD_%s_pct" % site], v["BMD_%s_pct" % site]))
    # half-recovery of the weight-bearing mean (seed S16's measure)
    wb = [(t, d[t]["BMD_wb_pct"]) for t in sorted(d) if t >= land]
    trough = min(wb, key=lambda p: p[1])
    half = next((t - land for t, y in wb if t > land and y >= d[land]["BMD_wb_pct"] / 2), None)
    print("BMD_wb_pct: landing %+.2f, trough %+.2f at day %d, half of the landing change back after %s" % (
        d[land]["BMD_wb_pct"], trough[1], trough[0], "%d d" % half if half is not None else "more than %d d" % (end - land)))
    budget(d, turn, land, visit)


if __name__ == "__main__":
    main()
