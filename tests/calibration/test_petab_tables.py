#!/usr/bin/env python3
"""test_petab_tables.py -- the PEtab problem(s) under models/calibration/
are consistent, cite their sources, match the shipped model, and share no
study with the held-out outcomes of VALIDATION.md.

Checks, per problem (models/calibration/*/problem.yml):
  - every measurement names a known observable, condition and datasetId;
    its noise is positive; every datasetId of sources.tsv is used;
  - every source row says study, where (figure/table/abstract) and how it
    was read (tabulated, abstract, recalled, citing or derived);
  - every observable formula is a model output or one of the fixed output
    names of issue 17 (which come with the site-resolved bone model);
  - every condition column is a model input or parameter (or
    `postmenopausal`, issue 17), every condition value a number or a
    parameter of parameters.tsv;
  - every parameter of parameters.tsv that is a model parameter has the
    shipped model's value as nominalValue (so `make calibrate` compares a
    fit with what is shipped), and lies within its bounds;
  - no fitting source is a validation study: the first author and year of
    every VALIDATION.md row still held out (not under "Withdrawn") differ from those of every sources.tsv row
    (LeBlanc 2000 is two papers: the Mir DXA rates, J Musculoskelet Neuronal
    Interact, fit; the muscle MRI paper, J Appl Physiol, validates).

Python 3 standard library and the muskx Python bindings.
"""
import csv
import glob
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import muskx_cli as mc  # noqa: E402
import validate  # noqa: E402  (the Withdrawn list of VALIDATION.md)
sys.path.insert(0, os.path.join(mc.ROOT, "bindings", "python"))
import muskx  # noqa: E402

CAL = os.path.join(mc.ROOT, "models", "calibration")
FIXED_OUTPUTS = {"BMD_spine_pct", "BMD_hip_pct", "BMD_tibia_pct", "BMD_wholebody_pct",
                 "muscle_pct", "CTX_pct", "P1NP_pct", "Ca_urine_pct", "SOST_pct"}
ISSUE17_PARAMS = {"postmenopausal", "bedrest"}
READ_KINDS = ("tabulated", "abstract", "recalled", "citing", "derived")
# same first author and year, different paper: (author, year) -> the journal
# words that must appear in the fitting source
SAME_KEY_OTHER_PAPER = {("LeBlanc", "2000"): "Musculoskelet Neuronal Interact"}


def table(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def validation_keys():
    """(surname, year) of the first study cited in each VALIDATION.md row
    that is still held out (rows under "Withdrawn" are fitting data now)."""
    gone = validate.withdrawn()
    pat = re.compile(r"\b([A-Z][a-zA-Z]+)(?: [A-Z]{1,3})?(?: et al\.)? ((?:19|20)\d\d)\b")
    keys = {}
    for line in open(os.path.join(CAL, "VALIDATION.md")):
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 3 and cells[1].startswith("V-") and cells[1] not in gone:
            m = pat.search(cells[2])
            if m:
                keys.setdefault(m.groups(), []).append(cells[1])
    return keys


def source_key(study):
    m = re.match(r"([A-Z][a-zA-Z]+) [^()]*\(((?:19|20)\d\d)\)", study)
    return m.groups() if m else None


def check_problem(problem, model, held_out):
    d = os.path.dirname(problem)
    name = os.path.relpath(d, CAL)
    obs = {r["observableId"]: r for r in table(os.path.join(d, "observables.tsv"))}
    cond = table(os.path.join(d, "conditions.tsv"))
    meas = table(os.path.join(d, "measurements.tsv"))
    src = {r["datasetId"]: r for r in table(os.path.join(d, "sources.tsv"))}
    par = {r["parameterId"]: r for r in table(os.path.join(d, "parameters.tsv"))}
    conds = {r["conditionId"] for r in cond}

    bad = [r for r in meas if r["observableId"] not in obs or r["simulationConditionId"] not in conds
           or r["datasetId"] not in src or not float(r["noiseParameters"]) > 0]
    mc.check("%s: measurements name known observables/conditions/sources, noise > 0" % name,
             meas and not bad, "%d rows%s" % (len(meas), "; bad: %s" % bad[:2] if bad else ""))
    unused = set(src) - {r["datasetId"] for r in meas}
    mc.check("%s: every source is used" % name, not unused, ", ".join(sorted(unused)) or "%d sources" % len(src))
    bad = [k for k, r in src.items() if not (r["study"].strip() and r["where"].strip()
                                              and r["read"].strip().startswith(READ_KINDS))]
    mc.check("%s: every source says study, where and how it was read" % name, not bad, ", ".join(bad) or "ok")

    outputs = set(model.outputs)
    bad = [o for o, r in obs.items() if r["observableFormula"] not in outputs | FIXED_OUTPUTS]
    mc.check("%s: observables are model outputs or issue-17 names" % name, not bad,
             ", ".join(bad) or "%d observables" % len(obs))

    known = set(model.inputs) | set(model.parameters) | ISSUE17_PARAMS
    cols = [c for c in cond[0] if c not in ("conditionId", "conditionName")]
    bad = [c for c in cols if c not in known]
    for r in cond:
        for c in cols:
            v = r[c]
            try:
                float(v)
            except ValueError:
                if v not in par:
                    bad.append("%s.%s=%s" % (r["conditionId"], c, v))
    mc.check("%s: condition columns are model inputs/parameters, values numbers or parameters" % name,
             not bad, ", ".join(bad) or "%d conditions x %d columns" % (len(cond), len(cols)))

    values = model.parameter_values
    bad = []
    for pid, r in par.items():
        nom, lo, hi = float(r["nominalValue"]), float(r["lowerBound"]), float(r["upperBound"])
        if not lo <= nom <= hi:
            bad.append("%s: %g outside [%g, %g]" % (pid, nom, lo, hi))
        if pid in values and abs(values[pid] - nom) > 1e-6 * max(1.0, abs(values[pid])):
            bad.append("%s: nominal %g, model %.9g" % (pid, nom, values[pid]))
        if pid not in values and not any(pid == r2[c] for r2 in cond for c in cols):
            bad.append("%s: neither a model parameter nor used in conditions.tsv" % pid)
    mc.check("%s: parameters.tsv nominal values are the shipped model's, within bounds" % name,
             not bad, "; ".join(bad) or "%d parameters" % len(par))

    clash = []
    for k, r in src.items():
        key = source_key(r["study"])
        if key in held_out:
            other = SAME_KEY_OTHER_PAPER.get(key)
            if not other or other not in r["study"]:
                clash.append("%s (%s %s) is held out by %s" % (k, key[0], key[1], ", ".join(held_out[key])))
    mc.check("%s: no fitting source is a validation study" % name, not clash,
             "; ".join(clash) or "%d sources vs %d held-out studies" % (len(src), len(held_out)))


def check_shipped_fit(problem):
    """When the problem has a shipped fit (fit/, written by `calibrate.py
    --ship`): its best parameters are the shipped values (to the 4
    significant digits shipped), and draws.csv has one column per
    estimated parameter, values inside the bounds, and medians within the
    middle half of the draws around the shipped value (not centred
    elsewhere; near a bound, in the tail the bound truncates). `make calibrate` re-runs the fit itself."""
    d = os.path.dirname(problem)
    name = os.path.relpath(d, CAL)
    fit = os.path.join(d, "fit")
    if not os.path.isdir(fit):
        return
    par = {r["parameterId"]: r for r in table(os.path.join(d, "parameters.tsv"))}
    est = {k: r for k, r in par.items() if r["estimate"].strip() == "1"}
    got = {r["parameterId"]: float(r["nominalValue"]) for r in table(os.path.join(fit, "parameters.tsv"))}
    bad = ["%s: fit %.6g, shipped %s" % (k, got.get(k, float("nan")), r["nominalValue"])
           for k, r in est.items()
           if not abs(got.get(k, float("nan")) - float(r["nominalValue"])) <= 5e-4 * abs(float(r["nominalValue"]))]
    mc.check("%s: shipped values are the fit's (fit/parameters.tsv, 4 digits)" % name, not bad,
             "; ".join(bad) or "%d estimated parameters" % len(est))
    path = os.path.join(fit, "draws.csv")
    with open(path) as f:
        rows = list(csv.reader(f))
    head, vals = rows[0], [[float(x) for x in r] for r in rows[1:]]
    bad = [] if sorted(head) == sorted(est) else ["columns %s" % head]
    for j, k in enumerate(head):
        if k not in est:
            continue
        col = sorted(v[j] for v in vals)
        lo, hi = float(est[k]["lowerBound"]), float(est[k]["upperBound"])
        if not (lo <= col[0] and col[-1] <= hi):
            bad.append("%s outside [%g, %g]" % (k, lo, hi))
        q1, q3 = col[len(col) // 4], col[(3 * len(col)) // 4]
        v = float(est[k]["nominalValue"])
        # draws are the Gauss-Newton normal truncated to the bounds: a value
        # nearer a bound than the quartiles' spread sits in the tail the
        # truncation keeps (refit6's phi_hip_e, 0.014 with SD 0.06 above 0)
        if v - lo < q3 - q1 and col[0] <= v <= q3:
            continue
        if hi - v < q3 - q1 and q1 <= v <= col[-1]:
            continue
        if not q1 <= v <= q3:
            bad.append("%s: shipped %s outside the draws' quartiles [%g, %g]" % (k, est[k]["nominalValue"], q1, q3))
    mc.check("%s: fit/draws.csv: the estimated parameters, inside the bounds, around the shipped values" % name,
             len(vals) >= 50 and not bad, "; ".join(bad) or "%d sets" % len(vals))
    check_shipped_profiles(d, name, est)


def check_shipped_profiles(d, name, est):
    """When fit/ holds profiles (`calibrate.py --profiles`): each interval
    of profile_ci.tsv belongs to an estimated parameter, is bracketed by its
    points in profiles.tsv (the optimum, delta 0, inside; a point at or past
    each finite end whose rise is >= 1.92 - 1e-3, none inside above it),
    and is the one written in the parameter's doc in spaceflight.yaml."""
    import calibrate
    fit = os.path.join(d, "fit")
    path = os.path.join(fit, "profile_ci.tsv")
    if not os.path.exists(path):
        return
    thr = 1.920729410347062
    points = {}
    for r in table(os.path.join(fit, "profiles.tsv")):
        points.setdefault(r["parameter"], []).append((float(r["value"]), float(r["delta_nllh"])))
    scales = {k: r["parameterScale"] for k, r in est.items()}
    docs = open(calibrate.SHIPPED).read()
    bad, n = [], 0
    for k, (lo_t, hi_t) in calibrate.read_ci(path, scales).items():
        n += 1
        r = [x for x in table(path) if x["parameter"] == k][0]
        lo, hi = float(r["lower"]), float(r["upper"])
        pts = [p for p in points.get(k, []) if math.isfinite(p[1])]
        if k not in est:
            bad.append("%s is not estimated" % k)
            continue
        if not any(abs(y) < 1e-9 for _, y in pts):
            bad.append("%s: no optimum point" % k)
        inside = [y for v, y in pts if (math.isnan(lo) or v > lo) and (math.isnan(hi) or v < hi)]
        if inside and max(inside) > thr + 1e-3:
            bad.append("%s: a point inside the interval rises %.3g" % (k, max(inside)))
        for end, side in ((lo, -1), (hi, 1)):
            if not math.isnan(end) and not any(side * (v - end) >= 0 and y >= thr - 1e-3 for v, y in pts):
                bad.append("%s: nothing at or past %g crosses the threshold" % (k, end))
        note = "95 %% profile interval %s .. %s)" % (lo_t, hi_t)
        if not re.search(r"^  %s: \{value: [^\n]*%s" % (re.escape(k), re.escape(note)), docs, re.M):
            bad.append("%s: its doc lacks '%s'" % (k, note))
    mc.check("%s: fit/profile_ci.tsv: each interval bracketed by its profile points and in its doc" % name,
             n >= 1 and not bad, "; ".join(bad) or "%d profiled parameters" % n)


def check_calibrate_parsers():
    """make calibrate reads the best start of a starts.tsv (cli/fit_report.h)
    or a parameterId table: checked on small tables with known answers."""
    import calibrate
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
        f.write("start\tnllh\texit\titerations\tevaluations\tkappa_R\tK_wnt\tstart_kappa_R\tstart_K_wnt\n"
                "3\tnan\t3\t1\t1\t0.9\t9.0\t0.9\t9.0\n"
                "0\t12.5\t0\t9\t20\t0.30\t1.2\t0.1\t1.0\n"
                "1\t10.25\t0\t7\t15\t0.27\t1.4\t0.5\t2.0\n"
                "2\tnan\t3\t1\t1\t0.9\t9.0\t0.9\t9.0\n")
    try:
        got = calibrate.parse_starts(f.name)
    finally:
        os.unlink(f.name)
    mc.check("calibrate.parse_starts takes the lowest finite-nllh start, without start_ columns",
             got == {"kappa_R": 0.27, "K_wnt": 1.4}, str(got))
    got = calibrate.parse_fit("# fit\nparameterId,estimate\nkappa_R,0.25\nK_wnt,1.5\n")
    mc.check("calibrate.parse_fit reads a parameterId/estimate table", got == {"kappa_R": 0.25, "K_wnt": 1.5}, str(got))


def main():
    check_calibrate_parsers()
    held_out = validation_keys()
    mc.check("VALIDATION.md studies found", len(held_out) >= 8, "%d studies" % len(held_out))
    problems = sorted(glob.glob(os.path.join(CAL, "*", "problem.yml")))
    mc.check("PEtab problems found", len(problems) >= 1, ", ".join(os.path.relpath(p, mc.ROOT) for p in problems))
    for p in problems:
        text = open(p).read()
        m = re.search(r"^\s*-\s*(\S+\.yaml)\s*$", text, re.M)
        path = os.path.normpath(os.path.join(os.path.dirname(p), m.group(1))) if m else None
        mc.check("%s: names a model file that exists" % os.path.relpath(p, CAL),
                 path is not None and os.path.exists(path), str(path))
        if path and os.path.exists(path):
            allow = os.path.join(mc.ROOT, "models")
            with muskx.load(path, allow_path=allow) as model:
                check_problem(p, model, held_out)
                check_shipped_fit(p)
                shipped = os.path.join(mc.ROOT, "models", "crosstalk", "spaceflight.yaml")
                if os.path.samefile(path, shipped):
                    continue
                # a PEtab wrapper (model.yaml) repeats shipped values: same?
                with muskx.load(shipped, allow_path=allow) as sf:
                    ref = sf.parameter_values
                    bad = ["%s %g vs %g" % (k, v, ref[k]) for k, v in model.parameter_values.items()
                           if k in ref and abs(v - ref[k]) > 1e-9 * max(1.0, abs(ref[k]))]
                mc.check("%s: the wrapper's parameters equal spaceflight.yaml's" % os.path.relpath(path, CAL),
                         not bad, "; ".join(bad) or "ok")
    return mc.finish()


if __name__ == "__main__":
    mc.run_main(main)
