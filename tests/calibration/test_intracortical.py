#!/usr/bin/python3
"""test_intracortical.py -- teriparatide's intracortical remodelling space
in the distal tibia epiphysis's cortical shell (issue 17, session 16,
ctpor; models/crosstalk/spaceflight.yaml, state ics_e):

    d ics_e/dt = a_ic_e turnover_t (f_ob_tptd - 1) tibia_e.resorption_rel - ics_e/T_ic_e
    I_tib_e    = (1 + tibia_e.BMD_pct/100) (1 - ics_e/(1 + tibia_e.BV_pct/100))

Checks, two-sided, against references computed here (not read from the
model's own state):

  ODE     the model's ics_e after 60 and 120 days of teriparatide (20 ug
          daily, postmenopausal trial population) against an independent
          integration of the equation above from the model's sampled drive
          (f_ob_tptd and the shell's relative resorption, every 0.01 d):
          the exact exponential propagator with the drive's integral by
          the trapezoid rule; within 0.5 % and above 0.01
  COMPOSE the distal tibia total vBMD output (BMD_tibia_pct) recomputed
          from its three compartments, the shares phi_tibia and
          phi_tibia_e read from the model file and ics_e, relative to
          day 0: within 1e-6 points
  ZERO    without teriparatide (placebo, and two denosumab doses) ics_e
          is exactly 0 and the distal tibia is the same at a_ic_e 0 and at
          the shipped value (the term is a teriparatide mechanism)
  BLOCK   denosumab suppresses the opening (it needs osteoclasts): after
          12 months of teriparatide with denosumab ics_e is above 0 and
          below 0.3 of teriparatide alone (serum CTX -85 % under
          denosumab, Prolia label: the shell's resorption is a fraction of
          its postmenopausal rate)

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_intracortical.py
"""
import csv
import math
import os
import re
import tempfile

import muskx_cli
from muskx_cli import ROOT, check

MODEL = os.path.join(ROOT, "models", "crosstalk", "spaceflight.yaml")
TPTD = "{agent: teriparatide, dose: 20 ug, route: sc, start: 0 d, every: 1 d, count: %d}"
DMAB = "{agent: denosumab, dose: 60 mg, route: sc, start: 0 d, every: 6 months, count: 2}"


def model_value(name):
    """The shipped value of a plain-number parameter of spaceflight.yaml."""
    with open(MODEL) as f:
        m = re.search(r"^  %s: \{value: ([-+0-9.eE]+)," % re.escape(name), f.read(), re.M)
    return float(m.group(1))


def scenario(tmp, name, days, drugs, outputs, sampling, over=None):
    """Postmenopausal trial population (calcium 1700 mg/day) at its steady
    state, DAYS of rest with DRUGS; returns {column: [floats]}."""
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write("muskx_scenario: 1\nscenario: {id: %s, name: %s}\nmodel: %s\n" % (name, name, MODEL))
        f.write("set: {postmenopausal: 1, calcium_intake: 1700}\nstart: steady\nphases:\n")
        f.write("  - {name: trial, duration: %g d, inputs: {loading: 1}}\n" % days)
        if drugs:
            f.write("countermeasures:\n")
            for d in drugs:
                f.write("  - drug: %s\n" % d)
        f.write("outputs: [%s]\nsampling: %s\n" % (", ".join(outputs), sampling))
    out = os.path.join(tmp, name + ".csv")
    muskx_cli.run(["run", path, "-o", out] + muskx_cli.sets(over or {}))
    with open(out) as f:
        rows = list(csv.DictReader(f))
    return {k: [float(r[k]) for r in rows] for k in rows[0]}


def at(r, col, t):
    i = min(range(len(r["time"])), key=lambda k: abs(r["time"][k] - t))
    return r[col][i]


def main():
    a = model_value("a_ic_e")
    T = model_value("T_ic_e")
    phi_t = model_value("phi_tibia")
    phi_e = model_value("phi_tibia_e")
    tau = 0.1793 / 365  # turnover_t set explicitly below, so the reference does not read it
    with tempfile.TemporaryDirectory() as tmp:
        # ODE
        outs = ["ics_e", "tptd.f_ob_tptd", "tibia_e.resorption_rel"]
        r = scenario(tmp, "ode", 120, [TPTD % 120], outs, "0.01 d", {"turnover_t": tau})
        t, f, res = r["time"], r["tptd.f_ob_tptd"], r["tibia_e.resorption_rel"]
        ref = [0.0]
        x = 0.0
        for k in range(1, len(t)):
            h = t[k] - t[k - 1]
            # exact propagator for the decay; the source by the trapezoid rule,
            # each end weighted by its own decay to t[k]
            s0 = a * tau * (f[k - 1] - 1) * res[k - 1] * math.exp(-h / T)
            s1 = a * tau * (f[k] - 1) * res[k]
            x = x * math.exp(-h / T) + 0.5 * h * (s0 + s1)
            ref.append(x)
        for day in (60.0, 120.0):
            i = min(range(len(t)), key=lambda k: abs(t[k] - day))
            m, q = r["ics_e"][i], ref[i]
            check("ODE ics_e at day %g of teriparatide: model = independent integration of its drive (0.5 %%)" % day,
                  q > 0.01 and abs(m / q - 1) < 0.005, "model %.6f, reference %.6f" % (m, q))
        # COMPOSE
        outs = ["BMD_tibia_pct", "ics_e"] + ["%s.%s" % (c, o) for c in ("tibia_t", "tibia_e", "tibia_c")
                                             for o in ("BMD_pct", "BV_pct")]
        r = scenario(tmp, "compose", 365, [TPTD % 365], outs, "1 d")

        def index(k):
            e = (1 + r["tibia_e.BMD_pct"][k] / 100) * (1 - r["ics_e"][k] / (1 + r["tibia_e.BV_pct"][k] / 100))
            return (phi_t * (1 + r["tibia_t.BMD_pct"][k] / 100) + phi_e * e
                    + (1 - phi_t - phi_e) * (1 + r["tibia_c.BMD_pct"][k] / 100))
        k = len(r["time"]) - 1
        mine = 100 * (index(k) / index(0) - 1)
        check("COMPOSE distal tibia total vBMD from its compartments and the open cavities (1e-6 points)",
              r["ics_e"][k] > 0.05 and abs(mine - r["BMD_tibia_pct"][k]) < 1e-6,
              "model %.8f, recomputed %.8f %% (ics_e %.4f)" % (r["BMD_tibia_pct"][k], mine, r["ics_e"][k]))
        # ZERO
        for name, drugs in (("placebo", []), ("dmab", [DMAB])):
            r0 = scenario(tmp, name + "0", 365, drugs, ["ics_e", "BMD_tibia_pct"], "1 d", {"a_ic_e": 0.0})
            r1 = scenario(tmp, name + "1", 365, drugs, ["ics_e", "BMD_tibia_pct"], "1 d")
            big = max(abs(v) for v in r1["ics_e"])
            gap = max(abs(u - v) for u, v in zip(r0["BMD_tibia_pct"], r1["BMD_tibia_pct"]))
            check("ZERO %s: ics_e exactly 0, distal tibia the same at a_ic_e 0 and %g" % (name, a),
                  big == 0.0 and gap < 1e-9, "max |ics_e| %g, largest gap %.2e points" % (big, gap))
        # BLOCK
        alone = at(scenario(tmp, "alone", 365, [TPTD % 365], ["ics_e"], "1 d"), "ics_e", 365)
        combo = at(scenario(tmp, "combo", 365, [TPTD % 365, DMAB], ["ics_e"], "1 d"), "ics_e", 365)
        check("BLOCK denosumab suppresses the opening: 0 < combination < 0.3 x teriparatide alone at 12 months",
              alone > 0.05 and 0 < combo < 0.3 * alone, "alone %.4f, with denosumab %.4f" % (alone, combo))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
