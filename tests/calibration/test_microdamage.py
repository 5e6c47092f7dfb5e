#!/usr/bin/python3
"""test_microdamage.py -- the microdamage state of models/bone/sost_wnt.yaml
(issue 17, landing branch: microdamage-targeted resorption after landing)
against its closed form.

The osteocytes' overload r(psi - psi_acc) creates microdamage that
targeted remodelling repairs with time constant tau_rep:
    ddmg/dt = (r(psi - psi_acc) - dmg)/tau_rep,   dpsi_acc/dt = (psi - psi_acc)/tau_acc
The module alone (f_wb 1, BV 1, M 1, so psi = loading) starts at
psi_acc = 1, dmg = 0; with loading = 1 + A from t = 0 the overload is
x(t) = A exp(-t/tau_acc), and with the ramp's smoothing eps_acc -> 0
(r(x) = x exp(-eps_acc/x) = x to 1e-8 here) the damage is the response
of a first-order lag to a decaying exponential:
    dmg(t) = A tau_acc/(tau_acc - tau_rep) (exp(-t/tau_acc) - exp(-t/tau_rep))
peaking at t* = ln(tau_acc/tau_rep) tau_acc tau_rep/(tau_acc - tau_rep).
Checked at the shipped time constants (tau_acc 42 d assumed, tau_rep
17.5 d from Wu et al. 2013) and at a swapped pair, to 1e-6 of A.

Falling load (loading 0.5): the overload is 0, so no damage at all (every
steady state and unloading leave the drug and flight arms unchanged).

The coupling to resorption (rankl_opg.yaml, + a_dmg beta_RANKL dmg) is
checked through the integrated model against fitting data in
test_spaceflight.py (LANDres).

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_microdamage.py
"""
import math
import os

import muskx_cli
from muskx_cli import ROOT, check

MODEL = os.path.join(ROOT, "models", "bone", "sost_wnt.yaml")


def closed_form(t, a, ta, tr):
    return a * ta / (ta - tr) * (math.exp(-t / ta) - math.exp(-t / tr))


def main():
    for ta, tr in ((42.0, 17.5), (10.0, 30.0)):
        a = 0.5
        r = muskx_cli.simulate(MODEL, 200, 0.5, {"loading": 1 + a, "tau_acc": ta,
                                                 "tau_rep": tr, "eps_acc": 1e-9})
        t, d = r["time"], r["dmg"]
        err = max(abs(di - closed_form(ti, a, ta, tr)) for ti, di in zip(t, d))
        check("DMGform dmg follows A tau_acc/(tau_acc - tau_rep)(e^-t/tau_acc - e^-t/tau_rep) "
              "(tau_acc %g, tau_rep %g) to 1e-6 A" % (ta, tr),
              err <= 1e-6 * a, "largest difference %.3g (peak %.5f)" % (err, max(d)))
        tpk = math.log(ta / tr) * ta * tr / (ta - tr)
        got = t[d.index(max(d))]
        check("DMGpeak damage peaks at ln(tau_acc/tau_rep) tau_acc tau_rep/(tau_acc - tau_rep) = %.2f d "
              "(+-0.5 d, the output step)" % tpk, abs(got - tpk) <= 0.5, "model %.1f d" % got)
    r = muskx_cli.simulate(MODEL, 200, 1.0, {"loading": 0.5})
    check("DMGfall falling load creates no damage (dmg exactly 0)",
          max(abs(v) for v in r["dmg"]) == 0.0, "largest |dmg| %.3g" % max(abs(v) for v in r["dmg"]))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
