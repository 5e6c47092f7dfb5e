#!/usr/bin/python3
"""test_ctxform.py -- formation in flight under exercise, and the resorption
marker that stays up while it does (issue 17, session 23, ctxform).

The model (models/crosstalk/spaceflight.yaml with ../bone/rankl_opg.yaml)
runs a 180-day flight (loading 0) from the healthy crew's steady state, with
the exercise of the crews behind Stavnichuk 2020's pooled in-flight markers
("Mir, ISS, shorter flights; mixed countermeasures": ASSUMED half a reference
resistive program, exercise_resistive 0.5, and full aerobic exercise,
exercise_aerobic 1; the scratch condition `flight_pool` of the session's
partial fit, models/calibration/README.md "Issue 17, session 23, ctxform"),
and once with the ARED program (exercise_resistive 1, exercise_aerobic 1).

References (published, not in models/calibration/VALIDATION.md; its only
Smith 2012 marker rows are the post-landing V-CTX-landing and V-P1NP-landing,
not used here):
- Stavnichuk M, Mikolajewicz N, Corlett T, Morris M, Komarova SV (2020) npj
  Microgravity 6:13 (abstract, PMC7200725, read with the search tool on
  2026-12-07): "Bone formation markers remained unchanged during the first
  30 days and increased thereafter at 7 % [5, 10] per month"; resorption
  markers "increased hyperbolically with a time to half-max of 11 days
  [9, 13]".
- Smith SM, Heer MA, Shackelford LC, Sibonga JD, Ploutz-Snyder L, Zwart SR
  (2012) J Bone Miner Res 27:1896 (abstract, read with the search tool):
  13 ISS crew, 8 with iRED and 5 with ARED; "in both groups, bone-specific
  alkaline phosphatase tended to increase during flight toward the end of
  the mission (p = 0.06)", and resorption markers were increased in both.

Checks (P1NP_pct is the model's formation marker, CTX_pct its resorption
marker; days from launch):
  CFform170  pooled crews, P1NP_pct on day 170 within 23.0 .. 46.0 %: the
             slope's 95 % CI 5 .. 10 %/month over the 140 days (4.60
             months of 30.44 d) after day 30.
  CFform30   pooled crews, P1NP_pct on day 30 within -10 .. +10 %
             ("unchanged during the first 30 days"; the band is ours: the
             slope's CI at day 170 spans 23 points, and the model's formation
             marker has no other in-flight row before day 180).
  CFratio    pooled crews, CTX excess day 170 / day 14 within 1.56 .. 1.79
             (the hyperbola's shape for t_half 9 .. 13 d, as test_ctxslow's
             CSLshape, here under the pooled crews' exercise).
  CFared     ARED program: P1NP_pct on day 170 above its day-30 value and
             within 0 .. 46 % (Smith 2012: BSAP rising toward the end of the
             mission under ARED; the upper bound is Stavnichuk's CI top, as
             CFform170).

Main before the branch (refit11; the branch ships k_xf 0, so the same):
CFform170 5.62 %, CFform30 -10.21 %, CFratio 0.684 (32.6 / 47.7 %): FAIL;
CFared P1NP day 30 / 170 -1.24 / +7.00 %: passes (a guard: the model's
formation already recovers late in flight under ARED). With --set k_xf=0.3
(tau_xf 60 d, others shipped): 20.76 %, -6.25 %, 0.776, 6.68 / 37.57 %.
--can-fail: the same with k_xf 0 forced (the model without the mechanism):
CFform170 must then fail, or the test is reported as unable to fail.

Known unmet (KNOWN_UNMET, as in test_ctxslow.py): a check listed there prints
XFAIL while it fails and makes the test FAIL as soon as it passes (XPASS:
update the list and its reason); every other check fails the test when it
fails. --strict treats the known-unmet checks as ordinary ones.

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_ctxform.py [--strict] [--can-fail] [--set NAME=VALUE ...]
"""
import os
import sys
import tempfile

import muskx_cli
from muskx_cli import ROOT, check

MODEL = os.path.join(ROOT, "models", "crosstalk", "spaceflight.yaml")

# checks the shipped model is known not to meet, with the reason
# (models/calibration/README.md, "Issue 17, session 23, ctxform")
_WHY = ("session 23 (ctxform): the exercise-recruited formation (k_xf, tau_xf) is built but shipped off "
        "(k_xf 0); its partial fit with the pooled crews' exercise (scratch condition flight_pool) gave "
        "k_xf 0.649, tau_xf 40.4 d (llh +6.9 over the same rows refitted without it), the lead's joint "
        "refit decides")
KNOWN_UNMET = {
    "CFform170": _WHY,
    "CFform30": _WHY,
    "CFratio": "session 23 (ctxform): the in-flight resorption marker still fades under exercise; at the "
               "partial fit's point 0.827 (48.9 / 59.1 %): formation that keeps bone raises late resorption "
               "through the mechanostat, but not to a rising hyperbola (also test_ctxslow CSLshape)",
}

MONTH = 30.44
SLOPE_LO, SLOPE_HI = 5.0, 10.0                # %/month, Stavnichuk 2020 95 % CI
F170_LO = SLOPE_LO * (170.0 - 30.0) / MONTH   # 23.0
F170_HI = SLOPE_HI * (170.0 - 30.0) / MONTH   # 46.0


def hyper_ratio(th):
    return (170.0 / (170.0 + th)) / (14.0 / (14.0 + th))


def parse_sets(argv):
    over = {}
    for i, a in enumerate(argv):
        if a == "--set" and i + 1 < len(argv):
            k, v = argv[i + 1].split("=", 1)
            over[k] = float(v)
    return over


def at(t, y, when):
    """linear interpolation of y at time `when`"""
    for i in range(1, len(t)):
        if t[i] >= when:
            f = (when - t[i - 1]) / (t[i] - t[i - 1])
            return y[i - 1] + f * (y[i] - y[i - 1])
    return y[-1]


STRICT = "--strict" in sys.argv[1:]
CAN_FAIL = "--can-fail" in sys.argv[1:]


def tcheck(name, ok, detail):
    """check() with the KNOWN_UNMET convention of test_spaceflight.py"""
    if name in KNOWN_UNMET and not STRICT and not CAN_FAIL:
        if ok:
            check(name, False, "XPASS (listed in KNOWN_UNMET: update the list): " + detail)
        else:
            print("XFAIL %s: %s\n      known unmet: %s" % (name, detail, KNOWN_UNMET[name]))
        return
    check(name, ok, detail)


def flight(tmp, name, res, aer, over):
    ph = "{name: flight, duration: 180 d, inputs: {loading: 0, exercise_resistive: %g, exercise_aerobic: %g}}" % (res, aer)
    return muskx_cli.scenario(tmp, MODEL, name, [ph], [], ["CTX_pct", "P1NP_pct"], over)


def main():
    over = parse_sets(sys.argv[1:])
    if CAN_FAIL:
        over["k_xf"] = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        pool = flight(tmp, "cf_pool", 0.5, 1.0, over)
        ared = flight(tmp, "cf_ared", 1.0, 1.0, over)
    t = pool["time"]
    f30, f170 = at(t, pool["P1NP_pct"], 30.0), at(t, pool["P1NP_pct"], 170.0)
    c14, c170 = at(t, pool["CTX_pct"], 14.0), at(t, pool["CTX_pct"], 170.0)
    ok170 = F170_LO <= f170 <= F170_HI
    if CAN_FAIL:
        check("CFcanfail", not ok170,
              "k_xf 0 (no exercise-recruited formation): pooled P1NP day 170 %.2f %% must leave "
              "%.1f .. %.1f" % (f170, F170_LO, F170_HI))
        return muskx_cli.finish()
    tcheck("CFform170", ok170,
           "pooled crews' in-flight P1NP_pct on day 170: %.2f %% (Stavnichuk 2020: +7 [5, 10] %%/month "
           "after day 30: %.1f .. %.1f)" % (f170, F170_LO, F170_HI))
    tcheck("CFform30", -10.0 <= f30 <= 10.0,
           "pooled crews' in-flight P1NP_pct on day 30: %.2f %% (Stavnichuk 2020: unchanged for 30 days; "
           "band -10 .. +10, ours)" % f30)
    lo, hi = hyper_ratio(9.0), hyper_ratio(13.0)
    ratio = c170 / c14 if c14 > 0 else float("nan")
    tcheck("CFratio", c14 > 0 and lo <= ratio <= hi,
           "pooled crews' CTX excess day 170 / day 14: %.1f / %.1f %% = %.3f (Stavnichuk 2020 hyperbola, "
           "t_half 9..13 d: %.3f .. %.3f)" % (c170, c14, ratio, lo, hi))
    ta = ared["time"]
    a30, a170 = at(ta, ared["P1NP_pct"], 30.0), at(ta, ared["P1NP_pct"], 170.0)
    tcheck("CFared", a170 > a30 and 0.0 <= a170 <= F170_HI,
           "ARED crews' in-flight P1NP_pct day 30 / 170: %.2f / %.2f %% (Smith 2012: BSAP rising toward "
           "the end of the mission; day 170 within 0 .. %.1f)" % (a30, a170, F170_HI))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
