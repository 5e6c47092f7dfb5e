#!/usr/bin/python3
"""Checks models/bone/komarova.yaml against facts that do not come from muskx.

Komarova SV, Smith RJ, Dixon SJ, Sims SM, Wahl LM (2003) Bone 33:206-215.
Parameter values as encoded in BioModels BIOMD0000000148 (Fig. 2) and
BIOMD0000000402 (Ayati et al. 2010, oscillating case g11 = 1.1).

Independent facts checked:
  1. the analytic steady state xbar1, xbar2 (Komarova 2003 Appendix, A2 typo
     corrected as in BIOMD0000000148) equals `muskx steady` for several g11;
  2. the eigenvalues of the analytic 2x2 Jacobian
        J = [[b1 (g11-1), b1 g21 xbar1/xbar2], [b2 g12 xbar2/xbar1, b2 (g22-1)]]
     plus the zero eigenvalue of the bone-mass integrator z equal those that
     `muskx steady --eigen` reports on stderr, and the verdicts agree;
  3. Fig. 2 (g11 = 0.5, osteoclasts perturbed by +10): a single damped
     remodeling cycle -- resorption first (bone mass dips), then formation
     (osteoblasts overshoot), cells back to the steady state, bone mass back
     close to 100 %;
  4. at the Hopf point g11 = 1 + beta2/beta1 = 1.1 a small perturbation
     oscillates with the linear period 2 pi / Im(lambda) without decay, and
     the Ayati 2010 parameter set (k1 0.0748, k2 0.0006395) gives sustained
     internally regulated cycles;
  5. below the Hopf point (g11 = 0.8) the decay per period matches
     exp(2 pi Re/Im); above it (g11 = 1.2) oscillations grow (unstable).

Python 3 standard library only. Run from anywhere:
    /usr/bin/python3 tests/calibration/test_komarova.py
Exit status 0 if every check passes, 1 otherwise.
"""
import cmath
import math
import os

import muskx_cli
from muskx_cli import ROOT, check
MODEL = os.path.join(ROOT, "models", "bone", "komarova.yaml")

# Published values (BIOMD0000000148); g11 and k1/k2 vary per regime.
P = dict(alpha1=3.0, alpha2=4.0, beta1=0.2, beta2=0.02,
         g11=0.5, g12=1.0, g21=-0.5, g22=0.0, k1=0.24, k2=0.0017)

def steady(over):
    vals, verdict, eig, _ = muskx_cli.steady(MODEL, over)
    return vals, verdict, eig


def simulate(over, t_end, dt, rtol=1e-10, atol=1e-12):
    return muskx_cli.simulate(MODEL, t_end, dt, over, rtol, atol)


def analytic(p):
    gam = p["g12"] * p["g21"] - (1 - p["g11"]) * (1 - p["g22"])
    r1, r2 = p["beta1"] / p["alpha1"], p["beta2"] / p["alpha2"]
    x1 = r1 ** ((1 - p["g22"]) / gam) * r2 ** (p["g21"] / gam)
    x2 = r1 ** (p["g12"] / gam) * r2 ** ((1 - p["g11"]) / gam)
    a = p["beta1"] * (p["g11"] - 1)
    b = p["beta1"] * p["g21"] * x1 / x2
    c = p["beta2"] * p["g12"] * x2 / x1
    d = p["beta2"] * (p["g22"] - 1)
    tr, det = a + d, a * d - b * c
    disc = cmath.sqrt(tr * tr / 4 - det)
    return x1, x2, gam, (tr / 2 + disc, tr / 2 - disc)


def peaks(t, x, t_min=0.0):
    """Local maxima (time, value) of a sampled series after t_min."""
    out = []
    for i in range(1, len(x) - 1):
        if t[i] > t_min and x[i] > x[i - 1] and x[i] >= x[i + 1]:
            out.append((t[i], x[i]))
    return out


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def main():

    # ---------------------------------------------------------- 1 and 2
    # Bone mass z is a pure accumulator (nothing depends on it): its zero
    # eigenvalue is reported but does not count in the verdict. g11 = 1.1
    # is the Hopf point (trace 0): a centre, hence "marginal".
    expect_verdict = {0.5: "stable", 0.8: "stable", 1.1: "marginal",
                      1.2: "oscillatory (unstable, complex pair)"}
    for g11 in (0.5, 0.8, 1.1, 1.2):
        p = dict(P, g11=g11)
        x1, x2, gam, lam = analytic(p)
        vals, verdict, eig = steady({"g11": g11})
        check("steady state g11=%g" % g11,
              rel(vals["x1"], x1) < 1e-10 and rel(vals["x2"], x2) < 1e-10,
              "analytic xbar1=%.12g xbar2=%.12g (Gamma=%g); muskx %.12g %.12g"
              % (x1, x2, gam, vals["x1"], vals["x2"]))
        cells = sorted([e for e in eig if abs(e) > 1e-12],
                       key=lambda e: (e.real, e.imag))
        zeros = [e for e in eig if abs(e) <= 1e-12]
        ana = sorted(lam, key=lambda e: (e.real, e.imag))
        ok = (len(cells) == 2 and len(zeros) == 1 and
              all(abs(u - v) < 1e-10 for u, v in zip(cells, ana)))
        check("eigenvalues g11=%g" % g11, ok,
              "analytic %s +0 ; muskx %s"
              % (", ".join("%.6g%+.6gi" % (e.real, e.imag) for e in ana),
                 ", ".join("%.6g%+.6gi" % (e.real, e.imag) for e in eig)))
        check("verdict g11=%g" % g11, verdict == expect_verdict[g11],
              "muskx says '%s' (expected '%s': the z integrator adds a zero "
              "eigenvalue; cell pair Re=%.3g)"
              % (verdict, expect_verdict[g11], ana[0].real))
    # regime classification from the analytic pair alone
    _, _, _, l05 = analytic(dict(P, g11=0.5))
    _, _, _, l11 = analytic(dict(P, g11=1.1))
    _, _, _, l12 = analytic(dict(P, g11=1.2))
    check("regimes from analytic eigenvalues",
          l05[0].real < 0 and l05[0].imag != 0 and abs(l11[0].real) < 1e-15
          and l11[0].imag != 0 and l12[0].real > 0 and l12[0].imag != 0,
          "g11=0.5: %.3g%+.3gi (damped focus); g11=1.1: %.1g%+.3gi (centre, "
          "Hopf point 1+beta2/beta1); g11=1.2: %.3g%+.3gi (growing)"
          % (l05[0].real, abs(l05[0].imag), l11[0].real, abs(l11[0].imag),
             l12[0].real, abs(l12[0].imag)))

    # ---------------------------------------------------------- 3: Fig. 2
    x1b, x2b, _, _ = analytic(P)
    s = simulate({}, 1000, 0.5)
    t, x1, x2, z = s["time"], s["x1"], s["x2"], s["z"]
    check("Fig. 2 perturbation", abs(x1[0] - (x1b + 10)) < 1e-9 and
          abs(x2[0] - x2b) < 1e-9 and z[0] == 100.0,
          "x1(0)=%.6g (xbar1+10=%.6g), x2(0)=%.6g, z(0)=%g"
          % (x1[0], x1b + 10, x2[0], z[0]))
    i_zmin = min(range(len(z)), key=lambda i: z[i])
    i_x2max = max(range(len(x2)), key=lambda i: x2[i])
    check("Fig. 2 resorption then formation",
          z[i_zmin] < 99.0 and t[i_x2max] > 0 and min(x1) < x1b,
          "bone mass dips to %.2f %% at t=%g d; osteoblasts peak %.4g "
          "(xbar2 %.4g) at t=%g d; osteoclasts undershoot to %.3g (xbar1 %.3g)"
          % (z[i_zmin], t[i_zmin], x2[i_x2max], x2b, t[i_x2max], min(x1), x1b))
    check("Fig. 2 cells return to steady state (damped)",
          rel(x1[-1], x1b) < 1e-6 and rel(x2[-1], x2b) < 1e-6,
          "x1(1000)=%.10g x2(1000)=%.10g" % (x1[-1], x2[-1]))
    check("Fig. 2 bone mass restored after the cycle",
          abs(z[-1] - 100.0) < 0.1,
          "z(1000)=%.4f %% (|change| < 0.1 %% required; dip was %.2f %%)"
          % (z[-1], 100 - z[i_zmin]))

    # ---------------------------------------------------------- 4: Hopf point
    p = dict(P, g11=1.1)
    x1h, x2h, _, lam = analytic(p)
    per = 2 * math.pi / abs(lam[0].imag)
    s = simulate({"g11": 1.1, "dx1": 1e-3 * x1h}, 1200, 0.25)
    pk = peaks(s["time"], s["x1"], 10)
    periods = [b[0] - a[0] for a, b in zip(pk, pk[1:])]
    amps = [v - x1h for _, v in pk]
    ok = (len(periods) >= 5 and all(rel(q, per) < 0.01 for q in periods)
          and max(amps) / min(amps) < 1.05)
    check("g11=1.1 small cycles: linear period, no decay", ok,
          "analytic period %.2f d; simulated %s; peak excess %.3g..%.3g"
          % (per, ", ".join("%.1f" % q for q in periods), min(amps), max(amps)))
    s = simulate({"g11": 1.1, "k1": 0.0748, "k2": 0.0006395}, 2500, 0.5)
    pk = peaks(s["time"], s["x1"], 100)
    big = [(tt, v) for tt, v in pk if v > x1h + 5]
    zs = s["z"]
    check("g11=1.1 Ayati 2010 set: sustained remodeling cycles",
          len(big) >= 3 and max(v for _, v in big) / min(v for _, v in big) < 1.3
          and max(zs) - min(zs) < 15 and abs(zs[-1] - 100) < 10,
          "osteoclast peaks %s; bone mass range %.1f..%.1f %%"
          % (", ".join("%.1f@%.0fd" % (v, tt) for tt, v in big),
             min(zs), max(zs)))

    # ---------------------------------------------------------- 5: off Hopf
    p = dict(P, g11=0.8)
    x1d, _, _, lam = analytic(p)
    ratio = math.exp(2 * math.pi * lam[0].real / abs(lam[0].imag))
    s = simulate({"g11": 0.8, "dx1": 1e-3 * x1d}, 450, 0.05, 1e-12, 1e-14)
    pk = peaks(s["time"], [v - x1d for v in s["x1"]], 10)
    r = [b[1] / a[1] for a, b in zip(pk, pk[1:]) if a[1] > 0 and b[1] > 0]
    check("g11=0.8 decay per period = exp(2 pi Re/Im)",
          len(r) >= 2 and all(abs(q - ratio) < 0.05 * ratio for q in r[:2]),
          "analytic %.4g; simulated %s" % (ratio, ", ".join("%.4g" % q for q in r[:2])))
    p = dict(P, g11=1.2)
    x1u, _, _, lam = analytic(p)
    ratio = math.exp(2 * math.pi * lam[0].real / abs(lam[0].imag))
    s = simulate({"g11": 1.2, "dx1": 1e-4 * x1u}, 700, 0.1)
    pk = peaks(s["time"], [v - x1u for v in s["x1"]], 10)
    r = [b[1] / a[1] for a, b in zip(pk, pk[1:]) if a[1] > 0 and b[1] > 0]
    check("g11=1.2 unstable: growth per period = exp(2 pi Re/Im)",
          len(r) >= 2 and all(abs(q - ratio) < 0.05 * ratio for q in r[:2])
          and ratio > 1,
          "analytic %.4g; simulated %s" % (ratio, ", ".join("%.4g" % q for q in r[:2])))

    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
