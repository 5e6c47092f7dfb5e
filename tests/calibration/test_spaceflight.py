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
  bedrest:  input bedrest = 1 for days 0-180 (loading stays 1): strict bed
            rest, whose site-specific unloading (br_leg, br_spine, br_wb in
            spaceflight.yaml) is calibrated to LeBlanc 1990 (17 weeks)
  earth drug: loading = 1 throughout, romo_dose = 70/140/210, dmab_dose =
            60 or aln_dose = 70 (alendronate weekly); the trials enrolled
            postmenopausal women with low bone mass, so these runs set
            postmenopausal = 1 and start from that steady state
            (--steady-start); the outputs are changes from day 0
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
import math
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.path.join(ROOT, "models", "crosstalk", "spaceflight.yaml")


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


def simulate(muskx, tables=None, sets=None, t_end=545, steady=False):
    """steady: start from the steady state at the --set values (needed with
    postmenopausal = 1, whose rest state differs from the defaults)."""
    text = open(MODEL).read()
    text = absolute_imports(with_inputs(text, tables or {}))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        # the temporary model imports the shipped modules by absolute path
        cmd = [muskx, "simulate", path, "--t-end", str(t_end), "--dt", "1",
               "--rtol", "1e-8", "--atol", "1e-12",
               "--allow-path", os.path.dirname(os.path.dirname(os.path.abspath(MODEL)))]
        for k, v in (sets or {}).items():
            cmd += ["--set", "%s=%s" % (k, v)]
        if steady:
            cmd.append("--steady-start")
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(path)
    rows = list(csv.DictReader(io.StringIO(out)))
    return {k: [float(r[k]) for r in rows] for k in rows[0]}


def aln_half_life(res, t0, t1):
    """Half-life in years of the skeleton's alendronate (surface + buried
    pools) between days t0 and t1, from its exponential decline."""
    a0 = at(res, "ALN_surface_mg", t0) + at(res, "ALN_buried_mg", t0)
    a1 = at(res, "ALN_surface_mg", t1) + at(res, "ALN_buried_mg", t1)
    return math.log(2) * (t1 - t0) / math.log(a0 / a1) / 365.25


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


def mn_gain(res, comp, t):
    """% change of a compartment's mineral content Mn from day 0."""
    return 100 * (at(res, comp + ".Mn", t) / res[comp + ".Mn"][0] - 1)


def model_value(name):
    """A plain numeric parameter value of the shipped model (phi_hip ...)."""
    m = re.search(r"^  %s: \{value: ([0-9.eE+-]+)" % re.escape(name), open(MODEL).read(), re.M)
    return float(m.group(1))


def qct_cort_share(res, t=1095):
    """Share of the total hip mineral gain at t that QCT counts as cortex
    (QCThip): the compact cortex hip_c and the endocortical envelope bone_t,
    with its mineral share phi_hip_e (issue 17, modelhip branch)."""
    phi, phi_e = model_value("phi_hip"), model_value("phi_hip_e")
    trab = phi * mn_gain(res, "hip_t", t)
    cort = phi_e * mn_gain(res, "bone_t", t) + (1 - phi - phi_e) * mn_gain(res, "hip_c", t)
    return cort / (trab + cort)


# LeBlanc 1990's bed rest: 17 weeks = 119 days, in months of 30 days.
BR_MONTHS = 119 / 30

# Total calcium intake of the drug-trial participants, mg/day (see main()).
TRIAL_CA_INTAKE = 1700

# Targets the model does not meet yet, and why (see issue 4's note).
FIT_NOTE = ("since the PEtab fit (models/calibration/spaceflight, make calibrate) "
            "replaced the hand-set values: ")
CYCLE_NOTE = ("since issue 17's dmabca branch (formation follows resorption through "
              "the remodelling cycle, seed S13: mean 107 d instead of ~14 d; refit, "
              "numbers in models/README.md): ")
SITE_NOTE = ("since issue 17's site branch (spine trabecular turnover above the hip's, cortical turnover 3.5 %/yr from the literature, kappa_R estimated, markers from the whole skeleton bone_c, BMD_wb_pct the mean of spine and hip; numbers in models/README.md): ")
REFIT_NOTE = ("since issue 17's refit branch and its refit on the merged modelca + "
              "modelhip model (kappa_B estimated 0.35 -> 0.776, the osteoprogenitor "
              "reservoir's depletion off (r_obu 0), k_sec fixed at 0.3/yr as "
              "unidentified; 42 rows, models/calibration/README.md): ")
REFIT2_NOTE = ("since issue 17's refit2, the joint refit of the merged model (53 rows, "
               "16 estimated, llh -129.85; w_res 0.508 -> 0.711, kappa_B 0.776 -> "
               "0.683, kappa_R 2.155 -> 1.912, h_aoc 0.533 -> 0.608, phi_hip_e 0.086 "
               "-> 0.101, turnover_t_hip 0.063 -> 0.05/yr, its lower bound, then "
               "fixed; models/calibration/README.md): ")
R3 = "refit3 (joint refit, 20 estimated, 60 rows, llh -130.98: h_aoc 0.608 -> 0.417, kappa_R 1.91 -> 1.37, kappa_B 0.68 -> 0.92, turnover_t 19.9 -> 15.1 %/yr, g_ocp 0.45, w_ctx_t 0.47, g_wnt_rankl 1.52 -> 0.73, Kd_romo 6.75 -> 4.62, g_tptd 5.9 -> 8.7; the envelope compartment tibia_e removed at phi_tibia_e 0; models/calibration/README.md): "
R4 = ("refit4 (session 14: joint refit of 25 parameters on 61 rows, llh -128.70, w_res_tib then fixed at its bound 0.5, with the bedrest branch's distal-tibia shell and br_leg and the sitedrug branch's romosozumab modelling-based formation; turnover_t 15.1 -> 18.0 %/yr, kappa_B 0.92 -> 0.57, f_wb_c 0.208 -> 0.234; models/calibration/README.md): ")
R6 = ("refit6 (session 16: joint refit of 29 parameters on 71 rows, llh -146.69, with alendronate's EC50_aln estimated for the first time, 0.25 -> 0.101 mg, the legs branch's shaft shares f_wb_sh 0 and f_br_sh 0.50 and br_tib fixed at 1, br_wb 0.42 fitted; models/calibration/README.md): ")
R7 = ("refit7 (session 17: joint refit of 30 parameters on 77 rows, llh -172.31, with alendronate's PD ceiling Imax_aln estimated (0.994) and six new rows: the 1994 short alendronate course, Greenspan 2000's CTX on continued alendronate, Zanchetta 2018's hip and spine after stopping denosumab; EC50_aln 0.100 -> 0.131 mg, phi_hip_e 0.012 -> 0.067; models/calibration/README.md): ")
R8 = ("refit8 (session 18: joint refit of 31 parameters on 79 rows, llh -169.90, with revbone's osteoclast-precursor surplus released into slowly remodelled compartments (s_rbd 7.36) and wbaln's shaft turnover turnover_sh 1.02 %%/yr, f_br_sh fixed at its bound 1; rows greenspan1998_tb and mcclung2014_th210; phi_hip_e 0.067 -> 0.018, turnover_t 14.2 -> 11.0 %%/yr; models/calibration/README.md): " % ())
R9 = ("refit9 (session 19: joint refit of 31 parameters on 79 rows, llh -164.00, with recov's reloading-driven modelling formation of the compact cortex k_rm 0.00139/day and alnshort2's shallower cavities under alendronate s_dep 0.265 estimated, phi_hip_e and Imax_aln fixed at their bounds 0 and 1; turnover_t 11.0 -> 9.74 %%/yr, s_rbd 7.36 -> 11.07; models/calibration/README.md): " % ())
R10 = ("refit10 (session 20: joint refit of 31 parameters on 83 rows, llh -169.13, with recov2's four bed-rest recovery rows (LeBlanc 1990 tibia and total body after reambulation, Cervinka 2011 tibia a year after 90 days) and its set-point threshold on the reloading drive, s_rm_set fixed at its bound 1; k_rm 0.00139 -> 0.00435/day, s_rbd 11.07 -> 12.74; models/calibration/README.md): " % ())
KNOWN_UNMET = {
    # "SITEtibia" met again since refit11 (session 21: dmabstop's capped precursor release, s_rbd fixed at its bound 50, 84 rows): -0.92 % 12 months after an exercised 6-month flight (refit10 -0.89998 %, 2e-5 outside the edge)
    "DMAB5y": R9 + "spine +10.27 %%, hip +7.06 %% at 5 years (accepted spine +11.0..+16.4); the spine turnover fell again (turnover_t 11.0 -> 9.74 %%/yr). At refit8: " % () + R8 + "spine +10.87 %, hip +7.23 % at 5 years (accepted spine +11.0..+16.4): met at refit7 (+12.35 %); refit8's slower spine turnover (turnover_t 14.2 -> 11.0 %/yr) lowers every anti-resorptive spine gain (V-FREEDOM-spine 10.3 -> 8.99 %, aln_weekly_2006_ls -0.66 -> -1.43 SD)",
    # "S16" at refit9 (session 19, k_rm 0.00139/day jointly fitted): bone half-recovery 173 d, muscle 18 d
    # "S16" met since issue 17, session 19 (recov: reloading-driven modelling formation of the compact cortex, k_rm 0.001163/day fitted alone): bone half-recovery 189 d, muscle 17 d (5.7 months apart). At refit8 it was unmet: bone 404 d, beyond the 545-day run
    # "ALNshortCTX" met since refit9 (session 19, s_dep 0.265 fitted jointly): CTX -18.5 % 9 months off (on treatment -68.8 %); fitting rows jbmr1994_alnshort_ctx -1.90, _ls -1.99 SD. At refit8 unmet: CTX -24.3 % (on treatment -66.1 %), rows -2.53 / -2.88 SD
    "ALNmin": (R9 + "mean degree of mineralisation +3.07 %% at 24 months, 0.58 below the accepted +3.65 (half of Boivin 2000's +7.3 %%); the fitting row boivin2000_dmb -2.35 SD: the joint refit doubled s_dep (0.124 -> 0.265) for the short-course rows, so more new, less mineralised bone. At alnshort2's partial fit: " % () +
               "alnshort2 (issue 17, session 19: alendronate's shallower resorption cavities, s_dep 0.1238 fitted alone, others fixed; joint refit pending; models/calibration/README.md, Issue 17, session 19, alnshort2): "
               "mean degree of mineralisation +3.51 %% at 24 months, 0.14 below the accepted +3.65 (half of Boivin 2000's +7.3 %%). At refit8 without the term +3.83 %%: the positive balance per remodelling unit adds new, less mineralised bone, "
               "and the fitting row boivin2000_dmb goes -1.94 -> -2.11 SD while the 79 rows' llh gains 1.41 (-169.90 -> -168.50); the same change brought ALNoff1y into its range (-0.71 -> -0.54 points)" % ()),
    "ALNuCa": R9 + "urinary Ca nadir -63.6 %%, day 182 -40.8 %% (further from the -25 asked by 6 months than at refit8). At refit8: " % () + R8 + "urinary Ca nadir -62.7 %%, day 182 -31.7 %%. At refit7: urinary Ca nadir -59.3 %%, day 182 -31.7 %% (within -25 asked by 6 months; -64.3 / -34.4 at refit6, -48.3 / -25.9 at refit4): the resorption suppression that the alendronate marker rows ask for lowers the urinary calcium more than Ruml 1995 and Khan 1997 saw" % (),
    "S12": "P1NP -10.6 % at landing, +1.2 % on day 187, +22.8 % on day 195 (refit3): the rise still takes two weeks. Cause unchanged: " + "formation marker needs ~2 weeks after reloading: P1NP follows "
           "active osteoblast numbers, and the precursor pool refills over "
           "~2 weeks; an osteoblast activity layer like the osteoclast one "
           "(tried: aOB = max(Dis, 1)^-h) reaches only ~45 % of the rise in "
           "the first week and pushes P1NP further above preflight later",
    "EV4": "-13.0 % at 1 y, -29.0 % at 3 y (refit3): year 3 still loses more than a fifth of year 1. Before: " + "complete lasting disuse: -11.4 % at 1 y, -23.6 % at 3 y (refit2; "
           "-11.2 / -23.6 on the refit branch's merged model; -11.1 / -25.1 after the dmabca refit; "
           "BMD_wb_pct is now the spine/hip mean): the 3-year "
           "loss is in range, but year 3 still loses more than a fifth of "
           "year 1. A mechanostat gentle enough to keep losing bone at 0.38 g "
           "(m_mech 3, Carter & Hayes) does not level off; a disuse floor "
           "(marrow adiposity, a lower set point) would be a separate "
           "mechanism, not done",
    "DMABcaT": "nadir -6.44 % on day 8 (refit3; trials -2..-4 %); cause unchanged. Before: " + "ionized Ca nadir -6.75 % on day 8 of denosumab with the "
               "trials' supplements (canadir: bone's Ca flux is its mineral "
               "balance; -7.06 % at refit2; -6.75 % on the merged model before "
               "it, -6.35 % before the calcium and romobrake merges; "
               "trials -2..-4 %; -10.8 % before issue 17's "
               "modelca branch): bone takes up ~9.4 mmol/day more Ca than it "
               "gives for two months (formation of the sites resorbed before "
               "the drug goes on, seed S13); gut, kidney and the "
               "osteoclast-independent release from bone (k_st, e_ex 0.2) "
               "cover it at -6 %; a larger e_ex would reach -5 % (0.5) but "
               "contradicts the alendronate urinary Ca data (ALNuCa) and "
               "Makras's PTH (DMABpth) (models/README.md, modelca)",
    "DMABsupp": "PTH +55.9 % at day 30 (refit3; Makras -3.0 +- 4.7); cause unchanged. Before: " + "PTH +53.7 % at day 30 (canadir; +57.3 at refit2; +50.7 before) with 2 g/day of calcium carbonate "
                "(800 mg calcium) in the first month (Makras 2013 -3.0 +- 4.7 %; "
                "+17.2 % while the supplement was read as 2 g of calcium, before "
                "issue 17's hipparams branch; +45.2 % before the modelca "
                "branch): since the dmabca branch the mineral demand of the "
                "formation period lasts months (DMABpth met), and a "
                "second gram of calcium a day covers only part of it in the "
                "model",
    "ROMOca": "minimum -12.1 % (1.071 mM) on day 47 (refit3; -10.4 % on canadir; limit -10 %): the joint refit moved Kd_romo 6.75 -> 4.62 ug/mL and g_wnt_rankl 1.52 -> 0.73 (P1NP peak +149 % on day 45); which of them deepened the minimum was not analysed; the cause below stands. Before: " + "ionized Ca minimum -10.4 % under romosozumab with the "
              "trials' supplements on day 45 (canadir: new bone draws its "
              "primary mineral, 67 %, after the mineralisation lag and the "
              "rest over months, no longer all with the osteoid; -12.5 % on "
              "day 46 at refit2; -14.8 % on the merged "
              "model before it, -13.0 % after the refit branch; limit -10 %; -19.4 % on the "
              "modelca branch, -27.1 % before it, -10.9 % before the dmabca "
              "branch): the refit branch's osteoblast response (reservoir "
              "depletion off, kappa_B and Kd_romo refitted) lowered the P1NP "
              "peak to ~+170 % on day ~43 (+239 % on day 20 before), so the "
              "mineral demand of the formation that the remodelling cycle "
              "keeps up while resorption falls is smaller, but still more than "
              "gut, kidney and bone's osteoclast-independent release cover",
    "ROMOcaT": "minimum -12.12 % on day 47, -2.63 % on day 180 (refit3). Before: " + "see ROMOca: minimum -10.40 % on day 45, -1.56 % on day 180 "
               "(canadir; -12.46 / -1.62 at refit2; -13.0 / -5.45 after the refit branch) "
               "(small transient decreases in the trials; -19.4 % before the "
               "refit branch's refit)",
    "SITEhipQCT": "hip trabecular -1.34, QCT cortex -0.934 %/month in flight (refit3; phi_hip_e 0.095, turnover_t_hip fixed at 0.05/yr); cause unchanged. Before: " + REFIT_NOTE + "hip trabecular -1.14, cortical -0.795 %%/month in "
                  "flight (refit2, turnover_t_hip at 0.05/yr, phi_hip_e 0.101; "
                  "-1.33 / -0.736 after the refit branch; Lang 2004 QCT -2.2..-2.7 "
                  "and -0.4..-0.5; -2.03 / -0.683 before the merge): the refit of the merged model put "
                  "the hip's trabecular turnover at 0.063/yr (Gauss-Newton SD "
                  "x1.8; 0.100 before) and the endocortical envelope "
                  "(phi_hip_e 0.086, counted as cortex) carries more of the "
                  "hip's loss" % (),
    # Issue 17, site branch (see SITE_NOTE): the new misses, each with its number.
    "S3": "-7.01 % in 6 months (refit3). Before: " + SITE_NOTE + "the weight-bearing mean of lumbar spine and total hip "
          "(BMD_wb_pct) falls -6.72 % in 6 months (refit2; -6.67 after the refit branch; "
          "-7.02 on the modelhip branch) (seed 8-12 %, 'site "
          "dependent, large spread'; -7.0 % before the dmabca branch); "
          "before the site branch BMD_wb_pct was the trabecular "
          "compartment bone_t (-9.9 %). The tabulated site data say the "
          "same (issue 17, hipsite): the spine/hip mean of the fitting rows "
          "at 180 days is -7.1 % (LeBlanc 2000: spine -6.3, femoral neck "
          "and trochanter -6.8 / -9.2) and -6.9 % (Lang 2004: -5.3 / -8.6), "
          "so the seed's 8-12 % is not what the site studies report",
    "INFLIGHTctx": "CTX +82.6 % on flight day 14, +46.2 % on day 170 (refit3: g_ocp 0.077 -> 0.45 and w_ctx_t 0.23 -> 0.47 in the joint fit raised both; data +63 / +106; the plateau still falls from day 14 to day 170 through the mechanostat's strain feedback). Before: " + "the in-flight plateau is +27.9 % on flight day 170, below "
                   "day 14's +74.8 % (precursor branch: a demand-driven precursor "
                   "supply g_ocp 0.077 and a whole-skeleton marker w_ctx_t 0.23 "
                   "fitted; the partially unloaded compartments still fade through "
                   "the mechanostat's strain feedback, models/README.md; +21.9 / "
                   "+47.2 % at refit2, with these two rows fitted; +19.8 / "
                   "+46.4 at the inflight branch's parameters, where the "
                   "marker was bone_c alone and the precursor pool's fixed "
                   "inflow capped sustained osteoclastogenesis at 1.33x "
                   "baseline; models/README.md, inflight and precursor branches)",
    # Issue 17, dmabca branch (see CYCLE_NOTE): the new misses, each with its number.
    "S17c": "CTX -1.8 %, P1NP +5.3 % at day 450 (refit3). Before: " + REFIT2_NOTE + "CTX -3.6 %%, P1NP +0.5 %% at day 450 (270 days after "
            "landing; the seed says both below preflight); already unmet on the "
            "merged model before the joint refit (P1NP +0.1 %%; the landing "
            "branch had met it alone at -0.2 %%, a_dmg fitted with the others "
            "fixed). P1NP sits at preflight 9 months after landing: the "
            "formation owed to the landing resorption (microdamage, a_dmg 11.3, "
            "fixed as not identified below) still runs; none of the estimated "
            "parameters brings it below preflight" % (),
    # "EV1" met since refit9 (session 19): WB (spine/hip) -1.57 % at 6 months of flight with the ISS exercise program, inside -3.9 +- 2.4 %. Unmet since refit3 (-1.12 %, w_res 0.728; -1.30 % at refit2): the ARED-era fitting rows asked for a larger bone dose of resistive exercise than EV1's 23 astronauts showed
    "DMAB8y": "spine +11.16 % at 5 years, +12.19 % at 8 (refit3; accepted 14.7..22.1). Before: " + REFIT_NOTE + "denosumab spine +14.45 %% at 8 years (+13.31 at 5; refit2; "
              "+13.82 / +12.87 after the refit branch; "
              "FREEDOM extension 18.4 %%, accepted 14.7..22.1; met before the "
              "refit branch: the 5-year spine was +13.9); which refitted "
              "parameter costs most was not analysed. k_sec (fixed at 0.3/yr, "
              "not identified: 0.1..3/yr) sets the gain after year 3" % (),
    # refit3: newly unmet after the joint refit, each with its number.
    # issue 17, session 14 bedrest branch: the epiphyseal shell tibia_e (phi_tibia_e 0.2424, own bed-rest
    # share br_tib_e 1, exercise share w_res_tib_e 1.107; fitted alone, joint refit pending) meets
    # BRtibsites again (diaphysis -0.66, whole -0.86, distal -1.32 %) and costs BRtibwhole:
    "S17b": R3 + "CTX -6.4 %, P1NP +22.6 % at day 360, 6 months after landing (limit +-10 %; met on the canadir branch): formation owed to the landing resorption (CTX peak +63.5 % in days 181-194, P1NP +33.8 % at day 201) is still running; the joint fit raised kappa_B 0.68 -> 0.92 and g_ocp 0.077 -> 0.45; which parameter moved it most was not analysed",
    "PMbase": R3 + "postmenopausal rest state resorption +76.0 %, formation +76.0 % vs healthy (Garnero 1996: resorption +50..+110, formation +25..+70): at a steady state formation equals resorption in the model (coupled remodelling), so both ranges hold only for a rise of +50..+70 %; the joint fit's exponents (h_aoc 0.608 -> 0.417, kappa_R 1.91 -> 1.37) moved the rise above +70; which one was not analysed",
}


# daily dose of the ISS exercise prescription (6 sessions a week at
# intensity 1; muskx-scenario(5): intensity x sessions a day)
ISS_DOSE = 6 / 7.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--muskx", default=os.path.join(ROOT, "build", "muskx"))
    a = ap.parse_args()
    flight = {"loading": ([0, 180], [0, 1])}
    # the ISS prescription, 6 sessions a week at full intensity: doses
    # intensity x sessions a day = 6/7 (as scenarios/iss_exercise.yaml and,
    # since issue 17 session 25 dose25, the flight conditions and
    # validate.py's FLIGHT_EX give it; before, 1 = 7/6 of it)
    iss = ISS_DOSE
    ex = dict(flight, exercise_resistive=([0, 180], [iss, 0]), exercise_aerobic=([0, 180], [iss, 0]))
    F = simulate(a.muskx, flight)
    B = simulate(a.muskx, {"bedrest": ([0, 180], [1, 0])})
    B35 = simulate(a.muskx, {"bedrest": ([0, 35], [1, 0])}, t_end=36)  # Rittweger 2009: 35 days
    E = simulate(a.muskx, ex)
    ER = simulate(a.muskx, ex, {"romo_dose": 210})
    ED = simulate(a.muskx, ex, {"dmab_dose": 60})
    PM = {"postmenopausal": 1}
    # The trials gave every participant (placebo arms too) calcium, >= 1000
    # mg/day, and vitamin D, >= 400-800 IU/day (FREEDOM: Cummings 2009;
    # romosozumab: McClung 2014; alendronate: the FIT/FOSAMAX trials), on
    # top of a diet of about 700 mg/day (women 51-70, NHANES 2003-2006:
    # Bailey RL et al. 2010 J Nutr 140(4):817-822, PubMed 20181782; the 700 mg/day is not in its abstract): total 1700 mg/day,
    # the steady start included. Vitamin D repletion is the model's default.
    SUPP = {"calcium_intake": ([0], [TRIAL_CA_INTAKE])}
    R1 = simulate(a.muskx, SUPP, dict(PM, romo_dose=210), t_end=365, steady=True)
    R70 = simulate(a.muskx, SUPP, dict(PM, romo_dose=70), t_end=365, steady=True)
    R1h = simulate(a.muskx, None, {"romo_dose": 210}, t_end=365)  # healthy adult
    # denosumab on Earth: one 8-year run serves the 3-day to 8-year checks
    D8 = simulate(a.muskx, SUPP, dict(PM, dmab_dose=60), t_end=2920, steady=True)
    # the same dose and supplement in the healthy adult (lower turnover)
    DH = simulate(a.muskx, SUPP, {"dmab_dose": 60}, t_end=91, steady=True)
    # 2 years (4 injections), then stopped: the discontinuation studies
    DS = simulate(a.muskx, SUPP, dict(PM, dmab_dose=60, dmab_n=4), t_end=1460, steady=True)
    P0 = simulate(a.muskx, SUPP, PM, t_end=1, steady=True)
    # Makras 2013: steady on the diet alone (700 mg/day), then denosumab
    # and 1 g/day of calcium carbonate (A), 400 mg of elemental calcium
    # (Ca is 40 % of CaCO3 by mass; the abstract's wording, issue 17
    # hipparams branch: was 1 g elemental), or 2 g/day in the first month (B)
    MKA = simulate(a.muskx, {"calcium_intake": ([0, 1e-6], [700, 1100])},
                   dict(PM, dmab_dose=60), t_end=182, steady=True)
    MKB = simulate(a.muskx, {"calcium_intake": ([0, 1e-6, 30], [700, 1500, 1100])},
                   dict(PM, dmab_dose=60), t_end=182, steady=True)
    # the same women on their diet alone, no supplement (Nakamura 2017)
    MK0 = simulate(a.muskx, {"calcium_intake": ([0], [700])},
                   dict(PM, dmab_dose=60), t_end=182, steady=True)
    G38 = simulate(a.muskx, {"loading": ([0], [0.38])}, t_end=545)   # Mars surface gravity
    # the menopause itself: postmenopausal switched on at day 0 from the
    # healthy adult's rest state (no steady start), 10 years (SWAN, MENO)
    MENO = simulate(a.muskx, None, PM, t_end=3650)
    disuse = {"loading": ([0], [0])}
    U = simulate(a.muskx, disuse, t_end=1095)
    SCI = simulate(a.muskx, disuse, {"dmab_dose": 60, "dmab_start": 450}, t_end=815)
    # alendronate 2 years (104 weekly doses), then 2 years off
    A1 = simulate(a.muskx, None, dict(PM, aln_dose=70), t_end=1460, steady=True)
    # 6 months of 20 mg daily (140 mg weekly, 26 doses), then off (ALNshort*)
    A6 = simulate(a.muskx, None, dict(PM, aln_dose=140, aln_n=26), t_end=560, steady=True)
    # LeBlanc 2013 protocol: alendronate from ~3 weeks before launch (day 0
    # here), flight from day 21 to day 201, with exercise
    pre = [0, 21, 201]
    EA = simulate(a.muskx, {"loading": (pre, [1, 0, 1]), "exercise_resistive": (pre, [0, iss, 0]),
                            "exercise_aerobic": (pre, [0, iss, 0])}, {"aln_dose": 70}, t_end=566)

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
        # S10 (seed: bed-rest loss "about half" of flight). Site data:
        #   LeBlanc A et al. (1990) J Bone Miner Res 5:843-850 (abstract; 6
        #   men, 17 weeks of bed rest): lumbar spine -3.9, femoral neck -3.6,
        #   trochanter -4.6, tibia -2.2, total body -1.4 %, i.e. per month
        #   spine -1.0, hip (neck, trochanter) -0.92/-1.18, total body -0.36;
        #   flight (LeBlanc 2000 Mir, per month) spine -1.06, neck -1.15,
        #   trochanter -1.56, whole body -0.35. So the hip ratio is 0.7-0.8
        #   and the spine ~1. Tested: the total hip ratio 0.4-0.8 (the seed's
        #   "about half" up to the 17-week site data); per-site rates below.
        ("S10 bed rest: total hip loss 0.4-0.8 of flight (seed ~half; LeBlanc 1990/2000 0.7-0.8)",
         0.4 <= at(B, "BMD_hip_pct", 180) / at(F, "BMD_hip_pct", 180) <= 0.8,
         "ratio %.2f (legacy WB compartment %.2f)" % (at(B, "BMD_hip_pct", 180) / at(F, "BMD_hip_pct", 180),
                                                   at(B, "BMD_wb_pct", 180) / wb180)),
        # BRhip, BRspine, BRwb: LeBlanc 1990's rates are over its 17 weeks
        #   (119 days), so they are read at day 119 of the bed rest (until
        #   issue 17's hipsite branch at day 180, past the study's end,
        #   where the loss has slowed: hip -0.78 %/month then)
        ("BRhip bed rest: total hip -0.8..-1.3 %/month over 17 weeks (LeBlanc 1990: neck -0.92, trochanter -1.18)",
         -1.3 <= at(B, "BMD_hip_pct", 119) / BR_MONTHS <= -0.8, "%.2f %%/month" % (at(B, "BMD_hip_pct", 119) / BR_MONTHS)),
        ("BRspine bed rest: lumbar spine -0.6..-1.2 %/month over 17 weeks (LeBlanc 1990: -1.0)",
         -1.2 <= at(B, "BMD_spine_pct", 119) / BR_MONTHS <= -0.6, "%.2f %%/month" % (at(B, "BMD_spine_pct", 119) / BR_MONTHS)),
        ("BRwb bed rest: whole body -0.25..-0.45 %/month over 17 weeks (LeBlanc 1990: -0.36)",
         -0.45 <= at(B, "BMD_wholebody_pct", 119) / BR_MONTHS <= -0.25, "%.2f %%/month" % (at(B, "BMD_wholebody_pct", 119) / BR_MONTHS)),
        # BRmarkCa, BRmarkP1NP (issue 17, session 16 brmark): bed rest unloads the
        #   whole-skeleton compartment the markers read (bone_c) by the weight-bearing
        #   regions' own bed-rest shares, not as flight; Zerwekh 1998 (12 weeks of bed
        #   rest, abstract): urinary calcium up to +38 % (flight, S4: +60..70 %), serum
        #   formation markers unchanged. Before that branch bed rest gave flight's +64 %
        ("BRmarkCa bed rest: urinary Ca peak +20..+60 % over 12 weeks, below flight's (Zerwekh 1998: +38 %)",
         20 <= max(B["Ca_urine_pct"][:85]) <= 60 and max(B["Ca_urine_pct"][:85]) < max(F["Ca_urine_pct"][:181]),
         "%.1f %% (flight %.1f %%)" % (max(B["Ca_urine_pct"][:85]), max(F["Ca_urine_pct"][:181]))),
        ("BRmarkP1NP bed rest: P1NP at 12 weeks -20..+10 % (Zerwekh 1998: formation markers unchanged)",
         -20 <= at(B, "P1NP_pct", 84) <= 10, "%.1f %% (flight %.1f %%)" % (at(B, "P1NP_pct", 84), at(F, "P1NP_pct", 84))),
        # Gravity dose-response. No human partial-gravity bone data exist;
        #   in mice under partial weight-bearing (20, 40, 70 % of body
        #   weight for 21 days) bone loss fell linearly with the load (Ellman
        #   R et al. 2013 J Bone Miner Res 28:875-885, abstract), and a
        #   mechanostat whose strain rises as BV^-m with m = 3 (apparent
        #   modulus ~ density^2-3, Carter DR & Hayes WC 1977 J Bone Joint Surg
        #   59:954) keeps losing bone for years at 0.38 g. Tested (ours): hip
        #   loss at 0.38 g after 6 months is 25-75 % of the 0-g loss, and
        #   months 12-18 still lose at least a third of months 0-6.
        ("GRAV38 0.38 g: 6-month hip loss 25-75 % of 0 g, still losing in months 12-18 (>= 1/3 of months 0-6)",
         0.25 <= at(G38, "BMD_hip_pct", 180) / at(F, "BMD_hip_pct", 180) <= 0.75 and
         (at(G38, "BMD_hip_pct", 365) - at(G38, "BMD_hip_pct", 545)) >= -at(G38, "BMD_hip_pct", 180) / 3,
         "6 months %.2f %% (0 g %.2f %%), months 12-18 %.2f %%" % (at(G38, "BMD_hip_pct", 180), at(F, "BMD_hip_pct", 180),
                                                                at(G38, "BMD_hip_pct", 545) - at(G38, "BMD_hip_pct", 365))),
        # Site-resolved flight losses. Lang T et al. (2004) J Bone Miner Res
        #   19:1006-1012 (ISS, DXA per month: spine -0.9, hip -1.4..-1.5;
        #   QCT hip trabecular -2.2..-2.7, cortical -0.4..-0.5); LeBlanc A et
        #   al. (2000) J Musculoskelet Neuronal Interact 1:157 (Mir: spine
        #   -1.06, femoral neck -1.15, trochanter -1.56 %/month).
        ("SITEspine flight: lumbar spine aBMD -0.8..-1.1 %/month (Lang 2004 -0.9, LeBlanc 2000 -1.06)",
         -1.1 <= at(F, "BMD_spine_pct", 180) / 6 <= -0.8, "%.2f %%/month" % (at(F, "BMD_spine_pct", 180) / 6)),
        ("SITEhip flight: total hip aBMD -1.3..-1.6 %/month (Lang 2004 -1.4..-1.5)",
         -1.6 <= at(F, "BMD_hip_pct", 180) / 6 <= -1.3, "%.2f %%/month" % (at(F, "BMD_hip_pct", 180) / 6)),
        ("SITEhipQCT flight: hip trabecular -2.2..-2.7, cortical -0.4..-0.5 %/month (Lang 2004 QCT)",
         -2.7 <= at(F, "hip_t.BMD_pct", 180) / 6 <= -2.2 and -0.5 <= at(F, "hip_c.BMD_pct", 180) / 6 <= -0.4,
         "%.2f / %.3f %%/month" % (at(F, "hip_t.BMD_pct", 180) / 6, at(F, "hip_c.BMD_pct", 180) / 6)),
        # Gabel L et al. (2022) Sci Rep 12:9446 (17 astronauts, HR-pQCT,
        #   abstract): 12 months after flight tibia total, cortical and
        #   trabecular BMD remained -0.9 to -2.1 % below preflight (median).
        #   Gabel's crews flew in the ARED era and exercised (as the fitting
        #   row gabel2022_tibia's condition flight_ex_land180), so the check
        #   runs the exercise arm E (issue 17, modelhip; it ran the
        #   no-countermeasure arm F before, -2.98 %).
        ("SITEtibia distal tibia total vBMD 12 months after a 6-month flight with exercise -0.9..-2.5 % (Gabel 2022)",
         -2.5 <= at(E, "BMD_tibia_pct", 545) <= -0.9, "%.2f %% (landing %.2f %%)" % (at(E, "BMD_tibia_pct", 545), at(E, "BMD_tibia_pct", 180))),
        # The same cohort at landing (issue 17, tibia2 branch; fitting row
        #   gabel2022_tibia_land): HR-pQCT table of group medians before and
        #   after flight, distal tibia Tt.vBMD -0.9 % (dominant leg) and
        #   -1.9 % (other leg); the row's -1.4 +- 0.6 % widened to two noise
        #   SDs, -2.6..-0.2 %. Set by the tibia's own exercise share w_res_tib.
        ("SITEtibland distal tibia total vBMD at landing after a 6-month flight with exercise -0.2..-2.6 % (Gabel cohort table -0.9 / -1.9 %)",
         -2.6 <= at(E, "BMD_tibia_pct", 180) <= -0.2,
         "%.2f %% (HR-pQCT trabecular %.2f, cortex %.2f %%)" % (at(E, "BMD_tibia_pct", 180), at(E, "BMD_tibia_trab_pct", 180), at(E, "BMD_tibia_cort_pct", 180))),
        # Tibia regions in bed rest (issue 17, tibia branch). LeBlanc 1990
        #   (abstract, 17 weeks): tibia -2.2 % by DXA of the whole bone,
        #   mostly cortical shaft (fitting row leblanc1990_tibia; two-sided
        #   at +-1 %, the row's noise). Rittweger J et al. (2009) Bone
        #   44:612-618 (abstract; 10 men, 35 days of horizontal bed rest,
        #   pQCT): tibia diaphysis (38 % site) -0.7 % (SD 1.0 %), the
        #   smallest loss of the sites measured, the distal epiphysis losing
        #   more (fitting row rittweger2009_tibdia; two-sided at 2 SE =
        #   2 x 1.0 / sqrt(10)). The order diaphysis < whole tibia < distal
        #   tibia follows from the sites' make-up, not from their loading
        #   (all three share br_tib).
        ("BRtibwhole bed rest: whole tibia aBMD (DXA) -1.2..-3.2 % at 17 weeks (LeBlanc 1990 -2.2)",
         -3.2 <= at(B, "BMD_tibia_whole_pct", 119) <= -1.2, "%.2f %%" % at(B, "BMD_tibia_whole_pct", 119)),
        ("BRtibshaft bed rest: tibia diaphysis (pQCT 38 %) -0.06..-1.34 % at 35 days (Rittweger 2009 -0.7 +- 0.32 SE)",
         -1.34 <= at(B35, "BMD_tibia_shaft_pct", 35) <= -0.06, "%.2f %%" % at(B35, "BMD_tibia_shaft_pct", 35)),
        ("BRtibsites bed rest, 35 days: diaphysis loses less than the whole tibia, the whole tibia less than the distal tibia (Rittweger 2009)",
         0 > at(B35, "BMD_tibia_shaft_pct", 35) > at(B35, "BMD_tibia_whole_pct", 35) > at(B35, "BMD_tibia_pct", 35),
         "diaphysis %.2f, whole %.2f, distal %.2f %%" % (at(B35, "BMD_tibia_shaft_pct", 35), at(B35, "BMD_tibia_whole_pct", 35),
                                                     at(B35, "BMD_tibia_pct", 35))),
        # S11 two-sided: "full response after ~1 week" read as CTX at day 10
        #   within 80-120 % of its day-60 level (our operationalisation).
        ("S11 resorption up within days, ~full by 1 week", at(F, "CTX_pct", 3) > 5 and
         0.8 * at(F, "CTX_pct", 60) <= at(F, "CTX_pct", 10) <= 1.2 * at(F, "CTX_pct", 60),
         "CTX d3 %.1f d10 %.1f d60 %.1f %%" % (at(F, "CTX_pct", 3), at(F, "CTX_pct", 10), at(F, "CTX_pct", 60))),
        # INFLIGHTctx (issue 17, inflight): resorption markers rise within
        #   days and stay raised through flight. Stavnichuk M et al. (2020)
        #   npj Microgravity 6:13 (meta-analysis, 124 travellers, abstract)
        #   fitted a hyperbola with half-max at 11 d and a plateau of +113 %.
        #   It gives +63 % on flight day 14 and +106 % on day 170. Tested:
        #   day 170 within +76..+136 % (+-2 of the fitting rows' assumed
        #   noise of 15 points) and not below day 14 (no fade in flight).
        #   The same source as the fitting rows stavnichuk2020_res14/170,
        #   so not independent.
        ("INFLIGHTctx resorption raised through flight: CTX +76..+136 % on flight day 170, not below day 14 (Stavnichuk 2020 +106 / +63 %)",
         76 <= at(F, "CTX_pct", 170) <= 136 and at(F, "CTX_pct", 170) >= at(F, "CTX_pct", 14),
         "CTX d14 %.1f d170 %.1f %%" % (at(F, "CTX_pct", 14), at(F, "CTX_pct", 170))),
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
        ("EXred exercise reduces 6-month WB loss by >= 30 %", at(E, "BMD_wb_pct", 180) >= 0.7 * wb180, "%.2f vs %.2f %%" % (at(E, "BMD_wb_pct", 180), wb180)),
        ("exercise + romosozumab beats exercise alone", at(ER, "BMD_wb_pct", 180) > at(E, "BMD_wb_pct", 180) + 1,
         "%.2f vs %.2f %%" % (at(ER, "BMD_wb_pct", 180), at(E, "BMD_wb_pct", 180))),
        ("exercise + denosumab beats exercise alone", at(ED, "BMD_wb_pct", 180) > at(E, "BMD_wb_pct", 180) + 1,
         "%.2f vs %.2f %%" % (at(ED, "BMD_wb_pct", 180), at(E, "BMD_wb_pct", 180))),
        # Trial population (issue 17): postmenopausal = 1 raises turnover.
        #   Garnero P et al. (1996) J Bone Miner Res 11:337-349: after the
        #   menopause resorption markers are 79-97 % and formation markers
        #   37-52 % above premenopausal values. Tested: resorption +50..+110 %,
        #   formation +25..+70 % (steady state, whole-body compartment).
        ("PMbase postmenopausal rest state: resorption +50..+110 %, formation +25..+70 % vs healthy (Garnero 1996)",
         50 <= 100 * (P0["bone_c.resorption_rel"][0] - 1) <= 110 and 25 <= 100 * (P0["bone_c.formation_rel"][0] - 1) <= 70,
         "resorption %+.1f %%, formation %+.1f %%" % (100 * (P0["bone_c.resorption_rel"][0] - 1),
                                                   100 * (P0["bone_c.formation_rel"][0] - 1))),
        # Romosozumab, McClung MR et al. (2014) N Engl J Med 370:412-420
        #   (postmenopausal women, low BMD; 12 months): lumbar spine +11.3 %
        #   with 210 mg monthly, +5.4 % with 70 mg monthly (the lowest monthly
        #   dose); P1NP peaked within the first month and returned toward
        #   baseline by month 12 while CTX stayed below baseline (also Cosman
        #   F et al. 2016 N Engl J Med 375:1532, FRAME). Ranges: +-2.5 points.
        ("ROMO210 romosozumab 210 mg monthly: lumbar spine +8.8..+13.8 % at 12 months (McClung 2014: +11.3 %)",
         8.8 <= at(R1, "BMD_spine_pct", 364) <= 13.8, "%.2f %% (hip %.2f %%)" % (at(R1, "BMD_spine_pct", 364), at(R1, "BMD_hip_pct", 364))),
        ("ROMO70 romosozumab 70 mg monthly: lumbar spine +2.9..+7.9 % at 12 months (McClung 2014: +5.4 %)",
         2.9 <= at(R70, "BMD_spine_pct", 364) <= 7.9, "%.2f %%" % at(R70, "BMD_spine_pct", 364)),
        ("ROMOp1np romosozumab 210 mg: P1NP peaks in days 7-60, then back within -40..+30 % of baseline at 12 months",
         7 <= R1["P1NP_pct"].index(max(R1["P1NP_pct"])) <= 60 and -40 <= at(R1, "P1NP_pct", 364) <= 30,
         "peak %+.0f %% on day %d, %+.1f %% at 12 months" % (max(R1["P1NP_pct"]), R1["P1NP_pct"].index(max(R1["P1NP_pct"])),
                                                          at(R1, "P1NP_pct", 364))),
        # No romosozumab trial reports a lean-mass gain (issue 17): tested
        #   (ours) |muscle change| <= 1 % at 12 months on Earth, healthy adult.
        ("ROMOmus romosozumab 210 mg on Earth adds no muscle: |change| <= 1 % at 12 months",
         abs(at(R1h, "muscle_pct", 364)) <= 1, "%.2f %%" % at(R1h, "muscle_pct", 364)),
        # Denosumab 60 mg every 6 months (postmenopausal women). Cummings SR
        #   et al. (2009) N Engl J Med 361:756 (FREEDOM): serum CTX -86 % at 1
        #   month, -72 % before the next dose at 6 months; Prolia label: CTX
        #   ~-85 % by day 3, at the end of each interval attenuated to 45-80 %.
        ("denosumab1m 60 mg q6mo: CTX -80..-92 % at 1 month (FREEDOM -86 %)",
         -92 <= at(D8, "CTX_pct", 30) <= -80, "%.1f %%" % at(D8, "CTX_pct", 30)),
        ("denosumab3d: CTX -70..-92 % at day 3 (label: ~-85 % by day 3)",
         -92 <= at(D8, "CTX_pct", 3) <= -70, "%.1f %%" % at(D8, "CTX_pct", 3)),
        ("denosumab6m: CTX -45..-80 % at the end of the 6-month interval (label; FREEDOM -72 %)",
         -80 <= at(D8, "CTX_pct", 182) <= -45, "%.1f %% (at 3 years %.1f %%)" % (at(D8, "CTX_pct", 182), at(D8, "CTX_pct", 1094))),
        # McClung MR et al. (2006) N Engl J Med 354:821 (phase 2): lumbar
        #   spine +3.0..+6.7 % at 12 months across denosumab regimens.
        ("denosumab12m: lumbar spine +3.0..+6.7 % at 12 months (McClung 2006)",
         3.0 <= at(D8, "BMD_spine_pct", 365) <= 6.7, "%.2f %% (hip %.2f %%)" % (at(D8, "BMD_spine_pct", 365), at(D8, "BMD_hip_pct", 365))),
        # Formation markers lag resorption markers under denosumab: in the
        #   FREEDOM marker substudy (Eastell R et al. 2011 J Bone Miner Res
        #   26:530, abstract; P1NP and CTX at 1, 6, 12, 24, 36 months)
        #   "decreases in CTX were more rapid and greater than decreases in
        #   PINP". Sites resorbed before the drug go on forming bone for the
        #   formation period (seed S13, ~145 d). Tested (direction, both
        #   sides): at 1 month P1NP has fallen less than half as far as CTX,
        #   and by 6 months it has fallen further than at 1 month (the fall
        #   goes on over months). Before the remodelling cycle the model had
        #   P1NP -81 % at 1 month and no further fall.
        ("DMABp1np denosumab: P1NP falls over months, slower than CTX (Eastell 2011)",
         at(D8, "CTX_pct", 30) / 2 < at(D8, "P1NP_pct", 30) < 0 and
         at(D8, "P1NP_pct", 182) < at(D8, "P1NP_pct", 30) - 10,
         "P1NP %+.1f / %+.1f / %+.1f %% at 1 / 3 / 6 months; CTX %+.1f %% at 1 month" % (
             at(D8, "P1NP_pct", 30), at(D8, "P1NP_pct", 91), at(D8, "P1NP_pct", 182), at(D8, "CTX_pct", 30))),
        # Discontinuation: Bone HG et al. (2011) J Clin Endocrinol Metab
        #   96:972-980 and Miller PD et al. (2008) Bone 43:222-229 (treatment
        #   stopped after 24 months); Cummings SR et al. (2018) J Bone Miner
        #   Res 33:190-198 (FREEDOM); review Anastasilakis AD et al. (2021) J
        #   Clin Med 10:152: turnover markers rise above pre-treatment values
        #   within months of the missed dose, and the BMD gained is lost
        #   within 12-24 months. Tested (our operationalisation): CTX peaks
        #   +10..+150 % above the pre-treatment value 6-15 months after the
        #   last injection, and 24 months after the missed dose (day 1460)
        #   at most a third of the spine gain at stopping (day 730) is left.
        ("DMABstop CTX overshoots pre-treatment by +10..+150 %, 6-15 months after the last injection",
         10 <= max(DS["CTX_pct"][730:1004]) <= 150,
         "peak %+.0f %% on day %d (last injection day 547.5)" % (max(DS["CTX_pct"][730:1004]),
                                                                 730 + DS["CTX_pct"][730:1004].index(max(DS["CTX_pct"][730:1004])))),
        ("DMABloss spine gain lost after stopping: <= 1/3 left 24 months after the missed dose",
         at(DS, "BMD_spine_pct", 1459) <= at(DS, "BMD_spine_pct", 730) / 3,
         "%.2f %% at stop, %.2f %% 12 and %.2f %% 24 months after the missed dose" % (
             at(DS, "BMD_spine_pct", 730), at(DS, "BMD_spine_pct", 1095), at(DS, "BMD_spine_pct", 1459))),
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
        ("ALN12spine alendronate: lumbar spine +3.8..+5.9 % at 12 months (+4.8, +4.87 %)",
         3.8 <= at(A1, "BMD_spine_pct", 365) <= 5.9, "%.2f %%" % at(A1, "BMD_spine_pct", 365)),
        ("ALN12hip alendronate: total hip +2.0..+3.3 % at 12 months (+2.56, +2.7 %)",
         2.0 <= at(A1, "BMD_hip_pct", 365) <= 3.3, "%.2f %%" % at(A1, "BMD_hip_pct", 365)),
        ("ALN24 alendronate on Earth: hip still rising in year 2 (FACT trochanter +3.4 -> +4.6 %)",
         at(A1, "BMD_hip_pct", 729) > at(A1, "BMD_hip_pct", 365),
         "%.2f %% at 12, %.2f %% at 24 months" % (at(A1, "BMD_hip_pct", 365), at(A1, "BMD_hip_pct", 729))),
        # Skeletal retention: after stopping a bisphosphonate, turnover
        #   markers return toward pre-treatment values only gradually, over
        #   3-60 months depending on the drug and duration (McClung M et al.
        #   2013 Am J Med 126:13 review; FLEX, Black DM et al. 2006 JAMA
        #   296:2927: markers rose after stopping alendronate but stayed below
        #   pre-treatment values for years). Tested (ours): 2 years after
        #   the last of 104 weekly doses CTX is still -10..-60 %.
        ("ALNstop alendronate stopped after 2 years: CTX still -10..-60 % two years later",
         -60 <= at(A1, "CTX_pct", 1459) <= -10, "%.1f %% (on treatment %.1f %%)" % (at(A1, "CTX_pct", 1459), at(A1, "CTX_pct", 729))),
        # ALNthalf (issue 17, flex): skeletal retention. Khan SA et al. (1997)
        #   J Bone Miner Res 12:1700 (abstract): urinary excretion after IV
        #   alendronate in postmenopausal women, "estimated mean terminal
        #   half-life of greater than 10 years" (FOSAMAX label: > 10 years).
        #   Tested: the half-life of the skeleton's drug (surface + buried)
        #   over years 3-4, 1-2 years after the last of 104 weekly doses,
        #   10..30 years (upper end ours: 3x the published lower bound).
        ("ALNthalf alendronate: terminal half-life of skeletal drug 10..30 years (Khan 1997: > 10 years)",
         10 <= aln_half_life(A1, 1095, 1459) <= 30,
         "%.1f years (skeletal drug %.1f mg at the last dose)" % (
             aln_half_life(A1, 1095, 1459), at(A1, "ALN_surface_mg", 729) + at(A1, "ALN_buried_mg", 729))),
        # ALNshort* (issue 17, flex): a short course, the other side of
        #   retention. "Long-term effects of a treatment course with oral
        #   alendronate of postmenopausal osteoporosis", J Bone Miner Res
        #   1994 (doi:10.1002/jbmr.5650091121; abstract, authors not
        #   verified here): 15 osteoporotic women, 20 mg/day for 6 months;
        #   after withdrawal "all indices of bone turnover slowly increased,
        #   and they attained the pretreatment values within 6-9 months",
        #   while lumbar spine BMD "did not change" (+3.7 % at 6 months,
        #   +4.6 / +4.7 % 6 / 12 months off). Tested (ours): CTX 9 months
        #   off (day 455) within -20..+20 % of pretreatment; spine change
        #   from the last dose (day 182) to 12 months off (day 546) within
        #   -1.5..+1.5 points (the placebo arm stays at its rest state).
        ("ALNshortCTX alendronate 20 mg/day for 6 months: CTX back to -20..+20 % 9 months off (turnover at pretreatment within 6-9 months)",
         -20 <= at(A6, "CTX_pct", 455) <= 20,
         "%.1f %% (on treatment %.1f %%)" % (at(A6, "CTX_pct", 455), at(A6, "CTX_pct", 182))),
        ("ALNshortBMD alendronate 20 mg/day for 6 months: spine -1.5..+1.5 points from the last dose to 12 months off (did not change)",
         -1.5 <= rel_change(A6, "BMD_spine_pct", 182, 546) <= 1.5,
         "%.2f points (%.2f %% at the last dose)" % (rel_change(A6, "BMD_spine_pct", 182, 546), at(A6, "BMD_spine_pct", 182))),
        # ALNoff1y (issue 17, flex): the year after stopping. Stock JL et al.
        #   (1997) Am J Med 103:291-297 (abstract): after 2 years of 5 or
        #   10 mg/day, lumbar spine changed -1.4 / -0.4 % in the year off
        #   against -1.2 % on placebo, i.e. -0.2 / +0.8 points relative to
        #   placebo ("increments ... are maintained"). Tested: spine change
        #   from day 730 to 1095 after 70 mg weekly (= 10 mg daily; the
        #   placebo arm stays at its rest state), -0.7..+1.3 points (ours:
        #   the 10 mg value +-0.5 beyond the 5 / 10 mg span; the abstract
        #   gives no SE).
        ("ALNoff1y alendronate stopped after 2 years: spine -0.7..+1.3 points vs placebo in the year off (Stock 1997: +0.8)",
         -0.7 <= rel_change(A1, "BMD_spine_pct", 730, 1095) <= 1.3,
         "%.2f points (hip %.2f), CTX %.1f %% one year off" % (
             rel_change(A1, "BMD_spine_pct", 730, 1095), rel_change(A1, "BMD_hip_pct", 730, 1095), at(A1, "CTX_pct", 1095))),
        # ALNmin: Boivin GY et al. (2000) Bone 27:687-694 (abstract): after 2
        #   years of alendronate 10 mg/day the mean degree of mineralisation
        #   of iliac cancellous bone was 7.3 % higher than placebo (compact
        #   9.3 %; 3 years 11.4 / 11.6 %). Tested: the trabecular (spine_t)
        #   mean degree of mineralisation at 24 months, change from day 0
        #   (= vs placebo: the placebo arm stays at its rest state), within
        #   half to 1.5x of +7.3 % (our operationalisation; one biopsy study).
        #   Until issue 17's site branch this read mineral_degree_wb_pct,
        #   which is relative to the HEALTHY baseline, not to the
        #   postmenopausal day 0 (whose degree is ~6 % lower): the test
        #   compared the wrong reference.
        ("ALNmin alendronate on Earth: mean degree of mineralisation +3.65..+10.95 % at 24 months (Boivin 2000: +7.3 %)",
         3.65 <= at(A1, "DMB_trab_pct", 730) <= 10.95,
         "%.2f %% from day 0 (vs the healthy baseline %.2f %%)" % (at(A1, "DMB_trab_pct", 730),
                                                                 at(A1, "mineral_degree_wb_pct", 730))),
        # MENO (issue 17, hipsite): the trial population's rest state has to
        #   come from a menopause that loses bone at both sites alike.
        #   Greendale GA et al. (2012) J Bone Miner Res 27:111-118 (SWAN,
        #   abstract; 862 women followed from 5 years before to 5 years
        #   after the final menstrual period): cumulative 10-year loss
        #   lumbar spine 10.6 %, femoral neck 9.1 %. Tested (ours): 10 years
        #   after postmenopausal is switched on, spine -5.3..-15.9 % and
        #   total hip -4.6..-13.7 % (+-50 %; the model has no femoral neck,
        #   total hip stands for it), hip/spine loss ratio 0.6..1.2 (SWAN
        #   0.86). A step at day 0 instead of a transition over years.
        ("MENO menopause, 10 years: spine -5.3..-15.9, hip -4.6..-13.7 %, hip/spine 0.6-1.2 (SWAN 10.6 / 9.1 %)",
         -15.9 <= at(MENO, "BMD_spine_pct", 3650) <= -5.3 and -13.7 <= at(MENO, "BMD_hip_pct", 3650) <= -4.6 and
         0.6 <= at(MENO, "BMD_hip_pct", 3650) / at(MENO, "BMD_spine_pct", 3650) <= 1.2,
         "spine %.2f %%, hip %.2f %%" % (at(MENO, "BMD_spine_pct", 3650), at(MENO, "BMD_hip_pct", 3650))),
        # QCThip (issue 17, hipsite): where the hip's denosumab gain sits.
        #   Genant HK et al. (2013) Bone 56:482-488 (FREEDOM QCT substudy,
        #   abstract; 36 denosumab, 26 placebo): total hip integral vBMD
        #   +6.4 % at 36 months; "while the largest percentage differences
        #   occurred in trabecular vBMD and BMC, the largest absolute
        #   differences occurred in cortical vBMD and BMC". Tested (ours):
        #   the QCT cortex's share of the 36-month total hip mineral gain,
        #   (phi_hip_e dMn_e + (1 - phi_hip - phi_hip_e) dMn_c) / (all), e the envelope bone_t,, is
        #   0.5..1.0, and the trabecular compartment's percentage gain is
        #   larger than the QCT cortex's (BMD_hip_cort_pct). The QCT cortex
        #   is the compact cortex plus the endocortical envelope (issue 17,
        #   modelhip): MIAF splits the cortex into outer and inner cortex
        #   and keeps a separate subcortical zone; the envelope stands for
        #   the inner cortex and the subcortical zone together, so counting
        #   it all as cortex makes this check looser than the abstract's
        #   words (before modelhip: compact cortex only, share 0.34). The model's placebo arm is its
        #   flat rest state, so the denosumab arm alone stands for the
        #   difference. (The integral +6.4 % is not tested here: it is the
        #   validation row V-FREEDOM-hip's trial.)
        ("QCThip denosumab 36 months: cortical share of the hip gain 0.5-1.0, trabecular % gain larger (Genant 2013)",
         0.5 <= qct_cort_share(D8) <= 1.0 and mn_gain(D8, "hip_t", 1095) > at(D8, "BMD_hip_cort_pct", 1095),
         "cortical share %.2f (trabecular %+.1f %%, QCT cortex %+.1f %%, compact cortex %+.1f %%)" % (
             qct_cort_share(D8), mn_gain(D8, "hip_t", 1095), at(D8, "BMD_hip_cort_pct", 1095), mn_gain(D8, "hip_c", 1095))),
        # HIPcort (issue 17, modelhip): the hip cortex under denosumab.
        #   Poole KES et al. (2015) J Bone Miner Res 30:46-54 (3D cortical
        #   bone mapping, 80 FREEDOM women, abstract): femoral cortical mass
        #   surface density +5.4 % vs placebo over 3 years, "already evident
        #   by the third injection (12 months)". Tested (ours): the QCT
        #   cortex (BMD_hip_cort_pct: compact cortex + endocortical
        #   envelope) at 36 months within +-50 % of +5.4 %, and above 0 at
        #   12 months. A fitting row (poole2015_hipcort), so not independent.
        ("HIPcort denosumab: hip cortex +2.7..+8.1 % at 36 months, already up at 12 (Poole 2015 +5.4 % vs placebo)",
         2.7 <= at(D8, "BMD_hip_cort_pct", 1095) <= 8.1 and at(D8, "BMD_hip_cort_pct", 365) > 0,
         "%+.2f %% at 36 months (%+.2f %% at 12)" % (at(D8, "BMD_hip_cort_pct", 1095), at(D8, "BMD_hip_cort_pct", 365))),
        # DMAB5y/8y: FREEDOM extension, long-term group, change from FREEDOM
        #   baseline: 5 years lumbar spine +13.7 %, total hip +7.0 %
        #   (Papapoulos S et al. 2012 J Bone Miner Res 27:694-701, abstract);
        #   8 years spine +18.4 %, hip +8.3 % (Papapoulos S et al. 2015
        #   Osteoporos Int 26:2773-2783, results). The weight-bearing site is
        #   trabecular-rich, so tested between the hip and the spine value.
        ("DMAB5y denosumab 5 years: spine +11.0..+16.4 %, hip +5.6..+8.4 % (FREEDOM extension 13.7 / 7.0 %, +-20 %)",
         11.0 <= at(D8, "BMD_spine_pct", 1825) <= 16.4 and 5.6 <= at(D8, "BMD_hip_pct", 1825) <= 8.4,
         "spine %.2f %%, hip %.2f %%" % (at(D8, "BMD_spine_pct", 1825), at(D8, "BMD_hip_pct", 1825))),
        ("DMAB8y denosumab keeps gaining in years 5-8: spine at 8 years +14.7..+22.1 % (18.4 %, +-20 %)",
         at(D8, "BMD_spine_pct", 2919) > at(D8, "BMD_spine_pct", 1825) and 14.7 <= at(D8, "BMD_spine_pct", 2919) <= 22.1,
         "%.2f %% at 5, %.2f %% at 8 years (hip %.2f %%)" % (at(D8, "BMD_spine_pct", 1825), at(D8, "BMD_spine_pct", 2919),
                                                        at(D8, "BMD_hip_pct", 2919))),
        # After landing (issue 17, reloading-triggered remodelling). Smith SM
        #   et al. (2005) J Bone Miner Res 20:208-218 (Mir, 13 crew, abstract):
        #   after landing the resorption markers NTx, Pyd and DPD were > 55 %
        #   above preflight; bone-specific alkaline phosphatase and
        #   osteocalcin were unchanged at landing and significantly raised
        #   2-3 weeks later. Caillot-Augusseau A et al. (1998) Clin Chem
        #   44:578 (Euromir 95, abstract): formation markers +35..+78 % after
        #   the flight. Fitting data (a_rl was set so P1NP is +10 % at day
        #   197); the held-out Smith 2012 rows of VALIDATION.md are day 210.
        #   Tested (ours): CTX peaks in the 2 weeks after landing at or above
        #   its landing value and within +20..+150 %; P1NP 3 weeks after
        #   landing within +5..+80 %.
        ("LANDres resorption stays raised after landing: CTX peak in days 181-194 >= landing value, +20..+150 %",
         max(F["CTX_pct"][181:195]) >= at(F, "CTX_pct", 180) and 20 <= max(F["CTX_pct"][181:195]) <= 150,
         "landing %+.1f %%, peak %+.1f %%, day 194 %+.1f %%" % (at(F, "CTX_pct", 180), max(F["CTX_pct"][181:195]),
                                                          at(F, "CTX_pct", 194))),
        ("LANDform formation marker raised 3 weeks after landing: P1NP at day 201 +5..+80 % (Smith 2005)",
         5 <= at(F, "P1NP_pct", 201) <= 80, "%+.1f %% (landing %+.1f %%)" % (at(F, "P1NP_pct", 201), at(F, "P1NP_pct", 180))),
        # Urinary calcium under an anti-resorptive (issue 17). Ruml LA et al.
        #   (1995) J Bone Miner Res 10:655-662 (abstract): alendronate 20 mg
        #   daily, 75 vs 209 mg/day (-64 %), PTH 62 vs 23 pg/mL; Khan SA et
        #   al. (1997) J Bone Miner Res 12:1700-1707 (abstract): IV
        #   alendronate, urinary Ca -67 % at 1 week, returning gradually
        #   toward pretreatment over the first year. Tested (ours): nadir in
        #   the first 2 weeks -40..-80 %, within -25 % of baseline at 6 months.
        ("ALNuCa alendronate: urinary Ca nadir -40..-80 % in 2 weeks, within -25 % by 6 months (Ruml 1995, Khan 1997)",
         -80 <= min(A1["Ca_urine_pct"][:15]) <= -40 and -25 <= at(A1, "Ca_urine_pct", 182) <= 10,
         "nadir %+.1f %%, day 182 %+.1f %%" % (min(A1["Ca_urine_pct"][:15]), at(A1, "Ca_urine_pct", 182))),
        # Plasma calcium under the drugs, with the trials' supplements.
        #   Lower bound: hypocalcaemia (albumin-adjusted Ca < 2.2 mmol/L) is
        #   reported in 0.05-7.4 % of postmenopausal women given denosumab
        #   (Bitar ZI et al. 2024 Nutr Metab Insights 17:11786388231223604,
        #   abstract), so the mean fall stays well inside -10 %. Upper
        #   bound: with 1 g calcium and 800 IU vitamin D daily, serum Ca was
        #   significantly lower one month after denosumab (Makras P et al.
        #   2013 Clin Endocrinol 79:499, abstract), so it does fall: nadir
        #   in the first 3 months between -10 % and -0.5 % (our range).
        ("DMABca denosumab with supplements: ionized Ca nadir -10..-0.5 % in the first 3 months",
         -10 <= 100 * (min(D8["Ca"][:91]) / D8["Ca"][0] - 1) <= -0.5,
         "nadir %.3f mM (%+.1f %%) on day %d, urinary Ca nadir %+.1f %%" % (
             min(D8["Ca"][:91]), 100 * (min(D8["Ca"][:91]) / D8["Ca"][0] - 1),
             min(range(91), key=lambda i: D8["Ca"][i]), min(D8["Ca_urine_pct"][:91]))),
        # The size of the fall (issue 17, modelca): FREEDOM and Makras 2013
        #   report small decreases of serum Ca, about -2..-4 % at the nadir
        #   (the issue lead's reading of the trial reports; not re-read
        #   here). Two-sided: the nadir in the first 3 months within
        #   -4..-2 %.
        ("DMABcaT denosumab with supplements: ionized Ca nadir -4..-2 % in the first 3 months (FREEDOM, Makras 2013)",
         -4 <= 100 * (min(D8["Ca"][:91]) / D8["Ca"][0] - 1) <= -2,
         "nadir %+.2f %% on day %d" % (100 * (min(D8["Ca"][:91]) / D8["Ca"][0] - 1),
                                     min(range(91), key=lambda i: D8["Ca"][i]))),
        # Who falls most (issue 17, modelca): Ishikawa K et al. 2016 Ther
        #   Clin Risk Manag 12:1831-1840 (abstract; 85 women with
        #   postmenopausal osteoporosis given denosumab, 22 hypocalcaemic):
        #   baseline P1NP, TRACP-5b and urinary NTX were significantly higher
        #   in those who became hypocalcaemic -- high turnover raises the
        #   risk. Not used for any value. Tested: with the same dose and
        #   supplement, the nadir of the postmenopausal woman (turnover
        #   markers ~+65 %) is deeper than the healthy adult's, and both
        #   fall (within -10..-0.1 %).
        ("DMABturn denosumab: higher baseline turnover, deeper Ca nadir (Ishikawa 2016)",
         -10 <= 100 * (min(D8["Ca"][:91]) / D8["Ca"][0] - 1) < 100 * (min(DH["Ca"]) / DH["Ca"][0] - 1) <= -0.1,
         "nadir %+.2f %% postmenopausal, %+.2f %% healthy" % (
             100 * (min(D8["Ca"][:91]) / D8["Ca"][0] - 1), 100 * (min(DH["Ca"]) / DH["Ca"][0] - 1))),
        # Secondary hyperparathyroidism after denosumab: Makras 2013
        #   (abstract; 47 postmenopausal women): PTH +63.5 +- 28.2 % at
        #   month 1 when 1 g calcium carbonate (400 mg calcium) + 800 IU
        #   vitamin D daily started with denosumab (group A), -3.0 +- 4.7 %
        #   when the first month had the double dose (group B); PTH still
        #   raised at month 6 in group A.
        #   Protocol: steady at a diet of 700 mg/day without supplement, then
        #   denosumab 60 mg and the supplement from day 0. Accepted: mean +-
        #   1 SD.
        ("DMABpth denosumab + 1 g CaCO3/day started with it: PTH +35..+92 % at month 1 (Makras 2013 +63.5 +- 28.2)",
         35.3 <= 100 * (at(MKA, "PTH", 30) / MKA["PTH"][0] - 1) <= 91.7,
         "%+.1f %% at day 30 (peak %+.0f %% on day %d; Ca nadir %+.1f %%)" % (
             100 * (at(MKA, "PTH", 30) / MKA["PTH"][0] - 1), 100 * (max(MKA["PTH"]) / MKA["PTH"][0] - 1),
             max(range(len(MKA["PTH"])), key=lambda i: MKA["PTH"][i]),
             100 * (min(MKA["Ca"]) / MKA["Ca"][0] - 1))),
        # The same abstract: in group A PTH was still raised at month 6
        #   (direction; the size was not read). Tested: PTH on day 180
        #   (before the second injection) above its day-0 value.
        ("DMABpth6m denosumab + 1 g CaCO3/day: PTH still above day 0 at month 6 (Makras 2013)",
         at(MKA, "PTH", 180) > MKA["PTH"][0],
         "%+.1f %% at day 180 (%+.1f %% at day 90)" % (
             100 * (at(MKA, "PTH", 180) / MKA["PTH"][0] - 1), 100 * (at(MKA, "PTH", 90) / MKA["PTH"][0] - 1))),
        ("DMABsupp denosumab + 2 g CaCO3/day in month 1: PTH -7.7..+1.7 % at month 1 (Makras 2013 -3.0 +- 4.7)",
         -7.7 <= 100 * (at(MKB, "PTH", 30) / MKB["PTH"][0] - 1) <= 1.7,
         "%+.1f %% at day 30 (peak %+.0f %%; Ca nadir %+.1f %%)" % (
             100 * (at(MKB, "PTH", 30) / MKB["PTH"][0] - 1), 100 * (max(MKB["PTH"]) / MKB["PTH"][0] - 1),
             100 * (min(MKB["Ca"]) / MKB["Ca"][0] - 1))),
        # Supplements soften the fall: Nakamura Y et al. 2017 Bone Res
        #   5:17021 (abstract; 41 patients with primary osteoporosis):
        #   denosumab with vitamin D and calcium "stopped the decrease in
        #   calcium caused by denosumab" seen with denosumab alone. Tested:
        #   the nadir on the diet alone (700 mg/day) is deeper than with 1 g
        #   of calcium a day started with the drug (Makras protocol A), and
        #   both fall (direction; the size is DMABca's).
        ("DMABsuppdir denosumab: calcium supplement makes the plasma Ca fall smaller (Nakamura 2017)",
         min(MK0["Ca"]) / MK0["Ca"][0] < min(MKA["Ca"]) / MKA["Ca"][0] < 1,
         "nadir %+.1f %% on the diet alone, %+.1f %% with 1 g CaCO3/day" % (
             100 * (min(MK0["Ca"]) / MK0["Ca"][0] - 1), 100 * (min(MKA["Ca"]) / MKA["Ca"][0] - 1))),
        # Romosozumab: no published plasma Ca change was read; one-sided
        #   (the hypocalcaemia bound above).
        ("ROMOca romosozumab 210 mg with supplements: ionized plasma Ca stays within -10 % of baseline",
         min(R1["Ca"]) >= 0.9 * R1["Ca"][0], "minimum %.3f mM (%+.1f %%), urinary Ca nadir %+.1f %%" % (
             min(R1["Ca"]), 100 * (min(R1["Ca"]) / R1["Ca"][0] - 1), min(R1["Ca_urine_pct"]))),
        # Two-sided (issue 17, modelca): with calcium and vitamin D
        #   supplements the romosozumab trials (FRAME, ARCH) report small,
        #   transient decreases of serum Ca and no clinically relevant
        #   hypocalcaemia (the issue lead's reading; not re-read here).
        #   Tested (our range): minimum in the first year -5..-0.5 %, and
        #   back within 1 % of day 0 by day 180 (transient).
        ("ROMOcaT romosozumab 210 mg with supplements: Ca minimum -5..-0.5 %, within 1 % of day 0 by day 180",
         -5 <= 100 * (min(R1["Ca"]) / R1["Ca"][0] - 1) <= -0.5 and abs(at(R1, "Ca", 180) / R1["Ca"][0] - 1) <= 0.01,
         "minimum %+.2f %% on day %d, day 180 %+.2f %%" % (
             100 * (min(R1["Ca"]) / R1["Ca"][0] - 1), min(range(len(R1["Ca"])), key=lambda i: R1["Ca"][i]),
             100 * (at(R1, "Ca", 180) / R1["Ca"][0] - 1))),
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
