#!/usr/bin/python3
"""test_dose25.py -- the in-flight exercise conditions and validate.py's
exercising-crew protocol give what a user's scenario of the ISS
prescription gives (issue 17, session 25, dose25).

The model's exercise inputs are daily doses, intensity x sessions a day
(models/crosstalk/spaceflight.yaml's header and its "exercise sessions"
comments; muskx-scenario(5), EXERCISE; lib/scenario.c), so the ISS
prescription, 6 sessions a week at full intensity, is dose 6/7 at 6/7
sessions a day: what scenarios/iss_exercise.yaml gives the model. Until
dose25 the flight conditions and validate.py's FLIGHT_EX gave dose 1 at
6/7 sessions a day, i.e. intensity 7/6 of that prescription.

Part 1, the PEtab conditions. Each flight exercise condition of
models/calibration/spaceflight (flight_ex_aln, flight_ex_land180,
flight_ex_ired180) is simulated twice, with the shipped values:

  PEtab route   `muskx petab --simulations` on a temporary problem made of
                the shipped model.yaml, parameters.tsv and conditions.tsv,
                with observables for the outputs compared below and rows at
                the days compared;
  scenario      `muskx run` of the scenario a user writes for the study's
                protocol on models/crosstalk/spaceflight.yaml (the
                reference): a flight phase (loading 0) with the exercise
                entries of scenarios/iss_exercise.yaml (read from that
                file, their phases set to the flight), then, for a
                condition with a landing, 400 days on the ground (loading
                1, no exercise). flight_ex_aln adds alendronate 70 mg
                weekly from flight day 0 through the model's own dosing
                (`--set aln_dose=70`, as the condition sets it).

  The protocols (the studies, not conditions.tsv): LeBlanc 2013 (ARED era,
  alendronate, no landing in the condition), Gabel 2022 (ARED era, landing
  at day 180), Fitts 2010 (iRED era, landing at day 180); all 6 sessions a
  week of resistive and of aerobic exercise, full intensity, in-flight
  sessions (load 1), 100 loading cycles (the reference session).

Part 2, validate.py's protocol flight180_ex (FLIGHT_EX, the held-out rows
of exercising ISS crews) through validate.py's own Model.run, against
`muskx run scenarios/iss_exercise.yaml` as shipped (the README's main
what-if; flight from its day 30) at the same flight days.

Compared: the outputs the rows read (BMD_hip_pct, BMD_tibia_pct,
BMD_tibia_cort_pct, BMD_tibia_trab_pct, muscle_calf_pct) and others
exercise reaches (muscle_pct, BMD_spine_pct, CTX_pct, P1NP_pct) and the
myokines (IGF1, IL7, irisin: the modules that read the plain dose), at
flight days 1, 10, 90, 179 and, with a landing, days 210 and 545 (part 2:
the outputs iss_exercise.yaml writes, which must include those the
flight180_ex rows read, at flight days 1, 10, 90, 179; iss_exercise.yaml's
flight is 6 months, not 180 days, so the ground days differ).

Tolerance (two-sided, |condition - scenario|): 0.02 %-points for *_pct
and 2e-4 relative for the myokines, as test_exload.py: the condition's
0.857142857142857 against the scenario's 6/7 and the runs' solver
tolerances (PEtab 1e-8, run 1e-6 relative, validate.py 1e-8/1e-12).

It fails with the conditions and FLIGHT_EX before dose25 (dose 1):
--old runs it on such copies (the three conditions' and FLIGHT_EX's
exercise doses set back to 1) to show it: 42 of 43 FAIL, every
comparison (DOSEV_outputs, which only checks that the outputs exist,
passes).

Known unmet (KNOWN_UNMET, as in test_spaceflight.py): none. --strict
treats known-unmet checks as ordinary ones.

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_dose25.py [--strict] [--old]
"""
import csv
import os
import re
import sys
import tempfile

import muskx_cli
from muskx_cli import ROOT, read_tsv

import validate

MODEL = os.path.join(ROOT, "models", "crosstalk", "spaceflight.yaml")
PROBLEM_DIR = os.path.join(ROOT, "models", "calibration", "spaceflight")
ISS = os.path.join(ROOT, "scenarios", "iss_exercise.yaml")
MUSKX = os.path.join(ROOT, "build", "muskx")

KNOWN_UNMET = {}
OLD = "--old" in sys.argv[1:]

PCT_TOL = 0.02      # %-points
REL_TOL = 2e-4      # relative, myokines

# condition -> (flight days, landing?, extra --set of the scenario run)
PROTOCOLS = {
    "flight_ex_aln": (180, False, ["aln_dose=70"]),
    "flight_ex_land180": (180, True, []),
    "flight_ex_ired180": (180, True, []),
}

PCT = ["BMD_hip_pct", "BMD_tibia_pct", "BMD_tibia_cort_pct", "BMD_tibia_trab_pct",
       "muscle_calf_pct", "muscle_pct", "BMD_spine_pct", "CTX_pct", "P1NP_pct"]
MYOKINES = ["IGF1", "IL7", "irisin"]
OUTPUTS = PCT + MYOKINES

FLIGHT_DAYS = [1.0, 10.0, 90.0, 179.0]
# outputs validate.py's flight180_ex rows read (V-tibia-*, V-mus-*, V-CTX-landing, V-P1NP-landing)
VALIDATE_READS = ["BMD_tibia_pct", "muscle_pct", "CTX_pct", "P1NP_pct"]


def tcheck(name, ok, detail):
    """check() with the KNOWN_UNMET convention of test_spaceflight.py"""
    muskx_cli.check_known(KNOWN_UNMET, name, ok, detail)


def days(landing):
    return FLIGHT_DAYS + ([210.0, 545.0] if landing else [])


def err_of(o, a, b):
    return abs(a - b) if o in PCT else abs(a - b) / max(abs(b), 1e-12)


def iss_exercise_entries():
    """the exercise entries of scenarios/iss_exercise.yaml, as written there"""
    ents = re.findall(r"^  - (exercise: \{.*\})\s*$", open(ISS).read(), re.M)
    if len(ents) != 2:
        raise RuntimeError("scenarios/iss_exercise.yaml: expected 2 exercise entries, found %d"
                           % len(ents))
    return ents


def petab_route(tmp):
    """{(condition, output, day): value} from `muskx petab --simulations`"""
    d = os.path.join(tmp, "petab")
    os.mkdir(d)
    cond = [r for r in read_tsv(os.path.join(PROBLEM_DIR, "conditions.tsv"))
            if r["conditionId"] in PROTOCOLS]
    missing = set(PROTOCOLS) - {r["conditionId"] for r in cond}
    if missing:
        raise RuntimeError("conditions.tsv lacks %s" % ", ".join(sorted(missing)))
    if OLD:  # before dose25: dose 1 at 6/7 sessions a day
        for r in cond:
            r["exercise_resistive_c"] = r["exercise_aerobic_c"] = "1"
    return muskx_cli.petab_simulations(d, PROBLEM_DIR, cond, OUTPUTS,
                                       {c: days(landing) for c, (_, landing, _) in PROTOCOLS.items()})


def run_csv(args, out):
    muskx_cli.run(args)
    with open(out) as f:
        return list(csv.DictReader(f))


def scenario_route(tmp, cid):
    """{(output, day): value} from `muskx run` of the protocol's scenario"""
    t_flight, landing, sets = PROTOCOLS[cid]
    path = os.path.join(tmp, cid + ".yaml")
    with open(path, "w") as f:
        f.write("muskx_scenario: 1\nscenario: {id: %s, name: %s as a scenario}\nmodel: %s\n"
                "start: steady\nphases:\n" % (cid, cid, MODEL))
        f.write("  - {name: flight, duration: %d d, inputs: {loading: 0}}\n" % t_flight)
        if landing:
            f.write("  - {name: recovery, duration: 400 d, inputs: {loading: 1}}\n")
        f.write("countermeasures:\n")
        for e in iss_exercise_entries():
            f.write("  - %s\n" % re.sub(r"phases: \[[^]]*\]", "phases: [flight]", e))
        f.write("outputs: [%s]\nsampling: 1 d\n" % ", ".join(OUTPUTS))
    out = os.path.join(tmp, cid + ".csv")
    args = ["run", path, "-o", out]
    for s in sets:
        args += ["--set", s]
    want = set(days(landing))
    got = {}
    for r in run_csv(args, out):
        t = float(r["time"])
        if t in want:
            for o in OUTPUTS:
                got[(o, t)] = float(r[o])
    return got


def compare(name, get_a, get_b, ts, what):
    for o in OUTPUTS:
        worst, at = 0.0, None
        for t in ts:
            a, b = get_a(o, t), get_b(o, t)
            e = err_of(o, a, b)
            if at is None or e > worst:
                worst, at = e, (t, a, b)
        tol = PCT_TOL if o in PCT else REL_TOL
        unit = "points" if o in PCT else "relative"
        tcheck("%s_%s" % (name, o), worst <= tol,
               "%s, largest difference %.2g %s (at flight day %g: %.5g vs %.5g; tolerance %g)"
               % (what, worst, unit, at[0], at[1], at[2], tol))


def validate_route():
    """validate.py's flight180_ex (FLIGHT_EX) against scenarios/iss_exercise.yaml"""
    fe = validate.FLIGHT_EX
    if OLD:  # before dose25
        fe = dict(fe, exercise_resistive=([0, 180], [1, 0]), exercise_aerobic=([0, 180], [1, 0]))
    model = validate.Model(MUSKX)
    try:
        tables, sets, _, count = validate.protocols(model)["flight180_ex"]
        if OLD:
            tables = fe
        v = model.run(tables, sets, 200, count)
    finally:
        model.close()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "iss.csv")
        rows = run_csv(["run", ISS, "-o", out], out)
    sc = {k: [float(x[k]) for x in rows] for k in rows[0]}
    # the scenario's flight starts after its 30-day preflight phase
    pre = 30.0
    if sc["time"][1] - sc["time"][0] != 1.0:
        raise RuntimeError("iss_exercise.yaml: expected daily sampling")
    # iss_exercise.yaml writes some outputs only; those of validate.py's
    # flight180_ex rows (tibia, muscle, CTX, P1NP) must be among them
    outs = [o for o in OUTPUTS if o in sc and o in v]
    missing = [o for o in VALIDATE_READS if o not in outs]
    tcheck("DOSEV_outputs", not missing,
           "outputs compared: %s (of the rows' outputs missing: %s)"
           % (", ".join(outs), ", ".join(missing) or "none"))
    for o in outs:
        worst, at = 0.0, None
        for t in FLIGHT_DAYS:
            a, b = validate.at(v, o, t), validate.at(sc, o, pre + t)
            e = err_of(o, a, b)
            if at is None or e > worst:
                worst, at = e, (t, a, b)
        tol = PCT_TOL if o in PCT else REL_TOL
        unit = "points" if o in PCT else "relative"
        tcheck("DOSEV_flight180_ex_%s" % o, worst <= tol,
               "validate.py flight180_ex vs scenarios/iss_exercise.yaml, largest difference %.2g %s "
               "(at flight day %g: %.5g vs %.5g; tolerance %g)" % (worst, unit, at[0], at[1], at[2], tol))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        pe = petab_route(tmp)
        for cid, (_, landing, _) in PROTOCOLS.items():
            sc = scenario_route(tmp, cid)
            compare("DOSE_%s" % cid, lambda o, t: pe[(cid, o, t)], lambda o, t: sc[(o, t)],
                    days(landing), "PEtab condition vs the ISS prescription's scenario")
    validate_route()
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
