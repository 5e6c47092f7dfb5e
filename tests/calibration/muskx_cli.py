"""muskx_cli.py -- what the calibration scripts share: running build/muskx,
reading its CSV and steady-state reports, and counting checks.

Not a test itself (the Makefile runs tests/calibration/test_*.py only).
Python 3 standard library only.
"""
import csv
import io
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MUSKX = os.path.join(ROOT, "build", "muskx")


def allow_models(extra=None):
    """Lets muskx (CLI and Python bindings, via MUSKX_ALLOW_PATH) read the
    whole models/ tree: spaceflight.yaml imports ../bone, ../muscle, ...,
    which the file access policy (issue 16) refuses outside the top file's
    folder unless allowed. Keeps any folders the caller already allowed."""
    dirs = [os.path.join(ROOT, "models")] + ([extra] if extra else [])
    old = os.environ.get("MUSKX_ALLOW_PATH")
    os.environ["MUSKX_ALLOW_PATH"] = ":".join(([old] if old else []) + dirs)


allow_models()

passed = 0
failed = 0


def check(name, ok, detail):
    """Counts one check and prints it as PASS or FAIL with its numbers."""
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print("%s %s: %s" % ("PASS" if ok else "FAIL", name, detail))


def check_known(known_unmet, name, ok, detail):
    """check() with test_spaceflight.py's KNOWN_UNMET convention: a listed
    check that fails prints XFAIL with its reason, one that passes fails
    (update the list); --strict on the command line checks every one."""
    if name in known_unmet and "--strict" not in sys.argv[1:]:
        if ok:
            check(name, False, "XPASS (listed in KNOWN_UNMET: update the list): " + detail)
        else:
            print("XFAIL %s: %s\n      known unmet: %s" % (name, detail, known_unmet[name]))
        return
    check(name, ok, detail)


def summary():
    """The closing line run-tests.sh reads: "N passed, N failed"."""
    return "%d passed, %d failed" % (passed, failed)


def finish():
    """Prints the closing line and returns the script's exit status."""
    print(summary())
    return 0 if failed == 0 else 1


def run_main(main):
    """Runs a calibration script's main() and exits with its status; a
    muskx failure (RuntimeError from run()) counts as one more FAIL, and a
    missing build/muskx as the only one."""
    if not os.access(MUSKX, os.X_OK):
        print("FAIL build: %s missing; run make" % MUSKX)
        print("0 passed, 1 failed")
        sys.exit(1)
    try:
        code = main()
    except RuntimeError as e:
        print("FAIL muskx: %s" % e)
        print("%d passed, %d failed" % (passed, failed + 1))
        code = 1
    sys.exit(code)


def info_values(model, names):
    """{name: value} of the parameters NAMES (qualified, e.g. hip_c.k_rbd)
    as `muskx info MODEL` lists them (name, value, unit, doc)."""
    out, _ = run(["info", model])
    vals = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) > 1 and f[0] in names:
            vals[f[0]] = float(f[1])
    return vals


def run(args):
    """Runs build/muskx ARGS; returns (stdout, stderr); raises on failure."""
    # The shipped scenarios and models name sibling folders (../models,
    # ../drugs), which loads read only when allowed (issue 16).
    args = args + ["--allow-path", ROOT]
    r = subprocess.run([MUSKX] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    if r.returncode != 0:
        raise RuntimeError("muskx %s failed (%d): %s"
                           % (" ".join(args), r.returncode, r.stderr.strip()))
    return r.stdout, r.stderr


def run_columns(path, out, over=None):
    """muskx run of the scenario at path into the CSV out, read back as
    {column: [float per row]}."""
    run(["run", path, "-o", out] + sets(over))
    with open(out) as f:
        rows = list(csv.DictReader(f))
    return {k: [float(r[k]) for r in rows] for k in rows[0]}


def at_day(res, col, day):
    """COL of a run_columns() result linearly interpolated at DAY (the
    last value past the end)."""
    t = res["time"]
    for i in range(1, len(t)):
        if t[i] >= day:
            f = (day - t[i - 1]) / (t[i] - t[i - 1])
            return res[col][i - 1] + f * (res[col][i] - res[col][i - 1])
    return res[col][-1]


def parse_sets(argv):
    """The test's own command line's --set NAME=VALUE pairs, as a dict
    (the inverse of sets())."""
    over = {}
    for i, a in enumerate(argv):
        if a == "--set" and i + 1 < len(argv):
            k, v = argv[i + 1].split("=", 1)
            over[k] = float(v)
    return over


def sets(d):
    """--set NAME=VALUE arguments for a dict (values round-trip exactly)."""
    out = []
    for k, v in (d or {}).items():
        out += ["--set", "%s=%r" % (k, v)]
    return out


def simulate_rows(model, t_end, dt, over=None, rtol=1e-10, atol=1e-12):
    """muskx simulate: the CSV rows as dicts of strings."""
    out, _ = run(["simulate", model, "--t-end", repr(t_end), "--dt", repr(dt),
                  "--rtol", repr(rtol), "--atol", repr(atol)] + sets(over))
    return list(csv.DictReader(io.StringIO(out)))


def simulate(model, t_end, dt, over=None, rtol=1e-10, atol=1e-12):
    """muskx simulate: {column: [floats]}."""
    rows = simulate_rows(model, t_end, dt, over, rtol, atol)
    return {k: [float(r[k]) for r in rows] for k in rows[0]}


def simulate_at(model, times, cols, over=None, rtol=1e-10, atol=1e-12):
    """muskx simulate at the given output times, only the selected
    columns: a list of {column: float}, one per time."""
    out, _ = run(["simulate", model, "--times", ",".join(repr(t) for t in times),
                  "--rtol", repr(rtol), "--atol", repr(atol), "--select", ",".join(cols)]
                 + sets(over))
    head, *rows = [l.split(",") for l in out.strip().splitlines()]
    return [{k: float(v) for k, v in zip(head, r)} for r in rows]


def steady(model, over=None):
    """muskx steady --eigen: ({name: value}, verdict, [eigenvalues],
    residual) from the CSV on stdout and the report on stderr."""
    out, err = run(["steady", model, "--eigen"] + sets(over))
    vals = {}
    for row in csv.reader(io.StringIO(out)):
        if row and row[0] != "name":
            vals[row[0]] = float(row[1])
    verdict, eig, resid, in_eig = None, [], None, False
    for line in err.splitlines():
        if line.startswith("stability:"):
            verdict = line.split(":", 1)[1].strip()
        elif "residual" in line and resid is None:
            resid = float(line.split("residual")[1].split()[0])
        elif line.startswith("eigenvalues ("):
            in_eig = True
        elif in_eig and line.startswith("  "):
            re_, im_ = line.split()
            eig.append(complex(float(re_), float(im_)))
    return vals, verdict, eig, resid


def scenario(tmp, model, name, phases, drugs, outputs, over=None, pm_calcium=None):
    """Writes and runs a scenario on MODEL in TMP: PHASES and DRUGS are
    YAML flow texts, PM_CALCIUM (mg/day) sets the postmenopausal trial
    population with that calcium intake; returns {column: [floats]}."""
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write("muskx_scenario: 1\n")
        f.write("scenario: {id: %s, name: %s}\n" % (name, name))
        f.write("model: %s\n" % model)
        if pm_calcium is not None:
            f.write("set: {postmenopausal: 1, calcium_intake: %g}\n" % pm_calcium)
        f.write("start: steady\nphases:\n")
        for ph in phases:
            f.write("  - %s\n" % ph)
        if drugs:
            f.write("countermeasures:\n")
            for d in drugs:
                f.write("  - drug: %s\n" % d)
        f.write("outputs: [%s]\nsampling: 1 d\n" % ", ".join(outputs))
    out = os.path.join(tmp, name + ".csv")
    run(["run", path, "-o", out] + sets(over or {}))
    with open(out) as f:
        rows = list(csv.DictReader(f))
    return {k: [float(r[k]) for r in rows] for k in rows[0]}


def read_tsv(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def write_tsv(path, head, rows):
    with open(path, "w") as f:
        f.write("\t".join(head) + "\n")
        for r in rows:
            f.write("\t".join(str(r.get(h, "")) for h in head) + "\n")


def petab_simulations(d, problem_dir, cond, outputs, times):
    """{(condition, output, day): value} from `muskx petab --simulations` of
    a PEtab problem written into folder D: the model and parameters of
    PROBLEM_DIR, the condition rows COND, one observable per output in
    OUTPUTS, and a dummy measurement of each at each day of TIMES
    ({condition: [day, ...]})"""
    write_tsv(os.path.join(d, "conditions.tsv"), list(cond[0].keys()), cond)
    with open(os.path.join(problem_dir, "parameters.tsv")) as src, \
            open(os.path.join(d, "parameters.tsv"), "w") as dst:
        dst.write(src.read())
    write_tsv(os.path.join(d, "observables.tsv"),
              ["observableId", "observableFormula", "noiseFormula", "noiseDistribution"],
              [{"observableId": "obs_" + o, "observableFormula": o,
                "noiseFormula": "noiseParameter1_obs_" + o, "noiseDistribution": "normal"}
               for o in outputs])
    meas = [{"observableId": "obs_" + o, "simulationConditionId": c,
             "preequilibrationConditionId": "", "time": repr(t),
             "measurement": "0", "noiseParameters": "1"}
            for c, ts in times.items() for t in ts for o in outputs]
    write_tsv(os.path.join(d, "measurements.tsv"),
              ["observableId", "simulationConditionId", "preequilibrationConditionId", "time",
               "measurement", "noiseParameters"], meas)
    with open(os.path.join(d, "problem.yml"), "w") as f:
        f.write("format_version: 1\nparameter_file: parameters.tsv\nproblems:\n"
                "- condition_files: [conditions.tsv]\n  measurement_files: [measurements.tsv]\n"
                "  observable_files: [observables.tsv]\n  sbml_files: [%s]\n"
                % os.path.join(problem_dir, "model.yaml"))
    sim = os.path.join(d, "sim.tsv")
    run(["petab", os.path.join(d, "problem.yml"), "--simulations", sim])
    return {(r["simulationConditionId"], r["observableId"][4:], float(r["time"])): float(r["simulation"])
            for r in read_tsv(sim)}
