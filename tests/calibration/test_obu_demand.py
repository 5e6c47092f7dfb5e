#!/usr/bin/python3
"""test_obu_demand.py -- romosozumab draws on the osteoblast reservoir in
proportion to the recruitment a compartment actually exerts (issue 17,
session 17, romohip).

  models/bone/rankl_opg.yaml:
      demandOB    = wntOB + k_mb s_ana mb_sig/turnover
      wntOB       = f_ob_wnt - (1 - s_ana s_rb) r(f_ob_wnt - 1),
                    r(x) = max(x, 0) exp(-eps_mod/x)
      driveOB     = smooth max(demandOB, 1)   (width eps_obu)
      dOBu/dt     = (1 + r_obu - (1 + r_obu driveOB) OBu)/tau_obu
      formation_mb = k_mb s_ana BV0 mb_sig OBu  (activated lining cells)
  Before this branch the drain was max(f_ob_wnt, 1), the whole Wnt rise,
  although only the share s_ana s_rb of it recruits coupled osteoblasts,
  and modelling-based formation did not draw on the reservoir.

Checks, two-sided, on models/crosstalk/spaceflight.yaml under romosozumab
210 mg monthly (r_obu 0.3 where the reservoir is on):
  DEMAND  hip_t, spine_t (s_ana 1) and hip_c (s_ana s_ana_c) demandOB
          against the closed form computed here from the selected Wnt,
          modelling drive and parameters
  SITE    the modelling part of the demand is turnover-scaled: hip_t's over
          spine_t's equals turnover_t/turnover_t_hip (the same modelling
          flux per bone volume is a larger share of a slowly remodelled
          compartment's osteoblast supply)
  RES     hip_t's OBu against a quadrature of its ODE driven by the selected
          driveOB (midpoint rate over each 0.25 d step; the monthly dose events fall between samples, so within 1e-4 of a draw-down of ~0.17)
  FMB     formation_mb = k_mb mb_sig OBu in hip_t (s_ana 1, BV0 1)
  INERT   at the shipped r_obu 0 the reservoir stays at 1 and formation_mb
          = k_mb mb_sig: the change is inert in the shipped model

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_obu_demand.py
"""
import math
import os

import muskx_cli
from muskx_cli import ROOT, check

SF = os.path.join(ROOT, "models", "crosstalk", "spaceflight.yaml")
PARS = ["k_mb", "s_rb", "s_ana_c", "turnover_t", "turnover_t_hip", "turnover_cort", "hip_t.eps_mod",
        "tau_obu", "r_obu"]


def sel(times, cols, over):
    return muskx_cli.simulate_at(SF, times, cols, over)


def ramp(x, eps):
    return max(x, 0.0) * math.exp(-eps / max(x, 1e-4))


def main():
    cols = ["mb_wire", "hip_t.ocy.f_ob_wnt", "spine_t.ocy.f_ob_wnt", "hip_c.ocy.f_ob_wnt",
            "hip_t.demandOB", "spine_t.demandOB", "hip_c.demandOB", "hip_t.driveOB",
            "hip_t.OBu", "spine_t.OBu", "hip_t.formation_mb"] + PARS
    t_out = [0.25 * i for i in range(0, 1461)]
    rows = sel(t_out, cols, {"romo_dose": 210.0, "r_obu": 0.3})
    p = rows[0]
    worst = {"hip_t": 0.0, "spine_t": 0.0, "hip_c": 0.0}
    site, fmb = [], 0.0
    for r in rows:
        m = r["mb_wire"]
        for comp, s_ana, tov in (("hip_t", 1.0, p["turnover_t_hip"]), ("spine_t", 1.0, p["turnover_t"]),
                                 ("hip_c", p["s_ana_c"], p["turnover_cort"])):
            f = r[comp + ".ocy.f_ob_wnt"]
            ref = f - (1 - s_ana * p["s_rb"]) * ramp(f - 1, p["hip_t.eps_mod"]) + p["k_mb"] * s_ana * m / tov
            worst[comp] = max(worst[comp], abs(r[comp + ".demandOB"] - ref) / max(1.0, abs(ref)))
        if m > 0.05:
            mh = r["hip_t.demandOB"] - (r["hip_t.ocy.f_ob_wnt"]
                                        - (1 - p["s_rb"]) * ramp(r["hip_t.ocy.f_ob_wnt"] - 1, p["hip_t.eps_mod"]))
            ms = r["spine_t.demandOB"] - (r["spine_t.ocy.f_ob_wnt"]
                                          - (1 - p["s_rb"]) * ramp(r["spine_t.ocy.f_ob_wnt"] - 1, p["hip_t.eps_mod"]))
            site.append(mh / ms)
        fmb = max(fmb, abs(r["hip_t.formation_mb"] - p["k_mb"] * m * r["hip_t.OBu"]))
    check("DEMAND demandOB = wntOB + k_mb s_ana mb_sig/turnover (hip_t, spine_t, hip_c), rel. 1e-9",
          max(worst.values()) < 1e-9 and max(r["hip_t.demandOB"] for r in rows) > 2.0,
          "largest relative gaps %s; hip_t peak demand %.3f"
          % (", ".join("%s %.1e" % kv for kv in worst.items()), max(r["hip_t.demandOB"] for r in rows)))
    want = p["turnover_t"] / p["turnover_t_hip"]
    check("SITE the modelling demand in hip_t / spine_t = turnover_t/turnover_t_hip (%.4f)" % want,
          len(site) > 20 and max(abs(x - want) for x in site) < 1e-6 * want,
          "%d samples, range %.6f .. %.6f" % (len(site), min(site), max(site)))
    # RES: exponential step of dO/dt = (1 + r - (1 + r d) O)/tau, d linear per step (midpoint rate)
    r_obu, tau = p["r_obu"], p["tau_obu"]
    o, gap = rows[0]["hip_t.OBu"], 0.0
    for a, b in zip(rows, rows[1:]):
        h = b["time"] - a["time"]
        d = 0.5 * (a["hip_t.driveOB"] + b["hip_t.driveOB"])
        k = (1 + r_obu * d) / tau
        o_inf = (1 + r_obu) / (1 + r_obu * d)
        o = o_inf + (o - o_inf) * math.exp(-k * h)
        gap = max(gap, abs(o - b["hip_t.OBu"]))
    low = min(r["hip_t.OBu"] for r in rows)
    check("RES hip_t OBu against a quadrature of its ODE (365 d, r_obu %g, tau_obu %g d): within 1e-4 (dose events fall between samples)"
          " and drawn down by > 1 %%" % (r_obu, tau), gap < 1e-4 and low < 0.99,
          "largest gap %.2e; lowest OBu %.4f (spine_t %.4f)" % (gap, low, min(r["spine_t.OBu"] for r in rows)))
    check("FMB formation_mb = k_mb mb_sig OBu in hip_t, within 1e-12/day", fmb < 1e-12 and p["k_mb"] > 0,
          "largest gap %.2e" % fmb)
    rows0 = sel([0.0, 30.0, 180.0, 365.0], ["hip_t.OBu", "spine_t.OBu", "hip_t.formation_mb", "mb_wire", "k_mb",
                                             "r_obu"], {"romo_dose": 210.0})
    ok = all(r["hip_t.OBu"] == 1.0 and r["spine_t.OBu"] == 1.0 and r["r_obu"] == 0.0 and
             abs(r["hip_t.formation_mb"] - r["k_mb"] * r["mb_wire"]) < 1e-15 for r in rows0)
    check("INERT at the shipped r_obu 0: OBu 1 and formation_mb = k_mb mb_sig", ok and rows0[1]["mb_wire"] > 0.1,
          "OBu %s; mb_wire on day 30 %.3f" % ([r["hip_t.OBu"] for r in rows0], rows0[1]["mb_wire"]))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
