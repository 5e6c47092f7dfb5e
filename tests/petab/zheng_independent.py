#!/usr/bin/python3
"""zheng_independent.py -- an independent check of the PEtab log-likelihood
of Zheng_PNAS2012 (../shared/petab-benchmarks), issue 15.

A `muskx fit` of Zheng reached llh 290.741, above the published optimum
278.334 (AMICI at the nominal parameters). To tell a genuinely better
optimum from an evaluation error, this script computes the llh without any
libmuskx code: the SBML file is read with Python's xml.etree (MathML of the
kinetic laws, function definitions and the assignment rule translated to
Python here), the ODEs are integrated by scipy's solve_ivp (LSODA, rtol
1e-10, atol 1e-12), the pre-equilibration steady state is found by
integrating to t = 1e7 and polishing with scipy.optimize.root, and the
observables, noise formulas and normal log densities come from the PEtab
tables as the PEtab v1 specification defines them. `muskx petab` is run on
the same parameters (a copy of the problem whose parameter table carries
them as nominal values) and the two llh are compared.

    zheng_independent.py [--params PARAMETERS.tsv] [--quick]

Without --params: the published nominal parameters (whose llh must also
match AMICI's 278.33353271 in the benchmark README, a check of this
re-implementation) and the parameters of tests/petab/zheng_fit_llh290.tsv
and zheng_fit_llh292.tsv, the 290.741 and 292.452 optima of
`muskx fit --seed 1` with 10 and 20 starts (inputs here, not expected
outputs). Each set is also checked to lie within the
bounds of the problem's parameter table. muskx petab runs at rtol = atol
= 1e-8 (the issue's setting; must agree within 1e-3) and, unless --quick,
at rtol 1e-10, atol 1e-12 (must agree within 1e-6). Exit 1 when an llh
differs by more, or a parameter is out of its bounds or scale. About 2 s
(muskx: 0.2 s of it). LSODA, not Radau: Radau's Python-side Newton
solve took minutes instead of seconds with a single-threaded OpenBLAS
(OPENBLAS_NUM_THREADS=1, as make check runs). In `make check`.
"""
import math
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import root

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROB = os.path.join(ROOT, "..", "shared", "petab-benchmarks", "Zheng_PNAS2012")
MUSKX = os.path.join(ROOT, "build", "muskx")
AMICI_LLH = 278.33353271001477  # README of the benchmarks, AMICI at 1e-8
M = "{http://www.w3.org/1998/Math/MathML}"


def tsv(path):
    with open(path) as f:
        head = f.readline().rstrip("\n").split("\t")
        return [dict(zip(head, l.rstrip("\n").split("\t"))) for l in f
                if l.strip()]


# ---- MathML to a Python expression (the subset this model uses)
OPS = {"times": "*", "plus": "+", "divide": "/", "minus": "-", "power": "**"}


def mathml(e):
    tag = e.tag.replace(M, "")
    if tag == "ci":
        return e.text.strip()
    if tag == "cn":
        return repr(float(e.text.strip()))
    if tag == "apply":
        head, *args = list(e)
        h = head.tag.replace(M, "")
        a = ["(" + mathml(x) + ")" for x in args]
        if h == "ci":
            return head.text.strip() + "(" + ", ".join(a) + ")"
        if h == "minus" and len(a) == 1:
            return "-" + a[0]
        if h in OPS:
            return (" " + OPS[h] + " ").join(a)
    raise ValueError("MathML element <%s> not handled by this checker" % tag)


def read_sbml(path):
    m = ET.parse(path).getroot().find("{*}model")
    funcs = {}
    for fd in m.iterfind("{*}listOfFunctionDefinitions/{*}functionDefinition"):
        lam = fd.find(M + "math/" + M + "lambda")
        bv = [b.find(M + "ci").text.strip() for b in lam.iterfind(M + "bvar")]
        body = [c for c in lam if c.tag != M + "bvar"][0]
        funcs[fd.get("id")] = eval("lambda %s: %s" % (", ".join(bv),
                                                      mathml(body)))
    const = {c.get("id"): float(c.get("size"))
             for c in m.iterfind("{*}listOfCompartments/{*}compartment")}
    const.update({p.get("id"): float(p.get("value"))
                  for p in m.iterfind("{*}listOfParameters/{*}parameter")})
    species = [(s.get("id"), float(s.get("initialConcentration")),
                s.get("compartment"))
               for s in m.iterfind("{*}listOfSpecies/{*}species")]
    for s in m.iterfind("{*}listOfSpecies/{*}species"):
        assert s.get("boundaryCondition") == "false"
    rules = [(r.get("variable"), mathml(r.find(M + "math")[0]))
             for r in m.iterfind("{*}listOfRules/{*}assignmentRule")]
    assert not m.findall("{*}listOfInitialAssignments"), "not handled"
    assert not m.findall("{*}listOfEvents"), "not handled"
    reactions = []
    for r in m.iterfind("{*}listOfReactions/{*}reaction"):
        st = {}
        for lst, sign in (("listOfReactants", -1), ("listOfProducts", 1)):
            for sr in r.iterfind("{*}%s/{*}speciesReference" % lst):
                st[sr.get("species")] = (st.get(sr.get("species"), 0)
                                         + sign * float(sr.get("stoichiometry")))
        law = mathml(r.find("{*}kineticLaw/" + M + "math")[0])
        reactions.append((compile(law, r.get("id"), "eval"), st))
    return funcs, const, species, rules, reactions


class Model:
    def __init__(self, sbml):
        self.funcs, self.const, self.species, rules, rxns = read_sbml(sbml)
        self.ids = [s for s, _, _ in self.species]
        idx = {s: i for i, s in enumerate(self.ids)}
        self.rules = [(v, compile(e, v, "eval")) for v, e in rules]
        self.laws = [law for law, _ in rxns]
        # dx/dt = N v / volume: concentrations in a compartment of that size
        self.N = np.zeros((len(self.ids), len(rxns)))
        for j, (_, st) in enumerate(rxns):
            for s, n in st.items():
                self.N[idx[s], j] = n
        self.vol = np.array([self.const[c] for _, _, c in self.species])

    def rhs(self, pars):
        env = dict(self.funcs)
        env.update(self.const)
        env.update(pars)

        def f(t, x):
            env.update(zip(self.ids, x))
            for v, e in self.rules:
                env[v] = eval(e, env)
            v = np.array([eval(law, env) for law in self.laws])
            return self.N @ v / self.vol
        return f


def llh_independent(model, pars, rtol=1e-10, atol=1e-12):
    """PEtab llh of Zheng at linear-scale parameter values pars."""
    conds = {c["conditionId"]: c for c in tsv(os.path.join(
        PROB, "experimentalCondition_Zheng_PNAS2012.tsv"))}
    obs = {o["observableId"]: o for o in tsv(os.path.join(
        PROB, "observables_Zheng_PNAS2012.tsv"))}
    meas = tsv(os.path.join(PROB, "measurementData_Zheng_PNAS2012.tsv"))

    def cond_pars(cid):
        p = dict(pars)
        for k, v in conds[cid].items():
            if k not in ("conditionId", "conditionName"):
                try:
                    p[k] = float(v)
                except ValueError:  # a parameter id
                    p[k] = pars[v]
        return p

    x0 = np.array([c for _, c, _ in model.species])
    out = {}
    for pre, sim in sorted({(m["preequilibrationConditionId"],
                             m["simulationConditionId"]) for m in meas}):
        x = x0
        if pre:
            f = model.rhs(cond_pars(pre))
            s = solve_ivp(f, (0, 1e7), x, method="LSODA", rtol=rtol,
                          atol=atol)
            assert s.success, s.message
            r = root(lambda y: f(0, y), s.y[:, -1], method="hybr",
                     options={"xtol": 1e-14})
            x = r.x if r.success else s.y[:, -1]
            assert np.max(np.abs(f(0, x))) < 1e-10, "no steady state"
        times = sorted({float(m["time"]) for m in meas
                        if (m["preequilibrationConditionId"],
                            m["simulationConditionId"]) == (pre, sim)})
        f = model.rhs(cond_pars(sim))
        s = solve_ivp(f, (0, times[-1]), x, method="LSODA", t_eval=times,
                      rtol=rtol, atol=atol)
        assert s.success, s.message
        for i, t in enumerate(times):
            out[(pre, sim, t)] = dict(zip(model.ids, s.y[:, i]))
    llh = 0.0
    for m in meas:
        o = obs[m["observableId"]]
        assert o["observableTransformation"] == "lin"
        assert o["noiseDistribution"] == "normal"
        env = dict(out[(m["preequilibrationConditionId"],
                        m["simulationConditionId"], float(m["time"]))])
        env.update(pars)
        y = eval(o["observableFormula"], {}, env)
        for i, v in enumerate(m["noiseParameters"].split(";"), 1):
            v = v.strip()
            try:
                env["noiseParameter%d_%s" % (i, o["observableId"])] = float(v)
            except ValueError:
                env["noiseParameter%d_%s" % (i, o["observableId"])] = pars[v]
        sigma = eval(o["noiseFormula"], {}, env)
        r = (float(m["measurement"]) - y) / sigma
        llh -= 0.5 * math.log(2 * math.pi * sigma * sigma) + 0.5 * r * r
    return llh


def muskx_llh(table, rtol, atol):
    """`muskx petab` on a copy of the problem with this parameter table."""
    with tempfile.TemporaryDirectory() as d:
        for f in os.listdir(PROB):
            shutil.copy(os.path.join(PROB, f), d)
        shutil.copy(table, os.path.join(d, "parameters_Zheng_PNAS2012.tsv"))
        p = subprocess.run([MUSKX, "petab", os.path.join(d, "Zheng_PNAS2012.yaml"),
                            "--rtol", str(rtol), "--atol", str(atol)],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(p.stderr)
        return float(p.stdout.split("\n")[0].split("=")[1])


def check_bounds(rows):
    """Linear values within [lowerBound, upperBound]; errors as text."""
    bad = []
    for r in rows:
        v, lo, hi = (float(r[k]) for k in ("nominalValue", "lowerBound",
                                           "upperBound"))
        if not lo * (1 - 1e-12) <= v <= hi * (1 + 1e-12):
            bad.append("%s = %g outside [%g, %g]" % (r["parameterId"], v, lo, hi))
    return bad


def main(argv):
    quick = "--quick" in argv
    if not os.access(MUSKX, os.X_OK):
        print("zheng_independent: %s not built" % MUSKX)
        return 1
    if "--params" in argv:
        sets = [("given", argv[argv.index("--params") + 1])]
    else:
        sets = [("published nominal", os.path.join(
                    PROB, "parameters_Zheng_PNAS2012.tsv")),
                ("muskx fit optimum 290", os.path.join(HERE,
                                                       "zheng_fit_llh290.tsv")),
                ("muskx fit optimum 292", os.path.join(HERE,
                                                       "zheng_fit_llh292.tsv"))]
    model = Model(os.path.join(PROB, "model_Zheng_PNAS2012.xml"))
    ref_rows = {r["parameterId"]: r for r in tsv(os.path.join(
        PROB, "parameters_Zheng_PNAS2012.tsv"))}
    fails = checks = 0
    for name, path in sets:
        rows = tsv(path)
        # the bounds and scales are the problem's, not the file's own
        for r in rows:
            ref = ref_rows[r["parameterId"]]
            for k in ("lowerBound", "upperBound", "parameterScale"):
                if r[k] != ref[k]:
                    print("FAIL %s: %s of %s is %s, the problem says %s"
                          % (name, k, r["parameterId"], r[k], ref[k]))
                    fails += 1
        for b in check_bounds([dict(r, lowerBound=ref_rows[r["parameterId"]]
                                    ["lowerBound"], upperBound=ref_rows[
                                        r["parameterId"]]["upperBound"])
                               for r in rows]):
            print("FAIL %s: %s" % (name, b))
            fails += 1
        on_bound = sum(1 for r in rows if any(
            abs(math.log10(float(r["nominalValue"]) / float(r[k]))) < 1e-6
            for k in ("lowerBound", "upperBound")))
        pars = {r["parameterId"]: float(r["nominalValue"]) for r in rows}
        ind = llh_independent(model, pars)
        tols = [(1e-8, 1e-8, 1e-3)] + ([] if quick else [(1e-10, 1e-12, 1e-6)])
        for rt, at, tol in tols:
            try:
                mx = muskx_llh(path, rt, at)
            except RuntimeError as e:
                print("FAIL %s: muskx petab: %s" % (name, str(e).strip()))
                fails += 1
                checks += 1
                continue
            ok = abs(mx - ind) <= tol
            fails += not ok
            checks += 1
            print("%s %s (%d of %d parameters on a bound): muskx petab "
                  "(rtol %g, atol %g) %.6f, independent (scipy LSODA 1e-10/"
                  "1e-12) %.6f, difference %.2e" % (
                      "ok  " if ok else "FAIL", name, on_bound, len(rows),
                      rt, at, mx, ind, mx - ind))
        if name == "published nominal":
            ok = abs(ind - AMICI_LLH) <= max(0.01, 1e-5 * abs(AMICI_LLH))
            fails += not ok
            checks += 1
            print("%s independent llh at the nominal parameters %.6f vs "
                  "AMICI %.6f (difference %.2e)" % ("ok  " if ok else "FAIL",
                                                   ind, AMICI_LLH,
                                                   ind - AMICI_LLH))
    print("%d passed, %d failed" % (checks - min(fails, checks), fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
