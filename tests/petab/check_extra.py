#!/usr/bin/env python3
"""check_extra.py -- `muskx petab` on further problems of the PEtab
Benchmark Collection (issue 15: "other published problems will be checked
the same way").

The collection's problems are third-party data and are not in this
repository (only the eight of ../shared/petab-benchmarks are shipped).
Fetch any of the problems named in tests/petab/extra_references.tsv from
the collection (github.com/Benchmarking-Initiative/Benchmark-Models-PEtab,
folder Benchmark-Models/NAME/) into FOLDER/NAME/, then run

    /usr/bin/python3 tests/petab/check_extra.py FOLDER [--gradients]
        [--markdown] [NAME ...]

For each problem of the table found in FOLDER it runs `muskx petab` at the
table's tolerances (rtol = atol = 1e-8 unless the table says otherwise,
and why) and compares llh with the table's reference: a pass is
|llh - ref| <= max(0.01, 1e-5 |ref|), the issue's criterion. Where the
problem has the collection's simulatedData table (simulated observables at
the nominal parameters, from another simulator), it also reports the
largest relative difference of our simulations from it, and the llh that
table gives under the PEtab definition (an independent check of the
simulation part; for several problems it is the reference). With
--gradients, each problem's forward sensitivities of the residuals and
sigmas are compared with finite differences as in check_bench_gradients.py
(REL 1e-4). --markdown prints the results as the table of docs/fitting.md.

Not part of make check (the data is not in the repository). Standard
library plus the Python bindings (for --gradients); uses build/muskx.
A reference "refused: REGEX" marks a problem outside PEtab version 1 that
muskx must refuse with a message matching REGEX (counted apart). The last
line is "N passed, N failed, N refused as expected, N missing".
"""
import csv
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MUSKX = os.path.join(ROOT, "build", "muskx")
REFS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "extra_references.tsv")


def read_tsv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def references():
    """Rows of extra_references.tsv, without its '#' comment lines."""
    with open(REFS, newline="") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def run_petab(problem, rtol, atol, simfile):
    t0 = time.time()
    p = subprocess.run([MUSKX, "petab", problem, "--rtol", repr(rtol),
                        "--atol", repr(atol), "--simulations", simfile],
                       capture_output=True, text=True, timeout=600)
    m = re.match(r"llh = (\S+)\nchi2 = (\S+)\n$", p.stdout)
    if p.returncode != 0 or m is None:
        return None, p.stderr.strip() or p.stdout.strip(), time.time() - t0
    return float(m.group(1)), "", time.time() - t0


def problem_file(folder, name, kind):
    """The table of one kind (measurementData, simulatedData...) the
    problem folder holds, or None."""
    d = os.path.join(folder, name)
    hits = sorted(f for f in os.listdir(d) if f.startswith(kind)
                  and f.endswith(".tsv"))
    return os.path.join(d, hits[0]) if hits else None


def row_key(r):
    """What pairs a measurement with its simulated value: observable,
    conditions and time (replicates keep their order; simulatedData tables
    may leave the override columns empty, Swameye's does)."""
    return (r["observableId"], r.get("preequilibrationConditionId") or "",
            r.get("simulationConditionId") or "", float(r["time"]))


def simulated_llh(folder, name):
    """llh of the measurements given the collection's simulatedData (PEtab
    definition: normal or Laplace log density with its normalisation, minus
    log-transformation Jacobians). Only for numeric noise overrides or
    noise formulas in parameters of the parameter table (and the observable
    itself where its formula is a bare model symbol); None otherwise."""
    meas_f = problem_file(folder, name, "measurementData")
    sim_f = problem_file(folder, name, "simulatedData")
    obs_f = problem_file(folder, name, "observables")
    par_f = problem_file(folder, name, "parameters")
    if not (meas_f and sim_f and obs_f and par_f):
        return None
    par = {r["parameterId"]: float(r["nominalValue"]) for r in read_tsv(par_f)}
    obs = {r["observableId"]: r for r in read_tsv(obs_f)}
    meas, sim = read_tsv(meas_f), read_tsv(sim_f)
    if len(meas) != len(sim):
        return None
    # pair rows by observable, conditions and time, in order:
    # the tables need not list them in the same order (Armistead's
    # simulatedData lists the conditions the other way round)
    rows = {}
    for s in sim:
        rows.setdefault(row_key(s), []).append(s)
    llh = 0.0
    for m in meas:
        if not rows.get(row_key(m)):
            return None
        s = rows[row_key(m)].pop(0)
        o = obs[m["observableId"]]
        env = dict(par)
        # a noise formula may use the observable's own model symbol
        # (sigma = sd * Cer); where the observable is that bare symbol, its
        # value is the simulated observable
        formula = (o.get("observableFormula") or "").strip()
        if formula.isidentifier():
            env[formula] = float(s["simulation"])
        env.update({k: getattr(math, k) for k in ("exp", "log", "log10",
                                                   "sqrt", "pi")})
        for i, v in enumerate(x for x in (m.get("noiseParameters") or "")
                              .split(";") if x != ""):
            key = "noiseParameter%d_%s" % (i + 1, o["observableId"])
            try:
                env[key] = float(v)
            except ValueError:
                env[key] = par[v]
        try:
            sigma = eval(o["noiseFormula"].replace("^", "**"),
                         {"__builtins__": {}}, env)
        except (NameError, SyntaxError, KeyError):
            return None
        y, h = float(m["measurement"]), float(s["simulation"])
        tr = o.get("observableTransformation") or "lin"
        jac = 0.0
        if tr == "log":
            jac, y, h = math.log(y), math.log(y), math.log(h)
        elif tr == "log10":
            jac, y, h = math.log(y * math.log(10)), math.log10(y), math.log10(h)
        if (o.get("noiseDistribution") or "normal") == "laplace":
            llh += -math.log(2 * sigma) - abs(y - h) / sigma - jac
        else:
            llh += -0.5 * math.log(2 * math.pi * sigma * sigma) \
                - 0.5 * ((y - h) / sigma) ** 2 - jac
    return llh


def simulation_distance(ours_f, ref_f):
    """Largest |ours - ref| / max(|ref|, 1e-3 max |ref| of the observable)
    over rows matched by observable, condition and time (in order)."""
    if ref_f is None or not os.path.exists(ours_f):
        return None
    key = lambda r: (r["observableId"], r["simulationConditionId"],
                     float(r["time"]))
    ref, scale = {}, {}
    for r in read_tsv(ref_f):
        v = float(r["simulation"])
        ref.setdefault(key(r), []).append(v)
        scale[r["observableId"]] = max(scale.get(r["observableId"], 0), abs(v))
    worst = 0.0
    for r in read_tsv(ours_f):
        vals = ref.get(key(r))
        if not vals:
            return None
        b, a = vals.pop(0), float(r["simulation"])
        worst = max(worst, abs(a - b) / max(abs(b), 1e-3 * scale[r["observableId"]], 1e-300))
    return worst


def gradient_check(folder, name, atol):
    """Worst |J - FD| / tolerance of the residual and sigma sensitivities
    (check_bench_gradients.py's measure; <= 1 passes)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import check_bench_gradients as cbg
    import muskx
    sens = (1e-10, min(1e-10, atol))
    fd = (1e-12, min(1e-12, atol * 1e-4))
    cbg.values = lambda p, theta: (lambda e: list(e["residual"]) + list(
        e["sigma"]))(p.evaluate(theta, rtol=fd[0], atol=fd[1]))
    p = muskx.Problem.from_petab(os.path.join(folder, name, name + ".yaml"),
                                 allow_path=folder)
    theta = list(p.nominal)
    n, m = len(theta), p.nmeasurements
    j = p.jacobian(theta, rtol=sens[0], atol=sens[1])
    dres, dsig = cbg.flat(j["dresidual"]), cbg.flat(j["dsigma"])
    f0 = cbg.values(p, theta)
    worst, where = 0.0, ""
    for k, pid in enumerate(p.parameter_ids):
        col = [dres[i * n + k] for i in range(m)] + \
              [dsig[i * n + k] for i in range(m)]
        best = float("inf")
        for rel in cbg.DEFAULT["steps"]:
            h = rel * max(1.0, abs(theta[k]))
            try:
                d = cbg.quotient(p, theta, f0, k, h, 0)
            except muskx.SolverError:
                continue
            floor = 1e-4 * (1 + max(abs(x) for x in d))
            best = min(best, max(abs(a - b) / (1e-4 * abs(b) + floor)
                                 for a, b in zip(col, d)))
        if not best <= worst:
            worst, where = best, pid
    return worst, where


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    if not args:
        print("usage: check_extra.py FOLDER [--gradients] [--markdown] [NAME ...]")
        return 2
    folder, only = os.path.abspath(args[0]), set(args[1:])
    grads, markdown = "--gradients" in argv, "--markdown" in argv
    passed = failed = missing = refused = 0
    rows = []
    tmp = tempfile.mkdtemp(prefix="muskx-extra-")
    for ref in references():
        name = ref["problem"]
        if only and name not in only:
            continue
        yaml_f = os.path.join(folder, name, name + ".yaml")
        if not os.path.isfile(yaml_f):
            missing += 1
            print("missing %s: %s not found" % (name, yaml_f))
            continue
        rtol, atol = float(ref["rtol"]), float(ref["atol"])
        simfile = os.path.join(tmp, name + ".tsv")
        llh, err, secs = run_petab(yaml_f, rtol, atol, simfile)
        if ref["llh"].startswith("refused:"):
            # a problem outside PEtab v1 that muskx must refuse clearly
            ok = llh is None and re.search(ref["llh"][8:], err) is not None
            print("%s %s: %s" % ("REFUSED" if ok else "FAIL", name,
                                 err if llh is None else "llh %.10g, "
                                 "expected a refusal" % llh))
            refused += ok
            failed += not ok
            rows.append((name, None, llh, ok, ref, None, ""))
            continue
        want = float(ref["llh"])
        tol = max(0.01, 1e-5 * abs(want))
        ok = llh is not None and abs(llh - want) <= tol
        dist = simulation_distance(simfile, problem_file(folder, name,
                                                         "simulatedData"))
        sim_llh = simulated_llh(folder, name)
        detail = ("llh %.10g vs %.10g (%s), |d| %.3g, tol %.3g, %.2f s"
                  % (llh, want, ref["source"], abs(llh - want), tol, secs)
                  if llh is not None else "error: " + err)
        if dist is not None:
            detail += "; simulatedData: worst rel. diff %.2g" % dist
        if sim_llh is not None:
            detail += ", its llh %.10g" % sim_llh
        gtxt = ""
        if grads and llh is not None:
            try:
                g, where = gradient_check(folder, name, atol)
                gtxt = "sensitivities %s (worst %.3g, %s)" % (
                    "ok" if g <= 1 else "FAIL", g, where)
            except Exception as e:  # report, do not stop the others
                gtxt = "sensitivities: error %s" % e
            detail += "; " + gtxt
        print("%s %s: %s" % ("PASS" if ok else "FAIL", name, detail))
        sys.stdout.flush()
        passed += ok
        failed += not ok
        rows.append((name, want, llh, ok, ref, dist, gtxt))
    shutil.rmtree(tmp, ignore_errors=True)
    if markdown:
        print("\n| problem | reference llh | source | muskx llh | abs diff | "
              "pass | simulatedData rel. diff | tolerances |")
        print("| --- | ---: | --- | ---: | ---: | --- | ---: | --- |")
        for name, want, llh, ok, ref, dist, _ in rows:
            if want is None:
                print("| %s | - | %s | refused | - | %s | - | - |" % (
                    name, ref["source"], "refused" if ok else "FAIL"))
                continue
            print("| %s | %.10g | %s | %s | %s | %s | %s | %s |" % (
                name, want, ref["source"],
                "%.10g" % llh if llh is not None else "error",
                "%.2g" % abs(llh - want) if llh is not None else "-",
                "pass" if ok else "FAIL",
                "%.1g" % dist if dist is not None else "-",
                "rtol %s, atol %s" % (ref["rtol"], ref["atol"])))
    print("%d passed, %d failed, %d refused as expected, %d missing"
          % (passed, failed, refused, missing))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
