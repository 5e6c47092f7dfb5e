#!/usr/bin/python3
"""test_sensitivity_coverage.py -- every assumed parameter of the shipped
model has its what-if sensitivity shown, or a stated reason why not
(issue 17: "Every parameter has a unit and a provenance: ... 'assumed'
(and the what-ifs' sensitivity to it shown)").

Reads every parameter of the shipped model (models/crosstalk/spaceflight.yaml
and the files it imports, recursively) with its own small reader of the
model files -- not the generator's -- and classifies each one's `doc`
with the generator's provenance() (tests/calibration/whatif_sensitivity.py,
so the table and this test agree on what "assumed" means). Checks:

  FITDOC    every doc opening "fit:" (the shipped fit's value) belongs to
            a parameter the fit estimates (estimate 1 in
            models/calibration/spaceflight/parameters.tsv): a fixed one
            must not read as fitted (fails on sens26 at 503e9b0 for
            Imax_aln and phi_hip_e)
  COVER     every settable parameter whose provenance is "assumed" is in
            the generator's PARAMS (run at a low and a high value), its
            ZERO_ARMS (shipped at 0, run at a documented test value) or
            its EXCLUDED (with a reason); a doc that says "assumed"
            anywhere is assumed ("not fitted", "chosen" do not hide it;
            fails on sens26 at 503e9b0 for phi_hip, w_calf,
            il7.a_il7_unl and others); a parameter an import's `bind:`
            ties to the importing model follows the importer's parameter
            and is covered by it
  NAMES     every PARAMS / ZERO_ARMS / EXCLUDED name is a settable
            parameter of the shipped model, none is in two lists, none
            twice, every EXCLUDED reason is a sentence (not empty), every
            ZERO_ARMS entry is shipped at 0 with a non-zero test value and
            says where that value comes from
  COLUMNS   docs/sensitivity.md's shipped-model row has exactly the
            generator's COLUMNS, and its change tables together have the
            same column set
  ROWS      docs/sensitivity.md has a row for every PARAMS entry in every
            low / high change table, and no row for a name not in PARAMS;
            a row for every ZERO_ARMS entry in every test-value table,
            and no other
  CELLS     each row's provenance and value cells equal the model's now
            (a refit or a doc change without `make sensitivity-docs` fails)
  INFO      when muskx is built ($MUSKX, else $BUILD/muskx, else
            build/muskx): every name this reader finds is a
            parameter `muskx info` lists for the composed model, and every
            parameter `muskx info` lists is found or bound (so the reader
            misses none)

Fails on main at df82d08: n_Lm and other assumed parameters are in
neither list (there is no EXCLUDED), and L50_m's and the muscle columns
are missing from docs/sensitivity.md.

Python 3 standard library only; no simulation (under a second).
Usage: /usr/bin/python3 tests/calibration/test_sensitivity_coverage.py
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODEL = os.path.join(ROOT, "models", "crosstalk", "spaceflight.yaml")
DOC = os.path.join(ROOT, "docs", "sensitivity.md")
# the muskx to ask (INFO): $MUSKX, else the Makefile's build directory
# $BUILD (relative to the repository), else build/
MUSKX = os.environ.get("MUSKX") or os.path.join(ROOT, os.environ.get("BUILD") or "build", "muskx")
sys.path.insert(0, HERE)
import whatif_sensitivity as gen  # noqa: E402

passed = failed = 0


def check(tag, ok, msg):
    global passed, failed
    print("%s %s: %s" % ("PASS" if ok else "FAIL", tag, msg))
    if ok:
        passed += 1
    else:
        failed += 1


def blocks(path):
    """{top-level key: [its lines]} of a YAML model file, comments dropped."""
    out, key = {}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if re.match(r"[A-Za-z_]\w*:", line):
            key = line.split(":", 1)[0]
            out[key] = []
        elif key is not None and line.strip() and not line.lstrip().startswith("#"):
            out[key].append(line)
    return out


def own_parameters(path):
    """[(name, value text, doc)] of a file's `parameters:` block: every line
    indented by two spaces is one parameter (a flow mapping)."""
    out = []
    for line in blocks(path).get("parameters", []):
        if not line.startswith("  ") or line.startswith("   "):
            raise AssertionError("%s: unexpected line in parameters: %r" % (path, line[:60]))
        name, rest = line[2:].split(":", 1)
        value = re.search(r"\{\s*value:\s*([^,}]+)", rest)
        doc = re.search(r"\bdoc:\s*\"((?:[^\"\\]|\\.)*)\"", rest)
        if not value or not doc:
            raise AssertionError("%s: parameter %s without value or doc" % (path, name))
        out.append((name.strip(), value.group(1).strip(), doc.group(1)))
    return out


def imports(path):
    """[(file path, alias, bound names)] of a file's `imports:` block."""
    text = "\n".join(blocks(path).get("imports", []))
    out = []
    for item in re.split(r"\n\s*-\s+(?=file:)", "\n" + text)[1:]:
        f = re.search(r"file:\s*([^\s#]+)", item).group(1)
        alias = re.search(r"\bas:\s*(\w+)", item).group(1)
        bind = re.search(r"bind:\s*\{([^}]*)\}", item, re.S)
        bound = set()
        if bind:
            # keys: a name followed by ':' outside quotes
            body = re.sub(r"\"[^\"]*\"", "\"\"", bind.group(1))
            bound = set(re.findall(r"(\w+)\s*:", body))
        out.append((os.path.normpath(os.path.join(os.path.dirname(path), f)), alias, bound))
    return out


def settable(path, prefix=""):
    """({settable name: (value text, doc)}, {bound dotted name}) of the
    model composed from `path`."""
    names, bound_names = {}, set()
    for name, value, doc in own_parameters(path):
        names[prefix + name] = (value, doc)
    for f, alias, bound in imports(path):
        sub, sub_bound = settable(f, prefix + alias + ".")
        bound_names |= sub_bound
        for name, entry in sub.items():
            short = name[len(prefix) + len(alias) + 1:]
            if "." not in short and short in bound:
                bound_names.add(name)
            else:
                names[name] = entry
    return names, bound_names


def doc_tables():
    """(shipped-model columns, [(change-table columns, {row name: cells})])
    of docs/sensitivity.md."""
    lines = open(DOC, encoding="utf-8").read().splitlines()
    base = None
    tables = []
    for i, line in enumerate(lines):
        if line.startswith("Shipped model") and base is None:
            j = i + 1
            while not lines[j].startswith("|"):
                j += 1
            base = [c.strip() for c in lines[j].strip().strip("|").split("|")]
        if line.startswith("| parameter |"):
            head = [c.strip() for c in line.strip().strip("|").split("|")]
            rows = {}
            j = i + 2
            while j < len(lines) and lines[j].startswith("| `"):
                cells = [c.strip() for c in lines[j].strip().strip("|").split("|")]
                rows[cells[0].strip("`")] = dict(zip(head, cells))
                j += 1
            tables.append((head, rows))
    return base, tables


def main():
    names, bound = settable(MODEL)
    params = [p[0] for p in gen.PARAMS]
    excluded = getattr(gen, "EXCLUDED", {})
    zero = getattr(gen, "ZERO_ARMS", {})

    est = set(r.split("\t")[0] for r in open(gen.PETAB_PARAMETERS, encoding="utf-8").read().splitlines()[1:]
              if r.split("\t")[6].strip() == "1")
    head = open(gen.PETAB_PARAMETERS, encoding="utf-8").readline().rstrip("\n").split("\t")
    assert head[0] == "parameterId" and head[6] == "estimate", head
    fitdoc = sorted(n for n, (v, d) in names.items()
                    if d.lower().startswith("fit:") and ("." in n or n not in est))
    check("FITDOC", not fitdoc,
          "%d parameters estimated in parameters.tsv; docs opening 'fit:' of a parameter not "
          "estimated: %s" % (len(est), ", ".join(fitdoc) or "none"))

    assumed = sorted(n for n, (v, d) in names.items() if gen.provenance(d, n) == "assumed")
    missing = [n for n in assumed if n not in params and n not in excluded and n not in zero]
    check("COVER", not missing,
          "%d settable parameters (and %d that an import's bind: ties to the importer), %d with "
          "provenance 'assumed'; in none of PARAMS, ZERO_ARMS, EXCLUDED: %s"
          % (len(names), len(bound), len(assumed),
             ", ".join(missing) if missing else "none"))

    unknown = [n for n in params + list(excluded) + list(zero) if n not in names]
    both = sorted(set(n for n in params if n in excluded or n in zero) |
                  set(n for n in zero if n in excluded))
    twice = sorted(set(n for n in params if params.count(n) > 1))
    empty = [n for n, why in excluded.items() if len(str(why).split()) < 3]
    badzero = [n for n, (tv, why) in zero.items()
               if n in names and (gen.value_of(names[n][0]) != 0 or tv == 0 or len(why.split()) < 3)]
    check("NAMES", not (unknown or both or twice or empty or badzero),
          "%d in PARAMS, %d in ZERO_ARMS, %d in EXCLUDED; not a settable parameter: %s; in two "
          "lists: %s; twice: %s; reason missing: %s; ZERO_ARMS not shipped at 0, test value 0 or "
          "no source: %s" % (len(params), len(zero), len(excluded), unknown or "none", both or "none",
                             twice or "none", empty or "none", badzero or "none"))

    base, tables = doc_tables()
    fixed = ["parameter", "provenance", "value", "low / high", "test value"]
    table_cols = set()
    for head, _ in tables:
        table_cols |= set(c for c in head if c not in fixed)
    want = list(gen.COLUMNS)
    check("COLUMNS", base == want and table_cols == set(want) and tables,
          "docs/sensitivity.md: shipped-model row %s the generator's %d columns; change tables' "
          "columns: missing %s, extra %s"
          % ("has" if base == want else "does not have", len(want),
             sorted(set(want) - table_cols) or "none", sorted(table_cols - set(want)) or "none"))

    ptabs = [rows for h, rows in tables if "low / high" in h]
    ztabs = [rows for h, rows in tables if "test value" in h]
    norow = sorted(set(n for n in params for rows in ptabs if n not in rows))
    extra = sorted(set(n for rows in ptabs for n in rows if n not in params))
    znorow = sorted(set(n for n in zero for rows in ztabs if n not in rows))
    zextra = sorted(set(n for rows in ztabs for n in rows if n not in zero))
    check("ROWS", ptabs and (ztabs or not zero) and len(ptabs) + len(ztabs) == len(tables)
          and not (norow or extra or znorow or zextra),
          "%d low / high tables, %d test-value tables; PARAMS without a row: %s; rows not in "
          "PARAMS: %s; ZERO_ARMS without a row: %s; test-value rows not in ZERO_ARMS: %s"
          % (len(ptabs), len(ztabs), ", ".join(norow) or "none", ", ".join(extra) or "none",
             ", ".join(znorow) or "none", ", ".join(zextra) or "none"))

    stale = []
    for _, rows in tables:
        for n, cells in rows.items():
            if n not in names:
                continue
            value, doc = names[n]
            if cells.get("provenance") != gen.provenance(doc, n):
                stale.append("%s provenance %s (model: %s)" % (n, cells.get("provenance"), gen.provenance(doc, n)))
            if cells.get("value") != value:
                stale.append("%s value %s (model: %s)" % (n, cells.get("value"), value))
    check("CELLS", not stale,
          "provenance and value cells against the model files: %s"
          % ("; ".join(sorted(set(stale))) + " -- run make sensitivity-docs" if stale else "all agree"))

    if os.access(MUSKX, os.X_OK):
        r = subprocess.run([MUSKX, "info", MODEL], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, cwd=ROOT)
        listed, on = set(), False
        for line in r.stdout.splitlines():
            if re.match(r"parameters \(\d+\)", line):
                on = True
                continue
            if on and re.match(r"\S", line):
                break
            m = re.match(r"  (\S+)\s", line)
            if on and m and m.group(1) != "name":
                listed.add(m.group(1))
        notlisted = sorted(set(names) - listed)
        notfound = sorted(listed - set(names) - bound)
        check("INFO", r.returncode == 0 and listed and not notlisted and not notfound,
              "muskx info lists %d parameters; found here but not listed: %s; listed but neither "
              "found nor bound: %s" % (len(listed), notlisted[:8] or "none", notfound[:8] or "none"))
    else:
        print("SKIP INFO: %s not built" % MUSKX)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
