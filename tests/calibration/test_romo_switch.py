#!/usr/bin/python3
"""test_romo_switch.py -- romosozumab after an anti-resorptive (issue 17,
session 16, romobp).

  models/calibration/spaceflight/model.yaml: the event `landing` at
      t_land_c holds BMD_spine_pct and BMD_hip_pct in spine_sw / hip_sw;
      BMD_spine_sw_pct = 100 ((1 + BMD_spine_pct/100)/(1 + spine_sw/100) - 1)
      is the % change from the value at the switch (Hong 2024's rows:
      the romosozumab year after two years of denosumab); romo_start_c
      starts romosozumab at the switch.
  models/crosstalk/spaceflight.yaml: mb_wire = r(E_mb - f_mb A_mb),
      r(x) = max(x, 0) exp(-eps_mb/x), E_mb = C/(C + Kd_romo),
      dA_mb/dt = (E_mb - A_mb)/tau_mb (romoseq's f_mb, session 15).

Checks, two-sided:
  SW-PRE   before t_land_c the switch observable is the change from day 0
  SW-POST  after it, the ratio of two BMD_spine_pct values of the same run
           (at the switch and 365.25 d later), computed here; the hip too
  START    romosozumab's first dose is at romo_start_c: C_romo is 0 until
           then and positive 5 d later
  FMB      at f_mb 0.6 under 210 mg monthly, mb_wire equals r(E - 0.6 A)
           with A the first-order filter of E integrated here (exact for E
           linear over each 0.25 d step) from the simulated E; in month 11
           its mean is above 0.3 E (a sustained drive), while at f_mb 1
           (the shipped form) it is below 0.1 E (the burst has ended; what
           remains is the rise after each monthly dose)

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_romo_switch.py
"""
import math
import os

import muskx_cli
from muskx_cli import ROOT, check

PETAB_MODEL = os.path.join(ROOT, "models", "calibration", "spaceflight", "model.yaml")
SF = os.path.join(ROOT, "models", "crosstalk", "spaceflight.yaml")

SWITCH = {"postmenopausal": 1, "calcium_intake_c": 1700, "dmab_dose": 60, "dmab_n": 4,
          "romo_dose": 210, "romo_start_c": 730, "t_land_c": 730}


def sel(model, times, cols, over):
    return muskx_cli.simulate_at(model, times, cols, over)


def ratio_pct(x1, x0):
    return 100.0 * ((1.0 + x1 / 100.0) / (1.0 + x0 / 100.0) - 1.0)


def main():
    cols = ["BMD_spine_pct", "BMD_spine_sw_pct", "BMD_hip_pct", "BMD_hip_sw_pct", "sf.romo.C_romo"]
    rows = sel(PETAB_MODEL, [365.0, 729.0, 730.0, 735.0, 1095.25], cols, SWITCH)
    by = {r["time"]: r for r in rows}
    pre = by[365.0]
    check("SW-PRE before the switch BMD_spine_sw_pct = BMD_spine_pct (change from day 0)",
          abs(pre["BMD_spine_sw_pct"] - pre["BMD_spine_pct"]) < 1e-9 and abs(pre["BMD_spine_pct"]) > 1.0,
          "%.9f vs %.9f %%" % (pre["BMD_spine_sw_pct"], pre["BMD_spine_pct"]))
    x0, x1 = by[730.0]["BMD_spine_pct"], by[1095.25]["BMD_spine_pct"]
    ref = ratio_pct(x1, x0)
    got = by[1095.25]["BMD_spine_sw_pct"]
    check("SW-POST spine: the change from the day-730 value of the same run",
          abs(got - ref) < 1e-6 * max(1.0, abs(ref)) and abs(got - (x1 - x0)) > 1e-3,
          "model %.9f, ratio of BMD_spine_pct at 1095.25 / 730 %.9f (difference of %% %.4f)" % (got, ref, x1 - x0))
    h0, h1 = by[730.0]["BMD_hip_pct"], by[1095.25]["BMD_hip_pct"]
    check("SW-POST hip: the change from the day-730 value of the same run",
          abs(by[1095.25]["BMD_hip_sw_pct"] - ratio_pct(h1, h0)) < 1e-6,
          "model %.9f, closed form %.9f" % (by[1095.25]["BMD_hip_sw_pct"], ratio_pct(h1, h0)))
    check("START romosozumab starts at romo_start_c (C 0 on day 729, > 1 ug/mL on day 735)",
          by[729.0]["sf.romo.C_romo"] == 0.0 and by[735.0]["sf.romo.C_romo"] > 1.0,
          "C_romo %.3g on day 729, %.3g on day 735" % (by[729.0]["sf.romo.C_romo"], by[735.0]["sf.romo.C_romo"]))

    # FMB: the drive against an independently integrated counter-regulation
    tau, eps = 35.46, 0.01
    for f in (0.6, 1.0):
        over = {"romo_dose": 210.0, "f_mb": f, "tau_mb": tau}
        t_out = [0.25 * i for i in range(1, 1401)]
        rows = sel(SF, t_out, ["E_mb", "A_mb", "mb_wire", "eps_mb", "tau_mb"], over)
        check("FMB f_mb %g: the model's tau_mb and eps_mb are the ones used here" % f,
              rows[0]["tau_mb"] == tau and rows[0]["eps_mb"] == eps, "%g d, %g" % (rows[0]["tau_mb"], rows[0]["eps_mb"]))
        a, worst, t_prev, e_prev, tail = 0.0, 0.0, 0.0, 0.0, []
        for r in rows:
            h, e = r["time"] - t_prev, r["E_mb"]
            if h <= 0.0:  # the start row (t 0, no drug yet)
                continue
            q = math.exp(-h / tau)
            a = a * q + e * (1 - q) + (e_prev - e) * (tau / h * (1 - q) - q)
            x = e - f * a
            ref = max(x, 0.0) * math.exp(-eps / max(x, 1e-4))
            if r["time"] >= 10.0:
                worst = max(worst, abs(ref - r["mb_wire"]))
            if 300.0 <= r["time"] <= 335.0:
                tail.append(r["mb_wire"] / max(e, 1e-12))
            t_prev, e_prev = r["time"], e
        mean = sum(tail) / len(tail)
        if f < 1.0:
            ok = worst < 2e-3 and mean > 0.3
        else:
            ok = worst < 2e-3 and mean < 0.1
        check("FMB f_mb %g: mb_wire = r(E - f_mb A), A the filter of E (quadrature), within 2e-3; %s"
              % (f, "sustained (mean mb_wire/E > 0.3 on days 300-335)" if f < 1
                 else "the burst ends (mean mb_wire/E < 0.1 on days 300-335)"), ok,
              "largest gap %.2e after day 10; mean mb_wire/E %.3f (range %.3f .. %.3f) on days 300-335"
              % (worst, mean, min(tail), max(tail)))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
