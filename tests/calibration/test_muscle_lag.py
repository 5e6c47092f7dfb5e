#!/usr/bin/python3
"""test_muscle_lag.py -- the lagged anabolic set-point of
models/muscle/muscle_mass.yaml (issue 17, muscle branch) against its
closed form.

The module alone, with its myokine and osteokine inputs at 1 and loading
held, is
    dM/dt  = k_M (S0 Ms^-g - B M),     dMs/dt = (M - Ms)/tau_sp
with S0 = (1 - s_syn Dm)(1 + e_igf_m (sens - 1)), sens = 1/(1 + r_igf
(1/d0 - 1) Dm), d0 = K^n/(K^n + 1), Dm the normalised disuse of loading
(1 at loading 0), and B = 1 + b_unl Dm. Closed forms:
  - equilibrium M* = Ms* = (S0/B)^(1/(1 + g)), whatever tau_sp (the lag
    changes the path, not the end state);
  - Jacobian there [[-k B, -k g B], [1/tau, -1/tau]], so the eigenvalues
    are the roots of  l^2 + (k B + 1/tau) l + k B (1 + g)/tau = 0;
  - on Earth (loading 1, no exercise) M = Ms = 1.
Checked at the shipped tau_sp (20 d) and at 1 and 100 d, to 1e-6
relative (the steady solver's residual is ~1e-15).

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_muscle_lag.py
"""
import cmath
import os
import re

import muskx_cli
from muskx_cli import ROOT, check

MODEL = os.path.join(ROOT, "models", "muscle", "muscle_mass.yaml")
# module defaults (models/muscle/muscle_mass.yaml), restated independently
K_M, G, S_SYN, B_UNL = 0.0126, 1.75, 0.30, 0.05
R_IGF, E_IGF, K_PSI, N_PSI = 0.15, 0.2, 0.5, 2.0


def steady_eigen(over):
    args = ["steady", MODEL, "--eigen"] + muskx_cli.sets(over)
    out, err = muskx_cli.run(args)
    vals = dict(l.split(",") for l in out.strip().splitlines()[1:])
    eig = []
    grab = False
    for line in err.splitlines():
        if line.startswith("eigenvalues"):
            grab = True
            continue
        m = re.match(r"\s+(\S+)\s+(\S+)\s*$", line)
        if grab and m:
            eig.append(complex(float(m.group(1)), float(m.group(2))))
    return float(vals["M"]), float(vals["Ms"]), eig


def main():
    d0 = K_PSI ** N_PSI / (K_PSI ** N_PSI + 1.0)
    dm = 1.0                      # loading 0: full disuse
    sens = 1.0 / (1.0 + R_IGF * (1.0 / d0 - 1.0) * dm)
    s0 = (1.0 - S_SYN * dm) * (1.0 + E_IGF * (sens - 1.0))
    b = 1.0 + B_UNL * dm
    mstar = (s0 / b) ** (1.0 / (1.0 + G))
    for tau in (20.0, 1.0, 100.0):
        m, ms, eig = steady_eigen({"loading": 0, "tau_sp": tau})
        check("LAGeq loading 0, tau_sp %g d: M* = Ms* = (S0/B)^(1/(1+g)) = %.8f (1e-6)" % (tau, mstar),
              abs(m - mstar) <= 1e-6 * mstar and abs(ms - mstar) <= 1e-6 * mstar,
              "model M %.8f, Ms %.8f" % (m, ms))
        p = K_M * b + 1.0 / tau
        q = K_M * b * (1.0 + G) / tau
        disc = cmath.sqrt(p * p - 4.0 * q)
        want = sorted([(-p + disc) / 2.0, (-p - disc) / 2.0], key=lambda z: (z.real, z.imag))
        got = sorted(eig, key=lambda z: (z.real, z.imag))
        err = max(abs(a - w) for a, w in zip(got, want)) if len(got) == 2 else float("inf")
        check("LAGeig tau_sp %g d: eigenvalues are the roots of l^2 + (kB + 1/tau) l + kB(1+g)/tau (1e-6 rel)" % tau,
              err <= 1e-6 * abs(want[0]),
              "model %s, closed form %s" % (["%.6g%+.6gi" % (z.real, z.imag) for z in got],
                                          ["%.6g%+.6gi" % (z.real, z.imag) for z in want]))
    m, ms, _ = steady_eigen({"loading": 1})
    check("LAGearth loading 1: M = Ms = 1 (1e-9)", abs(m - 1) <= 1e-9 and abs(ms - 1) <= 1e-9,
          "M %.12f, Ms %.12f" % (m, ms))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
