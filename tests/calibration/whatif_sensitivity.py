#!/usr/bin/env python3
"""whatif_sensitivity.py -- how much the countermeasure what-ifs depend on
the parameters that no study fixes (issue 17).

Every parameter listed in PARAMS is set in turn to 0.5x and 1.5x its
shipped value (one at a time, the rest as shipped), and the shipped
what-if scenarios are run with `muskx run SCENARIO --set NAME=VALUE -o`.
Reported, for each parameter, the change of

  - the hip aBMD change at landing with no countermeasure,
  - the exercise benefit at landing (iss_exercise minus
    iss_no_countermeasure, total hip),
  - the drug benefits at landing (iss_exercise_X minus iss_exercise),
  - the hip 12 months after landing in the exercise arm,
  - CTX 30 days after landing in the exercise arm,
  - the hip at the end of the Mars mission's 0.38 g surface stay,

so a reader sees which conclusions rest on an assumed number. Each
parameter's provenance (assumed / fitted / chosen shape / literature) is
read from its `doc` in the model files, not typed here. The result is
written as Markdown to docs/sensitivity.md (or --out); nothing is
asserted or fitted, and the run is deterministic (same table every time).

Usage: python3 tests/calibration/whatif_sensitivity.py [--muskx build/muskx] [--out docs/sensitivity.md]
Python 3 standard library only. About 150 scenario runs (~2 minutes).
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

# (--set name, what it is). Module parameters are dotted (import.name).
PARAMS = [
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
    ("g_musc", "muscle mass -> bone stimulus (exponent)"),
    ("w_res", "resistive exercise -> bone loading"),
    ("w_aer", "aerobic exercise -> bone loading"),
    ("wm_res", "resistive exercise -> muscle loading"),
    ("muscle.s_res", "resistive exercise -> muscle synthesis"),
    ("a_rl", "reloading-triggered remodelling (issue 17)"),
    ("tau_acc", "osteocyte accommodation time (issue 17)"),
    ("a_dmg", "microdamage-targeted resorption (issue 17, landing)"),
    ("tau_rep", "microdamage repair time (issue 17, landing)"),
    ("K_psi_b", "osteocyte disuse response, half-maximal stimulus"),
    ("k_sec", "secondary mineralisation rate"),
    ("calcium.e_D", "PTH -> calcitriol (gut Ca absorption)"),
    ("calcium.Q_ex0", "exchangeable bone Ca pool"),
    ("calcium.e_ex", "PTH -> bone-fluid Ca release (issue 17, modelca)"),
    ("g_wnt_rankl", "Wnt brake on RANKL (exponent; fixed: not identified)"),
]

# the files a dotted prefix lives in (for the provenance read from `doc`)
MODULE_FILE = {
    "fndc5": "myokines/irisin.yaml", "il6": "myokines/il6.yaml",
    "il7": "myokines/il7.yaml", "mstn": "myokines/myostatin.yaml",
    "muscle": "muscle/muscle_mass.yaml", "calcium": "bone/calcium_pth.yaml",
}

SCENARIOS = ["iss_no_countermeasure", "iss_exercise", "iss_exercise_alendronate",
             "iss_exercise_denosumab", "iss_exercise_romosozumab", "mars_mission"]

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


def param_entry(name):
    """(value text, doc) of a parameter in the shipped model files."""
    if "." in name:
        mod, short = name.split(".", 1)
        path = os.path.join(MODELS, MODULE_FILE[mod])
    else:
        short, path = name, os.path.join(MODELS, "crosstalk", "spaceflight.yaml")
    text = open(path).read()
    m = re.search(r"^  %s: \{value: ([^,]+),.*?doc: \"([^\"]*)\"" % re.escape(short), text, re.M)
    if not m:
        raise RuntimeError("parameter %s not found in %s" % (name, path))
    return m.group(1), m.group(2)


def provenance(doc):
    """The provenance the doc states: a shape chosen from data ("chosen",
    "not fitted") first, then the first of assumed / fitted that it uses."""
    low = doc.lower()
    if "chosen" in low or "not fitted" in low:
        return "chosen shape"
    hits = [(low.find(w), label) for w, label in
            (("assumed", "assumed"), ("calibrated", "fitted"), ("fitted", "fitted"))
            if low.find(w) >= 0]
    return min(hits)[1] if hits else "literature"


def run(muskx, scen, sets):
    cmd = [muskx, "run", os.path.join(SCEN, scen + ".yaml"), "-o", "-"]
    for k, v in sets.items():
        cmd += ["--set", "%s=%r" % (k, v)]
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
    """The what-if numbers of one parameter set."""
    R = {s: run(muskx, s, sets) for s in SCENARIOS}
    iss = phase_ends(os.path.join(SCEN, "iss_exercise.yaml"))
    land, end = iss["flight"], iss["recovery"]
    mars = phase_ends(os.path.join(SCEN, "mars_mission.yaml"))
    hip = lambda s, t: at(R[s], "BMD_hip_pct", t)  # noqa: E731
    return [
        hip("iss_no_countermeasure", land),
        hip("iss_exercise", land) - hip("iss_no_countermeasure", land),
        hip("iss_exercise_alendronate", land) - hip("iss_exercise", land),
        hip("iss_exercise_denosumab", land) - hip("iss_exercise", land),
        hip("iss_exercise_romosozumab", land) - hip("iss_exercise", land),
        hip("iss_exercise", end),
        at(R["iss_exercise"], "CTX_pct", land + 30),
        hip("mars_mission", mars["surface"]),
    ]


COLUMNS = ["hip at landing, no countermeasure", "exercise benefit (hip, landing)",
           "+ alendronate (hip, landing)", "+ denosumab (hip, landing)",
           "+ romosozumab (hip, landing)", "hip 12 months after landing, exercise",
           "CTX 30 d after landing, exercise", "Mars: hip at end of 0.38 g stay"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--muskx", default=os.path.join(ROOT, "build", "muskx"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "sensitivity.md"))
    a = ap.parse_args()
    if not os.path.exists(a.muskx):
        sys.exit("whatif_sensitivity.py: %s not found (run make first)" % a.muskx)
    base = outcomes(a.muskx, {})
    lines = [
        "# What-if sensitivity to parameters no study fixes",
        "",
        "Generated by `tests/calibration/whatif_sensitivity.py` (`make sensitivity-docs`);",
        "do not edit by hand. Each parameter is set to 0.5x and 1.5x its shipped",
        "value, one at a time, and the shipped scenarios are run with `muskx run`.",
        "Provenance is read from the parameter's `doc` in the model files",
        "(`assumed`: no published magnitude; `fitted`: set to data, see its doc;",
        "`chosen shape`: set from the shape of published data, not fitted).",
        "",
        "Shipped model (percent change from preflight; benefits in percentage points):",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + " ---: |" * len(COLUMNS),
        "| " + " | ".join("%.2f" % v for v in base) + " |",
        "",
        "Change of each number when the parameter is halved / raised by half",
        "(percentage points; `a / b` = 0.5x / 1.5x):",
        "",
        "| parameter | what | provenance | value | " + " | ".join(COLUMNS) + " |",
        "| --- | --- | --- | ---: |" + " ---: |" * len(COLUMNS),
    ]
    for name, what in PARAMS:
        value, doc = param_entry(name)
        v0 = float(eval(value, {"__builtins__": {}}))  # values may be '0.3/365'
        lo = outcomes(a.muskx, {name: 0.5 * v0})
        hi = outcomes(a.muskx, {name: 1.5 * v0})
        cells = ["%+.2f / %+.2f" % (l - b, h - b) for l, h, b in zip(lo, hi, base)]
        lines.append("| `%s` | %s | %s | %s | %s |" % (name, what, provenance(doc), value, " | ".join(cells)))
        print(name, " ".join(cells), file=sys.stderr, flush=True)
    # what the exercise benefit rests on: its change with the assumed arms off
    lines += [
        "",
        "Reading: a column whose entries are large next to the shipped value",
        "rests on the parameters in those rows. The exercise benefit is carried",
        "mostly by the exercise loading gains (`w_res`, `wm_res`) and the",
        "myokine arms only through the rows shown; the post-landing CTX rests",
        "on `a_rl`, `tau_acc`, `a_dmg` and `tau_rep` (issue 17): `a_rl` and",
        "`a_dmg` are each fitted to one number, `tau_acc` is assumed and",
        "`tau_rep` is a rat value. `tests/calibration/assumed_arms.py` switches each arm off",
        "instead of scaling it.",
        "",
    ]
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        f.write("\n".join(lines))
    print("wrote %s (%d parameters x 2, %d scenarios)" % (a.out, len(PARAMS), len(SCENARIOS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
