#!/usr/bin/python3
"""test_calcium.py -- the calcium, PTH and calcitriol module alone
(models/bone/calcium_pth.yaml, bone fluxes held at their baseline) against
published human physiology (issue 17, calcium).

Checks, each two-sided:
  CLAMPlo, CLAMPhi  the Ca-PTH curve against the sequential citrate and
        calcium clamps of Schwarz P et al. 1993 Eur J Clin Invest 23:546
        (abstract): ionized Ca 0.21 mM below baseline raised PTH 4-7x at
        first and 2-3x at steady state; 0.20 mM above lowered it to about
        1/4. These numbers were not used to set the curve (its range comes
        from Brent 1988, its set point from Schwarz 1994).
  LOWCAdir  Dawson-Hughes B et al. 1993 J Bone Miner Res 8:779, as cited by
        the IOM 1997 Dietary Reference Intakes (ch. 4): intake lowered from
        2000 to 300 mg/day; serum Ca declined, PTH and 1,25(OH)2D rose.
  LOWCAtime the same: the adaptation of absorption "required 1 to 2
        weeks". This statement is where tau_A comes from (with tau_D), so
        the check guards that derivation against later changes; it is not
        independent evidence.
  ADAMS     Adams ND, Gray RW, Lemann J Jr 1979 J Clin Endocrinol Metab
        48:1008 (abstract): dietary calcium cut to 1-3 mmol/day (here 80
        mg/day from 1000) for 4 days: serum Ca fell promptly, PTH rose, and
        1,25(OH)2D rose within 48 h from 63 +- 32 to 92 +- 28 pmol/L
        (n = 6; +46 %, standard error of the change about +-27 % from the
        two SDs). Accepted on day 4: +19..+73 % (mean +- that error), with
        plasma Ca lower and PTH higher at 48 h. e_D and tau_D were derived
        from this study, so the check guards that derivation; it is not
        independent evidence. It also bounds the assumed PTH drive of the
        exchangeable bone pool (e_ex: +61 / +33 / +20 % at 0 / 0.2 / 0.5,
        with k_st and J_fec; issue 17, modelca).
  LOWCAfrac the same: the fraction of ingested Ca retained rose from 27 to
        37 % (x1.37); accepted x1.1..x1.7 (our range). Unmet (x2.78) until
        issue 17's modelca branch added the endogenous fecal loss J_fec
        (net = gross - J_fec; J_fec's value is from Heaney & Abrams 2004's
        balance studies, not from this check): x1.40 now.

A target the model is known not to meet is listed in KNOWN_UNMET with the
reason and printed as XFAIL (not counted as failed); one that starts to
pass is XPASS and fails the run, so the list cannot go stale.
Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_calcium.py
"""
import csv
import io
import os
import re
import tempfile

import muskx_cli
from muskx_cli import ROOT

MODEL = os.path.join(ROOT, "models", "bone", "calcium_pth.yaml")
CA0 = 1.2  # mM, the module's Ca0

KNOWN_UNMET = {}


def judge(name, ok, detail):
    """PASS/FAIL, or XFAIL/XPASS for a target in KNOWN_UNMET."""
    key = name.split()[0]
    if key in KNOWN_UNMET:
        print("%s %s: %s" % ("XPASS" if ok else "XFAIL", name, detail))
        if ok:
            muskx_cli.failed += 1  # passes now: take it off KNOWN_UNMET
        else:
            print("      known unmet: %s" % KNOWN_UNMET[key])
            muskx_cli.passed += 1
        return
    muskx_cli.check(name, ok, detail)


def pth_at(ca):
    """PTH relative to baseline with plasma Ca held at ca (the quasi-steady
    secretion curve: PTH follows Ca within minutes)."""
    r = muskx_cli.simulate(MODEL, 0, 1, {"Ca_p": ca})
    return 1 + r["PTH_pct"][0] / 100


def intake_step(before, after, days):
    """Steady state at `before` mg/day, then `after` from day 0 (a copy of
    the module whose intake input is a step table)."""
    text = open(MODEL).read()
    text, n = re.subn(r"^  intake: \{default: [^}]*\}",
                      "  intake: {times: [0, 1e-6], values: [%r, %r], interp: step}" % (before, after),
                      text, flags=re.M)
    if n != 1:
        raise RuntimeError("input intake not found in %s" % MODEL)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        out, _ = muskx_cli.run(["simulate", path, "--t-end", str(days), "--dt", "0.25",
                                "--rtol", "1e-10", "--atol", "1e-12", "--steady-start"])
    finally:
        os.unlink(path)
    rows = list(csv.DictReader(io.StringIO(out)))
    return {k: [float(r[k]) for r in rows] for k in rows[0]}


def main():
    lo, hi = pth_at(CA0 - 0.21), pth_at(CA0 + 0.20)
    judge("CLAMPlo PTH at ionized Ca - 0.21 mM: 2..7x baseline (Schwarz 1993: 4-7x acute, 2-3x steady)",
          2.0 <= lo <= 7.0, "%.2fx" % lo)
    judge("CLAMPhi PTH at ionized Ca + 0.20 mM: 0.15..0.45x baseline (Schwarz 1993: about 1/4)",
          0.15 <= hi <= 0.45, "%.2fx" % hi)

    r = intake_step(2000.0, 300.0, 60)
    t = r["time"]
    i60 = len(t) - 1
    ca, pth, d = r["Ca"], r["PTH"], r["calcitriol_pct"]
    judge("LOWCAdir 2000 -> 300 mg/day: plasma Ca falls, PTH and calcitriol rise (Dawson-Hughes 1993)",
          ca[i60] < ca[0] and pth[i60] > pth[0] and d[i60] > d[0],
          "Ca %.4f -> %.4f mM, PTH %.2f -> %.2f pM, calcitriol %+.1f -> %+.1f %%"
          % (ca[0], ca[i60], pth[0], pth[i60], d[0], d[i60]))
    # fraction of intake absorbed (net), mg/day of Ca = 40.08 x mmol/day
    frac = [j * 40.08 / 300.0 for j in r["Ca_gut_absorption"]]
    f_start = frac[1]  # just after the step: the same calcitriol, the new intake
    change = frac[i60] - f_start
    t90 = next(t[i] for i in range(1, len(t)) if frac[i] - f_start >= 0.9 * change)
    judge("LOWCAtime the calcitriol-driven rise in absorption is 90 % complete in 7..14 days "
          "(Dawson-Hughes 1993: 1-2 weeks; tau_A's source)",
          change > 0 and 7 <= t90 <= 14, "%.1f days (fraction absorbed %.3f -> %.3f)" % (t90, f_start, frac[i60]))
    a = intake_step(1000.0, 80.0, 4)
    ta = a["time"]
    i48, i4 = ta.index(2.0), len(ta) - 1
    rise = 100 * ((1 + a["calcitriol_pct"][i4] / 100) / (1 + a["calcitriol_pct"][0] / 100) - 1)
    judge("ADAMS 1000 -> 80 mg/day for 4 days: calcitriol +19..+73 % on day 4, Ca down and PTH up at 48 h "
          "(Adams 1979: +46 %; e_D's and tau_D's source)",
          19 <= rise <= 73 and a["Ca"][i48] < a["Ca"][0] and a["PTH"][i48] > a["PTH"][0],
          "calcitriol %+.1f %% (48 h %+.1f %%), Ca 48 h %+.1f %%, PTH 48 h %+.0f %%" % (
              rise, 100 * ((1 + a["calcitriol_pct"][i48] / 100) / (1 + a["calcitriol_pct"][0] / 100) - 1),
              100 * (a["Ca"][i48] / a["Ca"][0] - 1), 100 * (a["PTH"][i48] / a["PTH"][0] - 1)))
    r2 = intake_step(2000.0, 2000.0, 1)
    f2000 = r2["Ca_gut_absorption"][0] * 40.08 / 2000.0
    ratio = frac[i60] / f2000
    judge("LOWCAfrac fraction absorbed at 300 vs 2000 mg/day: x1.1..x1.7 (Dawson-Hughes 1993: 27 -> 37 %, x1.37)",
          1.1 <= ratio <= 1.7, "x%.2f (%.3f at 2000, %.3f at 300 mg/day after 60 days)" % (ratio, f2000, frac[i60]))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
