#!/usr/bin/python3
"""Keep the numbers the documentation quotes from the shipped scenarios
equal to what the program prints now.

    scripts/readme_numbers.py --check [--muskx build/muskx]
    scripts/readme_numbers.py --write [--muskx build/muskx]

This is a documentation-consistency check, not a model test: it compares
what README.md and models/README.md quote against the current output of
build/muskx on the shipped model and scenarios, so a refit that forgets
the docs fails `make check`. Whether the numbers are right is the job of
tests/calibration/.

What it regenerates (each from a real run, in a scratch folder):
- README.md's `make demo` excerpt (the block after "The start of the
  table:"), from `muskx compare` with the Makefile's DEMO_SCENARIOS and
  --title (the --plot file does not change the table, so it is not drawn);
- README.md's console examples of `muskx check` (the shipped model's
  size), `muskx steady --eigen`, `muskx run`, `muskx ensemble`, the `cut`
  of its CSV and `muskx gsa` (CONSOLE below), each run as written in a
  scratch copy of scenarios/, models/ and tests/models/;
- models/README.md's "ISS five-arm comparison" table, from the same
  compare run's CSV (-o);
- numbers quoted in a sentence from a compare run (SENTENCES);
- docs/sensitivity.md, which its generator writes whole (SENSITIVITY);
- the fitted kappa_R that the examples' --vary centres quote (PARAM_QUOTES),
  fixed first so that the examples then run with it;
- the number of estimated parameters in the calibration's draws.csv
  where README.md quotes it (DRAWS_QUOTES);
- the value README.md's Python bindings example prints (PYTHON_EXAMPLE),
  run as written.
An excerpt keeps its shape: a line "..." elides output lines, every other
line is matched, in order, to the output line that reads the same with its
numbers masked, and its numbers are compared.

--check prints each stale number as FILE:LINE: quoted -> current and exits
1; --write rewrites the stale lines in place. Both then list the other
places in the docs that quote a changed value (prose that may interpret
it): read those by hand.
"""
import argparse
import csv
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Console examples of README.md checked against a run: the start of the
# command as written after "$ ". They run in this order in one scratch
# folder (the `cut` reads the ensemble's crew.csv).
CONSOLE = [
    "muskx check tests/models/robertson.yaml models/crosstalk/spaceflight.yaml",
    "muskx steady models/crosstalk/spaceflight.yaml --eigen",
    "muskx run scenarios/iss_exercise.yaml",
    "muskx ensemble scenarios/iss_exercise.yaml",
    "cut -d, -f1-6 crew.csv",
    "muskx gsa scenarios/iss_exercise.yaml",
]

# Quoted lines whose numbers are not compared (only that the line is
# there): values at rounding level that differ between builds and machines.
VOLATILE = {
    "steady state: converged, residual # (max-norm of f)",
}

# models/README.md's five-arm table: rows are the demo arms in order;
# each cell is "end of flight / end of recovery" of an output, with the
# numbers of decimals used in the table for each.
ARM_TABLE_ANCHOR = "ISS five-arm comparison (`make demo` scenarios"
ARM_TABLE_COLUMNS = [("BMD_spine_pct", 2, 2), ("BMD_hip_pct", 2, 2),
                     ("BMD_tibia_pct", 2, 2), ("BMD_wholebody_pct", 2, 2),
                     ("muscle_pct", 1, 2)]

# docs/sensitivity.md is written whole by its generator (make
# sensitivity-docs, ~4.5 min); --check compares its "Shipped model" row
# (one run of each scenario), --write re-runs the generator.
SENSITIVITY = "docs/sensitivity.md"
SENSITIVITY_GENERATOR = "tests/calibration/whatif_sensitivity.py"

# Fitted parameter values the docs' examples are centred on: (file, regex
# whose group 1 is the quoted value, parameter of the shipped model). The
# quote must equal the shipped value to 3 significant digits; --write
# fixes these first, so the examples then run with the new value.
MODEL = "models/crosstalk/spaceflight.yaml"
PARAM_QUOTES = [
    ("README.md", r"kappa_R=lognormal\(([\d.]+),", "kappa_R"),
    ("README.md", r"median ([\d.]+) \(the calibrated value\)", "kappa_R"),
    ("man/man1/muskx.1", r"kappa_R=lognormal\(([\d.]+),", "kappa_R"),
]

# Numbers quoted in a sentence from a `muskx compare` run: the paragraph
# starting with `start`, its numbers after `after` in order, each
# (output, phase end, scenario, decimals) of the compare CSV.
SENTENCES = [
    {"file": "models/README.md",
     "start": "Shipped example: `scenarios/bedrest_60d_exercise.yaml`",
     "after": "days:",
     "scenarios": ["scenarios/bedrest_60d_exercise.yaml", "scenarios/bedrest_60d.yaml"],
     "numbers": [("muscle_pct", "bedrest", 0, 1), ("muscle_pct", "bedrest", 1, 1),
                 ("BMD_spine_pct", "bedrest", 0, 2), ("BMD_spine_pct", "bedrest", 1, 2),
                 ("BMD_hip_pct", "bedrest", 0, 2), ("BMD_hip_pct", "bedrest", 1, 2)]},
]

# Prose that interprets the regenerated numbers in words: --write always
# lists it (file, start of the sentence) to be read against the new values.
INTERPRETING_PROSE = [
    ("models/README.md", "The denosumab arm now gives back most of its gain"),
    ("README.md", "parameters no study fixes"),
    ("docs/sensitivity.md", "Reading: a column whose entries are large"),
]

# Where a changed value may also be quoted in prose.
PROSE_FILES = ["README.md", "models/README.md", "docs/sensitivity.md", "man"]

NUMBER = re.compile(
    r"(?<![A-Za-z_\d.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![A-Za-z_\d])"
    r"|(?<!\S)-(?!\S)")  # a lone "-" (no value) is a number slot too


def numbers(line):
    return NUMBER.findall(line)


def key(line):
    """The line with its numbers masked and its spacing ignored."""
    return " ".join(NUMBER.sub("#", line).split())


def same_number(a, b):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    # Full-precision values (ensemble quantiles, Sobol indices) may move
    # in their last digits between builds; printed roundings may not.
    digits = len(re.sub(r"[^\d]", "", a.split("e")[0].split("E")[0]))
    return digits >= 12 and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


class Stale:
    """Collects stale lines: (file, line number, old text, new text)."""

    def __init__(self):
        self.lines = []
        self.changed_values = set()

    def add(self, path, lineno, old, new):
        self.lines.append((path, lineno, old, new))
        for a, b in zip(numbers(old), numbers(new)):
            if not same_number(a, b):
                self.changed_values.add(a)


def match_excerpt(path, first, quoted, output, stale, what):
    """Matches quoted lines (starting at line number `first`) to output
    lines in order; records the stale ones. Returns False when a quoted
    line has no counterpart in the output."""
    out = [l.rstrip() for l in output.splitlines()]
    pos = 0
    for i, line in enumerate(quoted):
        if line.strip() == "...":
            continue
        k = key(line)
        j = pos
        while j < len(out) and key(out[j]) != k:
            j += 1
        if j == len(out):
            print(f"{path}:{first + i}: not in the output of {what}: {line.strip()}")
            return False
        pos = j + 1
        if k in VOLATILE:
            continue
        old, new = numbers(line), numbers(out[j])
        if any(not same_number(a, b) for a, b in zip(old, new)):
            stale.add(path, first + i, line, out[j])
    return True


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read().split("\n")


def find(path, lines, pred, what, start=0):
    """Index of the first line from `start` that satisfies pred."""
    for i in range(start, len(lines)):
        if pred(lines[i]):
            return i
    sys.exit(f"readme_numbers: {path}: no {what} (was the document reworded? "
             f"update scripts/readme_numbers.py)")


def makefile_demo():
    """DEMO_SCENARIOS and the --title of the Makefile's demo target."""
    text = open(os.path.join(ROOT, "Makefile"), encoding="utf-8").read()
    text = text.replace("\\\n", " ")
    scen = re.search(r"^DEMO_SCENARIOS\s*=(.*)$", text, re.M).group(1).split()
    title = re.search(r'compare \$\(DEMO_SCENARIOS\).*?--title "([^"]*)"', text)
    return scen, title.group(1)


def run(cmd, cwd, shell=False):
    r = subprocess.run(cmd, cwd=cwd, shell=shell, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True,
                       executable="/bin/bash" if shell else None)
    if r.returncode != 0:
        sys.exit(f"readme_numbers: {cmd if shell else ' '.join(cmd)} failed "
                 f"(exit {r.returncode}):\n{r.stdout}")
    return r.stdout


def shipped_value(param):
    text = open(os.path.join(ROOT, MODEL), encoding="utf-8").read()
    m = re.search(r"^\s*" + re.escape(param) + r": \{value: ([-+\d.eE/]+)", text, re.M)
    if not m:
        sys.exit(f"readme_numbers: {MODEL}: no '{param}: {{value: ...'")
    num, _, den = m.group(1).partition("/")
    return float(num) / (float(den) if den else 1.0)


def check_param_quotes(stale):
    """The examples' centre values against the shipped parameter values."""
    for path, regex, param in PARAM_QUOTES:
        want = "%.3g" % shipped_value(param)
        pat = re.compile(regex)
        for n, line in enumerate(read(path), 1):
            new = pat.sub(lambda m: m.group(0)[:m.start(1) - m.start(0)] + want
                          + m.group(0)[m.end(1) - m.start(0):], line)
            if new != line:
                stale.add(path, n, line, new)
    return True


# README.md's Python bindings example: the start of its first line.
PYTHON_EXAMPLE = "PYTHONPATH=bindings/python /usr/bin/python3 -c"

# The count of parameters in the calibration's draws (its CSV's columns)
# where the docs quote it: (file, regex whose group 1 is the count).
DRAWS = "models/calibration/spaceflight/fit/draws.csv"
DRAWS_QUOTES = [
    ("README.md", r"parameter sets of the (\d+) estimated parameters"),
]


def check_draws_quotes(stale):
    """The quoted count of estimated parameters against draws.csv's header."""
    with open(os.path.join(ROOT, DRAWS), encoding="utf-8") as f:
        want = str(len(next(csv.reader(f))))
    for path, regex in DRAWS_QUOTES:
        pat = re.compile(regex)
        found = False
        for n, line in enumerate(read(path), 1):
            m = pat.search(line)
            if m:
                found = True
                new = line[:m.start(1)] + want + line[m.end(1):]
                if new != line:
                    stale.add(path, n, line, new)
        if not found:
            print(f"{path}: no match of '{regex}' (was it reworded? update DRAWS_QUOTES)")
            return False
    return True


def check_python_example(stale):
    """README.md's Python bindings example (the ```sh block starting
    PYTHON_EXAMPLE) run as written from the top of the tree, against the
    number quoted after it as "prints `VALUE`"."""
    lines = read("README.md")
    i = find("README.md", lines, lambda l: l.strip().startswith(PYTHON_EXAMPLE),
             f"line starting '{PYTHON_EXAMPLE}'")
    end = find("README.md", lines, lambda l: l.strip() == "```", "end of code block", i)
    code = "\n".join(l.strip() if n == 0 else l[2:] for n, l in enumerate(lines[i:end]))
    out = run(code, ROOT, shell=True).strip().splitlines()
    q = find("README.md", lines, lambda l: "prints `" in l, "'prints `VALUE`' after it", end)
    m = re.search(r"prints `([^`]*)`", lines[q])
    if not out or not m:
        print(f"README.md:{q + 1}: the Python example printed nothing or no quoted value")
        return False
    if not same_number(m.group(1), out[-1].strip()):
        stale.add("README.md", q + 1, lines[q],
                  lines[q][:m.start(1)] + out[-1].strip() + lines[q][m.end(1):])
    return True


def check_demo(muskx, tmp, stale):
    """README.md's demo excerpt; returns the compare CSV rows."""
    scen, title = makefile_demo()
    csv_path = os.path.join(tmp, "iss_compare.csv")
    out = run([muskx, "compare"] + scen + ["--allow-path", "models", "--title",
                                           title, "-o", csv_path], ROOT)
    lines = read("README.md")
    start = find("README.md", lines, lambda l: l.endswith("The start of the table:"),
                 "line ending 'The start of the table:'")
    first = find("README.md", lines, lambda l: l == "```", "code block", start) + 1
    end = find("README.md", lines, lambda l: l == "```", "end of code block", first)
    ok = match_excerpt("README.md", first + 1, lines[first:end], out, stale,
                       "make demo's muskx compare")
    with open(csv_path, encoding="utf-8") as f:
        return ok, list(csv.DictReader(f)), scen


def console_blocks(lines):
    """(index of the first output line, command, output lines) of each
    "$ " command of the ```console blocks."""
    found, inside, i = [], False, 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            inside = line.strip() == "```console"
        elif inside and line.startswith("$ "):
            cmd = line[2:]
            while cmd.endswith("\\"):
                i += 1
                cmd = cmd[:-1] + " " + lines[i].strip()
            j = i + 1
            while j < len(lines) and not lines[j].startswith(("$ ", "```")):
                j += 1
            found.append((i + 1, cmd.split("  #")[0].strip(), lines[i + 1:j]))
            i = j - 1
        i += 1
    return found


def check_console(muskx, tmp, stale):
    lines = read("README.md")
    blocks = console_blocks(lines)
    # Copies, not symlinks: muskx reads only below the folders it is allowed.
    for name in ("scenarios", "models", os.path.join("tests", "models")):
        shutil.copytree(os.path.join(ROOT, name), os.path.join(tmp, name))
    env_path = os.path.dirname(os.path.abspath(muskx)) + os.pathsep + os.environ["PATH"]
    ok = True
    for start in CONSOLE:
        hits = [b for b in blocks if b[1].startswith(start)]
        if len(hits) != 1:
            print(f"README.md: {len(hits)} console examples start with '{start}' (want 1)")
            ok = False
            continue
        at, cmd, quoted = hits[0]
        out = run(f"PATH={shlex.quote(env_path)}; {cmd}", tmp, shell=True)
        ok &= match_excerpt("README.md", at + 1, quoted, out, stale, cmd)
    return ok


def signed(x, digits):
    """+1.25 / -0.57, and 0.00 rather than -0.00 for a value that rounds to 0."""
    text = f"{x:+.{digits}f}"
    return text[1:] if float(text) == 0 else text


def check_arm_table(rows, scen, stale):
    lines = read("models/README.md")
    at = find("models/README.md", lines, lambda l: l.startswith(ARM_TABLE_ANCHOR),
              f"line starting '{ARM_TABLE_ANCHOR}'")
    head = find("models/README.md", lines, lambda l: l.startswith("| arm"),
                "table header '| arm' after it", at)
    arms = [os.path.splitext(os.path.basename(s))[0] for s in scen]
    end = {(r["output"], r["phase"]): r for r in rows if r["statistic"] == "end"}
    for n, arm in enumerate(arms):
        i = head + 2 + n
        cells = lines[i].split("|")
        if len(cells) != len(ARM_TABLE_COLUMNS) + 3:
            print(f"models/README.md:{i + 1}: not a row of the five-arm table")
            return False
        for c, (output, dfl, drc) in enumerate(ARM_TABLE_COLUMNS):
            fl = float(end[(output, "flight")][arm])
            rc = float(end[(output, "recovery")][arm])
            cells[c + 2] = f" {signed(fl, dfl)} / {signed(rc, drc)} "
        new = "|".join(cells)
        if new != lines[i]:
            stale.add("models/README.md", i + 1, lines[i], new)
    return True


def check_sentences(muskx, tmp, stale):
    """SENTENCES: each quoted number against its compare run."""
    for n, spec in enumerate(SENTENCES):
        path = spec["file"]
        csv_path = os.path.join(tmp, f"sentence{n}.csv")
        run([muskx, "compare"] + spec["scenarios"] + ["--allow-path", "models",
                                                      "-o", csv_path], ROOT)
        with open(csv_path, encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if r["statistic"] == "end"]
        arms = [os.path.splitext(os.path.basename(s))[0] for s in spec["scenarios"]]
        end = {(r["output"], r["phase"]): r for r in rows}
        want = ["%.*f" % (d, float(end[(o, ph)][arms[a]])) for o, ph, a, d in spec["numbers"]]
        lines = read(path)
        i = find(path, lines, lambda l: l.startswith(spec["start"]), f"'{spec['start']}'")
        seen = False  # numbers count from `after` on
        while i < len(lines) and lines[i].strip() and want:
            line, new, pos = lines[i], "", 0
            if not seen and spec["after"] in line:
                seen, pos = True, line.index(spec["after"])
                new = line[:pos]
            if seen:
                for m in NUMBER.finditer(line, pos):
                    if not want:
                        break
                    new += line[pos:m.start()] + want.pop(0)
                    pos = m.end()
                new += line[pos:]
                if new != line:
                    stale.add(path, i + 1, line, new)
            i += 1
        if want:
            print(f"{path}: the paragraph '{spec['start']}' quotes fewer numbers than SENTENCES lists")
            return False
    return True


def check_sensitivity(muskx, stale):
    """docs/sensitivity.md's "Shipped model" row against a run of its
    generator's outcomes() at the shipped values."""
    sys.path.insert(0, os.path.join(ROOT, os.path.dirname(SENSITIVITY_GENERATOR)))
    import whatif_sensitivity
    base = whatif_sensitivity.outcomes(muskx, {})
    new = "| " + " | ".join("%.2f" % v for v in base) + " |"
    lines = read(SENSITIVITY)
    at = find(SENSITIVITY, lines, lambda l: l.startswith("Shipped model"),
              "line starting 'Shipped model'")
    row = at + 4  # blank line, header, rule, row
    if not lines[row].startswith("| ") or len(numbers(lines[row])) != len(base):
        print(f"{SENSITIVITY}:{row + 1}: not the shipped-model row")
        return False
    if lines[row] != new:
        stale.add(SENSITIVITY, row + 1, lines[row], new)
    return True


def write(stale, muskx):
    by_file = {}
    if any(p == SENSITIVITY for p, _, _, _ in stale.lines):
        print(f"{SENSITIVITY}: re-running {SENSITIVITY_GENERATOR} (about 4.5 minutes)")
        run(["/usr/bin/python3", SENSITIVITY_GENERATOR, "--muskx", muskx,
             "--out", SENSITIVITY], ROOT)
    for path, lineno, old, new in stale.lines:
        if path == SENSITIVITY:
            continue
        by_file.setdefault(path, []).append((lineno, old, new))
    for path, edits in by_file.items():
        lines = read(path)
        for lineno, old, new in edits:
            assert lines[lineno - 1] == old, (path, lineno)
            lines[lineno - 1] = new
        with open(os.path.join(ROOT, path), "w", encoding="utf-8") as f:
            f.write("\n".join(lines))


def prose_to_read(stale):
    """Other lines of the docs quoting a changed value that has at least
    three significant digits and is not below 1 (5.86, -18.6, 148: small
    or short values such as 0.45 occur everywhere)."""
    regenerated = {(p, n) for p, n, _, _ in stale.lines}
    values = set()
    for v in stale.changed_values:
        digits = len(re.sub(r"[^\d]", "", v.lstrip("+-0.")))
        if v != "-" and abs(float(v)) >= 1 and 3 <= digits < 12:
            values.add(v.lstrip("+"))
    if not values:
        return []
    # with its sign: -5.86 matches -5.86 (or troff's \-5.86), 5.45 matches
    # 5.45 and +5.45 but not -5.45
    alts = [(r"(?:-|\\-)" + re.escape(v[1:])) if v.startswith("-")
            else (r"(?<![-\d.])\+?" + re.escape(v)) for v in sorted(values)]
    pat = re.compile(r"(?<![\d.])(?:" + "|".join(alts) + r")(?![\d]|\.\d)")
    hits = []
    for top in PROSE_FILES:
        full = os.path.join(ROOT, top)
        files = [full] if os.path.isfile(full) else [
            os.path.join(d, f) for d, _, fs in os.walk(full) for f in sorted(fs)
            if f.endswith((".md", ".1", ".3", ".5"))]
        for f in files:
            rel = os.path.relpath(f, ROOT)
            for n, line in enumerate(read(rel), 1):
                if (rel, n) not in regenerated and pat.search(line):
                    hits.append((rel, n, line.strip()[:160]))
    return [f"{p}:{n}: {t}" for p, n, t in sorted(set(hits))]


def report(stale):
    for path, lineno, old, new in stale.lines:
        pairs = [f"{a} -> {b}" for a, b in zip(numbers(old), numbers(new))
                 if not same_number(a, b)]
        print(f"{path}:{lineno}: {', '.join(pairs)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="report stale numbers, exit 1 if any")
    mode.add_argument("--write", action="store_true", help="rewrite stale numbers in place")
    ap.add_argument("--muskx", default=os.path.join(ROOT, "build", "muskx"))
    args = ap.parse_args()
    muskx = os.path.abspath(args.muskx)
    stale, rewritten = Stale(), 0
    ok = check_param_quotes(stale)
    ok &= check_draws_quotes(stale)
    ok &= check_python_example(stale)
    if args.write and stale.lines:
        report(stale)  # rewrite the commands first: the runs below use them
        write(stale, muskx)
        rewritten, stale = len(stale.lines), Stale()
    with tempfile.TemporaryDirectory(prefix="readme_numbers.") as tmp:
        demo_ok, rows, scen = check_demo(muskx, tmp, stale)
        ok &= demo_ok
        ok &= check_console(muskx, tmp, stale)
        ok &= check_arm_table(rows, scen, stale)
        ok &= check_sentences(muskx, tmp, stale)
    ok &= check_sensitivity(muskx, stale)
    report(stale)
    prose = prose_to_read(stale)
    if args.write and stale.lines:
        write(stale, muskx)
        rewritten += len(stale.lines)
    if args.write:
        print(f"rewrote {rewritten} lines")
    if args.write:
        print("Prose interpreting these numbers (read it against the new values):")
        for path, start in INTERPRETING_PROSE:
            lines = read(path)
            n = find(path, lines, lambda l: start in l, f"sentence '{start}'")
            print(f"  {path}:{n + 1}: {lines[n].strip()[:100]}")
    if prose:
        print("Also quoting a changed value (read by hand; prose may interpret it):")
        print("\n".join("  " + h for h in prose))
    if args.check:
        print(f"{0 if stale.lines or not ok else 1} passed, "
              f"{1 if stale.lines or not ok else 0} failed "
              f"({len(stale.lines)} stale lines in the docs)")
    return 1 if (args.check and stale.lines) or not ok else 0


if __name__ == "__main__":
    sys.exit(main())
