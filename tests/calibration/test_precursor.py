#!/usr/bin/python3
"""test_precursor.py -- the osteoclast-precursor supply of
models/bone/rankl_opg.yaml (issue 17, precursor branch: a supply that
follows demand) against its closed-form steady state.

The pool OCp (1 at baseline) is renewed with lifetime tau_ocp and drained
by RANKL-driven differentiation; its inflow grows with the
osteoclastogenic drive above baseline:
    dOCp/dt = ((1 + r_ocp) S(x) - (1 + r_ocp x) OCp)/tau_ocp
    x = piOCG/piRANKL0,  piOCG = r_ind piRANKL0 + (1 - r_ind) RANKL/(K_D8 + RANKL)
    S(x) = max(x, 1)^g_ocp       (smooth max; width eps_obu -> 1e-9 here)
so under a constant drive x the pool settles at
    OCp* = (1 + r_ocp) S(x)/(1 + r_ocp x)
and the differentiation flux OCp* x, which a fixed inflow (g_ocp = 0)
caps below 1 + 1/r_ocp, grows without that cap when g_ocp > 0.

The module alone, at loading 1 (Dis = 1) and with its turnover set to
1e-12/day (bone volume then does not move, so nothing feeds back on the
osteocytes; the cell equations do not depend on turnover), is given a
RANKL step f_rankl_ext (2, 8) or a constant denosumab level, and run for
4000 d to its steady state. x is computed from the model's own RANKL
output and K_D8, r_ind, the baseline RANKL of an unperturbed run; OCp must
equal the closed form to 1e-6 (relative). Checks:
  PREss    OCp* = (1 + r) S(x)/(1 + r x), g_ocp 1 and 0.5, two RANKL steps
  PREcap   with g_ocp = 1 the flux OCp* x exceeds the fixed-inflow cap
           1 + 1/r_ocp; with g_ocp = 0 it stays below it (two-sided)
  PREdmab  under RANKL blockade (x < 1) the pool accumulates to
           (1 + r)/(1 + r x) > 1, the same with g_ocp = 1 as with 0 (to
           1e-6): the rebound after stopping denosumab is untouched
The integrated model's use (g_ocp in models/crosstalk/spaceflight.yaml,
fitted to the calibration problem) is checked by test_spaceflight.py and
make validate.

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_precursor.py
"""
import os

import muskx_cli
from muskx_cli import ROOT, check

MODEL = os.path.join(ROOT, "models", "bone", "rankl_opg.yaml")
K_D8 = 13.064947870014189     # module value, set explicitly below
R_OCP, R_IND = 3.0, 0.05


def run(over):
    base = {"turnover": 1e-12, "eps_obu": 1e-9, "r_ocp": R_OCP, "r_ind": R_IND,
            "K_D8_RANKL": K_D8, "tau_ocp": 300.0}
    base.update(over)
    rows = muskx_cli.simulate_rows(MODEL, 4000, 4000, base)
    return {k: float(v) for k, v in rows[-1].items()}, {k: float(v) for k, v in rows[0].items()}


def drive(rankl, rankl0):
    pi0 = rankl0 / (K_D8 + rankl0)
    return (R_IND * pi0 + (1 - R_IND) * rankl / (K_D8 + rankl)) / pi0


def closed(x, g):
    return (1 + R_OCP) * max(x, 1.0) ** g / (1 + R_OCP * x)


def main():
    _, first = run({"g_ocp": 0.0})
    rankl0 = first["RANKL_pM"]
    fluxes = {}
    for g in (1.0, 0.5, 0.0):
        for f in (2.0, 8.0):
            end, _ = run({"g_ocp": g, "f_rankl_ext": f})
            x = drive(end["RANKL_pM"], rankl0)
            want = closed(x, g)
            fluxes[(g, f)] = end["OCp"] * x
            check("PREss OCp* = (1 + r)max(x,1)^g/(1 + r x) under RANKL x%g (g_ocp %g) to 1e-6"
                  % (f, g), abs(end["OCp"] / want - 1) <= 1e-6,
                  "x %.5f OCp %.8f closed form %.8f" % (x, end["OCp"], want))
    cap = 1 + 1 / R_OCP
    check("PREcap g_ocp 1: differentiation flux OCp* x above the fixed-inflow cap 1 + 1/r (RANKL x8)",
          fluxes[(1.0, 8.0)] > cap * 1.05, "flux %.4f cap %.4f" % (fluxes[(1.0, 8.0)], cap))
    check("PREcap g_ocp 0: flux stays below the cap 1 + 1/r (RANKL x8)",
          1.0 < fluxes[(0.0, 8.0)] < cap, "flux %.4f cap %.4f" % (fluxes[(0.0, 8.0)], cap))
    ends = {}
    for g in (1.0, 0.0):
        end, _ = run({"g_ocp": g, "dmab": 10.0, "K_A3_dmab": 30000.0})
        x = drive(end["RANKL_pM"], rankl0)
        ends[g] = end["OCp"]
        want = closed(x, g)
        check("PREdmab pool accumulates to (1 + r)/(1 + r x) under blockade (x %.4f < 1, g_ocp %g)"
              % (x, g), x < 1 and end["OCp"] > 1.5 and abs(end["OCp"] / want - 1) <= 1e-6,
              "OCp %.6f closed form %.6f" % (end["OCp"], want))
    check("PREdmab the supply term leaves the blocked pool unchanged (g_ocp 1 vs 0, 1e-6)",
          abs(ends[1.0] / ends[0.0] - 1) <= 1e-6, "%.8f vs %.8f" % (ends[1.0], ends[0.0]))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
