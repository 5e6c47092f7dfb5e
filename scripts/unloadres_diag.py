#!/usr/bin/python3
"""unloadres_diag.py -- why the model's serum resorption marker fades through
a 6-month flight while the crews' rises (issue 17, session 20, unloadres;
models/calibration/README.md, "Issue 17, session 20, unloadres").

Runs the fitting set's `flight` condition (healthy crew, 1000 mg/day
calcium, steady start, 180 days at loading 0 without countermeasures) and
prints, at days 0-180:

  1. serum CTX (CTX_pct) and its two compartments, the whole skeleton
     bone_c and the axial trabecular bone spine_t (I_CTX = (1 - w_ctx_t)
     bone_c.resorption_rel + w_ctx_t spine_t.resorption_rel);
  2. per compartment the factors of resorption = kres OCa aOC: osteoclast
     number OCa and activity aOC relative to day 0, the precursor pool OCp,
     RANKL and OPG relative to baseline, the osteocytes' disuse signal Dis,
     their stimulus psi and its accommodated level psi_acc, bone volume
     BV_pct; and PTH (PTH_change_pct);
  3. what-ifs that switch one feedback off (no refit): PTH held at its
     baseline (calcium.PTH_max_r/PTH_min_r 1.01/0.99: Brown curve flat),
     the precursor pool frozen (tau_ocp 1e7 d), the mechanostat feedback of
     the shrinking bone on the osteocytes' stimulus off (m_mech 1e-6), and
     all three. For each: CTX at days 14, 30, 90, 170 and the ratio
     day 170 / peak of the CTX excess.

  python3 scripts/unloadres_diag.py [--muskx build/muskx] [--models DIR]
                                    [--set NAME=VALUE ...]

--set changes a parameter of every run (what-if, no refit). Diagnostic
only: prints, writes nothing in the tree.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diag_common  # noqa: E402

COMPS = ["bone_c", "spine_t"]
PER = ["resorption_rel", "OCa", "aOC", "OCp", "RANKL_rel", "OPG_rel", "OBp", "ocy.Dis",
       "ocy.stimulus", "ocy.psi_acc", "BV_pct"]
SHOW = [0, 3, 7, 14, 21, 30, 45, 60, 90, 120, 150, 170, 180]
WHATIF = [
    ("shipped", []),
    ("PTH flat", ["calcium.PTH_max_r=1.01", "calcium.PTH_min_r=0.99"]),
    ("OCp frozen", ["tau_ocp=1e7"]),
    ("no BV->psi", ["m_mech=1e-6"]),
    ("all three", ["calcium.PTH_max_r=1.01", "calcium.PTH_min_r=0.99", "tau_ocp=1e7", "m_mech=1e-6"]),
]


def run(muskx, models, sets, tmp, name):
    extra = ["CTX_pct", "PTH_change_pct", "Ca"] + ["%s.%s" % (c, o) for c in COMPS for o in PER]
    text = diag_common.scenario_text(
        "unloadres_flight", "unloadres diagnostic flight", models,
        ["{name: flight, duration: 180 d, inputs: {loading: 0}}"], extra, diag_common.HEALTHY,
        description="unloadres diagnostic (the fitting condition flight, 180 d)")
    return diag_common.run_daily(muskx, models, tmp, name, text, sets, "unloadres_diag")


def main():
    a = diag_common.parse_args(__doc__)
    w = diag_common.info_values(a.muskx, a.models, ["w_ctx_t"], "unloadres_diag")["w_ctx_t"]
    for s in a.set:
        k, v = s.split("=", 1)
        if k == "w_ctx_t":
            w = float(v)
    with tempfile.TemporaryDirectory() as tmp:
        res = {}
        for i, (lab, sets) in enumerate(WHATIF):
            res[lab] = run(a.muskx, a.models, a.set + sets, tmp, "f%d" % i)
    d = res["shipped"]
    print("=== flight: 180 d at loading 0 (condition `flight`), w_ctx_t %.4f ===" % w)
    print("%5s %8s %9s %9s %8s %7s" % ("day", "CTX_pct", "bone_c", "spine_t", "PTH_pct", "Ca"))
    for t in SHOW:
        r = d[t]
        print("%5d %8.1f %9.3f %9.3f %8.2f %7.4f" % (t, r["CTX_pct"], r["bone_c.resorption_rel"],
                                                   r["spine_t.resorption_rel"], r["PTH_change_pct"], r["Ca"]))
    print("(bone_c, spine_t: resorption relative to baseline; their shares of the CTX"
          " excess (1-w)(bone_c-1) : w(spine_t-1))")
    for c in COMPS:
        print("\n--- %s: resorption = OCa x aOC (relative to day 0) ---" % c)
        print("%5s %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s" %
              ("day", "res", "OCa", "aOC", "OCp", "RANKL", "OPG", "OBp", "Dis", "psi", "psi_acc", "BV%"))
        oca0 = d[0][c + ".OCa"]
        obp0 = d[0][c + ".OBp"]
        for t in SHOW:
            r = d[t]
            print("%5d %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.2f" % (
                t, r[c + ".resorption_rel"], r[c + ".OCa"] / oca0, r[c + ".aOC"], r[c + ".OCp"],
                r[c + ".RANKL_rel"], r[c + ".OPG_rel"], r[c + ".OBp"] / obp0, r[c + ".ocy.Dis"],
                r[c + ".ocy.stimulus"], r[c + ".ocy.psi_acc"], r[c + ".BV_pct"]))
    print("\n=== what-ifs (one feedback off, no refit): CTX_pct ===")
    print("%-12s %7s %7s %7s %7s %7s %11s %11s" % ("run", "d14", "d30", "d90", "d170", "peak",
                                                   "d170/peak", "bone_c170"))
    for lab, _ in WHATIF:
        r = res[lab]
        pk = max(r[t]["CTX_pct"] for t in range(0, 181))
        print("%-12s %7.1f %7.1f %7.1f %7.1f %7.1f %11.2f %11.3f" % (
            lab, r[14]["CTX_pct"], r[30]["CTX_pct"], r[90]["CTX_pct"], r[170]["CTX_pct"], pk,
            r[170]["CTX_pct"] / pk, r[170]["bone_c.resorption_rel"]))


if __name__ == "__main__":
    main()
