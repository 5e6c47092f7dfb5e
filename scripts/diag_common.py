"""Shared by the diagnostic scripts (revbone_diag, recov_diag, alnshort_diag,
alnwall_diag, unloadres_diag, muslong_diag, flightform_diag):
their command line, `muskx info` values, and a scenario run with `muskx run`
read as daily rows."""
import argparse
import csv
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args(doc, extra=None):
    """--muskx, --models (made absolute), --set NAME=VALUE (repeatable);
    EXTRA(parser), when given, adds a script's own options."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    if extra is not None:
        extra(ap)
    ap.add_argument("--muskx", default=os.path.join(ROOT, "build", "muskx"))
    ap.add_argument("--models", default=os.path.join(ROOT, "models"))
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    a = ap.parse_args()
    a.models = os.path.abspath(a.models)
    return a


PM = "{postmenopausal: 1, calcium_intake: 1700}"  # the drug trials' women with their supplement
HEALTHY = "{postmenopausal: 0, calcium_intake: 1000}"  # a crew member, as the fitting condition flight


def scenario_text(sid, name, models, phases, outputs, state=None, drugs=(), description=None):
    """A scenario of the integrated model from its steady state, sampled daily:
    PHASES flow maps ({name: .., duration: .., inputs: ..}), DRUGS drug flow
    maps, STATE the `set:` flow map (none when None)."""
    lines = ["muskx_scenario: 1", "scenario:", "  id: " + sid, "  name: " + name]
    if description is not None:
        lines.append("  description: " + description)
    lines.append("model: %s/crosstalk/spaceflight.yaml" % models)
    if state is not None:
        lines.append("set: " + state)
    lines += ["start: steady", "phases:"] + ["  - " + p for p in phases]
    if drugs:
        lines += ["countermeasures:"] + ["  - drug: " + d for d in drugs]
    lines += ["outputs: [%s]" % ", ".join(outputs), "sampling: 1 d"]
    return "\n".join(lines) + "\n"


def run_daily(muskx, models, tmp, name, text, sets, who):
    """Run scenario TEXT as TMP/NAME.yaml with --set SETS; rows keyed by day.

    WHO names the calling script in the error message; a failed run stops it
    with muskx's own message."""
    scen = os.path.join(tmp, name + ".yaml")
    out = os.path.join(tmp, name + ".csv")
    with open(scen, "w") as f:
        f.write(text)
    cmd = [muskx, "run", scen, "-o", out, "--allow-path", models]
    for s in sets:
        cmd += ["--set", s]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if r.returncode != 0:
        sys.exit("%s: muskx run failed: %s" % (who, r.stderr.strip()))
    with open(out) as f:
        rows = [{k: float(v) for k, v in x.items()} for x in csv.DictReader(f)]
    return {int(round(x["time"])): x for x in rows}


def info_values(muskx, models, names, who):
    """The integrated model's values of NAMES, read from `muskx info`."""
    r = subprocess.run([muskx, "info", os.path.join(models, "crosstalk", "spaceflight.yaml"),
                        "--allow-path", models],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if r.returncode != 0:
        sys.exit("%s: muskx info failed: %s" % (who, r.stderr.strip()))
    out = {}
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) > 1 and f[0] in names:
            out[f[0]] = float(f[1])
    if len(out) != len(names):
        sys.exit("%s: %s not all in muskx info" % (who, ", ".join(names)))
    return out
