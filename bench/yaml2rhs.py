#!/usr/bin/python3
"""yaml2rhs.py -- writes the right-hand side of a muskx model (muskx-model(5))
as plain Python or R code, so that `make bench` can give scipy's solve_ivp
and R's deSolve the very equations and parameters libmuskx solves.

Benchmark code, not part of the library: it covers what the benchmark
models use (parameters and initial values as numbers or expressions,
constant inputs, assignments, reactions with explicit rates, `odes`) and
stops with a message on anything else (compartments, input tables,
events that change state). The code it writes is what a user of those
tools would write by hand: one function, the state unpacked into named
variables, parameters as constants, no vectorisation tricks.

    yaml2rhs.py MODEL.yaml python|r [--input NAME=VALUE ...]

Event handling: events whose `set` adds an amount that is zero at the
model's parameter values (drug doses with dose 0) are dropped. They change
nothing, and libmuskx does not restart CVODE at such an event (only at one
that changes a state, a parameter or an input), so STOPS, the times where
the benchmark scripts restart their solvers, is empty for them. (Until
2026-11-25 their times were stops, and scipy and deSolve restarted there
while libmuskx had stopped doing so: work the other tools did for nothing.)
"""
import math
import re
import sys

import yaml

FUNCS_PY = {
    "exp": "math.exp", "log": "math.log", "ln": "math.log",
    "log10": "math.log10", "sqrt": "math.sqrt", "pow": "math.pow",
    "abs": "abs", "min": "min", "max": "max", "floor": "math.floor",
    "ceil": "math.ceil", "sin": "math.sin", "cos": "math.cos",
    "tan": "math.tan", "tanh": "math.tanh", "hill": "hill",
    "hill_inh": "hill_inh",
}
FUNCS_R = {"ln": "log", "pow": "`^`", "if": "ifelse"}
IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def fail(msg):
    sys.exit(f"yaml2rhs: {msg}")


def hill(x, k, n):
    return x ** n / (k ** n + x ** n)


def hill_inh(x, k, n):
    return k ** n / (k ** n + x ** n)


def to_py(expr):
    """muskx expression -> Python expression (identifiers unchanged)."""
    s = str(expr).replace("^", "**")
    return IDENT.sub(lambda m: FUNCS_PY.get(m.group(0), m.group(0))
                     if _is_call(s, m) else m.group(0), s)


def to_r(expr):
    s = str(expr)
    return IDENT.sub(lambda m: FUNCS_R.get(m.group(0), m.group(0))
                     if _is_call(s, m) else m.group(0), s)


def _is_call(s, m):
    rest = s[m.end():].lstrip()
    return rest.startswith("(")


def idents(expr):
    return set(IDENT.findall(str(expr)))


def value_of(entry, key):
    if isinstance(entry, dict):
        return entry.get(key)
    return entry


def parse_side(side):
    out = {}
    for term in side.split("+"):
        term = term.strip()
        if not term:
            continue
        m = re.fullmatch(r"(\d+(?:\.\d*)?)\s+(\w+)", term)
        coef, name = (float(m.group(1)), m.group(2)) if m else (1.0, term)
        out[name] = out.get(name, 0.0) + coef
    return out


class Model:
    def __init__(self, path, inputs):
        # BaseLoader: every scalar a string, so that species such as NO
        # and ON stay names (YAML 1.1 would read them as booleans).
        with open(path) as f:
            d = yaml.load(f, Loader=yaml.BaseLoader)
        if d.get("compartments"):
            fail(f"{path}: compartments are not supported")
        self.path = path
        env = {"math": math, "hill": hill, "hill_inh": hill_inh,
               "__builtins__": {"abs": abs, "min": min, "max": max}}
        # inputs: constants (default, or the override)
        for name, e in (d.get("inputs") or {}).items():
            v = inputs.get(name, value_of(e, "default"))
            if v is None:
                fail(f"{path}: input '{name}' needs --input {name}=VALUE")
            env[name] = float(v)
        # parameters: numbers or expressions of earlier ones, any order
        pending = {n: value_of(e, "value")
                   for n, e in (d.get("parameters") or {}).items()}
        self.params = {}
        while pending:
            progress = False
            for n, e in list(pending.items()):
                try:
                    env[n] = self.params[n] = float(eval(to_py(e), env))
                except NameError:
                    continue
                del pending[n]
                progress = True
            if not progress:
                fail(f"{path}: cannot evaluate parameters {sorted(pending)}")
        self.species = list((d.get("species") or {}).keys())
        self.y0 = []
        for n, e in d["species"].items():
            if isinstance(e, dict) and e.get("constant") in ("true", "yes"):
                fail(f"{path}: constant species are not supported")
            self.y0.append(float(eval(to_py(value_of(e, "initial")), env)))
        self.inputs = {n: env[n] for n in (d.get("inputs") or {})}
        # assignments, in dependency order
        asg = dict(d.get("assignments") or {})
        self.assignments = []
        done = set(self.params) | set(self.species) | set(self.inputs) | {"t"}
        while asg:
            ready = [n for n, e in asg.items()
                     if idents(e) - set(FUNCS_PY) <= done | set(FUNCS_PY)]
            ready = [n for n in ready
                     if not (idents(asg[n]) & (set(asg) - {n}))]
            if not ready:
                fail(f"{path}: circular assignments {sorted(asg)}")
            for n in ready:
                self.assignments.append((n, asg.pop(n)))
                done.add(n)
        # reactions -> rate names and net stoichiometry
        self.rates = []
        self.terms = {s: [] for s in self.species}
        for i, r in enumerate(d.get("reactions") or []):
            eq = r["equation"]
            arrow = "<->" if "<->" in eq else "->"
            lhs, rhs = eq.split(arrow)
            net = {}
            for s, c in parse_side(lhs).items():
                net[s] = net.get(s, 0.0) - c
            for s, c in parse_side(rhs).items():
                net[s] = net.get(s, 0.0) + c
            name = f"rate_{i + 1}"
            self.rates.append((name, r["rate"]))
            for s, c in net.items():
                if c != 0:
                    if s not in self.terms:
                        fail(f"{path}: reaction {i + 1}: unknown species {s}")
                    self.terms[s].append((c, name))
        self.odes = dict(d.get("odes") or {})
        # events: only zero doses are allowed; they change nothing, so
        # their times are not stops (see the docstring)
        self.stops = []
        for e in d.get("events") or []:
            for target, expr in (e.get("set") or {}).items():
                added = eval(to_py(expr), dict(env, **{target: 0.0}))
                if added != 0.0:
                    fail(f"{path}: event '{e.get('id')}' changes '{target}'"
                         " (events with an effect are not supported)")
            if "at" not in e:
                fail(f"{path}: event '{e.get('id')}' is not timed")
        self.stops = sorted(set(self.stops))

    def derivative(self, s, lang):
        if s in self.odes:
            return (to_py if lang == "python" else to_r)(self.odes[s])
        parts = []
        for c, name in self.terms[s]:
            mag = abs(c)
            t = name if mag == 1 else f"{mag!r}*{name}"
            parts.append(("- " if c < 0 else "+ ") + t)
        if not parts:
            return "0.0"
        out = " ".join(parts)
        return out[2:] if out.startswith("+ ") else "-" + out[2:]


def gen_python(m):
    L = [f"# generated by bench/yaml2rhs.py from {m.path}; do not edit",
         "import math", "",
         "def hill(x, k, n):", "    return x**n/(k**n + x**n)", "",
         "def hill_inh(x, k, n):", "    return k**n/(k**n + x**n)", ""]
    for n, v in m.params.items():
        L.append(f"{n} = {v!r}")
    for n, v in m.inputs.items():
        L.append(f"{n} = {v!r}")
    L.append(f"SPECIES = {m.species!r}")
    L.append(f"Y0 = {m.y0!r}")
    L.append(f"STOPS = {m.stops!r}")
    L += ["", "def rhs(t, y):"]
    L.append(f"    {', '.join(m.species)}{',' if len(m.species) == 1 else ''}"
             " = y")
    for n, e in m.assignments:
        L.append(f"    {n} = {to_py(e)}")
    for n, e in m.rates:
        L.append(f"    {n} = {to_py(e)}")
    L.append("    return [" + ", ".join(m.derivative(s, "python")
                                        for s in m.species) + "]")
    return "\n".join(L) + "\n"


def gen_r(m):
    L = [f"# generated by bench/yaml2rhs.py from {m.path}; do not edit",
         "hill <- function(x, k, n) x^n/(k^n + x^n)",
         "hill_inh <- function(x, k, n) k^n/(k^n + x^n)"]
    for n, v in m.params.items():
        L.append(f"{n} <- {v!r}")
    for n, v in m.inputs.items():
        L.append(f"{n} <- {v!r}")
    L.append("SPECIES <- c(" + ", ".join(f'"{s}"' for s in m.species) + ")")
    L.append("Y0 <- c(" + ", ".join(repr(v) for v in m.y0) + ")")
    L.append("STOPS <- c(" + ", ".join(repr(v) for v in m.stops) + ")")
    L.append("rhs <- function(t, y, parms) {")
    for i, s in enumerate(m.species, 1):
        L.append(f"  {s} <- y[{i}]")
    for n, e in m.assignments:
        L.append(f"  {n} <- {to_r(e)}")
    for n, e in m.rates:
        L.append(f"  {n} <- {to_r(e)}")
    L.append("  list(c(" + ", ".join(m.derivative(s, "r")
                                    for s in m.species) + "))")
    L.append("}")
    return "\n".join(L) + "\n"


def main(argv):
    if len(argv) < 3 or argv[2] not in ("python", "r"):
        sys.exit(__doc__.split("\n\n")[2])
    inputs = {}
    rest = argv[3:]
    while rest:
        if rest[0] != "--input" or len(rest) < 2 or "=" not in rest[1]:
            sys.exit(f"yaml2rhs: bad argument {rest[0]!r}")
        k, v = rest[1].split("=", 1)
        inputs[k] = float(v)
        rest = rest[2:]
    m = Model(argv[1], inputs)
    sys.stdout.write(gen_python(m) if argv[2] == "python" else gen_r(m))


if __name__ == "__main__":
    main(sys.argv)
