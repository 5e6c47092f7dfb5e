#!/usr/bin/python3
"""test_thigh_calf.py -- the thigh and calf muscle groups of
models/muscle/muscle_mass.yaml (issue 17, muscle2 branch).

The thigh M and the calf Mc share the kinetics; the calf takes the disuse
signal Dm_c = Dm + (r_calf - 1) max(Dm, 0), and
muscle_pct = 100((1 - w_calf) M + w_calf Mc - 1). Checked on the module
alone (myokine and bone inputs at their defaults):

- identity: with r_calf = 1 the two groups are the same ODE from the same
  start, so calf and thigh agree to 1e-9 % in full unloading;
- definition: muscle_pct is the w_calf-weighted mean of the two outputs
  (to 1e-9 %) at the shipped r_calf, and at w_calf 0 and 1 it is the thigh
  and the calf;
- gains: on Earth with training (Dm < 0) the calf gains exactly as the
  thigh (the sensitivity acts on the disuse side only), to 1e-9 %;
- published ratio (two-sided): after 60 days of full unloading at the
  integrated model's values (s_syn 0.3413, g_syn_M 1.796, r_calf 1.752)
  the calf/thigh loss ratio lies within the bed-rest studies' range,
  1.0 (Berry 1993 Aviat Space Environ Med 64:212, 30 d: triceps surae
  -10.5 vs quadriceps -11 %) .. 2.2 (Heinicke 2008 FASEB J abstract,
  5 weeks: calf -15 vs thigh -7 %); Trappe 2007 (WISE, 60 d) 1.38.
  The 60-day thigh loss itself is checked against WISE via the PEtab rows.

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_thigh_calf.py
"""
import os

import muskx_cli
from muskx_cli import ROOT, check

MODEL = os.path.join(ROOT, "models", "muscle", "muscle_mass.yaml")
FIT = {"s_syn": 0.3413, "g_syn_M": 1.796, "r_calf": 1.752}


def main():
    r = muskx_cli.simulate(MODEL, 200, 5.0, {"loading": 0, "r_calf": 1.0})
    err = max(abs(a - b) for a, b in zip(r["muscle_calf_pct"], r["muscle_thigh_pct"]))
    check("TCident r_calf 1: calf = thigh in 200 d of full unloading (to 1e-9 %)",
          err <= 1e-9, "largest difference %.3g %% (thigh %.2f %% at 200 d)"
          % (err, r["muscle_thigh_pct"][-1]))

    for w in (0.3, 0.0, 1.0):
        over = dict(FIT, loading=0, w_calf=w)
        r = muskx_cli.simulate(MODEL, 120, 5.0, over)
        err = max(abs(m - ((1 - w) * t + w * c)) for m, t, c in
                  zip(r["muscle_pct"], r["muscle_thigh_pct"], r["muscle_calf_pct"]))
        check("TCmean w_calf %g: muscle_pct = (1 - w) thigh + w calf (to 1e-9 %%)" % w,
              err <= 1e-9, "largest difference %.3g %%, muscle_pct %.2f %% at 120 d"
              % (err, r["muscle_pct"][-1]))

    r = muskx_cli.simulate(MODEL, 365, 5.0, dict(FIT, loading=1, exercise_resistive=1,
                                                exercise_aerobic=1))
    err = max(abs(a - b) for a, b in zip(r["muscle_calf_pct"], r["muscle_thigh_pct"]))
    check("TCgain Earth training: the calf gains as the thigh (to 1e-9 %)",
          err <= 1e-9 and r["muscle_thigh_pct"][-1] > 0,
          "largest difference %.3g %%, thigh %+.2f %% at 365 d" % (err, r["muscle_thigh_pct"][-1]))

    r = muskx_cli.simulate(MODEL, 60, 5.0, dict(FIT, loading=0))
    th, ca = r["muscle_thigh_pct"][-1], r["muscle_calf_pct"][-1]
    ratio = ca / th
    check("TCratio 60 d unloaded: calf/thigh loss ratio within 1.0 .. 2.2 (Berry 1993 .. Heinicke 2008; "
          "Trappe 2007 1.38)", 1.0 <= ratio <= 2.2,
          "ratio %.2f (thigh %.2f %%, calf %.2f %%)" % (ratio, th, ca))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
