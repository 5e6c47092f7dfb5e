"""test_petab.py -- `muskx petab` against independent references.

1. The PEtab test suite (v1.0.0, SBML): every case's llh, chi2 and
   simulations table within the tolerances of its _NNNN_solution.yaml
   (references computed by the PEtab reference implementation).
2. The PEtab benchmark problems: llh within max(0.01, 1e-5 |llh|) of
   AMICI's values in ../shared/petab-benchmarks/README.md, at
   rtol = atol = 1e-8.
3. Small problems with closed-form answers, on muskx YAML models: Laplace
   noise, log and log10 transformations, time inf (steady state), a
   placeholder noise formula; and on an SBML model, an event whose trigger
   (time > 0) turns true just after the start.
4. Bad input: each a clear error naming file, line and column.

Run from anywhere with Debian's python3 (standard library only); the last
line is "N passed, N failed". Uses build/muskx.
"""
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MUSKX = os.path.join(ROOT, "build", "muskx")
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))
SUITE = os.path.join(SHARED, "petab-test-suite", "v1.0.0", "sbml")
BENCH = os.path.join(SHARED, "petab-benchmarks")

passed = 0
failed = 0


def check(name, ok, detail):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print("%s %s: %s" % ("PASS" if ok else "FAIL", name, detail))


def run_petab(problem, *args):
    """(exit code, llh, chi2, stdout, stderr) of `muskx petab`."""
    p = subprocess.run([MUSKX, "petab", problem] + list(args),
                       capture_output=True, text=True, timeout=120)
    llh = chi2 = None
    lines = p.stdout.splitlines()
    if p.returncode == 0 and len(lines) == 2:
        m1 = re.fullmatch(r"llh = (\S+)", lines[0])
        m2 = re.fullmatch(r"chi2 = (\S+)", lines[1])
        if m1 and m2:
            llh, chi2 = float(m1.group(1)), float(m2.group(1))
    return p.returncode, llh, chi2, p.stdout, p.stderr


def read_solution(path):
    """The flat key: value lines of a test-suite solution file."""
    sol = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"^(\w+):\s*(\S+)\s*$", line)
            if m:
                sol[m.group(1)] = m.group(2)
            m = re.match(r"^- (\S+)\s*$", line)
            if m:
                sol.setdefault("simulation_files", []).append(m.group(1))
    return sol


def read_tsv(path):
    with open(path) as f:
        rows = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    return rows[0], rows[1:]


def simulations_distance(ours, ref):
    """Largest |difference| of the simulation column, rows in order; None
    when the tables do not line up (columns or row keys differ)."""
    h1, r1 = read_tsv(ours)
    h2, r2 = read_tsv(ref)
    if len(r1) != len(r2) or "simulation" not in h1:
        return None
    s1, s2 = h1.index("simulation"), h2.index("simulation")
    keys = ["observableId", "simulationConditionId", "time"]
    worst = 0.0
    for a, b in zip(r1, r2):
        for k in keys:
            va, vb = a[h1.index(k)], b[h2.index(k)]
            if (float(va) != float(vb)) if k == "time" else va != vb:
                return None
        worst = max(worst, abs(float(a[s1]) - float(b[s2])))
    return worst


def test_suite(tmp):
    cases = sorted(d for d in os.listdir(SUITE) if re.fullmatch(r"\d{4}", d))
    check("suite has 20 cases", len(cases) == 20, "%d found" % len(cases))
    for case in cases:
        d = os.path.join(SUITE, case)
        sol = read_solution(os.path.join(d, "_%s_solution.yaml" % case))
        out = os.path.join(tmp, "sim_%s.tsv" % case)
        rc, llh, chi2, _, err = run_petab(os.path.join(d, "_%s.yaml" % case),
                                          "--simulations", out)
        if llh is None:
            check("case %s" % case, False, "failed: %s" % err.strip())
            continue
        tl, tc, ts = (float(sol["tol_llh"]), float(sol["tol_chi2"]),
                      float(sol["tol_simulations"]))
        dl, dc = abs(llh - float(sol["llh"])), abs(chi2 - float(sol["chi2"]))
        ds = simulations_distance(
            out, os.path.join(d, sol["simulation_files"][0]))
        check("case %s llh" % case, dl < tl,
              "%.12g vs %s (|d| %.2g, tol %g)" % (llh, sol["llh"], dl, tl))
        check("case %s chi2" % case, dc < tc,
              "%.12g vs %s (|d| %.2g, tol %g)" % (chi2, sol["chi2"], dc, tc))
        check("case %s simulations" % case, ds is not None and ds < ts,
              "max |d| %s (tol %g)" % (ds, ts))


def bench_references():
    refs = {}
    with open(os.path.join(BENCH, "README.md")) as f:
        for line in f:
            m = re.match(r"^\| (\w+) \| (-?[\d.]+) \|", line)
            if m:
                refs[m.group(1)] = float(m.group(2))
    return refs


def test_benchmarks():
    refs = bench_references()
    check("benchmarks: 8 references", len(refs) == 8, "%d found" % len(refs))
    for name, ref in sorted(refs.items()):
        problem = os.path.join(BENCH, name, name + ".yaml")
        rc, llh, _, _, err = run_petab(problem, "--rtol", "1e-8",
                                       "--atol", "1e-8")
        tol = max(0.01, 1e-5 * abs(ref))
        if llh is None:
            check("benchmark %s" % name, False, "failed: %s" % err.strip())
            continue
        check("benchmark %s llh" % name, abs(llh - ref) <= tol,
              "%.12g vs AMICI %.12g (|d| %.2g, tol %g)"
              % (llh, ref, abs(llh - ref), tol))


PARAMS_HEAD = "parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate\n"


def write_problem(d, model_yaml, observables, measurements, parameters,
                  conditions="conditionId\nc0\n", model_name="model.yaml"):
    os.makedirs(d, exist_ok=True)
    files = {model_name: model_yaml, "observables.tsv": observables,
             "measurements.tsv": measurements, "parameters.tsv": parameters,
             "conditions.tsv": conditions,
             "problem.yaml":
                 "format_version: 1\nparameter_file: parameters.tsv\n"
                 "problems:\n- condition_files: [conditions.tsv]\n"
                 "  measurement_files: [measurements.tsv]\n"
                 "  observable_files: [observables.tsv]\n"
                 "  sbml_files: [%s]\n" % model_name}
    for name, text in files.items():
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    return os.path.join(d, "problem.yaml")


# dA/dt = k (c - A), A(0) = a0: A(t) = c + (a0 - c) exp(-k t); steady A = c.
RELAX = """muskx: 1
model: {id: relax}
parameters: {k: 0.5, c: 3.0, a0: 1.0}
species: {A: a0}
odes: {A: k * (c - A)}
"""


def relax(t, k=0.5, c=3.0, a0=1.0):
    return c if math.isinf(t) else c + (a0 - c) * math.exp(-k * t)


def test_closed_form(tmp):
    meas = [(1.0, 2.5), (2.0, 2.0), (float("inf"), 3.3)]
    table = "observableId\tsimulationConditionId\ttime\tmeasurement\tnoiseParameters\n"
    table += "".join("obs\tc0\t%s\t%r\tsd\n" % ("inf" if math.isinf(t) else t, m)
                     for t, m in meas)
    params = PARAMS_HEAD + "k\tlog10\t0.01\t10\t0.5\t1\nsd\tlin\t0.01\t10\t0.4\t1\n"
    for dist in ("normal", "laplace"):
        for tr in ("lin", "log", "log10"):
            obs = ("observableId\tobservableFormula\tnoiseFormula\t"
                   "observableTransformation\tnoiseDistribution\n"
                   "obs\t2 * A\tnoiseParameter1_obs\t%s\t%s\n" % (tr, dist))
            p = write_problem(os.path.join(tmp, "cf_%s_%s" % (dist, tr)),
                              RELAX, obs, table, params)
            f = {"lin": lambda x: x, "log": math.log,
                 "log10": math.log10}[tr]
            jac = {"lin": lambda m: 0.0, "log": math.log,
                   "log10": lambda m: math.log(m * math.log(10))}[tr]
            sd, llh, chi2 = 0.4, 0.0, 0.0
            for t, m in meas:
                r = (f(m) - f(2 * relax(t))) / sd
                chi2 += r * r
                if dist == "normal":
                    llh += -0.5 * math.log(2 * math.pi * sd * sd) - 0.5 * r * r
                else:
                    llh += -math.log(2 * sd) - abs(r)
                llh -= jac(m)
            rc, got, gchi2, _, err = run_petab(p, "--rtol", "1e-10",
                                               "--atol", "1e-12")
            ok = got is not None and abs(got - llh) < 1e-6 and \
                abs(gchi2 - chi2) < 1e-6
            check("closed form %s %s" % (dist, tr), ok,
                  "llh %s vs %.10g, chi2 %s vs %.10g %s"
                  % (got, llh, gchi2, chi2, err.strip()))


def relax_llh(theta):
    """Closed form of tests/petab/relax/problem.yaml at theta = (log10 k,
    sd): see tests/test_petab.c."""
    k, sd = 10 ** theta[0], theta[1]
    sims = [2 * (3 - 2 * math.exp(-k)), 6.0, 2 * (3 + 2 * math.exp(-2 * k))]
    llh = 0.0
    for y, m, s in zip(sims, (2.5, 6.6, 6.8), (sd, sd, 0.5)):
        r = (m - y) / s
        llh += -0.5 * math.log(2 * math.pi * s * s) - 0.5 * r * r
    y, m = 3 - 2 * math.exp(-2 * k), 2.2
    r = (math.log10(m) - math.log10(y)) / 0.1
    return llh - math.log(2 * 0.1) - abs(r) - math.log(m * math.log(10))


def test_gradient_cli():
    problem = os.path.join(ROOT, "tests", "petab", "relax", "problem.yaml")
    p = subprocess.run([MUSKX, "petab", problem, "--gradient", "--rtol",
                        "1e-10", "--atol", "1e-12"], capture_output=True,
                       text=True, timeout=60)
    got = dict(re.findall(r"^d llh / d (\w+) = (\S+)$", p.stdout, re.M))
    theta = [math.log10(0.5), 0.4]
    ok = p.returncode == 0 and len(p.stdout.splitlines()) == 4
    for k, name in enumerate(("k", "sd")):
        tp, tm = list(theta), list(theta)
        tp[k] += 1e-6
        tm[k] -= 1e-6
        fd = (relax_llh(tp) - relax_llh(tm)) / 2e-6
        g = float(got.get(name, "nan"))
        ok = ok and abs(g - fd) <= 1e-5 * (1 + abs(fd))
        check("--gradient d llh / d %s" % name, ok,
              "%s vs central differences of the closed form %.10g" % (g, fd))


# An SBML Level 2 event whose trigger is false at t0 and true just after it
# (time > 0, as in the Benchmark Collection's Swameye_PNAS2003 input
# spline) fires at t0+: L2 triggers start "true" (no firing if already
# true at t0), but time > 0 is false at t0 itself. dx/dt = A, A = 0 until
# the events: A := 2 at 0+, A := 0.5 at t > 1, so x(t) = 2 t up to t = 1,
# then 2 + 0.5 (t - 1). Before the fix the first event never fired (x = 0
# until t = 1).
EVENT_T0_SBML = """<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level2/version4" level="2" version="4">
<model id="event_t0">
<listOfCompartments><compartment id="c" size="1"/></listOfCompartments>
<listOfSpecies><species id="x" compartment="c" initialConcentration="0"/></listOfSpecies>
<listOfParameters><parameter id="A" value="0" constant="false"/>
<parameter id="a1" value="2"/><parameter id="a2" value="0.5"/></listOfParameters>
<listOfRules><rateRule variable="x"><math xmlns="http://www.w3.org/1998/Math/MathML">
<ci> A </ci></math></rateRule></listOfRules>
<listOfEvents>
%s
</listOfEvents></model></sbml>
"""
EVENT_T0_EVENT = """<event id="e%d"><trigger><math xmlns="http://www.w3.org/1998/Math/MathML">
<apply><gt/><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time"> time </csymbol>
<cn> %s </cn></apply></math></trigger><listOfEventAssignments><eventAssignment variable="A">
<math xmlns="http://www.w3.org/1998/Math/MathML"><ci> %s </ci></math></eventAssignment>
</listOfEventAssignments></event>"""


def test_event_at_start(tmp):
    sbml = EVENT_T0_SBML % "\n".join([EVENT_T0_EVENT % (1, "0", "a1"),
                                      EVENT_T0_EVENT % (2, "1", "a2")])
    obs = ("observableId\tobservableFormula\tnoiseFormula\n"
           "xo\tx\tnoiseParameter1_xo\n")
    meas = [(0.5, 1.1), (1.5, 2.2), (3.0, 3.3)]
    table = "observableId\tsimulationConditionId\ttime\tmeasurement\tnoiseParameters\n"
    table += "".join("xo\tc0\t%r\t%r\t0.2\n" % tm for tm in meas)
    params = PARAMS_HEAD + "a1\tlin\t0\t10\t2\t1\n"
    p = write_problem(os.path.join(tmp, "event_t0"), sbml, obs, table,
                      params, model_name="model.xml")

    def x(t, a1=2.0):
        return a1 * t if t <= 1 else a1 + 0.5 * (t - 1)

    def llh_of(a1):
        return sum(-0.5 * math.log(2 * math.pi * 0.04)
                   - 0.5 * ((m - x(t, a1)) / 0.2) ** 2 for t, m in meas)
    llh = llh_of(2.0)
    rc, got, _, _, err = run_petab(p, "--rtol", "1e-10", "--atol", "1e-12")
    check("event with time > 0 fires at t0+ (llh)",
          got is not None and abs(got - llh) < 1e-6,
          "llh %s vs closed form %.10g %s" % (got, llh, err.strip()))
    g = subprocess.run([MUSKX, "petab", p, "--gradient", "--rtol", "1e-10",
                        "--atol", "1e-12"], capture_output=True, text=True,
                       timeout=60)
    m = re.search(r"^d llh / d a1 = (\S+)$", g.stdout, re.M)
    fd = (llh_of(2.0 + 1e-6) - llh_of(2.0 - 1e-6)) / 2e-6
    check("event with time > 0 fires at t0+ (gradient)",
          m is not None and abs(float(m.group(1)) - fd) <= 1e-6 * (1 + abs(fd)),
          "d llh / d a1 = %s vs closed form %.10g" % (m.group(1) if m else None, fd))


# PEtab v1: nominalValue is "optional, unless estimate==0". A problem whose
# estimated parameter b leaves it empty has no nominal point: muskx petab
# must say so at the cell, muskx fit must still fit it. obs = b, sigma 1,
# data 1 and 3: the optimum is b = 2, llh = -log(2 pi) - 1.
def test_missing_nominal(tmp):
    obs = "observableId\tobservableFormula\tnoiseFormula\nobs\tb\t1\n"
    meas = ("observableId\tsimulationConditionId\ttime\tmeasurement\n"
            "obs\tc0\t1\t1.0\nobs\tc0\t2\t3.0\n")
    p = write_problem(os.path.join(tmp, "nominal_missing"), RELAX, obs, meas,
                      PARAMS_HEAD + "b\tlin\t0\t10\t\t1\n")
    rc, _, _, out, err = run_petab(p)
    check("estimated parameter without nominalValue: muskx petab says where",
          rc == 1 and out == "" and re.search(
              r"parameters\.tsv:2:\d+: 'b' has no nominalValue", err)
          is not None, "exit %d, stderr %r" % (rc, err.strip()))
    out_dir = os.path.join(tmp, "nominal_missing_fit")
    f = subprocess.run([MUSKX, "fit", p, "-o", out_dir, "--starts", "3",
                        "--seed", "1", "--threads", "1"],
                       capture_output=True, text=True, timeout=120)
    m = re.search(r"best llh = (\S+)", f.stdout)
    want = -math.log(2 * math.pi) - 1.0
    best = None
    if os.path.exists(os.path.join(out_dir, "parameters.tsv")):
        head, rows = read_tsv(os.path.join(out_dir, "parameters.tsv"))
        best = float(rows[0][head.index("nominalValue")])
    check("estimated parameter without nominalValue: muskx fit fits it",
          f.returncode == 0 and m is not None and
          abs(float(m.group(1)) - want) < 1e-6 and best is not None and
          abs(best - 2.0) < 1e-4,
          "exit %d, llh %s vs %.10g, b %s vs 2 %s" % (
              f.returncode, m.group(1) if m else None, want, best,
              f.stderr.strip()[:300]))
    p = write_problem(os.path.join(tmp, "nominal_missing_fixed"), RELAX, obs,
                      meas, PARAMS_HEAD + "b\tlin\t0\t10\t\t0\n")
    rc, _, _, out, err = run_petab(p)
    check("fixed parameter without nominalValue: refused at the cell",
          rc == 1 and re.search(r"parameters\.tsv:2:\d+: nominalValue of "
                                r"'b' must be a finite number", err)
          is not None, "exit %d, stderr %r" % (rc, err.strip()))


def expect_error(name, problem, pattern):
    rc, _, _, out, err = run_petab(problem)
    ok = rc == 1 and out == "" and re.search(pattern, err) is not None
    check("error: " + name, ok, "exit %d, stderr %r" % (rc, err.strip()))


def test_errors(tmp):
    base = os.path.join(SUITE, "0001")

    def case(tag, fname=None, text=None):
        d = os.path.join(tmp, "err_" + tag)
        shutil.copytree(base, d)
        if fname is not None:
            path = os.path.join(d, fname)
            if text is None:
                os.remove(path)
            else:
                with open(path, "w") as f:
                    f.write(text)
        return os.path.join(d, "_0001.yaml")

    mhead = "observableId\tsimulationConditionId\ttime\tmeasurement\n"
    expect_error("malformed row",
                 case("row", "_measurements.tsv",
                      mhead + "obs_a\tc0\t0\t0.7\n" "obs_a\tc0\t10\n"),
                 r"_measurements\.tsv:3:1: malformed row: 3 fields, but the "
                 r"header has 4")
    expect_error("unknown observable",
                 case("obs", "_measurements.tsv",
                      mhead + "obs_a\tc0\t0\t0.7\nobs_b\tc0\t10\t0.1\n"),
                 r"_measurements\.tsv:3:1: unknown observable 'obs_b'")
    expect_error("unknown condition",
                 case("cond", "_measurements.tsv",
                      mhead + "obs_a\tc9\t0\t0.7\n"),
                 r"_measurements\.tsv:2:7: unknown simulation condition 'c9'")
    expect_error("non-numeric measurement",
                 case("num", "_measurements.tsv",
                      mhead + "obs_a\tc0\t0\t0.7\nobs_a\tc0\t10\tabc\n"),
                 r"_measurements\.tsv:3:13: measurement 'abc' is not a finite "
                 r"number")
    expect_error("missing file", case("missing", "_observables.tsv"),
                 r"_observables\.tsv: cannot read table .*No such file")
    outside = os.path.join(tmp, "outside")
    os.makedirs(outside)
    shutil.copy(os.path.join(base, "_model.xml"), outside)
    expect_error("model outside the problem's folder",
                 case("outside", "_0001.yaml",
                      "format_version: 1\nparameter_file: _parameters.tsv\n"
                      "problems:\n- condition_files: [_conditions.tsv]\n"
                      "  measurement_files: [_measurements.tsv]\n"
                      "  observable_files: [_observables.tsv]\n"
                      "  sbml_files: [../outside/_model.xml]\n"),
                 r"cannot read model .*: it is outside the folder")
    expect_error("nominal out of bounds",
                 case("bounds", "_parameters.tsv",
                      PARAMS_HEAD + "a0\tlin\t0\t10\t1.0\t1\n"
                      "k1\tlin\t0\t10\t12.5\t1\n"),
                 r"_parameters\.tsv:3:13: nominalValue 12.5 of 'k1' is "
                 r"outside its bounds \[0, 10\]")
    # the numbers as written: %g printed 0.020000000000000004 as 0.02
    expect_error("nominal just above its bound",
                 case("bounds_ulp", "_parameters.tsv",
                      PARAMS_HEAD + "a0\tlin\t0\t10\t1.0\t1\n"
                      "k1\tlin\t0.01\t0.02\t0.020000000000000004\t1\n"),
                 r"_parameters\.tsv:3:18: nominalValue 0\.020000000000000004 "
                 r"of 'k1' is outside its bounds \[0\.01, 0\.02\]")
    expect_error("lower bound above the upper",
                 case("bounds_swapped", "_parameters.tsv",
                      PARAMS_HEAD + "a0\tlin\t0\t10\t1.0\t1\n"
                      "k1\tlin\t0.020000000000000004\t0.02\t0.02\t1\n"),
                 r"_parameters\.tsv:3:8: lowerBound 0\.020000000000000004 of "
                 r"'k1' is above its upperBound 0\.02")
    expect_error("unknown name in a formula",
                 case("formula", "_observables.tsv",
                      "observableId\tobservableFormula\tnoiseFormula\n"
                      "obs_a\tA + Q\t0.5\n"),
                 r"_observables\.tsv:2:11: 'Q' in a formula of observable "
                 r"'obs_a' is not a name of the model")
    expect_error("built-in with the wrong argument count",
                 case("arity", "_observables.tsv",
                      "observableId\tobservableFormula\tnoiseFormula\n"
                      "obs_a\tmax(A)\t0.5\n"),
                 r"_observables\.tsv:2:7: 'max' takes 2 or more arguments, "
                 r"got 1")
    expect_error("override count",
                 case("override", "_measurements.tsv",
                      mhead.rstrip("\n") + "\tnoiseParameters\n"
                      "obs_a\tc0\t0\t0.7\t1;2\n"),
                 r"_measurements\.tsv:2:16: the observable's formulas have 0 "
                 r"noiseParameter placeholders, but this row gives 2 values")
    expect_error("missing problem file", os.path.join(tmp, "nope.yaml"),
                 r"nope\.yaml: cannot read PEtab problem")


def test_spreadsheet_tables(tmp):
    """Tables saved by a spreadsheet: a UTF-8 byte order mark (it used to
    hide the first column, 'no column observableId') and CRLF line ends
    give the suite's published llh and chi2 for case 0001."""
    case = "0001"
    d = os.path.join(tmp, "bom_" + case)
    shutil.copytree(os.path.join(SUITE, case), d)
    for name in os.listdir(d):
        if name.endswith(".tsv") and "simulation" not in name:
            path = os.path.join(d, name)
            with open(path, "rb") as f:
                body = f.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            with open(path, "wb") as f:
                f.write(b"\xef\xbb\xbf" + body)
    sol = read_solution(os.path.join(d, "_%s_solution.yaml" % case))
    rc, llh, chi2, _, err = run_petab(os.path.join(d, "_%s.yaml" % case))
    ok = llh is not None and abs(llh - float(sol["llh"])) < float(sol["tol_llh"]) \
        and abs(chi2 - float(sol["chi2"])) < float(sol["tol_chi2"])
    check("tables with a BOM and CRLF: the published llh and chi2", ok,
          "exit %d, llh %s chi2 %s vs %s %s: %s" % (rc, llh, chi2, sol["llh"],
                                                   sol["chi2"], err.strip()))


def test_wide_sparse_table(tmp):
    """A table of a wide header and millions of blank lines (16 MiB at
    most): the reader used to reserve newlines x header columns cells up
    front (here 15 million x 20004, terabytes: 'out of memory'); it grows
    its arrays with the rows instead, so the table loads and gives the
    plain table's llh, and a bad row far down is still reported at its
    line."""
    base = os.path.join(SUITE, "0001")
    rc0, llh0, _, _, err0 = run_petab(os.path.join(base, "_0001.yaml"))
    extra = 20000
    nblank = 15000000
    head = "observableId\tsimulationConditionId\ttime\tmeasurement\t" + \
        "\t".join("x%d" % i for i in range(extra)) + "\n"
    pad = "\t" + "\t".join("0" for _ in range(extra)) + "\n"
    rows = "obs_a\tc0\t0\t0.7" + pad + "obs_a\tc0\t10\t0.1" + pad

    def case(tag, tail):
        d = os.path.join(tmp, "wide_" + tag)
        shutil.copytree(base, d)
        with open(os.path.join(d, "_measurements.tsv"), "w") as f:
            f.write(head + rows + "\n" * nblank + tail)
        size = os.path.getsize(os.path.join(d, "_measurements.tsv"))
        return os.path.join(d, "_0001.yaml"), size

    problem, size = case("ok", "")
    rc, llh, _, _, err = run_petab(problem)
    check("wide header, %d blank lines (%.1f MiB): loads, llh as the plain table's" % (nblank, size / 2**20),
          rc0 == 0 and rc == 0 and size < 16 * 2**20 and llh == llh0,
          "exit %d, llh %r vs %r; %s" % (rc, llh, llh0, (err or err0).strip()[:300]))
    problem, size = case("bad", "obs_a\tc0\t10\n")
    line = 3 + nblank + 1
    expect_error("malformed row after %d blank lines under a wide header" % nblank, problem,
                 r"_measurements\.tsv:%d:1: malformed row: 3 fields, but the header has %d"
                 % (line, extra + 4))


def main():
    if not os.access(MUSKX, os.X_OK):
        print("test_petab: %s not built" % MUSKX)
        print("0 passed, 1 failed")
        return 1
    tmp = tempfile.mkdtemp(prefix="muskx-petab-")
    try:
        test_suite(tmp)
        test_benchmarks()
        test_closed_form(tmp)
        test_gradient_cli()
        test_event_at_start(tmp)
        test_missing_nominal(tmp)
        test_errors(tmp)
        test_wide_sparse_table(tmp)
        test_spreadsheet_tables(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
