#!/usr/bin/python3
"""revbone_diag.py -- what an anti-resorptive's BMD gain gives back after
stopping, per compartment (issue 17, session 18, revbone;
models/calibration/README.md, "Issue 17, session 18, revbone").

Runs two protocols of the fitting set (postmenopausal, 1700 mg/day calcium,
steady start) with the compartments' outputs:
  dmab   denosumab 60 mg every 6 months x 20, then stopped (condition
         pm_dmab60_stop10y, Zanchetta 2018: reference month 120, visit day 3985)
  aln    alendronate 140 mg a week x 26 (the 20 mg/day 6-month course lumped
         weekly, condition pm_aln140x26, JBMR 1994: CTX day 455, spine day 546;
         the gain is counted to day 182, the course's end)
and prints, at the given days, spine and total hip BMD, CTX, and per
compartment (hip_t, bone_t = the hip's endocortical envelope, hip_c,
spine_t, spine_c) the change of BMD (mineral), BV (volume) and mean
mineral degree, resorption and formation relative to the healthy
baseline, and the precursor pool OCp. Then, per compartment, the change
between the reference day and the visit split into volume and degree,
weighted by the compartment's share of the site, and the share of the
gain it gave back (negative: it kept gaining; none for a compartment of
share 0, such as bone_t when phi_hip_e is 0).

  python3 scripts/revbone_diag.py [--muskx build/muskx] [--models DIR]
                                  [--set NAME=VALUE ...]

--set changes a parameter (what-if, no refit). Diagnostic only: prints,
writes nothing in the tree.
"""
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diag_common  # noqa: E402

COMPS = ["hip_t", "bone_t", "hip_c", "spine_t", "spine_c"]
PER = ["BMD_pct", "BV_pct", "mineral_degree_pct", "resorption_rel", "formation_rel", "OCp"]

PROTOCOLS = {
    "dmab": {
        "drug": "{agent: denosumab, dose: 60 mg, route: sc, start: 0 d, every: 6 months, count: 20}",
        "days": 4200, "ref": 3650, "visit": 3985,
        "show": [0, 365, 1825, 3467, 3650, 3700, 3750, 3800, 3850, 3900, 3985, 4100, 4200],
    },
    "aln": {
        "drug": "{agent: alendronate, dose: 140 mg, route: oral, start: 0 d, every: 1 week, count: 26}",
        # ref: the end of the 26-week course (the gain is day 0 -> 182,
        # what is given back day 182 -> 546; ref 0 made every gain 0)
        "days": 730, "ref": 182, "visit": 546,
        "show": [0, 91, 182, 240, 300, 365, 455, 546, 730],
    },
}


def run(muskx, models, proto, sets, tmp):
    p = PROTOCOLS[proto]
    extra = ["BMD_spine_pct", "BMD_hip_pct", "CTX_pct", "P1NP_pct"] + \
        ["%s.%s" % (c, o) for c in COMPS for o in PER]
    text = diag_common.scenario_text(
        "revbone_" + proto, "revbone diagnostic " + proto, models,
        ["{name: course, duration: %d d, inputs: {loading: 1}}" % p["days"]], extra, diag_common.PM,
        [p["drug"]], "revbone diagnostic")
    return diag_common.run_daily(muskx, models, tmp, proto, text, sets, "revbone_diag")


def gave_back(change, gain, share):
    """The share of a compartment's gain its change gives back, as text;
    says why when there is no gain to give back (a compartment of share 0,
    such as bone_t where phi_hip_e is 0, or a gain below 0.005 points)."""
    if share == 0:
        return "no gain to give back (share 0)"
    if abs(gain) < 0.005:
        return "no gain to give back (gain %+.2g pts)" % gain
    return "gave back %6.1f %% of its gain" % (-100 * change / gain)


def shares(muskx, models):
    """phi_hip, phi_hip_e, phi_spine: the model's values (muskx info)"""
    return diag_common.info_values(muskx, models, ("phi_hip", "phi_hip_e", "phi_spine"), "revbone_diag")


def main():
    a = diag_common.parse_args(__doc__)
    models = a.models
    ph = shares(a.muskx, models)
    # (--set of a share is not seen here: the weights are the model file's)
    w = {"hip_t": ph["phi_hip"], "bone_t": ph["phi_hip_e"], "hip_c": 1 - ph["phi_hip"] - ph["phi_hip_e"],
         "spine_t": ph["phi_spine"], "spine_c": 1 - ph["phi_spine"]}
    with tempfile.TemporaryDirectory() as tmp:
        for proto in ["dmab", "aln"]:
            p = PROTOCOLS[proto]
            d = run(a.muskx, models, proto, a.set, tmp)
            print("=== %s ===" % proto)
            print("%6s %7s %7s %7s %7s" % ("day", "spine", "hip", "CTX", "P1NP"))
            for t in p["show"]:
                x = d[t]
                print("%6d %7.2f %7.2f %7.1f %7.1f" % (t, x["BMD_spine_pct"], x["BMD_hip_pct"], x["CTX_pct"], x["P1NP_pct"]))
            for c in COMPS:
                print("-- %s (share %.3f): BMD%% BV%% degree%% res form OCp" % (c, w[c]))
                for t in p["show"]:
                    x = d[t]
                    print("%6d %7.2f %7.2f %7.2f %6.2f %6.2f %6.2f" % tuple(
                        [t] + [x["%s.%s" % (c, o)] for o in PER]))
            r, v, z = d[p["ref"]], d[p["visit"]], d[0]
            print("-- change day %d -> %d in points of the site's day-0 mineral (share x compartment change); gain = day 0 -> day %d" % (p["ref"], p["visit"], p["ref"]))
            for site, comps in [("hip", ["hip_t", "bone_t", "hip_c"]), ("spine", ["spine_t", "spine_c"])]:
                I0 = sum(w[c] * (1 + z[c + ".BMD_pct"] / 100) for c in comps)
                tot = 0.0
                for c in comps:
                    i0, i1, i2 = [1 + x[c + ".BMD_pct"] / 100 for x in (z, r, v)]
                    b1, b2 = [1 + x[c + ".BV_pct"] / 100 for x in (r, v)]
                    gain = 100 * w[c] * (i1 - i0) / I0
                    ch = 100 * w[c] * (i2 - i1) / I0
                    lv, lt = math.log(b2 / b1), math.log(i2 / i1)
                    vol = ch * lv / lt if abs(lt) > 1e-12 else 0.0
                    tot += ch
                    print("  %-7s gain %+6.2f pts (volume %+6.2f), change %+6.2f pts = volume %+6.2f + degree %+6.2f; %s" % (
                        c, gain, 100 * w[c] * i1 * math.log(b1 / (1 + z[c + ".BV_pct"] / 100)) / I0,
                        ch, vol, ch - vol, gave_back(ch, gain, w[c])))
                print("  %s: change %+6.2f pts (output BMD_%s_pct %+6.2f -> %+6.2f)" % (
                    site, tot, site, r["BMD_%s_pct" % site], v["BMD_%s_pct" % site]))

if __name__ == "__main__":
    main()
