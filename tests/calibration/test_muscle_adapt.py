#!/usr/bin/python3
"""test_muscle_adapt.py -- the time-dependent disuse responses of
models/muscle/muscle_mass.yaml (issue 17, session 20, muslong) and their
binding in models/crosstalk/spaceflight.yaml.

The module's thigh M and calf Mc follow
  M' = k_M (Syn - Brk M),  Syn = M^-g (1 - s_syn (Dm - f_syn_ad As Dm+)) S,
  Brk = 1 + b_unl Dm + b_tr Dm+ (1 - Ab)
  (calf: Mc, Dm_c = Dm + (r_calf - 1) Dm+, and r_calf times both new terms),
  As' = (Dm+ - As)/tau_syn_ad,  Ab' = (Dm+ - Ab)/tau_brk_ad,  Dm+ = max(Dm, 0),
with S the IGF-1 factor 1 + e_igf_m (sens - 1), sens = 1/(1 + r_igf (1/d0 - 1) Dm)
(the other inputs at their defaults 1, so myostatin and the osteokines are 1).
Checks, on the module alone (100 d at loading 0, then 100 d at loading 1):

  MAoff    at the defaults (f_syn_ad = b_tr = 0) the module equals an
           independent fourth-order Runge-Kutta integration, written here,
           of the equations WITHOUT the new terms (the model before
           session 20): thigh and calf within 1e-6 % on every day
  MAref    at f_syn_ad 0.5, b_tr 0.5 (tau 30 d / 7 d) the module equals the
           same integration WITH the new terms (1e-4 %), and the new terms
           are on: thigh at day 100 differs from MAoff's by more than 1 %
           (two-sided: the reference and the module must both move)
  MAreload after reloading (Dm 0) synthesis_pct with the new terms equals
           the shipped form M^-g S - 1 at the same M (1e-9): the terms act
           only while disuse is positive
  MAbind   the integrated model: --set f_syn_ad=0.5 moves flight
           (loading 0) muscle_pct at day 120 by more than 3 points toward
           0, and --set b_tr=0.5 deepens day 7 by more than 1 point; at the
           shipped values (0) the integrated model's muscle_pct at day 120
           equals a run with the taus changed, to 1e-7 % (the taus alone do
           nothing; the solver's steps differ)

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_muscle_adapt.py
"""
import csv
import os

import muskx_cli
from muskx_cli import ROOT, check

MODEL = os.path.join(ROOT, "models", "muscle", "muscle_mass.yaml")
SF = os.path.join(ROOT, "models", "crosstalk", "spaceflight.yaml")
NAMES = ["k_M", "g_syn_M", "s_syn", "b_unl", "r_calf", "K_psi", "n_psi", "r_igf", "e_igf_m",
         "f_syn_ad", "tau_syn_ad", "b_tr", "tau_brk_ad"]


def hill_inh(x, k, n):
    return k ** n / (k ** n + x ** n)


def reference(p, t_unload, t_end, new_terms, h=0.05):
    """RK4 of the module's thigh and calf with loading 0 until t_unload, then
    1; no exercise, other inputs 1. Returns {day: (thigh %, calf %, syn %)}."""
    d0 = hill_inh(1.0, p["K_psi"], p["n_psi"])

    def disuse(load):
        return (hill_inh(load, p["K_psi"], p["n_psi"]) / d0 - 1) / (1 / d0 - 1)

    def parts(load, y):
        m, mc, a_s, a_b = y
        dm = disuse(load)
        pos = max(dm, 0.0)
        sens = 1 / (1 + p["r_igf"] * (1 / d0 - 1) * dm)
        sig = 1 + p["e_igf_m"] * (sens - 1)
        dmc = dm + (p["r_calf"] - 1) * pos
        fade = p["f_syn_ad"] * a_s * pos if new_terms else 0.0
        tr = p["b_tr"] * pos * (1 - a_b) if new_terms else 0.0
        syn = m ** -p["g_syn_M"] * (1 - p["s_syn"] * (dm - fade)) * sig
        syn_c = mc ** -p["g_syn_M"] * (1 - p["s_syn"] * (dmc - p["r_calf"] * fade)) * sig
        brk = 1 + p["b_unl"] * dm + tr
        brk_c = 1 + p["b_unl"] * dmc + p["r_calf"] * tr
        return pos, syn, syn_c, brk, brk_c

    def f(load, y):
        pos, syn, syn_c, brk, brk_c = parts(load, y)
        return [p["k_M"] * (syn - brk * y[0]), p["k_M"] * (syn_c - brk_c * y[1]),
                (pos - y[2]) / p["tau_syn_ad"], (pos - y[3]) / p["tau_brk_ad"]]

    y = [1.0, 1.0, 0.0, 0.0]
    out = {0: (0.0, 0.0, 100 * (parts(0.0, y)[1] - 1))}
    steps = int(round(1 / h))
    for day in range(1, t_end + 1):
        # the switch lies on a day boundary: every stage of a day's steps
        # uses that day's loading (the inputs are piecewise constant)
        load = 0.0 if day <= t_unload else 1.0
        for _ in range(steps):
            k1 = f(load, y)
            k2 = f(load, [a + h / 2 * b for a, b in zip(y, k1)])
            k3 = f(load, [a + h / 2 * b for a, b in zip(y, k2)])
            k4 = f(load, [a + h * b for a, b in zip(y, k3)])
            y = [a + h / 6 * (b + 2 * c + 2 * d + e) for a, b, c, d, e in zip(y, k1, k2, k3, k4)]
        syn = parts(load, y)[1]
        out[day] = (100 * (y[0] - 1), 100 * (y[1] - 1), 100 * (syn - 1))
    return out


def run_scenario(tmp, model, name, phases, outputs, over):
    """MODEL through PHASES (YAML flow texts) from its steady state, daily
    samples, solver tolerances 1e-10 / 1e-12 (tight, so the comparison with
    the reference measures the model, not the step control); returns
    {day: {column: value}}."""
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write("muskx_scenario: 1\nscenario: {id: %s, name: %s}\nmodel: %s\n" % (name, name, model))
        f.write("start: steady\nphases:\n")
        for ph in phases:
            f.write("  - %s\n" % ph)
        f.write("outputs: [%s]\nsampling: 1 d\ntolerances: {rtol: 1.0e-10, atol: 1.0e-12}\n"
                % ", ".join(outputs))
    out = os.path.join(tmp, name + ".csv")
    muskx_cli.run(["run", path, "-o", out] + muskx_cli.sets(over))
    with open(out) as f:
        rows = list(csv.DictReader(f))
    return {int(round(float(r["time"]))): {k: float(v) for k, v in r.items()} for r in rows}


def module_run(over, t_unload, t_end, tmp):
    """The module: loading 0 until t_unload, then 1."""
    return run_scenario(tmp, MODEL, "ma",
                        ["{name: unloaded, duration: %d d, inputs: {loading: 0}}" % t_unload,
                         "{name: reloaded, duration: %d d, inputs: {loading: 1}}" % (t_end - t_unload)],
                        ["muscle_thigh_pct", "muscle_calf_pct", "synthesis_pct"], over)


def main():
    import tempfile
    base = muskx_cli.info_values(MODEL, NAMES)
    check("MAdefault f_syn_ad and b_tr are 0 in the module (inert as shipped)",
          base["f_syn_ad"] == 0 and base["b_tr"] == 0,
          "f_syn_ad %g, b_tr %g" % (base["f_syn_ad"], base["b_tr"]))
    with tempfile.TemporaryDirectory() as tmp:
        ref_off = reference(base, 100, 200, False)
        mod_off = module_run({}, 100, 200, tmp)
        err = max(max(abs(mod_off[d]["muscle_thigh_pct"] - ref_off[d][0]),
                      abs(mod_off[d]["muscle_calf_pct"] - ref_off[d][1])) for d in range(0, 201))
        check("MAoff defaults = RK4 of the equations without the new terms (1e-6 %)",
              err <= 1e-6, "largest difference %.3g %%; thigh %.3f %% at day 100"
              % (err, mod_off[100]["muscle_thigh_pct"]))

        on = dict(f_syn_ad=0.5, b_tr=0.5, tau_syn_ad=30.0, tau_brk_ad=7.0)
        p_on = dict(base, **on)
        ref_on = reference(p_on, 100, 200, True)
        mod_on = module_run(on, 100, 200, tmp)
        err = max(max(abs(mod_on[d]["muscle_thigh_pct"] - ref_on[d][0]),
                      abs(mod_on[d]["muscle_calf_pct"] - ref_on[d][1])) for d in range(0, 201))
        moved = abs(mod_on[100]["muscle_thigh_pct"] - mod_off[100]["muscle_thigh_pct"])
        ref_moved = abs(ref_on[100][0] - ref_off[100][0])
        check("MAref f_syn_ad 0.5, b_tr 0.5: module = RK4 with the new terms (1e-4 %), and they act (> 1 %)",
              err <= 1e-4 and moved > 1 and ref_moved > 1,
              "largest difference %.3g %%; thigh at day 100 %.3f %% (off %.3f %%)"
              % (err, mod_on[100]["muscle_thigh_pct"], mod_off[100]["muscle_thigh_pct"]))

        g = base["g_syn_M"]
        igf = 1.0  # Dm 0 after reloading: sens 1, factor 1
        worst = 0.0
        for d in range(105, 201, 5):
            m = 1 + mod_on[d]["muscle_thigh_pct"] / 100
            expect = 100 * (m ** -g * igf - 1)
            worst = max(worst, abs(mod_on[d]["synthesis_pct"] - expect))
        check("MAreload after reloading synthesis = M^-g - 1 at the same M (1e-9 %)",
              worst <= 1e-9, "largest difference %.3g %%, synthesis %.2f %% at day 105"
              % (worst, mod_on[105]["synthesis_pct"]))

        def flight(over):
            rows = run_scenario(tmp, SF, "fl", ["{name: flight, duration: 130 d, inputs: {loading: 0}}"],
                                ["muscle_pct"], over)
            return rows[7]["muscle_pct"], rows[120]["muscle_pct"]

        d7, d120 = flight({})
        f7, f120 = flight({"f_syn_ad": 0.5})
        b7, b120 = flight({"b_tr": 0.5})
        t7, t120 = flight({"tau_syn_ad": 5.0, "tau_brk_ad": 50.0})
        check("MAbind integrated model: f_syn_ad 0.5 lifts day 120 by > 3 points, b_tr 0.5 deepens day 7 "
              "by > 1 point, the taus alone change nothing (1e-7 %, solver noise)",
              f120 - d120 > 3 and d7 - b7 > 1 and abs(t120 - d120) <= 1e-7 and abs(t7 - d7) <= 1e-7,
              "day 120: %.2f -> %.2f %%; day 7: %.2f -> %.2f %%; taus %.3g"
              % (d120, f120, d7, b7, abs(t120 - d120)))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
