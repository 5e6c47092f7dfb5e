#!/usr/bin/env python3
"""whatif_sensitivity.py -- how much the countermeasure what-ifs depend on
the parameters that no study fixes (issue 17).

Every parameter listed in PARAMS is set in turn to a low and a high value
(0.5x and 1.5x its shipped value unless its range says otherwise, see
test_values()), one at a time with the rest as shipped, and the shipped
what-if scenarios are run with `muskx run SCENARIO --set NAME=VALUE -o`.
Reported, for each parameter, the change of

  bone:
  - the hip aBMD change at landing with no countermeasure,
  - the exercise benefit at landing (iss_exercise minus
    iss_no_countermeasure, total hip),
  - the drug benefits at landing (iss_exercise_X minus iss_exercise),
  - the hip 12 months after landing in the exercise arm,
  - CTX 30 days after landing in the exercise arm,
  - the hip at the end of the Mars mission's 0.38 g surface stay,
  - the bed-rest exercise benefit at the hip at the end of 60 days of bed
    rest (bedrest_60d_exercise minus bedrest_60d);
  muscle:
  - muscle (muscle_pct) at landing without and with exercise,
  - muscle at the end of 60 days of bed rest with flywheel exercise (ground
    sessions at load 2.857, where the muscle's load response L50_m / n_Lm
    acts) and its exercise benefit (minus bedrest_60d),
  - muscle at the end of the Mars surface stay,

so a reader sees which conclusions rest on an assumed number. Each
parameter's provenance (assumed / fitted / chosen shape / literature) is
read from its `doc` in the model files, not typed here. Every parameter of
the shipped model whose provenance is "assumed" is in PARAMS, in ZERO_ARMS
(shipped at 0) or, with a
one-line reason, in EXCLUDED (tests/calibration/test_sensitivity_coverage.py
checks it, and this table, without running anything). The result is
written as Markdown to docs/sensitivity.md (or --out); nothing is
asserted or fitted, and the run is deterministic (same table every time).
Assumed arms shipped at 0 (ZERO_ARMS) are run at one documented test
value each. --check-excluded runs each excluded parameter not shipped at 0
at its high value and prints the largest change of any column; every full
run does the same and writes the result into the table's head.

Usage: python3 tests/calibration/whatif_sensitivity.py [--muskx build/muskx] [--out docs/sensitivity.md]
       [--check-excluded] [--only NAME,NAME]
Python 3 standard library only. About 1400 scenario runs (~4 minutes of
one core).
"""
import argparse
import csv
import io
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, "models")
SCEN = os.path.join(ROOT, "scenarios")

# (--set name, what it is[, (low, high) values]). Module parameters are
# dotted (import.name). Without explicit values a parameter is set to 0.5x
# and 1.5x its shipped value, clipped to the min / max its model file
# declares; a share whose shipped value is at its bound 1 is set to 0.5x
# and 0.75x instead (see BOUNDED). Every parameter whose doc reads
# "assumed" (provenance() below) must be here or in EXCLUDED
# (tests/calibration/test_sensitivity_coverage.py).
PARAMS = [
    # myokine -> bone and muscle arms
    ("e_igf_ob", "IGF-1 -> osteoblast recruitment"),
    ("e_ir_wnt", "irisin -> osteoblast Wnt"),
    ("fndc5.e_ir_oc", "irisin -| osteoclastogenesis"),
    ("il6.e_il6", "IL-6 -> RANKL"),
    ("il7.E_oc", "IL-7 -> osteoclastogenesis"),
    ("il7.E_ob", "IL-7 -| formation"),
    ("mstn.e_mstn_ob", "myostatin -| osteoblasts"),
    ("mstn.e_mstn_oc", "myostatin -> osteoclastogenesis"),
    ("muscle.e_igf_m", "IGF-1 -> muscle synthesis"),
    ("muscle.e_mstn_m", "myostatin -| muscle synthesis"),
    # myokine dynamics (how far loading and exercise move each myokine)
    ("mstn.k_mstn", "myostatin relaxation rate"),
    ("mstn.a_mstn_unl", "myostatin rise with disuse"),
    ("mstn.a_mstn_ex", "myostatin suppression by exercise"),
    ("mstn.a_dcn", "decorin rise per unit exercise"),
    ("mstn.k_dcn", "decorin binding to myostatin"),
    ("igf1.k_igf", "IGF-1 relaxation rate"),
    ("igf1.a_igf_unl", "IGF-1 rise with disuse"),
    ("igf1.a_igf_ex", "IGF-1 rise with resistive exercise"),
    ("il6.k_il6", "IL-6 relaxation rate"),
    ("il6.a_il6_ex", "IL-6 rise with exercise"),
    ("il6.a_il6_unl", "IL-6 rise with disuse"),
    ("il7.t_half_il7", "IL-7 plasma half-life"),
    ("il7.a_il7_ex", "IL-7 rise per unit exercise"),
    ("il7.a_il7_unl", "IL-7 rise with disuse (direction not established)"),
    ("il7.K_il7", "IL-7 half-maximal level on bone cells"),
    ("il7.n_il7", "IL-7 Hill coefficient (exponent)"),
    ("fndc5.k_ir", "irisin relaxation rate"),
    ("fndc5.a_ir_res", "irisin rise with resistive exercise"),
    ("fndc5.a_ir_unl", "irisin fall with disuse"),
    ("K_psi", "muscle/myokine disuse response, half-maximal stimulus"),
    ("n_psi", "muscle/myokine disuse response, Hill coefficient (exponent)"),
    # muscle
    ("L50_m", "muscle's per-session load response, half-maximal load (issue 17, session 25)"),
    ("n_Lm", "muscle's per-session load response, steepness (exponent; session 25)"),
    ("muscle.s_res", "resistive exercise -> muscle synthesis"),
    ("wm_res", "resistive exercise -> muscle loading"),
    ("wm_aer", "aerobic exercise -> muscle loading"),
    ("w_calf", "calf share of leg muscle mass in muscle_pct (its doc's range 0.25..0.37)"),
    ("br_musc", "share of the muscles' micro-g loading loss removed by bed rest"),
    # mechanics and exercise -> bone
    ("g_musc", "muscle mass -> bone stimulus (exponent)"),
    ("phi_hip", "trabecular share of total hip mineral"),
    ("w_res", "resistive exercise -> bone loading"),
    ("w_aer", "aerobic exercise -> bone loading"),
    ("w_res_spine", "spine share of the resistive bone dose"),
    ("N_sat_b", "loading cycles per session at bone's saturation"),
    ("f_wb_t", "share of the weight-bearing sites' stimulus lost in micro-g"),
    ("K_psi_b", "osteocyte disuse response, half-maximal stimulus"),
    # bone cells
    ("turnover_c", "whole-skeleton turnover (serum markers)"),
    ("tau_aoc", "osteoclast activity time constant"),
    ("k_sost", "osteocyte sclerostin relaxation rate"),
    ("a_sost", "sclerostin rise per unit disuse"),
    ("g_wnt_ob", "Wnt -> osteoblast recruitment (exponent)"),
    ("g_wnt_opg", "Wnt -> OPG (exponent)"),
    ("g_wnt_rankl", "Wnt brake on RANKL (exponent; fixed: not identified)"),
    ("a_rl", "reloading-triggered remodelling (issue 17)"),
    ("tau_acc", "osteocyte accommodation time (issue 17)"),
    ("a_dmg", "microdamage-targeted resorption (issue 17, landing)"),
    ("tau_rep", "microdamage repair time (issue 17, landing)"),
    ("k_sec", "secondary mineralisation rate"),
    # calcium / PTH
    ("calcium.e_D", "PTH -> calcitriol (gut Ca absorption)"),
    ("calcium.Q_ex0", "exchangeable bone Ca pool"),
    ("calcium.e_ex", "PTH -> bone-fluid Ca release (issue 17, modelca)"),
    ("calcium.s_ex", "threshold of the PTH-driven bone-fluid release"),
    ("calcium.k_ex", "plasma <-> exchangeable pool exchange rate"),
    ("calcium.g_D", "calcitriol-dependent share of gut Ca absorption"),
    ("calcium.V_ecf", "extracellular fluid volume"),
    ("calcium.J_u0", "baseline urinary Ca"),
    ("calcium.Ca_skel", "skeletal calcium"),
    ("calcium.n_ren", "steepness of renal Ca excretion (exponent)"),
    ("calcium.K_dep", "ionised Ca of half-maximal mineral deposition"),
    ("calcium.n_dep", "steepness of Ca-limited deposition (exponent)"),
    # drugs
    ("Imax_aln", "alendronate: maximal inhibition of osteoclast activity (a share at its bound 1; fixed, not estimated)"),
    ("r_dep", "alendronate: erosion-depth potency relative to EC50"),
    ("t_half_surf", "alendronate: surface half-life"),
    ("f_reb_aln", "alendronate: re-binding share after release"),
    ("dmab.Vmax_dmab", "denosumab: maximal target-mediated elimination"),
    ("c_rbd", "denosumab: cap of the precursor-surplus release after RANKL blockade (issue 17, session 21)"),
    ("dmab.Km_dmab", "denosumab: half-saturation of target-mediated elimination"),
    ("romo.Km_romo", "romosozumab: half-saturation of target-mediated elimination"),
]

# Explicit (low, high) values where 0.5x / 1.5x is not meaningful: a share
# of the stimulus lost that cannot exceed 1 (f_wb_t: 0.5x and 1); a share
# whose doc gives its plausible range (w_calf: 0.25..0.37 from MRI volumes).
BOUNDED = {
    "f_wb_t": (0.475, 1.0),
    "w_calf": (0.25, 0.37),
}

# Assumed arms shipped at 0, where 0.5x / 1.5x would be 0: each is run at
# one absolute test value that its doc documents, (value, where it comes
# from), in a table of its own.
ZERO_ARMS = {
    "s_ana_c": (0.1145, "its partial fit alone on models/calibration/spaceflight before the joint refit3 put it at 0 (its doc)"),
    "e_sost_m": (0.05, "the module default of muscle_mass.yaml (its doc's what-if)"),
    "phi_hip_e": (0.0184, "its refit8 value before refit9 fixed it at 0 (its doc)"),
    "muscle.s_aer": (0.03, "equal to s_res, the upper end of the published range: Wilkinson 2008 J Physiol and Donges 2012 J Appl Physiol found no myofibrillar synthesis rise after endurance exercise against +67 % / 1.8-fold after resistance exercise (its doc)"),
}

# Parameters with provenance "assumed" left out of PARAMS and ZERO_ARMS,
# each with why. `--check-excluded` (and every `make sensitivity-docs`,
# which writes the result into the table's head) runs each one not shipped
# at 0 at its high test value and reports the largest change of any
# column, which should be 0.
EXCLUDED = {
    "a_pm_rankl": "acts only when postmenopausal = 1 (pm_denosumab_trial); 0 in every crew what-if",
    "a_pm_opg": "acts only when postmenopausal = 1; 0 in every crew what-if",
    "a_pm_ocy": "acts only when postmenopausal = 1; 0 in every crew what-if",
    "tptd.V_tptd": "teriparatide module: no what-if scenario here gives teriparatide",
    "tptd.EC_tptd": "teriparatide module: no what-if scenario here gives teriparatide",
    "tptd.h_tptd": "teriparatide module: no what-if scenario here gives teriparatide",
    "tptd.tau_tptd": "teriparatide module: no what-if scenario here gives teriparatide",
    "br_tib_e": "bed-rest share of the distal tibia epiphysis only: no column reads the tibia",
    "w_leg_hip": "readout share of the DXA leg region (BMD_legs_pct): no dynamics, no column",
    "q_wb_spine": "readout share of whole-body DXA (BMD_wholebody_pct): no dynamics, no column",
    "q_wb_pelvis": "readout share of whole-body DXA (BMD_wholebody_pct): no dynamics, no column",
    "igf1.IGF1_0": "scale of the IGF-1 output in ng/mL: the model runs on relative IGF-1",
    "phi_spine": "readout share of lumbar spine aBMD: no column reads the spine's aBMD",
    "phi_tibia_w": "readout share of the distal tibia: no column reads the tibia",
}

SCENARIOS = ["iss_no_countermeasure", "iss_exercise", "iss_exercise_alendronate",
             "iss_exercise_denosumab", "iss_exercise_romosozumab", "mars_mission",
             "bedrest_60d", "bedrest_60d_exercise"]

MODEL = os.path.join(MODELS, "crosstalk", "spaceflight.yaml")
MONTH = 30.4375  # days, as the scenario reader


def days(text):
    """'30 d', '6 months', '6.5 months', '1 year' -> days."""
    m = re.match(r"\s*([0-9.]+)\s*(\w+)", text)
    n, unit = float(m.group(1)), m.group(2)
    if unit.startswith("d"):
        return n
    if unit.startswith("w"):
        return 7 * n
    if unit.startswith("month"):
        return n * MONTH
    if unit.startswith("y"):
        return 12 * n * MONTH
    raise ValueError("unknown duration unit in %r" % text)


def phase_ends(path):
    """{phase name: day it ends} from a scenario file's phases list."""
    ends, t = {}, 0.0
    for name, dur in re.findall(r"\{name: (\w+), duration: ([^,]+),", open(path).read()):
        t += days(dur)
        ends[name] = t
    return ends


def section(text, key):
    """The lines of a top-level `key:` block of a model file ('' if none)."""
    m = re.search(r"^%s:[ \t]*\n(.*?)(?=^\S|\Z)" % key, text, re.M | re.S)
    return m.group(1) if m else ""


def file_parameters(path):
    """{name: (value text, doc, min, max)} of one model file's own
    parameters (one `  name: {value: ..., doc: "..."}` line each; a line
    that does not parse is an error, so none is skipped silently)."""
    sec = section(open(path).read(), "parameters")
    out = {}
    for line in sec.splitlines():
        if not re.match(r"  [A-Za-z_]\w*:", line):
            continue
        m = re.match(r"  ([A-Za-z_]\w*): \{value: ([^,]+),.*?doc: \"([^\"]*)\"", line)
        if not m:
            raise RuntimeError("%s: parameter line not understood: %s" % (path, line[:80]))
        lo = re.search(r"\bmin: ([^,}]+)", line.split("doc:")[0])
        hi = re.search(r"\bmax: ([^,}]+)", line.split("doc:")[0])
        out[m.group(1)] = (m.group(2).strip(), m.group(3),
                           float(lo.group(1)) if lo else None, float(hi.group(1)) if hi else None)
    return out


def file_imports(path):
    """[(file, alias, names it binds)] of a model file's imports."""
    out = []
    for blk in re.split(r"^  - ", section(open(path).read(), "imports"), flags=re.M)[1:]:
        f = re.search(r"file:\s*(\S+)", blk).group(1)
        alias = re.search(r"\bas:\s*(\w+)", blk).group(1)
        b = re.search(r"bind:\s*\{(.*?)\}", blk, re.S)
        bound = set(re.findall(r"(?:^|[{,])\s*(\w+)\s*:", b.group(1))) if b else set()
        out.append((os.path.normpath(os.path.join(os.path.dirname(path), f)), alias, bound))
    return out


def model_parameters(path=MODEL, prefix=""):
    """{--set name: (file, value text, doc, min, max)} of every parameter
    of the composed model that a user can set: the top file's own, and each
    import's (dotted, import.name) that its `bind:` does not tie to the
    importing model (those follow the importer's value)."""
    out = {}
    for name, entry in file_parameters(path).items():
        out[prefix + name] = (path,) + entry
    for f, alias, bound in file_imports(path):
        sub = model_parameters(f, prefix + alias + ".")
        for name, entry in sub.items():
            short = name[len(prefix + alias + "."):]
            if "." not in short and short in bound:
                continue
            out[name] = entry
    return out


_MODEL_PARAMETERS = {}


def param_entry(name):
    """(value text, doc) of a parameter of the shipped model."""
    if not _MODEL_PARAMETERS:
        _MODEL_PARAMETERS.update(model_parameters())
    if name not in _MODEL_PARAMETERS:
        raise RuntimeError("parameter %s is not a settable parameter of %s" % (name, MODEL))
    return _MODEL_PARAMETERS[name][1], _MODEL_PARAMETERS[name][2]


PETAB_PARAMETERS = os.path.join(MODELS, "calibration", "spaceflight", "parameters.tsv")
_ESTIMATED = set()


def estimated():
    """{model name} of the parameters the shipped fit estimates: the rows of
    models/calibration/spaceflight/parameters.tsv with estimate 1. A PEtab
    parameterId is the name of spaceflight.yaml's own (top-level, undotted)
    parameter, as tests/calibration/calibrate.py's ship() and evaluated()
    read it."""
    if not _ESTIMATED:
        with open(PETAB_PARAMETERS) as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        _ESTIMATED.update(r["parameterId"] for r in rows if r["estimate"].strip() == "1")
    return _ESTIMATED


def provenance(doc, name=None):
    """The provenance a parameter's doc states.

    A doc opening "fit:" is the value of the shipped fit (make calibrate)
    only when the parameter is estimated there (estimate 1 in
    parameters.tsv, name given and undotted); otherwise (a parameter once
    fitted, now fixed) the text after "Before this fit:" is read instead.
    Then a doc that says "assumed" anywhere is assumed, whatever else it
    says ("not fitted", "chosen as for ..."): its sensitivity must be shown
    (issue 17); else a shape chosen from data ("chosen", "not fitted");
    else "fitted" if it says calibrated / fitted; else "literature"."""
    low = doc.lower()
    if low.startswith("fit:"):
        if name is not None and "." not in name and name in estimated():
            return "fitted"
        cut = low.find("before this fit:")
        low = low[cut + len("before this fit:"):] if cut >= 0 else low[len("fit:"):]
    if "assumed" in low:
        return "assumed"
    if "chosen" in low or "not fitted" in low:
        return "chosen shape"
    hits = [(low.find(w), label) for w, label in
            (("calibrated", "fitted"), ("fitted", "fitted"))
            if low.find(w) >= 0]
    return min(hits)[1] if hits else "literature"


def value_of(text):
    return float(eval(text, {"__builtins__": {}}))  # values may be '0.3/365'


def test_values(name):
    """(low, high, label): the two values a parameter is set to."""
    if name in BOUNDED:
        lo, hi = BOUNDED[name]
        return lo, hi, "%g / %g" % (lo, hi)
    if not _MODEL_PARAMETERS:
        _MODEL_PARAMETERS.update(model_parameters())
    _, text, _, vmin, vmax = _MODEL_PARAMETERS[name]
    v0 = value_of(text)
    lo, hi = 0.5 * v0, 1.5 * v0
    if vmax is not None and hi > vmax:
        hi = 0.75 * v0 if v0 >= vmax else vmax
    if vmin is not None and lo < vmin:
        lo = vmin
    return lo, hi, "%.4g / %.4g" % (lo, hi)


def run(muskx, scen, sets):
    cmd = [muskx, "run", os.path.join(SCEN, scen + ".yaml"), "-o", "-"]
    for k, v in sets.items():
        cmd += ["--set", "%s=%.6g" % (k, v)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, cwd=ROOT)
    if r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.strip()))
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    return {k: [float(x[k]) for x in rows] for k in rows[0]}


def at(res, key, t):
    ts = res["time"]
    return res[key][min(range(len(ts)), key=lambda i: abs(ts[i] - t))]


def outcomes(muskx, sets):
    """The what-if numbers of one parameter set, in COLUMNS order."""
    R = {s: run(muskx, s, sets) for s in SCENARIOS}
    iss = phase_ends(os.path.join(SCEN, "iss_exercise.yaml"))
    land, end = iss["flight"], iss["recovery"]
    mars = phase_ends(os.path.join(SCEN, "mars_mission.yaml"))["surface"]
    br = phase_ends(os.path.join(SCEN, "bedrest_60d_exercise.yaml"))["bedrest"]
    assert br == phase_ends(os.path.join(SCEN, "bedrest_60d.yaml"))["bedrest"]
    hip = lambda s, t: at(R[s], "BMD_hip_pct", t)  # noqa: E731
    mus = lambda s, t: at(R[s], "muscle_pct", t)  # noqa: E731
    return [
        # bone
        hip("iss_no_countermeasure", land),
        hip("iss_exercise", land) - hip("iss_no_countermeasure", land),
        hip("iss_exercise_alendronate", land) - hip("iss_exercise", land),
        hip("iss_exercise_denosumab", land) - hip("iss_exercise", land),
        hip("iss_exercise_romosozumab", land) - hip("iss_exercise", land),
        hip("iss_exercise", end),
        at(R["iss_exercise"], "CTX_pct", land + 30),
        hip("mars_mission", mars),
        hip("bedrest_60d_exercise", br) - hip("bedrest_60d", br),
        # muscle
        mus("iss_no_countermeasure", land),
        mus("iss_exercise", land),
        mus("bedrest_60d_exercise", br),
        mus("bedrest_60d_exercise", br) - mus("bedrest_60d", br),
        mus("mars_mission", mars),
    ]


BONE_COLUMNS = ["hip at landing, no countermeasure", "exercise benefit (hip, landing)",
                "+ alendronate (hip, landing)", "+ denosumab (hip, landing)",
                "+ romosozumab (hip, landing)", "hip 12 months after landing, exercise",
                "CTX 30 d after landing, exercise", "Mars: hip at end of 0.38 g stay",
                "bed rest 60 d: exercise benefit (hip, end)"]
MUSCLE_COLUMNS = ["muscle at landing, no countermeasure", "muscle at landing, exercise",
                  "bed rest 60 d + exercise: muscle at end", "bed rest 60 d: exercise benefit (muscle, end)",
                  "Mars: muscle at end of 0.38 g stay"]
COLUMNS = BONE_COLUMNS + MUSCLE_COLUMNS

HEAD = "| parameter | provenance | value | low / high |"
ZHEAD = "| parameter | provenance | value | test value |"


def table(title, columns, rows, first, head=HEAD):
    """A Markdown change table: rows are (name, prov, value, label, cells)."""
    k = len(columns)
    out = [title, "", head + " " + " | ".join(columns) + " |",
           "| --- | --- | ---: | ---: |" + " ---: |" * k]
    for name, prov, value, label, cells in rows:
        out.append("| `%s` | %s | %s | %s | %s |" % (name, prov, value, label,
                                                    " | ".join(cells[first:first + k])))
    return out + [""]


def check_excluded(muskx, base, log=sys.stdout):
    """Each EXCLUDED parameter with a non-zero value at its high test value
    (1.5x, clipped as in test_values): the largest change of any column
    (should be 0.00), returned as (largest, its name). A parameter shipped
    at 0 is listed, not run (any multiple of 0 is 0)."""
    worst, who = 0.0, None
    for name in sorted(EXCLUDED):
        value, _ = param_entry(name)
        if value_of(value) == 0:
            print("%-16s %s: shipped 0, not run" % (name, value), file=log)
            continue
        hi = test_values(name)[1]
        new = outcomes(muskx, {name: hi})
        d = max(abs(a - b) for a, b in zip(new, base))
        if who is None or d > worst:
            worst, who = d, name
        print("%-16s %s -> %g: largest column change %.4f" % (name, value, hi, d), file=log, flush=True)
    return worst, who


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--muskx", default=os.path.join(ROOT, "build", "muskx"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "sensitivity.md"))
    ap.add_argument("--check-excluded", action="store_true",
                    help="run each EXCLUDED parameter (not shipped at 0) at its high value and print the largest change; write nothing")
    ap.add_argument("--only", help="comma-separated PARAMS names to run (to stderr; writes nothing)")
    a = ap.parse_args()
    if not os.path.exists(a.muskx):
        sys.exit("whatif_sensitivity.py: %s not found (run make first)" % a.muskx)
    base = outcomes(a.muskx, {})
    if a.check_excluded:
        worst, who = check_excluded(a.muskx, base)
        print("largest change of any column over EXCLUDED: %.4f (%s)" % (worst, who))
        return 0
    names = [n for n, _ in PARAMS]
    if a.only:
        names = a.only.split(",")
    rows, runs = [], {}
    for name in names:
        value, doc = param_entry(name)
        lo_v, hi_v, label = test_values(name)
        lo = outcomes(a.muskx, {name: lo_v})
        hi = outcomes(a.muskx, {name: hi_v})
        runs[name] = (lo_v, lo, hi_v, hi)
        cells = ["%+.2f / %+.2f" % (l - b, h - b) for l, h, b in zip(lo, hi, base)]
        rows.append((name, provenance(doc, name), value, label, cells))
        print(name, label, " ".join(cells), file=sys.stderr, flush=True)
    if a.only:
        return 0
    zrows = []
    for name in sorted(ZERO_ARMS):
        value, doc = param_entry(name)
        tv = ZERO_ARMS[name][0]
        new = outcomes(a.muskx, {name: tv})
        cells = ["%+.2f" % (n - b) for n, b in zip(new, base)]
        zrows.append((name, provenance(doc, name), value, "%g" % tv, cells))
        print(name, tv, " ".join(cells), file=sys.stderr, flush=True)
    worst, who = check_excluded(a.muskx, base, log=sys.stderr)
    what = dict(PARAMS)
    # f_wb_t's low value, for the Reading paragraph (computed, not typed)
    fwb_lo, fwb_out = runs["f_wb_t"][0], runs["f_wb_t"][1]
    lines = [
        "# What-if sensitivity to parameters no study fixes",
        "",
        "Generated by `tests/calibration/whatif_sensitivity.py` (`make sensitivity-docs`);",
        "do not edit by hand. Each parameter is set to a low and a high value, one",
        "at a time (the rest as shipped), and the shipped scenarios are run with",
        "`muskx run`: by default 0.5x and 1.5x its shipped value, clipped to the",
        "min / max its model file declares; a share at its bound 1 is set to",
        "0.5x and 0.75x, `f_wb_t` (a share of the stimulus lost, 0.95) to",
        "0.475 and 1, and `w_calf` (0.3) to its doc's range 0.25 and 0.37. The `low / high` column gives the two values used. For an",
        "exponent (`n_Lm`, `n_psi`, `g_*`, `n_*`) 0.5x / 1.5x is a change of",
        "shape, not of magnitude: read those rows as 'how much a flatter /",
        "steeper curve moves the what-if'.",
        "Provenance is read from the parameter's `doc` in the model files",
        "(`assumed`: no published magnitude; `fitted`: set to data, see its doc;",
        "`chosen shape`: set from the shape of published data, not fitted;",
        "`literature`: a published value; a doc that says `assumed` anywhere",
        "is `assumed`, and a doc opening `fit:` is `fitted` only for a",
        "parameter the shipped fit estimates, estimate 1 in",
        "models/calibration/spaceflight/parameters.tsv). Every parameter whose",
        "doc says `assumed` is in these tables, or, shipped at 0, in the",
        "zero-arm tables at a documented test value, unless the script's",
        "EXCLUDED list gives a reason (checked by",
        "`tests/calibration/test_sensitivity_coverage.py`). This run also ran",
        "each excluded one that is not shipped at 0 at its high value: the",
        "largest change of any column was %.4f%s." % (worst, " (`%s`)" % who if round(worst, 4) > 0 else ""),
        "",
        "Scenarios: `iss_no_countermeasure`, `iss_exercise` and its drug arms",
        "(landing = end of the 6-month flight), `mars_mission` (end of the",
        "18-month 0.38 g surface stay), `bedrest_60d` and `bedrest_60d_exercise`",
        "(end of the 60-day bed rest; its flywheel sessions are ground loads,",
        "2.857 in-flight sessions, where `L50_m` and `n_Lm` act; the ISS and",
        "Mars sessions are at load 1, where the muscle's load response is 1 by",
        "construction).",
        "",
        "Shipped model (percent change from preflight; benefits in percentage points):",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + " ---: |" * len(COLUMNS),
        "| " + " | ".join("%.2f" % v for v in base) + " |",
        "",
        "Change of each number at the low / high value (percentage points;",
        "`a / b` = change at low / at high):",
        "",
    ]
    lines += table("Bone:", BONE_COLUMNS, rows, 0)
    lines += table("Muscle:", MUSCLE_COLUMNS, rows, len(BONE_COLUMNS))
    lines += [
        "Assumed arms shipped at 0 (0.5x / 1.5x of 0 is 0): each is run at one",
        "test value, given with where it comes from below; change of each",
        "number from the shipped model (percentage points):",
        "",
    ]
    lines += table("Bone, arms shipped at 0:", BONE_COLUMNS, zrows, 0, ZHEAD)
    lines += table("Muscle, arms shipped at 0:", MUSCLE_COLUMNS, zrows, len(BONE_COLUMNS), ZHEAD)
    lines += ["What each parameter is:", ""]
    lines += ["- `%s`: %s" % (n, what[n]) for n in names]
    lines += ["- `%s` (shipped 0): test value %g, %s" % (n, ZERO_ARMS[n][0], ZERO_ARMS[n][1])
              for n in sorted(ZERO_ARMS)]
    lines += [
        "",
        "Reading: a column whose entries are large next to the shipped value",
        "rests on the parameters in those rows. The exercise benefit is carried",
        "mostly by the exercise loading gains (`w_res`, `wm_res`) and the",
        "myokine arms only through the rows shown; the post-landing CTX rests",
        "on `a_rl`, `tau_acc`, `a_dmg` and `tau_rep` (issue 17): `a_rl` and",
        "`a_dmg` are each fitted to one number, `tau_acc` is assumed and",
        "`tau_rep` is a rat value. Of the assumed numbers added in session 26,",
        "the share of the weight-bearing sites' stimulus lost in micro-g",
        "`f_wb_t` moves the unprotected hip most (at %g, half its value, the" % fwb_lo,
        "hip loses %.2f %% instead of %.2f %%), and the spine's share of the" % (-fwb_out[0], -base[0]),
        "resistive bone dose `w_res_spine` moves post-landing CTX nearly as",
        "much as the microdamage terms (CTX reads the spine's trabecular bone,",
        "`w_ctx_t`). Muscle: the exercising crews' muscle at landing rests on",
        "the fitted `wm_res` and on the assumed shape of the muscles' disuse",
        "response (`K_psi`, `n_psi`); the muscle's load response (`L50_m`,",
        "`n_Lm`) acts only on bed rest's ground sessions (load 2.857): the ISS",
        "and Mars columns do not move with either (sessions at load 1, where it",
        "is 1 by construction). The fitting rows (WISE) pin the response at",
        "2.857: with `L50_m` moved to keep it, `n_Lm` acts on no column here",
        "(models/calibration/README.md, session 26, gives the numbers).",
        "`tests/calibration/assumed_arms.py` switches each arm off",
        "instead of scaling it.",
        "",
        "Not in the tables (provenance `assumed`; each one not shipped at 0 was",
        "run above at its high value and moved no column by more than %.4f):" % worst,
        "",
    ]
    lines += ["- `%s`: %s" % (n, EXCLUDED[n]) for n in sorted(EXCLUDED)]
    lines.append("")
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        f.write("\n".join(lines))
    print("wrote %s (%d parameters x 2, %d scenarios)" % (a.out, len(PARAMS), len(SCENARIOS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
