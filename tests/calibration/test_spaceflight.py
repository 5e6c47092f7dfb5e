#!/usr/bin/env python3
"""test_spaceflight.py -- seed targets S1-S19 as tests of models/crosstalk/spaceflight.yaml.

Each target simulates its protocol with the muskx CLI and asserts the
published range from ../shared/data/seed-targets.md (or from the cited drug
trial). A target the model does not meet is reported as FAIL with the
reason; ranges are never widened to make a test pass. Targets the current
model is known not to meet are listed in KNOWN_UNMET with the reason: they
print as XFAIL and do not fail the run, but one that starts passing prints
XPASS and fails the run, so the list cannot go stale.

Protocols
  flight:   loading = 0 for days 0-180, 1 for days 180-545 (step)
  exercise: as flight, exercise_resistive = exercise_aerobic = 1 in flight
  bedrest:  as flight with loading = 0.5 (assumption: bed rest keeps about
            half of the daily osteocyte stimulus; S10 then tests the ratio)
  earth drug: loading = 1 throughout, romo_dose = 210, dmab_dose = 60 or
            aln_dose = 70 (alendronate weekly)
  EV2:      alendronate from day 0, flight (with exercise) days 21-201

Input tables are written into a temporary copy of the model (the CLI's
--set replaces constants only), whose import paths are made absolute. Usage:
  python3 tests/calibration/test_spaceflight.py [--muskx build/muskx]
Exit status 0 when every target passes or is a known XFAIL, 1 otherwise.
The last line is "N passed, N failed" (XFAIL counts as passed) for CI.
"""
import argparse
import csv
import io
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.path.join(ROOT, "models", "crosstalk", "spaceflight.yaml")
# the temporary copy imports the modules from models/ (file access policy,
# issue 16: allowed folders only)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import muskx_cli  # noqa: E402,F401  (sets MUSKX_ALLOW_PATH to models/)


def with_inputs(text, tables):
    """Replaces `  name: {default: X}` input lines by step tables."""
    for name, (times, values) in tables.items():
        pat = re.compile(r"^  %s: \{default: [^}]*\}" % re.escape(name), re.M)
        new = "  %s: {times: [%s], values: [%s], interp: step}" % (
            name, ", ".join(map(str, times)), ", ".join(map(str, values)))
        text, n = pat.subn(new, text)
        if n != 1:
            raise SystemExit("input %r not found in %s" % (name, MODEL))
    return text


def absolute_imports(text):
    """The model imports its modules by relative path (`- file: ../bone/x.yaml`);
    the temporary copy lives elsewhere, so make those paths absolute."""
    here = os.path.dirname(MODEL)
    return re.sub(r"^(\s*- file: )(\S+)", lambda m: m.group(1) + os.path.normpath(
        os.path.join(here, m.group(2))), text, flags=re.M)


def simulate(muskx, tables=None, sets=None, t_end=545):
    text = open(MODEL).read()
    text = absolute_imports(with_inputs(text, tables or {}))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        cmd = [muskx, "simulate", path, "--t-end", str(t_end), "--dt", "1",
               "--rtol", "1e-8", "--atol", "1e-12"]
        for k, v in (sets or {}).items():
            cmd += ["--set", "%s=%s" % (k, v)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(path)
    rows = list(csv.DictReader(io.StringIO(out)))
    return {k: [float(r[k]) for r in rows] for k in rows[0]}


def at(res, key, t):
    ts = res["time"]
    i = min(range(len(ts)), key=lambda j: abs(ts[j] - t))
    return res[key][i]


def rel_change(res, key, t0, t1):
    """Percent change of a percent-of-baseline output between t0 and t1."""
    return 100 * ((1 + at(res, key, t1) / 100) / (1 + at(res, key, t0) / 100) - 1)


def t_half_recovery(res, key, t0=180):
    v = res[key]
    ts = res["time"]
    imin = min((i for i in range(len(ts)) if ts[i] >= t0), key=lambda i: v[i])
    for i in range(imin, len(ts)):
        if v[i] > v[imin] / 2:
            return ts[i] - t0
    return float("inf")


# Targets the model does not meet yet, and why (see issue 4's note).
KNOWN_UNMET = {
    "S12": "formation marker needs ~2 weeks after reloading: P1NP follows "
           "active osteoblast numbers, and the precursor pool refills over "
           "~2 weeks; an osteoblast activity layer like the osteoclast one "
           "(tried: aOB = max(Dis, 1)^-h) reaches only ~45 % of the rise in "
           "the first week and pushes P1NP further above preflight later",
    "S17b": "markers do not settle within 10 % of preflight 6 months after "
            "landing (CTX ~-14 %, P1NP ~+5 % at day 360): the mechanostat "
            "keeps bone in formation mode, with low RANKL, while BV is below "
            "baseline. Tried: a refit with S17b/c in the penalty (best: CTX "
            "~-10 %, P1NP +4 % at day 450, S11 lost) and a mechanostat "
            "set point that follows BV (tau 1 year: S17b met, but recovery "
            "S16 and the levelling-off EV4 are lost)",
    "DMAB5y": "denosumab gains too fast over the first years (WB +11.3 % at "
              "3, +14.5 % at 5 years; spine +13.7 %, hip +7.0 % at 5 years): "
              "almost all of it is the rise of the mean degree of "
              "mineralisation (+12.7 % at 5 years, bone volume +1.6 %), "
              "whose rate k_sec (0.3/yr) is assumed; k_sec 0.1/yr meets it "
              "(+13.0 %) but then alendronate's mean degree rises too little "
              "(ALNmin +3.2 % at 2 years vs Boivin +7.3 %)",
    "S10": "bed rest is still the proxy 'loading 0.5' for muscle and bone "
           "alike; with muscle kinetics at measured rates (issue 17) bed rest "
           "costs the legs only ~7 % muscle in 6 months (the Hill response at "
           "load 0.5 is mild), so the muscle-borne bone stimulus falls less "
           "than before and the bed-rest/flight bone ratio is 0.34 (was 0.36). "
           "Bed rest as its own calibrated input (issue 17, model branch) is "
           "the fix; the muscle was not retuned to the proxy",
    "denosumab1m": "resorption is suppressed deeper than the label reports "
                   "(CTX -97 % at 1 month vs ~-85 %): osteoclast activity "
                   "follows RANKL occupancy with no floor; the denosumab "
                   "mechanism is being reworked (issue 17, model branch)",
    "S17c": "P1NP stays above preflight 6-12 months after landing (same "
            "cause as S17b)",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--muskx", default=os.path.join(ROOT, "build", "muskx"))
    a = ap.parse_args()
    flight = {"loading": ([0, 180], [0, 1])}
    ex = dict(flight, exercise_resistive=([0, 180], [1, 0]), exercise_aerobic=([0, 180], [1, 0]))
    F = simulate(a.muskx, flight)
    B = simulate(a.muskx, {"loading": ([0, 180], [0.5, 1])})
    E = simulate(a.muskx, ex)
    ER = simulate(a.muskx, ex, {"romo_dose": 210})
    ED = simulate(a.muskx, ex, {"dmab_dose": 60})
    R1 = simulate(a.muskx, None, {"romo_dose": 210}, t_end=365)
    # denosumab on Earth: one 8-year run serves the 3-day to 8-year checks
    D8 = simulate(a.muskx, None, {"dmab_dose": 60}, t_end=2920)
    disuse = {"loading": ([0], [0])}
    U = simulate(a.muskx, disuse, t_end=1095)
    SCI = simulate(a.muskx, disuse, {"dmab_dose": 60, "dmab_start": 450}, t_end=815)
    A1 = simulate(a.muskx, None, {"aln_dose": 70}, t_end=730)
    # LeBlanc 2013 protocol: alendronate from ~3 weeks before launch (day 0
    # here), flight from day 21 to day 201, with exercise
    pre = [0, 21, 201]
    EA = simulate(a.muskx, {"loading": (pre, [1, 0, 1]), "exercise_resistive": (pre, [0, 1, 0]),
                            "exercise_aerobic": (pre, [0, 1, 0])}, {"aln_dose": 70}, t_end=566)

    wb180 = at(F, "BMD_wb_pct", 180)
    checks = [
        ("S1 WB BMD loss 1.0-1.6 %/month in flight", -1.6 <= wb180 / 6 <= -1.0, "%.2f %%/month" % (wb180 / 6)),
        ("S3 WB BMD -8..-12 % after 6 months", -12 <= wb180 <= -8, "%.2f %%" % wb180),
        ("S2 whole-body loss 0.3-0.4 %/month", -0.4 <= at(F, "BMD_wholebody_pct", 180) / 6 <= -0.3,
         "%.3f %%/month" % (at(F, "BMD_wholebody_pct", 180) / 6)),
        ("S4 urinary Ca +60-70 % in flight", 60 <= max(F["Ca_urine_pct"][:181]) <= 70,
         "%.1f %% (model: urinary only; seed counts urinary + fecal)" % max(F["Ca_urine_pct"][:181])),
        ("S5 PTH decreases in flight", at(F, "PTH", 30) < at(F, "PTH", 0), "%.3f -> %.3f pM" % (at(F, "PTH", 0), at(F, "PTH", 30))),
        # S6: the seed says "down by UP TO 20 %" after a 2-week flight: an
        #   upper bound. The former lower bound (-12 %) only held with a
        #   muscle turnover of 5.8 %/day, 3-5x the measured synthesis rate
        #   (1-2 %/day, see models/muscle/muscle_mass.yaml): a fitting
        #   artefact. Tested now: a measurable loss (at least 3 %, about the
        #   precision of MRI muscle volume) and at most 20 %.
        ("S6 muscle -3..-20 % at 14 d (seed: down by up to 20 %)", -20 <= at(F, "muscle_pct", 14) <= -3, "%.1f %%" % at(F, "muscle_pct", 14)),
        ("S7 muscle -15..-30 % at 3-6 months", -30 <= min(F["muscle_pct"][90:181]) <= -15, "%.1f %%" % min(F["muscle_pct"][90:181])),
        ("S8 synthesis -15 % (+-5) at in-flight equilibrium", -20 <= at(F, "synthesis_pct", 90) <= -10, "%.1f %%" % at(F, "synthesis_pct", 90)),
        ("S10 bed rest (loading 0.5) loss about half of flight", 0.35 <= at(B, "BMD_wb_pct", 180) / wb180 <= 0.65,
         "ratio %.2f" % (at(B, "BMD_wb_pct", 180) / wb180)),
        # S11 two-sided: "full response after ~1 week" read as CTX at day 10
        #   within 80-120 % of its day-60 level (our operationalisation).
        ("S11 resorption up within days, ~full by 1 week", at(F, "CTX_pct", 3) > 5 and
         0.8 * at(F, "CTX_pct", 60) <= at(F, "CTX_pct", 10) <= 1.2 * at(F, "CTX_pct", 60),
         "CTX d3 %.1f d10 %.1f d60 %.1f %%" % (at(F, "CTX_pct", 3), at(F, "CTX_pct", 10), at(F, "CTX_pct", 60))),
        ("S12 formation full response ~1 week after reloading",
         0.8 * (max(F["P1NP_pct"][180:260]) - at(F, "P1NP_pct", 180)) <= (at(F, "P1NP_pct", 187) - at(F, "P1NP_pct", 180))
         <= 1.2 * (max(F["P1NP_pct"][180:260]) - at(F, "P1NP_pct", 180)),
         "P1NP d180 %.1f d187 %.1f d195 %.1f %%" % (at(F, "P1NP_pct", 180), at(F, "P1NP_pct", 187), at(F, "P1NP_pct", 195))),
        ("S14 recovery incomplete after 12 months", at(F, "BMD_wb_pct", 545) < -1.0 and at(F, "BMD_wb_pct", 545) > wb180,
         "WB %.2f %% at day 545" % at(F, "BMD_wb_pct", 545)),
        # S15 two-sided: the loss goes on "for a while" after reloading --
        #   the minimum comes after day 182 and within 4 months of landing
        #   (our operationalisation of "a while"; the seed gives no number).
        ("S15 bone loss continues after reloading", 182 < F["time"][F["BMD_wb_pct"].index(min(F["BMD_wb_pct"]))] <= 300,
         "WB minimum at day %g" % F["time"][F["BMD_wb_pct"].index(min(F["BMD_wb_pct"]))]),
        ("S16 muscle recovers ~6 months (4-9) before bone (half-recovery times)",
         120 <= t_half_recovery(F, "BMD_wb_pct") - t_half_recovery(F, "muscle_pct") <= 270,
         "bone %.0f d, muscle %.0f d" % (t_half_recovery(F, "BMD_wb_pct"), t_half_recovery(F, "muscle_pct"))),
        ("S17a markers uncoupled toward resorption at landing", at(F, "CTX_pct", 180) > 0 > at(F, "P1NP_pct", 180),
         "CTX %.1f P1NP %.1f %%" % (at(F, "CTX_pct", 180), at(F, "P1NP_pct", 180))),
        ("S17b markers back to preflight (+-10 %) within 6 months", abs(at(F, "CTX_pct", 360)) <= 10 and abs(at(F, "P1NP_pct", 360)) <= 10,
         "CTX %.1f P1NP %.1f %% at day 360" % (at(F, "CTX_pct", 360), at(F, "P1NP_pct", 360))),
        ("S17c markers below preflight 6-12 months after landing", at(F, "CTX_pct", 450) < 0 and at(F, "P1NP_pct", 450) < 0,
         "CTX %.1f P1NP %.1f %% at day 450" % (at(F, "CTX_pct", 450), at(F, "P1NP_pct", 450))),
        ("S18 SOST increased by unloading", at(F, "SOST", 30) > 1.0, "%.3f (relative)" % at(F, "SOST", 30)),
        ("S19 IGF-1 up while formation declines", at(F, "IGF1", 90) > at(F, "IGF1", 0) and at(F, "P1NP_pct", 90) < 0,
         "IGF-1 %.0f -> %.0f ng/mL, P1NP %.1f %%" % (at(F, "IGF1", 0), at(F, "IGF1", 90), at(F, "P1NP_pct", 90))),
        ("exercise reduces 6-month WB loss by >= 30 %", at(E, "BMD_wb_pct", 180) >= 0.7 * wb180, "%.2f vs %.2f %%" % (at(E, "BMD_wb_pct", 180), wb180)),
        ("exercise + romosozumab beats exercise alone", at(ER, "BMD_wb_pct", 180) > at(E, "BMD_wb_pct", 180) + 1,
         "%.2f vs %.2f %%" % (at(ER, "BMD_wb_pct", 180), at(E, "BMD_wb_pct", 180))),
        ("exercise + denosumab beats exercise alone", at(ED, "BMD_wb_pct", 180) > at(E, "BMD_wb_pct", 180) + 1,
         "%.2f vs %.2f %%" % (at(ED, "BMD_wb_pct", 180), at(E, "BMD_wb_pct", 180))),
        ("romosozumab 210 mg/month on Earth: WB BMD +8..+15 % at 12 months (McClung 2014: LS +11.3 %)",
         8 <= at(R1, "BMD_wb_pct", 365) <= 15, "%.2f %%" % at(R1, "BMD_wb_pct", 365)),
        # Two-sided (issue 17: a one-sided check passed at -97 %): the Prolia
        #   label reports CTX ~-85 % by day 3 and the reduction maintained;
        #   tested -75..-95 % at 1 month (label value +-10 points).
        ("denosumab1m 60 mg q6mo on Earth: CTX -75..-95 % at 1 month (label ~-85 %)", -95 <= at(D8, "CTX_pct", 30) <= -75, "%.1f %%" % at(D8, "CTX_pct", 30)),
        # Prolia label, Pharmacodynamics: serum CTX reduced by ~85 % within
        # 3 days of 60 mg SC. Tested two-sided: -70..-95 % at day 3.
        ("denosumab3d on Earth: CTX -70..-95 % at day 3 (label: ~-85 % by day 3)", -95 <= at(D8, "CTX_pct", 3) <= -70, "%.1f %%" % at(D8, "CTX_pct", 3)),
        # Prolia label, Pharmacodynamics: at the end of each 6-month dosing
        # interval the CTX reduction is attenuated to >= 45 % (range 45-80 %).
        ("denosumab6m on Earth: CTX -45..-80 % at the end of the 6-month interval (label)",
         -80 <= at(D8, "CTX_pct", 182) <= -45, "%.1f %%" % at(D8, "CTX_pct", 182)),
        ("denosumab on Earth: WB BMD +3..+8 % at 12 months", 3 <= at(D8, "BMD_wb_pct", 365) <= 8, "%.2f %%" % at(D8, "BMD_wb_pct", 365)),
        # Evidence from ISS crews (added with the composed model):
        # EV1: 23 ISS astronauts (ARED-era in-flight exercise), left total hip
        #   aBMD by DXA immediately after ~6-month missions: -3.9 (SD 2.4) %
        #   ("Use of DXA-based software to identify astronauts at risk for
        #   persisting spaceflight-induced bone loss", abstract: 19 M/4 F,
        #   QCT -9.0 (7.2) %). Range tested: mean +- 1 SD.
        ("EV1 exercise arm: WB BMD at 6 months within ISS total hip aBMD -3.9 +- 2.4 %",
         -6.3 <= at(E, "BMD_wb_pct", 180) <= -1.5, "%.2f %%" % at(E, "BMD_wb_pct", 180)),
        # EV2: exercise + alendronate in flight maintains BMD, it does not
        #   raise it: LeBlanc A, Matsumoto T, Jones J, et al. (2013) Osteoporos
        #   Int 24:2105-2114 (7 ISS astronauts, alendronate 70 mg/week from
        #   ~3 weeks before launch + ARED, 5.5 months: the combination
        #   "attenuated the expected decline" of DXA BMD of spine, hip and
        #   pelvis; interim report NTRS 20100040670: total hip 0.04 +- 0.3
        #   %/month vs -1.1 +- 0.5 in earlier crews); Anderson KD et al., "The
        #   effects of spaceflight countermeasures on trabecular bone score
        #   (TBS) of the lumbar spine" (PMC12799719): "ARED + bisphosphonate
        #   maintained BMD". "Maintained" is tested as |change| <= 2 % over
        #   the flight: our operationalisation (about the precision of serial
        #   DXA), not a published range.
        ("EV2 exercise + alendronate in flight (LeBlanc 2013): WB BMD maintained (|change| <= 2 %)",
         abs(rel_change(EA, "BMD_wb_pct", 21, 201)) <= 2,
         "%.2f %% over the flight (%.3f %%/month)" % (rel_change(EA, "BMD_wb_pct", 21, 201),
                                                     rel_change(EA, "BMD_wb_pct", 21, 201) / (180 / 30.44))),
        # Alendronate 70 mg once weekly on Earth (postmenopausal women):
        #   "Comparison of change in bone resorption and bone mineral density
        #   with once-weekly alendronate and daily risedronate: a randomised,
        #   placebo-controlled study" (2006): urinary NTx -52 % at 3 months;
        #   lumbar spine +4.8 %, total hip +2.7 % at 12 months. Once-weekly
        #   alendronate 70 mg in Chinese women (J Bone Miner Metab 2009,
        #   doi 10.1007/s00774-009-0057-7): 12 months lumbar spine +4.87 %,
        #   femoral neck +2.47 %, trochanter +3.24 %, total hip +2.56 %.
        #   FACT (Rosen 2005; Bonnick 2006 extension): trochanter +3.4 % at
        #   12 and +4.6 % at 24 months. Ranges tested (ours): resorption
        #   marker -45..-70 % at 3 months (NTx -52 %; serum CTX falls further);
        #   WB BMD at 12 months between the femoral neck and the lumbar spine
        #   values (+2.4..+4.9 %); BMD still rising in year 2.
        # Anti-resorptives and muscle: in the FREEDOM DXA substudy denosumab
        #   raised appendicular lean mass versus placebo (Bonnet N et al.
        #   (2019) J Clin Invest 129:3214-3223); no bisphosphonate trial
        #   reports a loss of lean mass. Tested (ours): neither drug lowers
        #   muscle mass by more than 1 % over 12 months on Earth.
        # MUSanti: Bonnet N et al. (2019) J Clin Invest 129:3214 (abstract):
        #   in women, denosumab for > 3 years improved appendicular lean mass
        #   and grip strength compared with no treatment, bisphosphonates did
        #   not. Tested: at 12 months on Earth denosumab muscle >= 0 and above
        #   alendronate, alendronate within +-1 % (our operationalisation of
        #   "did not"; the lean-mass size of the denosumab gain is not used).
        ("MUSanti anti-resorptives on Earth at 12 months: denosumab muscle >= 0, alendronate within +-1 %",
         0 <= at(D8, "muscle_pct", 365) and at(D8, "muscle_pct", 365) > at(A1, "muscle_pct", 365)
         and abs(at(A1, "muscle_pct", 365)) <= 1,
         "denosumab %.2f %%, alendronate %.2f %%" % (at(D8, "muscle_pct", 365), at(A1, "muscle_pct", 365))),
        ("ALN3m alendronate 70 mg weekly on Earth: resorption marker -45..-70 % at 3 months (NTx -52 %)",
         -70 <= at(A1, "CTX_pct", 91) <= -45, "%.1f %%" % at(A1, "CTX_pct", 91)),
        ("ALN12 alendronate on Earth: WB BMD +2.4..+4.9 % at 12 months (femoral neck +2.5, spine +4.9 %)",
         2.4 <= at(A1, "BMD_wb_pct", 365) <= 4.9, "%.2f %%" % at(A1, "BMD_wb_pct", 365)),
        ("ALN24 alendronate on Earth: WB BMD still rising in year 2 (FACT trochanter +3.4 -> +4.6 %)",
         at(A1, "BMD_wb_pct", 730) > at(A1, "BMD_wb_pct", 365),
         "%.2f %% at 12, %.2f %% at 24 months" % (at(A1, "BMD_wb_pct", 365), at(A1, "BMD_wb_pct", 730))),
        # ALNmin: Boivin GY et al. (2000) Bone 27:687-694 (abstract): after 2
        #   years of alendronate 10 mg/day the mean degree of mineralisation
        #   of iliac cancellous bone was 7.3 % higher than placebo (compact
        #   9.3 %; 3 years 11.4 / 11.6 %). Tested: the weight-bearing site's
        #   mean degree of mineralisation at 24 months within half to 1.5x of
        #   +7.3 % (our operationalisation; one biopsy study).
        ("ALNmin alendronate on Earth: mean degree of mineralisation +3.65..+10.95 % at 24 months (Boivin 2000: +7.3 %)",
         3.65 <= at(A1, "mineral_degree_wb_pct", 730) <= 10.95,
         "%.2f %%" % at(A1, "mineral_degree_wb_pct", 730)),
        # DMAB5y/8y: FREEDOM extension, long-term group, change from FREEDOM
        #   baseline: 5 years lumbar spine +13.7 %, total hip +7.0 %
        #   (Papapoulos S et al. 2012 J Bone Miner Res 27:694-701, abstract);
        #   8 years spine +18.4 %, hip +8.3 % (Papapoulos S et al. 2015
        #   Osteoporos Int 26:2773-2783, results). The weight-bearing site is
        #   trabecular-rich, so tested between the hip and the spine value.
        ("DMAB5y denosumab 5 years on Earth: WB BMD between total hip +7.0 and spine +13.7 % (FREEDOM extension)",
         7.0 <= at(D8, "BMD_wb_pct", 1825) <= 13.7, "%.2f %%" % at(D8, "BMD_wb_pct", 1825)),
        ("DMAB8y denosumab keeps gaining in years 5-8, WB at 8 years between hip +8.3 and spine +18.4 %",
         at(D8, "BMD_wb_pct", 2919) > at(D8, "BMD_wb_pct", 1825) and 8.3 <= at(D8, "BMD_wb_pct", 2919) <= 18.4,
         "%.2f %% at 5, %.2f %% at 8 years" % (at(D8, "BMD_wb_pct", 1825), at(D8, "BMD_wb_pct", 2919))),
        # EV3: denosumab under established disuse. Gifre L et al. (2016)
        #   Osteoporos Int 27:405-410 (14 patients with recent complete spinal
        #   cord injury, 15 +- 4 months after injury; denosumab 60 mg every 6
        #   months for 12 months): total hip aBMD +2.4 +- 3.6 % (abstract).
        #   Protocol: loading 0 throughout, first dose on day 450, change of
        #   WB BMD from day 450 to day 815; range tested: mean +- 1 SD.
        ("EV3 denosumab after 15 months of disuse: WB BMD over 12 months within SCI total hip +2.4 +- 3.6 %",
         -1.2 <= rel_change(SCI, "BMD_wb_pct", 450, 815) <= 6.0,
         "%.2f %% (untreated: %.2f %%)" % (rel_change(SCI, "BMD_wb_pct", 450, 815), rel_change(U, "BMD_wb_pct", 450, 815))),
        # EV4: complete, lasting disuse approaches a new steady state rather
        #   than losing bone without limit: in spinal cord injury trabecular-
        #   rich sites fall to ~60 % of normal within ~3 years ("Increased
        #   Bone Fracture After SCI: Can Exercise Reduce Risk?", Springer
        #   chapter, doi 10.1007/978-1-4939-6664-6_8, abstract). Tested (our
        #   operationalisation): 3-year loss between 20 and 45 % (micro-g
        #   keeps some muscle loading, SCI none) and year-3 loss below a
        #   fifth of year-1 loss.
        ("EV4 lasting disuse levels off: WB -20..-45 % at 3 years, year-3 loss < 1/5 of year 1",
         -45 <= at(U, "BMD_wb_pct", 1095) <= -20 and
         (at(U, "BMD_wb_pct", 730) - at(U, "BMD_wb_pct", 1095)) < -at(U, "BMD_wb_pct", 365) / 5,
         "%.1f %% at 1 y, %.1f %% at 3 y" % (at(U, "BMD_wb_pct", 365), at(U, "BMD_wb_pct", 1095))),
    ]
    bad = met = 0
    for name, ok, got in checks:
        key = name.split()[0]
        if key in KNOWN_UNMET:
            tag = "XPASS" if ok else "XFAIL"
            bad += ok  # a known miss that now passes: update KNOWN_UNMET
            print("%-5s %-75s %s\n      known unmet: %s" % (tag, name, got, KNOWN_UNMET[key]))
        else:
            print("%-5s %-75s %s" % ("ok" if ok else "FAIL", name, got))
            bad += not ok
        met += ok
    print("%d of %d targets met (%d known unmet)" % (met, len(checks), len(KNOWN_UNMET)))
    xfail = sum(1 for n, ok, g in checks if n.split()[0] in KNOWN_UNMET and not ok)
    print("%d passed, %d failed, %d skipped" % (len(checks) - bad - xfail, bad, xfail))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
