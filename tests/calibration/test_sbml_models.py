#!/usr/bin/python3
"""Checks the hand-written SBML models in models/sbml/ against references
that do not come from muskx.

models/sbml/komarova2003.xml -- Komarova, Smith, Dixon, Sims & Wahl 2003,
  Bone 33:206. Checked against
  K1. the analytic steady state of the Appendix (Gamma, xbar1, xbar2,
      A2 typo corrected as in BIOMD0000000148) and the analytic Jacobian
      eigenvalues -0.06 +/- 0.02i (plus 0 for the bone-mass integrator);
  K2. Fig. 2 (x1 = xbar1 + 10 at t = 0): bone mass dips to ~89.8 % near day
      12.5 and recovers to ~100 %, the numbers already verified for
      models/bone/komarova.yaml in tests/calibration/test_komarova.py, and
      an independent standard-library RK4 integration of the paper's
      equations (written here, not read from the SBML file);
  K3. the SBML file and models/bone/komarova.yaml give the same time course.
models/sbml/lemaire2004.xml -- Lemaire, Tobin, Greller, Cho & Suva 2004,
  J Theor Biol 229:293. Checked against
  L1. the published baseline steady state R = 7.734e-4, B = 7.282e-4,
      C = 9.127e-4 pM (BioModels BIOMD0000000278, initial values of the
      curated core model);
  L2. the analytic steady state (R = D_R pi_C^2/D_B, B = D_R pi_C/k_B, C the
      root of D_C pi_L = D_A pi_C C, solved here by bisection) without
      doses, under RANKL, and under RANKL + OPG;
  L3. Fig. 2, RANKL-then-OPG panel (curated as lemaire04_addOPG_addRANKL:
      I_L = 1e4 from day 20, I_O = 9e4 from day 80, to day 140): an
      independent RK4 integration of the curated equations
      (BIOMD0000000278.xpp) and the figure's shape (RANKL raises
      osteoclasts, OPG brings them back).
Also: both files pass `muskx check` (libSBML reader) and survive
import -> export -> simulate unchanged.

Python 3 standard library only:  /usr/bin/python3 tests/calibration/test_sbml_models.py
Exit status 0 if every check passes, 1 otherwise.
"""
import cmath
import math
import os
import tempfile

import muskx_cli
from muskx_cli import ROOT, check, run
KOM = os.path.join(ROOT, "models", "sbml", "komarova2003.xml")
KOM_YAML = os.path.join(ROOT, "models", "bone", "komarova.yaml")
LEM = os.path.join(ROOT, "models", "sbml", "lemaire2004.xml")

def simulate(model, t_end, dt, over=None, rtol=1e-10, atol=1e-14):
    return muskx_cli.simulate(model, t_end, dt, over, rtol, atol)


def steady(model, over=None):
    vals, _, eig, _ = muskx_cli.steady(model, over)
    return vals, eig


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def rk4(f, y, t0, t1, h, times):
    """Fixed-step classical RK4; returns {time: state} at the given times
    (which must be multiples of h, and steps never straddle a dose switch
    because the switch days are multiples of h too)."""
    out, t, n = {}, t0, int(round((t1 - t0) / h))
    want = set(int(round((x - t0) / h)) for x in times)
    if 0 in want:
        out[t0] = list(y)
    for i in range(1, n + 1):
        k1 = f(t, y)
        k2 = f(t + h / 2, [a + h / 2 * b for a, b in zip(y, k1)])
        k3 = f(t + h / 2, [a + h / 2 * b for a, b in zip(y, k2)])
        k4 = f(t + h, [a + h * b for a, b in zip(y, k3)])
        y = [a + h / 6 * (b + 2 * c + 2 * d + e)
             for a, b, c, d, e in zip(y, k1, k2, k3, k4)]
        t = t0 + i * h
        if i in want:
            out[round(t, 9)] = list(y)
    return out


# ------------------------------------------------------------------ Komarova
KP = dict(alpha1=3.0, alpha2=4.0, beta1=0.2, beta2=0.02,
          g11=0.5, g12=1.0, g21=-0.5, g22=0.0, k1=0.24, k2=0.0017)


def komarova_checks():
    p = KP
    gam = p["g12"] * p["g21"] - (1 - p["g11"]) * (1 - p["g22"])
    r1, r2 = p["beta1"] / p["alpha1"], p["beta2"] / p["alpha2"]
    x1b = r1 ** ((1 - p["g22"]) / gam) * r2 ** (p["g21"] / gam)
    x2b = r1 ** (p["g12"] / gam) * r2 ** ((1 - p["g11"]) / gam)
    a = p["beta1"] * (p["g11"] - 1)
    b = p["beta1"] * p["g21"] * x1b / x2b
    c = p["beta2"] * p["g12"] * x2b / x1b
    d = p["beta2"] * (p["g22"] - 1)
    tr, det = a + d, a * d - b * c
    lam = tr / 2 + cmath.sqrt(tr * tr / 4 - det)

    vals, eig = steady(KOM, {"dx1": 0})
    check("komarova2003.xml analytic steady state",
          rel(vals["x1"], x1b) < 1e-10 and rel(vals["x2"], x2b) < 1e-10,
          "Appendix xbar1=%.10g xbar2=%.10g (Gamma=%g); muskx steady %.10g %.10g"
          % (x1b, x2b, gam, vals["x1"], vals["x2"]))
    cells = [e for e in eig if abs(e) > 1e-12]
    ok = (len(eig) == 3 and len(cells) == 2 and
          all(min(abs(e - l) for l in (lam, lam.conjugate())) < 1e-10
              for e in cells))
    check("komarova2003.xml eigenvalues", ok,
          "analytic %.6g +/- %.6gi and 0; muskx %s"
          % (lam.real, abs(lam.imag),
             ", ".join("%.6g%+.6gi" % (e.real, e.imag) for e in eig)))

    s = simulate(KOM, 1000, 0.5)
    t, x1, x2, z = s["time"], s["x1"], s["x2"], s["z"]
    check("komarova2003.xml Fig. 2 initial perturbation",
          abs(x1[0] - (x1b + 10)) < 1e-9 and abs(x2[0] - x2b) < 1e-9
          and z[0] == 100.0,
          "x1(0)=%.8g (xbar1+10=%.8g) x2(0)=%.8g z(0)=%g"
          % (x1[0], x1b + 10, x2[0], z[0]))
    i = min(range(len(z)), key=lambda k: z[k])
    check("komarova2003.xml Fig. 2 bone mass dip",
          abs(z[i] - 89.8) < 0.1 and abs(t[i] - 12.5) <= 0.5,
          "min z = %.3f %% at day %g (test_komarova.py verified 89.8 %% at "
          "day 12.5)" % (z[i], t[i]))
    check("komarova2003.xml Fig. 2 recovery",
          abs(z[-1] - 100.0) < 0.1 and rel(x1[-1], x1b) < 1e-6
          and rel(x2[-1], x2b) < 1e-6,
          "z(1000)=%.4f %% (~100 %%), x1=%.8g x2=%.8g" % (z[-1], x1[-1], x2[-1]))

    # independent RK4 of the paper's equations (y_i = max(x_i - xbar_i, 0))
    def f(_t, y):
        u, v, _w = y
        return [p["alpha1"] * u ** p["g11"] * v ** p["g21"] - p["beta1"] * u,
                p["alpha2"] * u ** p["g12"] * v ** p["g22"] - p["beta2"] * v,
                -p["k1"] * max(u - x1b, 0.0) + p["k2"] * max(v - x2b, 0.0)]
    times = [5.0, 12.5, 25.0, 50.0, 100.0, 200.0, 400.0, 1000.0]
    ref = rk4(f, [x1b + 10, x2b, 100.0], 0.0, 1000.0, 0.005, times)
    worst = 0.0
    for tt in times:
        k = t.index(tt)
        for j, col in enumerate(("x1", "x2", "z")):
            worst = max(worst, rel(s[col][k], ref[tt][j]))
    check("komarova2003.xml vs independent RK4 of the paper's equations",
          worst < 1e-5, "worst relative difference %.2e at days %s"
          % (worst, ", ".join("%g" % x for x in times)))

    y = simulate(KOM_YAML, 1000, 0.5)
    worst = max(rel(s[c][k], y[c][k]) for c in ("x1", "x2", "z")
                for k in range(len(t)))
    check("komarova2003.xml agrees with models/bone/komarova.yaml",
          worst < 1e-6, "worst relative difference %.2e over 0..1000 d" % worst)


# ------------------------------------------------------------------ Lemaire
# Values as in BioModels BIOMD0000000278 (BIOMD0000000278.xpp).
LP = dict(C_s=0.005, D_A=0.7, d_B=0.7, D_C=0.0021, D_R=7e-4, f0=0.05,
          K=10.0, k1=0.01, k2=10.0, k3=5.8e-4, k4=0.017, k5=0.02, k6=3.0,
          k_B=0.189, K_L_P=3e6, kO=0.35, K_O_P=2e5, k_P=86.0, r_L=1000.0,
          S_P=250.0, I_P=0.0)
PUBLISHED = dict(R=7.734e-4, B=7.282e-4, C=9.127e-4)


def lem_parts(p, IL, IO):
    DB = p["f0"] * p["d_B"]
    Pbar = p["I_P"] / p["k_P"]
    piP = (Pbar + p["S_P"] / p["k_P"]) / (Pbar + p["k6"] / p["k5"])

    def piC(C):
        return (C + p["f0"] * p["C_s"]) / (C + p["C_s"])

    def piL(R, B):
        return (p["k3"] / p["k4"] * p["K_L_P"] * piP * B
                / (1 + p["k3"] * p["K"] / p["k4"] + p["k1"] / (p["k2"] * p["kO"])
                   * (IO + p["K_O_P"] * R / piP)) * (1 + IL / p["r_L"]))
    return DB, piC, piL


def lem_analytic(p, IL, IO):
    DB, piC, piL = lem_parts(p, IL, IO)

    def g(C):
        pc = piC(C)
        R = p["D_R"] * pc * pc / DB
        B = p["D_R"] * pc / p["k_B"]
        return p["D_C"] * piL(R, B) - p["D_A"] * pc * C
    lo, hi = 1e-12, 1.0          # g(lo) > 0 > g(hi)
    for _ in range(200):
        mid = math.sqrt(lo * hi)
        if g(mid) > 0:
            lo = mid
        else:
            hi = mid
    C = math.sqrt(lo * hi)
    pc = piC(C)
    return dict(R=p["D_R"] * pc * pc / DB, B=p["D_R"] * pc / p["k_B"], C=C)


def lemaire_checks():
    vals, eig = steady(LEM, {"IL_dose": 0, "IO_dose": 0})
    worst = max(rel(vals[k], PUBLISHED[k]) for k in PUBLISHED)
    check("lemaire2004.xml published baseline steady state", worst < 5e-4,
          "published R=%.4g B=%.4g C=%.4g pM; muskx steady R=%.6g B=%.6g "
          "C=%.6g (worst rel. difference %.1e; published to 4 digits)"
          % (PUBLISHED["R"], PUBLISHED["B"], PUBLISHED["C"],
             vals["R"], vals["B"], vals["C"], worst))
    check("lemaire2004.xml baseline is stable",
          len(eig) == 3 and all(e.real < 0 for e in eig),
          "eigenvalues %s" % ", ".join("%.4g%+.4gi" % (e.real, e.imag)
                                       for e in eig))
    for label, over, IL, IO in (
            ("no doses", {"IL_dose": 0, "IO_dose": 0}, 0.0, 0.0),
            ("RANKL 1e4", {"t_L": 0, "IO_dose": 0}, 1e4, 0.0),
            ("RANKL 1e4 + OPG 9e4", {"t_L": 0, "t_O": 0}, 1e4, 9e4)):
        ana = lem_analytic(LP, IL, IO)
        v, _ = steady(LEM, over)
        worst = max(rel(v[k], ana[k]) for k in ana)
        check("lemaire2004.xml analytic steady state, %s" % label,
              worst < 1e-8, "analytic R=%.8g B=%.8g C=%.8g; muskx %.8g %.8g "
              "%.8g" % (ana["R"], ana["B"], ana["C"], v["R"], v["B"], v["C"]))

    # Fig. 2 RANKL-then-OPG panel
    s = simulate(LEM, 140, 0.5)
    t = s["time"]

    def f(tt, y):
        R, B, C = y
        IL = 1e4 if tt >= 20 else 0.0
        IO = 9e4 if tt >= 80 else 0.0
        DB, piC, piL = lem_parts(LP, IL, IO)
        pc = piC(C)
        return [LP["D_R"] * pc - DB * R / pc,
                DB * R / pc - LP["k_B"] * B,
                LP["D_C"] * piL(R, B) - LP["D_A"] * pc * C]
    # RK4 per dose phase so that no step straddles a switch
    times = [10.0, 20.0, 22.0, 25.0, 40.0, 60.0, 80.0, 82.0, 90.0, 110.0, 140.0]
    y0 = [PUBLISHED["R"], PUBLISHED["B"], PUBLISHED["C"]]
    ref = {}
    a = rk4(lambda tt, y: f(min(tt, 19.999), y), y0, 0.0, 20.0, 0.001,
            [x for x in times if x <= 20])
    ref.update(a)
    b = rk4(lambda tt, y: f(min(max(tt, 20.0), 79.999), y), a[20.0], 20.0, 80.0,
            0.001, [x for x in times if 20 <= x <= 80])
    ref.update(b)
    c = rk4(lambda tt, y: f(max(tt, 80.0), y), b[80.0], 80.0, 140.0, 0.001,
            [x for x in times if x >= 80])
    ref.update(c)
    worst, where = 0.0, ""
    for tt in times:
        k = t.index(tt)
        for j, col in enumerate(("R", "B", "C")):
            d = rel(s[col][k], ref[tt][j])
            if d > worst:
                worst, where = d, "%s at day %g" % (col, tt)
    check("lemaire2004.xml Fig. 2 (RANKL then OPG) vs independent RK4",
          worst < 1e-5, "worst relative difference %.2e (%s)" % (worst, where))

    i20, i80 = t.index(20.0), t.index(80.0)
    C0 = s["C"][0]
    cmax = max(s["C"][i20:i80 + 1])
    ok = (rel(s["C"][i20], PUBLISHED["C"]) < 5e-4 and cmax > 2.5 * C0
          and s["R"][i80] > 3 * s["R"][0] and min(s["B"][i20:i20 + 20]) < s["B"][0]
          and s["C"][-1] < 1.05 * C0 and s["C"][-1] < 0.4 * s["C"][i80])
    check("lemaire2004.xml Fig. 2 shape", ok,
          "C at baseline %.4g until day 20; RANKL raises C to %.3gx (max) and "
          "R to %.3gx by day 80, B dips first (min %.4g vs %.4g); OPG brings C "
          "back to %.4g at day 140 (%.1f %% of baseline)"
          % (s["C"][i20], cmax / C0, s["R"][i80] / s["R"][0],
             min(s["B"][i20:i20 + 20]), s["B"][0], s["C"][-1],
             100 * s["C"][-1] / C0))


def roundtrip_checks():
    with tempfile.TemporaryDirectory() as d:
        for model, t_end in ((KOM, 400), (LEM, 140)):
            name = os.path.basename(model)
            out, _ = run(["check", model])
            ya = os.path.join(d, name + ".yaml")
            xb = os.path.join(d, name + ".rt.xml")
            run(["import", model, "-o", ya])
            run(["export", ya, "-o", xb])
            run(["check", xb])
            a = simulate(model, t_end, 1)
            b = simulate(xb, t_end, 1)
            worst = max(rel(b[c][k], a[c][k]) for c in a if c != "time"
                        for k in range(len(a["time"])))
            check("%s: check, import -> export -> simulate" % name,
                  worst < 1e-9, "%s; worst relative difference after the "
                  "round trip %.1e" % (out.strip(), worst))


def main():
    komarova_checks()
    lemaire_checks()
    roundtrip_checks()
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
