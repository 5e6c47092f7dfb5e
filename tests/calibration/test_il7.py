#!/usr/bin/python3
"""Checks models/myokines/il7.yaml against its own analytic solution and the
directions of effect stated in the seed review.

Model (see the banner of il7.yaml):
  P_il7   = 1 + a_ex (ex_res + ex_aer) + a_unl Dm
  dIL7/dt = k P_il7 - k IL7,   k = ln 2 / t_half_il7
  steady state IL7* = P_il7; step of P from 1 to P1 at t = 0 from IL7 = 1:
  IL7(t) = P1 + (1 - P1) exp(-k t)

Checks:
  1. baseline (loading 1, no exercise): `muskx steady` gives IL7 = 1 and the
     initial value is that steady state (10-year simulate moves nothing);
  2. analytic steady state P_il7 equals `muskx steady` at loading 0, 0.38,
     0.17 and under exercise;
  3. step response (exercise switched on at t = 0, loading 0 at t = 0)
     equals the exponential with the model's half-life, and the rise is
     half complete at t = t_half_il7;
  4. the effect outputs move in the seed's directions: IL-7 promotes
     osteoclastogenesis (f_ocg_il7 > 1) and inhibits bone formation
     (f_form_il7 < 1) whenever IL-7 rises (loading 0, exercise), and are
     1 at baseline.
All values are the model's own (assumed, see il7.yaml); this test verifies
the implementation, not a published IL-7 measurement (none was read).

Python 3 standard library only:  /usr/bin/python3 tests/calibration/test_il7.py
"""
import math
import os

import muskx_cli
from muskx_cli import ROOT, check, run
MODEL = os.path.join(ROOT, "models", "myokines", "il7.yaml")

# Parameter values of il7.yaml (checked against the file below).
P = {"wm_res": 0.3, "wm_aer": 0.05, "K_psi": 0.5, "n_psi": 2.0,
     "t_half_il7": 0.5, "a_il7_ex": 0.2, "a_il7_unl": 0.2,
     "E_oc": 0.2, "E_ob": 0.2, "K_il7": 1.0, "n_il7": 1.0}

def steady(inputs):
    vals, _, _, resid = muskx_cli.steady(MODEL, inputs)
    return vals["IL7"], resid


def simulate(inputs, t_end, dt):
    return muskx_cli.simulate_rows(MODEL, t_end, dt, inputs, 1e-10, 1e-14)


def hill_inh(x, k, n):
    return k ** n / (k ** n + x ** n)


def hill(x, k, n):
    return x ** n / (k ** n + x ** n)


def production(loading, ex_res=0.0, ex_aer=0.0):
    d0 = hill_inh(1.0, P["K_psi"], P["n_psi"])
    load_m = loading + P["wm_res"] * ex_res + P["wm_aer"] * ex_aer
    dm = (hill_inh(load_m, P["K_psi"], P["n_psi"]) / d0 - 1) / (1 / d0 - 1)
    return 1 + P["a_il7_ex"] * (ex_res + ex_aer) + P["a_il7_unl"] * dm


def f_ocg(il7):
    return ((1 + P["E_oc"] * hill(il7, P["K_il7"], P["n_il7"]))
            / (1 + P["E_oc"] * hill(1.0, P["K_il7"], P["n_il7"])))


def f_form(il7):
    return ((1 + P["E_ob"] * hill_inh(il7, P["K_il7"], P["n_il7"]))
            / (1 + P["E_ob"] * hill_inh(1.0, P["K_il7"], P["n_il7"])))


def main():
    # 0. the parameter values used here are those in the file
    text = open(MODEL).read()
    for k, v in P.items():
        token = "%s: {value: %r," % (k, v)
        check("parameter %s = %r in il7.yaml" % (k, v), token in text, token)
    out, _ = run(["check", MODEL])
    check("muskx check", True, out.strip())

    # 1. baseline steady state
    y, resid = steady({})
    check("baseline steady IL7 = 1 (initial value)", y == 1.0 and resid is not None
          and resid < 1e-12, "IL7* = %r, residual %r" % (y, resid))
    rows = simulate({}, 3650.0, 365.0)
    drift = max(abs(float(x["IL7"]) - 1.0) for x in rows)
    check("10-year run at defaults stays at 1", drift < 1e-12, "max drift %.3g" % drift)
    fo = max(abs(float(x["f_ocg_il7"]) - 1) + abs(float(x["f_form_il7"]) - 1) for x in rows)
    check("effects are 1 at baseline", fo < 1e-12, "max |f-1| %.3g" % fo)

    # 2. analytic steady states
    cases = [({"loading": 0.0}, production(0.0)),
             ({"loading": 0.38}, production(0.38)),
             ({"loading": 0.17}, production(0.17)),
             ({"exercise_resistive": 1.0}, production(1.0, 1.0, 0.0)),
             ({"exercise_aerobic": 1.0}, production(1.0, 0.0, 1.0)),
             ({"loading": 0.0, "exercise_resistive": 1.0, "exercise_aerobic": 1.0},
              production(0.0, 1.0, 1.0))]
    for inp, want in cases:
        got, resid = steady(inp)
        check("steady %s = production/clearance" % inp,
              abs(got - want) < 1e-10 * max(1.0, abs(want)),
              "muskx %.12g, analytic %.12g (residual %r)" % (got, want, resid))

    # 3. step response: exponential with the model's half-life
    k = math.log(2) / P["t_half_il7"]
    for inp, p1 in [({"exercise_resistive": 1.0}, production(1.0, 1.0)),
                    ({"loading": 0.0}, production(0.0))]:
        rows = simulate(inp, 5.0, 0.05)
        err = 0.0
        for x in rows:
            t = float(x["time"])
            want = p1 + (1 - p1) * math.exp(-k * t)
            err = max(err, abs(float(x["IL7"]) - want))
        check("step %s follows 1 -> %.6g with t1/2 %g d" % (inp, p1, P["t_half_il7"]),
              err < 1e-7, "max abs error %.3g" % err)
        half = [x for x in rows if abs(float(x["time"]) - P["t_half_il7"]) < 1e-9][0]
        frac = (float(half["IL7"]) - 1) / (p1 - 1)
        check("step %s half complete at t1/2" % inp, abs(frac - 0.5) < 1e-6,
              "fraction of rise at %g d = %.9f" % (P["t_half_il7"], frac))

    # 4. directions of effect (seed: promotes osteoclastogenesis, inhibits formation)
    for inp in [{"loading": 0.0}, {"exercise_resistive": 1.0},
                {"exercise_aerobic": 1.0}]:
        rows = simulate(inp, 10.0, 1.0)
        last = rows[-1]
        il7 = float(last["IL7"])
        oc = float(last["f_ocg_il7"])
        ob = float(last["f_form_il7"])
        check("%s raises IL-7" % inp, il7 > 1.0, "IL7 = %.6f" % il7)
        check("%s: osteoclastogenesis factor > 1, formation factor < 1" % inp,
              oc > 1.0 and ob < 1.0 and abs(oc - f_ocg(il7)) < 1e-12
              and abs(ob - f_form(il7)) < 1e-12,
              "f_ocg_il7 = %.6f, f_form_il7 = %.6f" % (oc, ob))
        mono = all(float(b["f_ocg_il7"]) >= float(a["f_ocg_il7"]) and
                   float(b["f_form_il7"]) <= float(a["f_form_il7"])
                   for a, b in zip(rows, rows[1:]))
        check("%s: effects move monotonically with the IL-7 rise" % inp, mono, "")
    # a fall in IL-7 (forced initial value 0.5) reverses both effects
    rows = simulate({"IL7": 0.5}, 1.0, 1.0)
    oc, ob = float(rows[0]["f_ocg_il7"]), float(rows[0]["f_form_il7"])
    check("IL7 below baseline: f_ocg < 1, f_form > 1", oc < 1.0 and ob > 1.0,
          "f_ocg_il7 = %.6f, f_form_il7 = %.6f" % (oc, ob))

    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
