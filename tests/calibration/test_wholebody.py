#!/usr/bin/python3
"""test_wholebody.py -- whole-body DXA as the sum of its regions (issue 17,
session 15, wbody branch; models/crosstalk/spaceflight.yaml I_wbody,
skel_c, w_wb_nwb, q_wb_spine, q_wb_pelvis).

BMD_wholebody_pct = w skel_c + (1 - w)(q_s spine + q_p hip + (1 - q_s - q_p)
legs), each a % change of that region's DXA output, where skel_c is
the non-weight-bearing cortical skeleton (skull, arms, ribs) and the DXA leg
region BMD_legs_pct = w_leg_hip hip + (1 - w_leg_hip) whole tibia (issue 17,
session 16 legs branch). Checks, two-sided:

  SUM    healthy start (every day-0 reference 1), 180 days of micro-g:
         the whole-body output equals the weighted sum of the region
         outputs, computed here from the parameter values the model prints,
         within 1e-6 points; again at w_wb_nwb 0.3 and q_wb_spine 0.35
         (the weights enter as written, not as constants)
  LEGS   the same flight: the leg region equals w_leg_hip x total hip +
         (1 - w_leg_hip) x whole tibia within 1e-6 points, at the shipped
         w_leg_hip and at 0.3, and loses less than the total hip
  SHAFT  the same flight at the shafts' micro-g share f_wb_sh 0.05 and
         0.95: the shaft cortex tibia_c loses at least 5 times less at
         0.05, the hip's compact cortex hip_c (f_wb_t) does not move
         (within 1e-4 points, the solver tolerance: f_wb_sh reaches only the shafts)
  NWB    the same flight: skel_c changes by less than 0.2 % (not unloaded:
         f_wb 0; only systemic signals reach it) while the lumbar spine
         loses more than 3 %
  CORT   postmenopausal start, 3 years of alendronate 10 mg daily on Earth,
         with the shafts' turnover turnover_sh set to turnover_cort:
         skel_c and the hip's compact cortex hip_c (same module, same
         turnover, same drug and hormone wiring, both at loading 1
         without exercise) change alike, within 0.25 points over the run
         (hip_c alone feels the leg muscles: its stimulus carries
         f_wb_t of the muscle-weighted load, which the bone -> muscle wires
         move a little under the drug; skel_c has f_wb 0), and gain
         1..6 % (a cortical compartment, not a trabecular one: the
         spine's trabecular compartment gains more); with the muscle
         weighting off (g_musc 0) the two are the same within 1e-6 points
  SHTURN the same 3 years at the shipped turnover_sh (issue 17, session 18,
         wbaln): where turnover_sh is below turnover_cort, skel_c gains less
         than hip_c, and the whole body less than at turnover_sh =
         turnover_cort; at turnover_sh 2 x turnover_cort skel_c gains more
         than hip_c (the turnover, not a constant, sets the cortex's gain)
  RADIUS 2.5 years (913 days) of alendronate 70 mg weekly, postmenopausal
         start: the non-weight-bearing cortex skel_c gains +0.3..+2.3 %,
         Greenspan SL et al. 1998 J Bone Miner Res 13:1431 (abstract): the
         one-third distal radius, compact diaphyseal cortex, +1.3 % in the
         alendronate arm (+-1 point: no SD in the abstract). A consistency
         check, not a blind one: turnover_sh was fitted to the same
         abstract's total body (greenspan1998_tb); the radius is no row

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_wholebody.py
"""
import os
import tempfile

import muskx_cli
from muskx_cli import ROOT, check

MODEL = os.path.join(ROOT, "models", "crosstalk", "spaceflight.yaml")


def params(names, over=None):
    """The model's values of NAMES (muskx simulate at t ~ 0 selects them)."""
    out, _ = muskx_cli.run(["simulate", MODEL, "--t-end", "1e-9", "--times", "1e-9",
                            "--select", ",".join(names)] + muskx_cli.sets(over or {}))
    head, *rows = [l.split(",") for l in out.strip().splitlines()]
    return {k: float(v) for k, v in zip(head, rows[-1])}


def scenario(tmp, name, phases, drugs, outputs, over=None, pm=False):
    """Runs a scenario on the integrated model (the postmenopausal trial
    population with 1200 mg/day calcium when PM); returns {column: [floats]}."""
    return muskx_cli.scenario(tmp, MODEL, name, phases, drugs, outputs, over,
                              1200 if pm else None)


def main():
    regions = ["BMD_wholebody_pct", "skel_c.BMD_pct", "BMD_spine_pct", "BMD_hip_pct",
               "BMD_tibia_whole_pct", "BMD_legs_pct"]
    flight = ["{name: flight, duration: 180 d, inputs: {loading: 0}}"]
    with tempfile.TemporaryDirectory() as tmp:
        for tag, over in (("shipped", {}), ("w 0.3, q_spine 0.35", {"w_wb_nwb": 0.3, "q_wb_spine": 0.35})):
            p = params(["w_wb_nwb", "q_wb_spine", "q_wb_pelvis"], over)
            r = scenario(tmp, "flight", flight, [], regions, over)
            w, qs, qp = p["w_wb_nwb"], p["q_wb_spine"], p["q_wb_pelvis"]
            worst = 0.0
            for i in range(len(r["time"])):
                ref = w * r["skel_c.BMD_pct"][i] + (1 - w) * (
                    qs * r["BMD_spine_pct"][i] + qp * r["BMD_hip_pct"][i]
                    + (1 - qs - qp) * r["BMD_legs_pct"][i])
                worst = max(worst, abs(r["BMD_wholebody_pct"][i] - ref))
            check("SUM %s: whole body = weighted sum of the regions over 180 d of micro-g" % tag,
                  worst < 1e-6 and r["BMD_wholebody_pct"][-1] < -0.5,
                  "largest difference %.2e points (w %.4f, q %.2f / %.2f; whole body %.3f %% at day 180)"
                  % (worst, w, qs, qp, r["BMD_wholebody_pct"][-1]))
            if not over:
                check("NWB flight: the non-weight-bearing cortex stays within 0.2 %, the spine loses > 3 %",
                      abs(r["skel_c.BMD_pct"][-1]) < 0.2 and r["BMD_spine_pct"][-1] < -3,
                      "skel_c %+.3f %%, spine %+.2f %%" % (r["skel_c.BMD_pct"][-1], r["BMD_spine_pct"][-1]))
        for tag, over in (("shipped", {}), ("w_leg_hip 0.3", {"w_leg_hip": 0.3})):
            wl = params(["w_leg_hip"], over)["w_leg_hip"]
            r = scenario(tmp, "flight_legs", flight, [], regions, over)
            worst = max(abs(r["BMD_legs_pct"][i] - (wl * r["BMD_hip_pct"][i] + (1 - wl) * r["BMD_tibia_whole_pct"][i]))
                        for i in range(len(r["time"])))
            check("LEGS %s: leg region = w_leg_hip hip + (1 - w_leg_hip) whole tibia over 180 d of micro-g, less loss than the hip" % tag,
                  worst < 1e-6 and r["BMD_hip_pct"][-1] < r["BMD_legs_pct"][-1] < 0,
                  "largest difference %.2e points (w_leg_hip %.3f; legs %.3f %%, hip %.3f %% at day 180)"
                  % (worst, wl, r["BMD_legs_pct"][-1], r["BMD_hip_pct"][-1]))
        sh = {f: scenario(tmp, "flight_sh", flight, [], ["tibia_c.BMD_pct", "hip_c.BMD_pct"], {"f_wb_sh": f})
              for f in (0.05, 0.95)}
        lo, hi = sh[0.05]["tibia_c.BMD_pct"][-1], sh[0.95]["tibia_c.BMD_pct"][-1]
        dh = max(abs(a - b) for a, b in zip(sh[0.05]["hip_c.BMD_pct"], sh[0.95]["hip_c.BMD_pct"]))
        check("SHAFT flight: f_wb_sh sets the shaft cortex's loss, not the hip cortex's",
              hi < 5 * lo < 0 and dh < 1e-4,
              "tibia_c %+.3f %% at f_wb_sh 0.05, %+.3f %% at 0.95; hip_c differs by %.1e points" % (lo, hi, dh))
        outs = ["skel_c.BMD_pct", "hip_c.BMD_pct", "spine_t.BMD_pct", "BMD_wholebody_pct"]
        ph = ["{name: aln, duration: 1096 d, inputs: {loading: 1}}"]
        drug = ["{agent: alendronate, dose: 10 mg, route: oral, start: 0 d, every: 1 d, count: 1096}"]
        tcort = params(["turnover_cort", "turnover_sh"])
        same = {"turnover_sh": tcort["turnover_cort"]}
        aln = scenario(tmp, "aln", ph, drug, outs, same, pm=True)
        d = {k: aln[k][-1] - aln[k][0] for k in outs}
        gap = max(abs(a - b) for a, b in zip(aln["skel_c.BMD_pct"], aln["hip_c.BMD_pct"]))
        check("CORT alendronate 3 years: skel_c follows the compact hip cortex within 0.25 points, gains 1..6 points, less than the spine's trabecular bone",
              gap < 0.25 and 1 <= d["skel_c.BMD_pct"] <= 6 and d["spine_t.BMD_pct"] > d["skel_c.BMD_pct"],
              "skel_c %+.3f, hip_c %+.3f, spine_t %+.3f points (largest gap %.1e)"
              % (d["skel_c.BMD_pct"], d["hip_c.BMD_pct"], d["spine_t.BMD_pct"], gap))
        aln0 = scenario(tmp, "aln_g0", ph, drug, outs, dict(same, g_musc=0.0), pm=True)
        gap0 = max(abs(a - b) for a, b in zip(aln0["skel_c.BMD_pct"], aln0["hip_c.BMD_pct"]))
        check("CORT g_musc 0: skel_c and hip_c identical (the only difference is the muscle-weighted load)",
              gap0 < 1e-6 and aln0["skel_c.BMD_pct"][-1] - aln0["skel_c.BMD_pct"][0] > 1,
              "largest gap %.1e points" % gap0)
        gain = lambda r, k: r[k][-1] - r[k][0]
        alns = scenario(tmp, "aln_sh", ph, drug, outs, pm=True)
        aln2 = scenario(tmp, "aln_sh2", ph, drug, outs, {"turnover_sh": 2 * tcort["turnover_cort"]}, pm=True)
        lower = tcort["turnover_sh"] < tcort["turnover_cort"] * (1 - 1e-9)
        check("SHTURN the shafts' turnover sets the non-weight-bearing cortex's alendronate gain",
              (not lower or (gain(alns, "skel_c.BMD_pct") < gain(alns, "hip_c.BMD_pct")
                             and gain(alns, "BMD_wholebody_pct") < gain(aln, "BMD_wholebody_pct")))
              and gain(aln2, "skel_c.BMD_pct") > gain(aln2, "hip_c.BMD_pct"),
              "turnover_sh %.3g /yr (turnover_cort %.3g): skel_c %+.3f, hip_c %+.3f, whole body %+.3f points "
              "(at turnover_cort: %+.3f); at 2 x turnover_cort skel_c %+.3f, hip_c %+.3f"
              % (365 * tcort["turnover_sh"], 365 * tcort["turnover_cort"], gain(alns, "skel_c.BMD_pct"),
                 gain(alns, "hip_c.BMD_pct"), gain(alns, "BMD_wholebody_pct"), gain(aln, "BMD_wholebody_pct"),
                 gain(aln2, "skel_c.BMD_pct"), gain(aln2, "hip_c.BMD_pct")))
        rad = scenario(tmp, "aln_radius", ["{name: aln, duration: 913 d, inputs: {loading: 1}}"],
                       ["{agent: alendronate, dose: 70 mg, route: oral, start: 0 d, every: 7 d, count: 131}"],
                       ["skel_c.BMD_pct"], pm=True)
        g = 100 * ((1 + rad["skel_c.BMD_pct"][-1] / 100) / (1 + rad["skel_c.BMD_pct"][0] / 100) - 1)
        check("RADIUS alendronate 2.5 years: the non-weight-bearing cortex gains as Greenspan 1998's one-third radius (+1.3 +- 1 %)",
              0.3 <= g <= 2.3, "skel_c %+.3f %% from day 0" % g)
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
