#!/usr/bin/env python3
"""calibrate.py -- `make calibrate`: muskx fit on each PEtab problem under
models/calibration/ and the fitted values next to the shipped ones.

For each PROBLEM.yml: runs `muskx fit PROBLEM.yml -o DIR --allow-path models/
--starts 20 --seed 1` (--fit-args), prints what it prints, reads the
estimates (DIR/parameters.tsv, the best parameters as a PEtab table; else
the best start of DIR/starts.tsv; else a parameterId table on stdout), and
prints per estimated parameter of the
problem's parameters.tsv: the shipped value (nominalValue), the fitted
value and their relative difference. The shipped model "is reproduced"
when every estimated parameter is within --rtol (default 5 %) of its
shipped value; the last line says how many are.

muskx fit comes from the fitting issue. When build/muskx has no `fit`
command this script prints the shipped model against each problem's
fitting data (per row: data, model, normalised residual; chi2), says that
the fit is pending and exits 2: `make calibrate` is pending, not passed. Python 3 standard library only.
"""
import argparse
import csv
import io
import math
import os
import shutil
import subprocess
import sys
import tempfile

MODELS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "models")


def estimated(problem):
    """{parameterId: nominalValue} of the parameters the problem estimates
    (its YAML's parameter_file)."""
    name = "parameters.tsv"
    for line in open(problem):
        if line.startswith("parameter_file:"):
            name = line.split(":", 1)[1].strip()
    path = os.path.join(os.path.dirname(problem), name)
    with open(path) as f:
        return {r["parameterId"]: float(r["nominalValue"])
                for r in csv.DictReader(f, delimiter="\t") if r["estimate"].strip() == "1"}


def parse_parameters(path):
    """{parameterId: nominalValue} of a PEtab parameter table (muskx fit
    writes the best parameters so, as nominalValue on the linear scale)."""
    with open(path) as f:
        return {r["parameterId"]: float(r["nominalValue"])
                for r in csv.DictReader(f, delimiter="\t")}


def parse_starts(path):
    """{parameterId: value} of the best start (lowest nllh) in a starts.tsv
    (columns start, nllh, exit, iterations, evaluations, the parameters,
    then start_<id>: cli/fit_report.h of the fitting issue)."""
    with open(path) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if not rows or "nllh" not in rows[0]:
        raise RuntimeError("%s: no nllh column" % path)
    rows = [r for r in rows if math.isfinite(float(r["nllh"]))]  # failed starts
    if not rows:
        raise RuntimeError("%s: no start finished" % path)
    best = min(rows, key=lambda r: float(r["nllh"]))
    skip = {"start", "nllh", "exit", "iterations", "evaluations"}
    return {k: float(v) for k, v in best.items() if k not in skip and not k.startswith("start_")}


def parse_fit(text):
    """{parameterId: value} from muskx fit's table (TSV or CSV, with header)."""
    lines = [x for x in text.splitlines() if x.strip() and not x.startswith("#")]
    for start, line in enumerate(lines):
        if "parameterId" in line:
            delim = "\t" if "\t" in line else ","
            rows = csv.DictReader(io.StringIO("\n".join(lines[start:])), delimiter=delim)
            col = next((c for c in ("estimate", "value", "fitted") if c in rows.fieldnames), None)
            if col is None:
                break
            return {r["parameterId"]: float(r[col]) for r in rows}
    raise RuntimeError("muskx fit printed no table with parameterId and estimate/value/fitted")


def shipped_residuals(muskx, problem, models=MODELS):
    """Prints, per measurement row of the problem, the shipped model's value
    and the normalised residual (model - data)/sigma, simulating each
    condition with build/muskx (constant inputs from the condition row;
    rows whose output or condition names the model lacks print n/a), then
    chi2 over the rows it could simulate. Independent of muskx petab, which
    cannot yet set inputs from a condition."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import validate
    d = os.path.dirname(problem)

    def tsv(name):
        with open(os.path.join(d, name)) as f:
            return list(csv.DictReader(f, delimiter="\t"))
    conds = {r["conditionId"]: r for r in tsv("conditions.tsv")}
    obs = {r["observableId"]: r["observableFormula"] for r in tsv("observables.tsv")}
    model = validate.Model(muskx, models)
    runs, chi2, n = {}, 0.0, 0
    print("%s: the shipped model against its fitting data" % problem)
    print("%-22s %-14s %6s %9s %9s %8s" % ("datasetId", "condition", "day", "data", "model", "resid"))
    try:
        for r in tsv("measurements.tsv"):
            # the PEtab wrapper's X_c parameters are the shipped model's inputs X
            c = {(k[:-2] if k.endswith("_c") and k[:-2] in model.inputs else k): v
                 for k, v in conds[r["simulationConditionId"]].items()}
            lacks = [k for k, v in c.items() if k not in ("conditionId", "conditionName")
                     and k not in model.inputs and k not in model.params and float(v) != 0]
            if c["conditionId"] not in runs and not lacks:
                tables = {k: ([0], [float(v)]) for k, v in c.items() if k in model.inputs}
                sets = {k: float(v) for k, v in c.items() if k in model.params}
                runs[c["conditionId"]] = model.run(tables, sets, 730)
            res = runs.get(c["conditionId"])
            out = obs[r["observableId"]]
            t, y, sd = float(r["time"]), float(r["measurement"]), float(r["noiseParameters"])
            if res is None or out not in res:
                why = ("condition needs " + ", ".join(lacks)) if lacks else ("no output " + out)
                print("%-22s %-14s %6g %9.3g %9s %8s  %s" % (r["datasetId"], c["conditionId"], t, y, "n/a", "", why))
                continue
            v = validate.at(res, out, t)
            z = (v - y) / sd
            chi2, n = chi2 + z * z, n + 1
            print("%-22s %-14s %6g %9.3g %9.3g %+8.2f" % (r["datasetId"], c["conditionId"], t, y, v, z))
    finally:
        model.close()
    print("shipped model: chi2 %.1f over %d simulated rows" % (chi2, n))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--muskx", default="build/muskx")
    ap.add_argument("--rtol", type=float, default=0.05)
    ap.add_argument("--models", default=MODELS, help="models/ tree for the shipped-model residuals")
    ap.add_argument("--out", help="keep muskx fit's results (parameters.tsv, starts.tsv, plots) here")
    ap.add_argument("--fit-args", default="--starts 20 --seed 1",
                    help="more muskx fit options (default '--starts 20 --seed 1'; add --profile)")
    ap.add_argument("problems", nargs="+")
    a = ap.parse_args()
    probe = subprocess.run([a.muskx, "fit", "--help"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True)
    if "unknown command" in probe.stderr:
        for problem in a.problems:
            shipped_residuals(a.muskx, problem, a.models)
        print("calibrate: PENDING -- %s has no 'fit' command yet (muskx fit comes from "
              "the fitting issue); problems: %s (models/calibration/README.md says what "
              "muskx petab still refuses in them)" % (a.muskx, " ".join(a.problems)))
        return 2
    ok = total = 0
    for problem in a.problems:
        # run in a scratch folder: a starts.tsv the fit writes lands there
        out = a.out or tempfile.mkdtemp(prefix="muskx-calibrate-")
        os.makedirs(out, exist_ok=True)
        fitdir = os.path.join(out, os.path.basename(os.path.dirname(os.path.abspath(problem))))
        shutil.rmtree(fitdir, ignore_errors=True)  # muskx fit creates it
        try:
            r = subprocess.run([os.path.abspath(a.muskx), "fit", os.path.abspath(problem),
                                "-o", fitdir, "--allow-path", MODELS] + a.fit_args.split(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
            print(r.stdout.rstrip())
            if r.returncode != 0:
                print("calibrate: muskx fit %s failed (%d): %s" % (problem, r.returncode, r.stderr.strip()))
                return 1
            table = os.path.join(fitdir, "parameters.tsv")
            starts = os.path.join(fitdir, "starts.tsv")
            fitted = (parse_parameters(table) if os.path.exists(table) else
                      parse_starts(starts) if os.path.exists(starts) else parse_fit(r.stdout))
        finally:
            if not a.out:
                shutil.rmtree(out, ignore_errors=True)
        print("%s\n%-22s %14s %14s %10s" % (problem, "parameter", "shipped", "fitted", "rel.diff"))
        for pid, shipped in sorted(estimated(problem).items()):
            total += 1
            if pid not in fitted:
                print("%-22s %14.6g %14s %10s" % (pid, shipped, "not reported", "-"))
                continue
            if shipped:
                d = (fitted[pid] - shipped) / shipped
                diff = "%+9.1f%%" % (100 * d)
            else:  # shipped 0: the absolute difference against rtol
                d = fitted[pid]
                diff = "%+9.3g abs" % d
            ok += abs(d) <= a.rtol
            print("%-22s %14.6g %14.6g %s" % (pid, shipped, fitted[pid], diff))
    print("calibrate: %d of %d estimated parameters within %g %% of the shipped values"
          % (ok, total, 100 * a.rtol))
    return 0 if ok == total else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as e:
        print("calibrate: %s" % e)
        sys.exit(1)
