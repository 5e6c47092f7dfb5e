#!/usr/bin/env python3
"""calibrate.py -- `make calibrate`: muskx fit on each PEtab problem under
models/calibration/ and the fitted values next to the shipped ones.

For each PROBLEM.yml: runs `muskx fit PROBLEM.yml --allow-path models/` in a
scratch folder, reads the estimates (the best start of a starts.tsv it
writes, as cli/fit_report.h of the fitting issue describes, or else a table
on stdout with `parameterId` and one of `estimate`, `value`, `fitted`), and
prints per estimated parameter of the
problem's parameters.tsv: the shipped value (nominalValue), the fitted
value and their relative difference. The shipped model "is reproduced"
when every estimated parameter is within --rtol (default 5 %) of its
shipped value; the last line says how many are.

muskx fit comes from the fitting issue. When build/muskx has no `fit`
command this script says so and exits 2: `make calibrate` is pending, not
passed. Python 3 standard library only.
"""
import argparse
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile

MODELS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "models")


def estimated(problem):
    """{parameterId: nominalValue} of the parameters the problem estimates."""
    path = os.path.join(os.path.dirname(problem), "parameters.tsv")
    with open(path) as f:
        return {r["parameterId"]: float(r["nominalValue"])
                for r in csv.DictReader(f, delimiter="\t") if r["estimate"].strip() == "1"}


def parse_starts(path):
    """{parameterId: value} of the best start (lowest nllh) in a starts.tsv
    (columns start, nllh, exit, iterations, evaluations, the parameters,
    then start_<id>: cli/fit_report.h of the fitting issue)."""
    with open(path) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if not rows or "nllh" not in rows[0]:
        raise RuntimeError("%s: no nllh column" % path)
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--muskx", default="build/muskx")
    ap.add_argument("--rtol", type=float, default=0.05)
    ap.add_argument("problems", nargs="+")
    a = ap.parse_args()
    probe = subprocess.run([a.muskx, "fit", "--help"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True)
    if "unknown command" in probe.stderr:
        print("calibrate: PENDING -- %s has no 'fit' command yet (muskx fit comes from "
              "the fitting issue); problems: %s (models/calibration/README.md says what "
              "muskx petab still refuses in them)" % (a.muskx, " ".join(a.problems)))
        return 2
    ok = total = 0
    for problem in a.problems:
        # run in a scratch folder: a starts.tsv the fit writes lands there
        out = tempfile.mkdtemp(prefix="muskx-calibrate-")
        try:
            r = subprocess.run([os.path.abspath(a.muskx), "fit", os.path.abspath(problem),
                                "--allow-path", MODELS], cwd=out, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, universal_newlines=True)
            if r.returncode != 0:
                print("calibrate: muskx fit %s failed (%d): %s" % (problem, r.returncode, r.stderr.strip()))
                return 1
            starts = [os.path.join(d, "starts.tsv") for d, _, fs in os.walk(out) if "starts.tsv" in fs]
            fitted = parse_starts(starts[0]) if starts else parse_fit(r.stdout)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        print("%s\n%-22s %14s %14s %10s" % (problem, "parameter", "shipped", "fitted", "rel.diff"))
        for pid, shipped in sorted(estimated(problem).items()):
            total += 1
            if pid not in fitted:
                print("%-22s %14.6g %14s %10s" % (pid, shipped, "not reported", "-"))
                continue
            d = (fitted[pid] - shipped) / shipped if shipped else fitted[pid]
            ok += abs(d) <= a.rtol
            print("%-22s %14.6g %14.6g %+9.1f%%" % (pid, shipped, fitted[pid], 100 * d))
    print("calibrate: %d of %d estimated parameters within %g %% of the shipped values"
          % (ok, total, 100 * a.rtol))
    return 0 if ok == total else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as e:
        print("calibrate: %s" % e)
        sys.exit(1)
