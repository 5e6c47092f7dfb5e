#!/usr/bin/env python3
"""attribute.py -- which parameter moves a held-out validation row?

Runs chosen outcomes of validate.py's CASES (models/calibration/VALIDATION.md)
on the shipped model and on copies of models/ in which parameters of
models/crosstalk/spaceflight.yaml are set to other values (for example their
values of an earlier fit), one setting per line of the report:

  python3 tests/calibration/attribute.py --rows V-dmab-stop-BMD/hip,V-BR-meta-hip \\
      --set turnover_t=0.0005454794520547945 --set h_aoc=0.6084 \\
      --set ALL=turnover_t=0.0005454794520547945,h_aoc=0.6084

Each --set is one setting: NAME=VALUE (a single parameter), or LABEL=N1=V1,N2=V2
(several at once). VALUE is written into the copy's spaceflight.yaml as it is
(an expression such as 0.2/365 is allowed). The first line is the shipped
model. A report for diagnosis (issue 17, dmabhip branch): nothing is fitted,
the rows stay held out, and a run is non-blind (say so in VALIDATION.md's
change log). Python 3 standard library only.
"""
import argparse
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import validate as V  # noqa: E402


def parse_setting(text):
    """'NAME=VALUE' -> (NAME, {NAME: VALUE}); 'LABEL=N1=V1,N2=V2' -> (LABEL, {...})."""
    label, rest = text.split("=", 1)
    if "=" not in rest:
        return label, {label: rest}
    return label, dict(kv.split("=", 1) for kv in rest.split(","))


def copy_with(models, values):
    """A temporary copy of models/ with spaceflight.yaml's parameter values set."""
    tmp = tempfile.mkdtemp(prefix="muskx-attribute-")
    dst = os.path.join(tmp, "models")
    shutil.copytree(models, dst)
    path = os.path.join(dst, "crosstalk", "spaceflight.yaml")
    text = open(path).read()
    for name, value in values.items():
        text, n = re.subn(r"^(  %s: \{value: )[^,]*," % re.escape(name),
                          lambda m: m.group(1) + value + ",", text, flags=re.M)
        if n != 1:
            shutil.rmtree(tmp)
            raise SystemExit("attribute: parameter %s not found in spaceflight.yaml" % name)
    with open(path, "w") as f:
        f.write(text)
    return tmp, dst


def values_of(muskx, models, cases):
    """{case id: value} for the chosen CASES on the models tree `models`."""
    model = V.Model(muskx, models)
    protos, runs, out = V.protocols(model), {}, {}
    try:
        for cid, pids, _needs, value, *_ in cases:
            for pid in pids:
                if pid in runs:
                    continue
                if pid.startswith("sc:"):
                    runs[pid] = model.run_scenario(pid[3:])
                else:
                    tables, sets, t_end, count = protos[pid]
                    sets = {k: v for k, v in sets.items() if k in model.params}
                    runs[pid] = model.run(tables, sets, t_end, count)
            out[cid] = value(runs)
    finally:
        model.close()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--muskx", default=os.path.join(V.ROOT, "build", "muskx"))
    ap.add_argument("--models", default=V.MODELS)
    ap.add_argument("--rows", required=True, help="comma-separated VALIDATION.md ids (as validate.py prints them)")
    ap.add_argument("--set", action="append", default=[], dest="sets")
    a = ap.parse_args()
    want = a.rows.split(",")
    cases = [c for c in V.CASES if c[0] in want]
    unknown = set(want) - {c[0] for c in cases}
    if unknown:
        print("attribute: unknown rows: %s" % ", ".join(sorted(unknown)))
        return 2
    bounds = {c[0]: (c[6], c[7]) for c in cases}
    print("setting\t" + "\t".join(c[0] for c in cases))
    settings = [("shipped", {})] + [parse_setting(s) for s in a.sets]
    for label, values in settings:
        tmp, models = copy_with(a.models, values) if values else (None, a.models)
        try:
            got = values_of(a.muskx, models, cases)
        finally:
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)
        cells = []
        for c in cases:
            lo, hi = bounds[c[0]]
            cells.append("%.3f %s" % (got[c[0]], V.judge(got[c[0]], lo, hi)))
        print(label + "\t" + "\t".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
