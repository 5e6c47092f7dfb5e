#!/usr/bin/python3
"""test_user_scenarios.py -- issue 17's way in, as its checker would take it
(session 21, userscen): scenarios written from README.md, muskx-scenario(5)
and issue 17 alone -- the fixed output names and `drug: {agent, dose,
route, start, every, count}` entries -- for flights, bed rest, partial
gravity and the drug trials. They are in tests/userscen/ (what each
represents and what it gave against published outcomes: its README.md).

Checks:
  USRrun    every tests/userscen/*.yaml runs with `muskx run`, and its CSV
            has the nine fixed-name outputs of issue 17, finite at every
            sample
  USRpy     five of them run from Python (muskx.Scenario(path), as a user
            coming from other packages writes it, and muskx.run_scenario)
            give the CLI's numbers (relative 1e-12; the CSV has 17 digits)
  USRspell  the same regimen written as users write it gives the same time
            course as its canonical spelling (relative 1e-6, the solver's
            rtol: 0.02 mg is 20.000000000000004 ug, and a dose that
            differs in its last bit takes other steps): a dose as
            60mg / 0.06 g / 60000 ug; route SC / subcutaneous; agent
            Denosumab; every 26 weeks = 182 d, 6 months = 0.5 year;
            teriparatide 20 ug = 20 mcg = 20 µg = 20 μg = 0.02 mg;
            alendronate route PO = oral. Two-sided: a dose of 60 ug (not
            mg) must differ, its spine gain under a tenth of 60 mg's
  USRhalf   a two-phase trial (steady baseline, treatment) recovers, by
            default, from its baseline: no output may report a half
            recovery there (round-off changes of 4e-14 % did)

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_user_scenarios.py
"""
import csv
import glob
import io
import math
import os
import sys
import tempfile

import muskx_cli
from muskx_cli import ROOT, check

sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
import muskx  # noqa: E402

USER = os.path.join(ROOT, "tests", "userscen")
MODEL = os.path.join(ROOT, "models", "crosstalk", "spaceflight.yaml")
SPELL = 1e-6
FIXED = ["BMD_spine_pct", "BMD_hip_pct", "BMD_tibia_pct", "BMD_wholebody_pct",
         "muscle_pct", "CTX_pct", "P1NP_pct", "Ca_urine_pct", "SOST_pct"]


def cli_run(path):
    """{column: [values]} of `muskx run PATH -o CSV`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run.csv")
        muskx_cli.run(["run", path, "-o", out])
        with open(out) as f:
            rows = list(csv.DictReader(f))
    return {k: [float(r[k]) for r in rows] for k in rows[0]}


def close(a, b, rel):
    return all(abs(x - y) <= rel * max(1.0, abs(x), abs(y))
               for x, y in zip(a, b)) and len(a) == len(b)


def worst(a, b):
    return max(abs(x - y) / max(1.0, abs(x), abs(y)) for x, y in zip(a, b))


def trial(tmp, name, drug, months=6, agent_set="{postmenopausal: 1}"):
    """A postmenopausal trial arm (30 d baseline, MONTHS of treatment)
    with one countermeasure entry DRUG written as a user writes it."""
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write("muskx_scenario: 1\n"
                "scenario: {id: %s}\n"
                "model: %s\n"
                "set: %s\n"
                "phases:\n"
                "  - {name: baseline, duration: 30 d, inputs: {loading: 1}}\n"
                "  - {name: treatment, duration: %d months, inputs: {loading: 1}}\n"
                "countermeasures:\n"
                "  - drug: %s\n"
                "outputs: [%s]\n" % (name, MODEL, agent_set, months, drug,
                                      ", ".join(FIXED)))
    return cli_run(path)


def main():
    files = sorted(glob.glob(os.path.join(USER, "*.yaml")))
    check("USRfiles", len(files) >= 20,
          "%d user scenarios in tests/userscen (at least 20)" % len(files))
    runs = {}
    for path in files:
        r = cli_run(path)
        runs[path] = r
        missing = [c for c in FIXED if c not in r]
        bad = [c for c in FIXED if c in r and
               not all(math.isfinite(v) for v in r[c])]
        check("USRrun " + os.path.basename(path), not missing and not bad,
              "%d samples; missing %s, not finite %s"
              % (len(r["time"]), missing or "none", bad or "none"))

    for name in ("s05_flight6mo", "s08_bedrest90", "s15_pm_dmab12",
                 "s17_pm_romo70", "s23_pm_tptd"):
        path = os.path.join(USER, name + ".yaml")
        sc = muskx.Scenario(path, allow_path=ROOT)
        py = muskx.run_scenario(sc)
        cl = runs[path]
        errs = [worst(list(py[c]), cl[c]) for c in FIXED]
        check("USRpy " + name,
              all(close(list(py[c]), cl[c], 1e-12) for c in FIXED)
              and list(py.time) == cl["time"],
              "largest relative difference %.2g over the nine outputs"
              % max(errs))

    with tempfile.TemporaryDirectory() as tmp:
        base = ("{agent: denosumab, dose: 60 mg, route: sc, start: treatment,"
                " every: 6 months, count: 1}")
        ref = trial(tmp, "canon", base)
        for i, drug in enumerate([
                base.replace("60 mg", "60mg"),
                base.replace("60 mg", "0.06 g"),
                base.replace("60 mg", "60000 ug"),
                base.replace("route: sc", "route: SC"),
                base.replace("route: sc", "route: subcutaneous"),
                base.replace("agent: denosumab", "agent: Denosumab"),
                base.replace("start: treatment", "start: 30 d")]):
            got = trial(tmp, "v%d" % i, drug)
            check("USRspell denosumab %s" % drug,
                  all(close(got[c], ref[c], SPELL) for c in FIXED),
                  "largest relative difference %.2g"
                  % max(worst(got[c], ref[c]) for c in FIXED))
        # every: equal intervals written two ways (two doses in 12 months)
        for a, b in (("26 weeks", "182 d"), ("6 months", "0.5 year")):
            d = ("{agent: denosumab, dose: 60 mg, route: sc, start: treatment,"
                 " every: %s, count: 2}")
            ra, rb = trial(tmp, "ea", d % a, 12), trial(tmp, "eb", d % b, 12)
            check("USRspell every %s = %s" % (a, b),
                  all(close(ra[c], rb[c], SPELL) for c in FIXED),
                  "largest relative difference %.2g"
                  % max(worst(ra[c], rb[c]) for c in FIXED))
        ug = trial(tmp, "ug", base.replace("60 mg", "60 ug"))
        gain, gain_ug = ref["BMD_spine_pct"][-1], ug["BMD_spine_pct"][-1]
        check("USRspell 60 ug is not 60 mg", gain > 1 and
              abs(gain_ug) < 0.1 * gain,
              "spine at 6 months: 60 mg %+.3f %%, 60 ug %+.3f %%"
              % (gain, gain_ug))

        t = ("{agent: teriparatide, dose: 20 ug, route: sc, start: treatment,"
             " every: 1 d, count: 60}")
        tref = trial(tmp, "tp", t, 3)
        for i, u in enumerate(["20 mcg", "20 \u00b5g", "20 \u03bcg",
                               "0.02 mg"]):
            got = trial(tmp, "tp%d" % i, t.replace("20 ug", u), 3)
            check("USRspell teriparatide %s" % u,
                  all(close(got[c], tref[c], SPELL) for c in FIXED),
                  "largest relative difference %.2g"
                  % max(worst(got[c], tref[c]) for c in FIXED))
        a = ("{agent: alendronate, dose: 70 mg, route: oral, start: treatment,"
             " every: 1 week, count: 8}")
        aref = trial(tmp, "al", a, 3)
        got = trial(tmp, "alpo", a.replace("route: oral", "route: PO"), 3)
        check("USRspell alendronate route PO",
              all(close(got[c], aref[c], SPELL) for c in FIXED),
              "largest relative difference %.2g"
              % max(worst(got[c], aref[c]) for c in FIXED))

    for name in ("s15_pm_dmab12", "s25_pm_placebo"):
        r = muskx.run_scenario(os.path.join(USER, name + ".yaml"),
                               allow_path=ROOT)
        halves = {c: r.summary[c]["half_recovery"] for c in FIXED}
        check("USRhalf " + name,
              all(math.isnan(h) for h in halves.values()),
              "recovery from the steady baseline; half recoveries %s"
              % sorted(c for c, h in halves.items() if not math.isnan(h)))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
