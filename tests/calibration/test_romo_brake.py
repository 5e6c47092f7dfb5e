#!/usr/bin/python3
"""test_romo_brake.py -- romosozumab's resorption brake in
models/bone/rankl_opg.yaml (issue 17, romobrake branch).

Two terms multiply the RANKL production of the bone module (P_mech):
  max(Dis, 1)^(-kappa_R s_sost_rl (1 - f))   the disuse RANKL rise goes
        through sclerostin, f = free sclerostin fraction 1/(1 + C/Kd_romo)
        (Lin C et al. 2009 J Bone Miner Res 24:1651: Sost-deficient mice
        keep their bone when unloaded; Wijenayaka AR et al. 2011 PLoS One
        6:e25900: sclerostin raises osteocyte RANKL)
  max(Wnt, 1)^(-g_wnt_rankl)                 Wnt above baseline lowers RANKL
        production, Wnt = (K_wnt + 1)/(K_wnt + SOST f)
Each check compares the module's RANKL production factor
(beta_RANKL + P_mech)/beta_RANKL with these closed forms, written here from
the papers' statements and the binding law of sclerostin, not from the
model's own assignments (f is computed from C_romo and Kd_romo, Wnt from
K_wnt), two-sided:
  NOdrug   without the drug the new terms change production by at most the
           smooth max's width (eps_obu/2 on Wnt below 1: <= 0.71 %)
  LIN      unloaded (loading 0.5) with sclerostin ~99 % bound and
           s_sost_rl = 1: production = Dis^(kappa_R f), within 2 % of no
           disuse rise at all, where s_sost_rl = 0 keeps Dis^kappa_R
  WNT      loaded, with the drug: production = Dis^kappa_R Wnt^-g_wnt_rankl

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_romo_brake.py
"""
import os

import muskx_cli
from muskx_cli import ROOT, check

MODEL = os.path.join(ROOT, "models", "bone", "rankl_opg.yaml")

COLS = "P_mech,beta_RANKL,Dis,ocy.SOST,kappa_R,K_wnt,Kd_romo,C_romo,eps_obu"


def at(t, over):
    """The module's values at time t (rows at 0 and t)."""
    out, _ = muskx_cli.run(["simulate", MODEL, "--t-end", repr(t), "--times", repr(t),
                            "--rtol", "1e-10", "--atol", "1e-12", "--select", COLS]
                           + muskx_cli.sets(over))
    head, *rows = [l.split(",") for l in out.strip().splitlines()]
    return {k: float(v) for k, v in zip(head, rows[-1])}


def production(v):
    return (v["beta_RANKL"] + v["P_mech"]) / v["beta_RANKL"]


def main():
    brake = {"g_wnt_rankl": 0.7, "s_sost_rl": 1.0}
    off = {"g_wnt_rankl": 0.0, "s_sost_rl": 0.0}

    # NOdrug: unloaded (Wnt below 1) without the drug
    a = at(200.0, dict(brake, loading=0.5))
    b = at(200.0, dict(off, loading=0.5))
    r = production(a) / production(b)
    check("NOdrug without romosozumab the brake changes RANKL production by <= 0.71 %",
          1.0 <= r <= (1 - 0.01) ** -0.7 + 1e-12, "ratio %.6f (Dis %.3f)" % (r, a["Dis"]))

    # LIN: unloaded, sclerostin ~99 % bound
    over = {"loading": 0.5, "C_romo": 300.0, "g_wnt_rankl": 0.0}
    v = at(200.0, dict(over, s_sost_rl=1.0))
    f = 1.0 / (1.0 + v["C_romo"] / v["Kd_romo"])
    ref = v["Dis"] ** (v["kappa_R"] * f)
    # the smooth max(Dis, 1) lies between Dis - eps/2 and Dis above the kink
    hi = v["Dis"] ** v["kappa_R"] * (v["Dis"] - v["eps_obu"] / 2) ** (-v["kappa_R"] * (1 - f))
    got = production(v)
    check("LINform unloaded, sclerostin bound: production = Dis^(kappa_R f) (smooth max: Dis - eps/2 .. Dis)",
          v["Dis"] > 1.2 and ref * (1 - 1e-9) <= got <= hi * (1 + 1e-9),
          "model %.6f, closed form %.6f .. %.6f (Dis %.3f, f %.4f)" % (got, ref, hi, v["Dis"], f))
    check("LIN Sost gone: no disuse RANKL rise (within 2 %), as Sost-deficient mice (Lin 2009)",
          0.98 <= got <= 1.02, "production x%.4f" % got)
    w = at(200.0, dict(over, s_sost_rl=0.0))
    ref0 = w["Dis"] ** w["kappa_R"]
    check("LINoff s_sost_rl = 0 keeps the full disuse rise Dis^kappa_R",
          abs(production(w) / ref0 - 1) < 1e-4 and ref0 > 1.05,
          "model %.6f, closed form %.6f" % (production(w), ref0))

    # WNT: loaded, with the drug, 20 days (bone has barely moved)
    v = at(20.0, {"loading": 1.0, "C_romo": 6.0, "g_wnt_rankl": 0.7, "s_sost_rl": 0.0})
    f = 1.0 / (1.0 + v["C_romo"] / v["Kd_romo"])
    wnt = (v["K_wnt"] + 1.0) / (v["K_wnt"] + v["ocy.SOST"] * f)
    lo = v["Dis"] ** v["kappa_R"] * wnt ** -0.7
    hi = v["Dis"] ** v["kappa_R"] * (wnt - v["eps_obu"] / 2) ** -0.7
    got = production(v)
    check("WNT with the drug, loaded: production = Dis^kappa_R Wnt^-g_wnt_rankl (smooth max: Wnt - eps/2 .. Wnt)",
          wnt > 1.5 and lo * (1 - 1e-9) <= got <= hi * (1 + 1e-9),
          "model %.6f, closed form %.6f .. %.6f (Wnt %.3f)" % (got, lo, hi, wnt))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
