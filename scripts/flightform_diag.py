#!/usr/bin/python3
"""flightform_diag.py -- what holds the model's formation marker down through
a 6-month flight, and what-ifs that let it rise (issue 17, session 20,
flightform; models/calibration/README.md, "Issue 17, session 20,
flightform").

Runs the fitting set's `flight` condition (healthy crew, 1000 mg/day
calcium, steady start, 180 days at loading 0 without countermeasures)
followed by 60 days at loading 1 (landing), and prints at days 0-240:

  1. serum CTX and P1NP (CTX_pct, P1NP_pct);
  2. per compartment (bone_c, the whole skeleton that P1NP reads, and
     spine_t): formation and resorption relative to baseline, the
     osteoblast precursors OBp and active osteoblasts OBa relative to day
     0, the osteocytes' disuse signal Dis, the disuse signal they would
     have accommodated to, disAcc = hill_inh(psi_acc)/hill_inh(1) (from
     the accommodated stimulus psi_acc, tau_acc), and accUp, its smooth
     max(1, .) of width eps_obu 0.02, and BV;
  3. what-ifs (no refit): kappa_B lower (0.3, 0). For each: CTX at days
     14, 30, 90, 170, P1NP at days 90, 170, 180 (landing) and 200, and
     bone_c BV at 180.

The branch's formation-side accommodation, fOB = (Dis accUp^-a_fba)^-kappa_B,
was built in commit f5a8ba9 and reverted after the partial fit refused it
(a_fba -> 0); its what-ifs (a_fba 0.5, 1) ran on that commit
(models/calibration/README.md, "Issue 17, session 20, flightform").

  python3 scripts/flightform_diag.py [--muskx build/muskx] [--models DIR]
                                     [--set NAME=VALUE ...]

--set changes a parameter of every run. Diagnostic only: prints, writes
nothing in the tree.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diag_common  # noqa: E402

COMPS = ["bone_c", "spine_t"]
PER = ["formation_rel", "resorption_rel", "OBp", "OBa", "ocy.Dis", "ocy.psi_acc", "BV_pct"]
SHOW = [0, 7, 14, 30, 60, 90, 120, 150, 170, 180, 187, 200, 220, 240]
WHATIF = [
    ("shipped", []),
    ("kappa_B 0.3", ["kappa_B=0.3"]),
    ("kappa_B 0", ["kappa_B=0"]),
]


def run(muskx, models, sets, tmp, name):
    extra = ["CTX_pct", "P1NP_pct"] + ["%s.%s" % (c, o) for c in COMPS for o in PER]
    text = diag_common.scenario_text(
        "flightform_flight", "flightform diagnostic flight", models,
        ["{name: flight, duration: 180 d, inputs: {loading: 0}}",
         "{name: landed, duration: 60 d, inputs: {loading: 1}}"], extra, diag_common.HEALTHY,
        description="flightform diagnostic (the fitting condition flight, 180 d, then 60 d landed)")
    return diag_common.run_daily(muskx, models, tmp, name, text, sets, "flightform_diag")


def hill_inh(x, k, n):
    return 1.0 / (1.0 + (x / k) ** n) if x > 0 else 1.0


def acc(psi_acc, kp, n, eps=0.02):
    """disAcc and accUp of ../models/bone/rankl_opg.yaml (eps: eps_obu)"""
    da = hill_inh(psi_acc, kp, n) / hill_inh(1.0, kp, n)
    return da, 1 + (((da - 1) ** 2 + eps ** 2) ** 0.5 - eps + da - 1) / 2


def main():
    a = diag_common.parse_args(__doc__)
    v = diag_common.info_values(a.muskx, a.models, ["K_psi_b", "n_psi_b"], "flightform_diag")
    with tempfile.TemporaryDirectory() as tmp:
        res = {}
        for i, (lab, sets) in enumerate(WHATIF):
            res[lab] = run(a.muskx, a.models, a.set + sets, tmp, "f%d" % i)
    d = res["shipped"]
    print("=== flight: 180 d at loading 0 (condition `flight`), then 60 d at loading 1 ===")
    print("%5s %8s %8s" % ("day", "CTX_pct", "P1NP_pct"))
    for t in SHOW:
        print("%5d %8.1f %8.1f" % (t, d[t]["CTX_pct"], d[t]["P1NP_pct"]))
    for c in COMPS:
        print("\n--- %s (relative to day 0) ---" % c)
        print("%5s %7s %7s %7s %7s %7s %7s %7s %7s" %
              ("day", "form", "res", "OBp", "OBa", "Dis", "disAcc", "accUp", "BV%"))
        obp0 = d[0][c + ".OBp"]
        oba0 = d[0][c + ".OBa"]
        for t in SHOW:
            r = d[t]
            da, au = acc(r[c + ".ocy.psi_acc"], v["K_psi_b"], v["n_psi_b"])
            print("%5d %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.2f" % (
                t, r[c + ".formation_rel"], r[c + ".resorption_rel"], r[c + ".OBp"] / obp0,
                r[c + ".OBa"] / oba0, r[c + ".ocy.Dis"], da, au,
                r[c + ".BV_pct"]))
    print("\n=== what-ifs (no refit) ===")
    print("%-12s %6s %6s %6s %6s %7s %7s %7s %7s %8s" % (
        "run", "CTX14", "CTX30", "CTX90", "CTX170", "P1NP90", "P1NP170", "P1NP180", "P1NP200",
        "BVc180"))
    for lab, _ in WHATIF:
        r = res[lab]
        print("%-12s %6.1f %6.1f %6.1f %6.1f %7.1f %7.1f %7.1f %7.1f %8.2f" % (
            lab, r[14]["CTX_pct"], r[30]["CTX_pct"], r[90]["CTX_pct"], r[170]["CTX_pct"],
            r[90]["P1NP_pct"], r[170]["P1NP_pct"], r[180]["P1NP_pct"], r[200]["P1NP_pct"],
            r[180]["bone_c.BV_pct"]))


if __name__ == "__main__":
    main()
