#!/usr/bin/python3
"""Every shipped model starts at rest: its Earth baseline is a steady state.

Issue 4 asks that every model under models/ start from a steady baseline
(derivatives below 1e-9 relative at loading = 1). This test checks a
stronger, integrated form of it with the muskx tool: each *.yaml under
models/ (found at run time, so a new model is checked without editing this
file) is simulated for 10 years at its defaults, and no species may move
by more than 1e-9 of its initial magnitude (a species that starts at 0
must stay at 0 within 1e-15). A drift bound of 1e-9 over 3650 days means
an average derivative below 3e-13 relative per day.

Defaults that are not a baseline by design are switched off, and only
those: the drug modules give their label dose at t = 0 (dose set to 0
here), and komarova.yaml starts from the Fig. 2 perturbation dx1 (set to
0 here).

Python 3 standard library only:  /usr/bin/python3 tests/calibration/test_baseline.py
"""
import os

import muskx_cli
from muskx_cli import ROOT, check

YEARS10 = 3650.0
REL = 1e-9
ZERO = 1e-15

# Defaults that perturb the baseline on purpose (see the docstring).
OFF = {
    "models/bone/komarova.yaml": {"dx1": 0.0},
    "models/drugs/denosumab.yaml": {"dmab_dose": 0.0},
    "models/drugs/romosozumab.yaml": {"romo_dose": 0.0},
    "models/drugs/alendronate.yaml": {"aln_dose": 0.0},
    "models/drugs/teriparatide.yaml": {"tptd_dose": 0.0},
}


def shipped_models():
    out = []
    for dirpath, dirs, files in os.walk(os.path.join(ROOT, "models")):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out += [os.path.relpath(os.path.join(dirpath, f), ROOT)
                for f in sorted(files) if f.endswith(".yaml")]
    return out


def species_of(columns, model):
    """The species columns: the CSV header is "time,<species>,<outputs>"
    (muskx(1)), and `muskx info` gives the number of species."""
    out, _ = muskx_cli.run(["info", model])
    for line in out.splitlines():
        if line.startswith("size:"):
            n = int(line.split()[1])
            return columns[1:1 + n]
    return None


def main():
    os.chdir(ROOT)
    models = shipped_models()
    check("models found", len(models) >= 10, "%d *.yaml under models/" % len(models))
    for model in models:
        r = muskx_cli.simulate(model, YEARS10, YEARS10, OFF.get(model), rtol=1e-10, atol=1e-14)
        names = species_of(list(r), model)
        if names is None:
            check("%s baseline" % model, False, "no species list from muskx info")
            continue
        worst, where = 0.0, ""
        for k in names:
            y0, y1 = r[k][0], r[k][-1]
            drift = abs(y1 - y0) / abs(y0) / REL if y0 != 0 else abs(y1) / ZERO
            if drift > worst:
                worst, where = drift, "%s %.17g -> %.17g" % (k, y0, y1)
        check("%s baseline" % model, worst <= 1.0,
              "%d species, 10 years at the defaults%s: largest drift %.3g of the bound%s"
              % (len(names), "" if model not in OFF else " with %s" % OFF[model],
                 worst, (" (" + where + ")") if where else ""))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
