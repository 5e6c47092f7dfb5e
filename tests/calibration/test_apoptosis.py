#!/usr/bin/python3
"""test_apoptosis.py -- the disuse-driven osteocyte apoptosis signal of
models/bone/sost_wnt.yaml (issue 17, session 20, unloadres) against its
closed form, and its wiring into every bone compartment of
models/crosstalk/spaceflight.yaml.

The module's disuse signal and the apoptosis signal that follows it:
    dDis/dt = (hill_inh(psi)/hill_inh(1) - Dis)/tau_ocy
    dapo/dt = (r(Dis - 1) - apo)/tau_apo,  r(x) = max(x, 0) exp(-eps_acc/x)
The module alone (f_wb 1, BV 1, M 1, so psi = loading) starts at Dis = 1,
apo = 0; at loading 0 from t = 0, psi = 0, so Dis - 1 = B (1 - exp(-t/tau_ocy))
with B = 1/hill_inh(1) - 1, and with the ramp's smoothing eps_acc -> 0
    apo(t) = B (1 - exp(-t/tau_apo)) - B tau_ocy/(tau_ocy - tau_apo) (exp(-t/tau_ocy) - exp(-t/tau_apo))
(the lag tau_apo applied to the disuse signal's own rise). Checked at
tau_apo 60 and 10 d, to 1e-6 of B.

Rising load (loading 1.5): Dis < 1, so apo is exactly 0 (every steady
state at or below the set point and the drugs' gains leave it off).

Wiring: every bone compartment of the integrated model takes a_apo and
tau_apo from the top level (muskx info), and in 30 days of micro-g each
compartment's apo is positive and its RANKL higher at a_apo 1 than at 0.

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_apoptosis.py
"""
import math
import os

import muskx_cli
from muskx_cli import ROOT, check

MODULE = os.path.join(ROOT, "models", "bone", "sost_wnt.yaml")
MODEL = os.path.join(ROOT, "models", "crosstalk", "spaceflight.yaml")
COMPARTMENTS = ["bone_t", "bone_c", "skel_c", "spine_t", "spine_c", "hip_t", "hip_c",
                "tibia_t", "tibia_c", "tibia_e"]


def closed_form(t, b, to, ta):
    return b * (1 - math.exp(-t / ta)) - b * to / (to - ta) * (math.exp(-t / to) - math.exp(-t / ta))


def main():
    v = muskx_cli.info_values(MODULE, {"K_psi", "n_psi", "tau_ocy"})
    h1 = v["K_psi"] ** v["n_psi"] / (v["K_psi"] ** v["n_psi"] + 1.0)
    b = 1.0 / h1 - 1.0
    for ta in (60.0, 10.0):
        r = muskx_cli.simulate(MODULE, 200, 0.5, {"loading": 0, "tau_apo": ta, "eps_acc": 1e-9})
        err = max(abs(a - closed_form(t, b, v["tau_ocy"], ta)) for t, a in zip(r["time"], r["apo"]))
        check("APOform apo follows B(1 - e^-t/tau_apo) - B tau_ocy/(tau_ocy - tau_apo)"
              "(e^-t/tau_ocy - e^-t/tau_apo) at loading 0 (tau_apo %g d) to 1e-6 B" % ta,
              err <= 1e-6 * b, "largest difference %.3g (B %.4f, apo at 200 d %.5f)" % (err, b, r["apo"][-1]))
    r = muskx_cli.simulate(MODULE, 200, 1.0, {"loading": 1.5})
    check("APOrise a rising load gives no apoptosis signal (apo exactly 0)",
          max(abs(x) for x in r["apo"]) == 0.0, "largest |apo| %.3g" % max(abs(x) for x in r["apo"]))

    names = {"a_apo", "tau_apo"} | {"%s.a_apo" % c for c in COMPARTMENTS} | \
        {"%s.ocy.tau_apo" % c for c in COMPARTMENTS}
    w = muskx_cli.info_values(MODEL, names)
    bad = [c for c in COMPARTMENTS if w.get("%s.a_apo" % c) != w["a_apo"]
           or w.get("%s.ocy.tau_apo" % c) != w["tau_apo"]]
    check("APOwire every bone compartment takes a_apo and tau_apo from spaceflight.yaml",
          len(w) == len(names) and not bad, "mismatched: %s" % (bad or "none"))
    # micro-g unloads every compartment but the non-weight-bearing cortex
    # skel_c (f_wb 0) and the long-bone shafts tibia_c (f_wb_sh 0 at the
    # shipped fit); strict bed rest unloads the shafts (f_br_sh)
    bad = []
    for inputs, comps in (({"loading": 0}, [c for c in COMPARTMENTS if c not in ("skel_c", "tibia_c")]),
                          ({"bedrest": 1}, ["tibia_c"])):
        cols = ["%s.RANKL_rel" % c for c in comps] + ["%s.ocy.apo" % c for c in comps]
        on = muskx_cli.simulate_at(MODEL, [0, 30], cols, dict(inputs, a_apo=1))[-1]
        off = muskx_cli.simulate_at(MODEL, [0, 30], cols, dict(inputs, a_apo=0))[-1]
        bad += [c for c in comps if not (on["%s.ocy.apo" % c] > 0 and
                                         on["%s.RANKL_rel" % c] > off["%s.RANKL_rel" % c])]
    check("APOrankl 30 d of micro-g (tibia_c: of bed rest): apo > 0 and RANKL higher at a_apo 1 "
          "than at 0 in every unloaded compartment", not bad, "failing: %s" % (bad or "none"))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
