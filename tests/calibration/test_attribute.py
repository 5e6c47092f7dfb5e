#!/usr/bin/env python3
"""test_attribute.py -- tests/calibration/attribute.py sets what it is told.

attribute.py reports held-out outcomes on copies of models/ with parameters
of spaceflight.yaml set to other values. Checked here without simulating:

  - a setting NAME=VALUE and LABEL=N1=V1,N2=V2 are read as one and as two
    parameters;
  - the copy's spaceflight.yaml has exactly the set values (the value as
    written, also an expression such as 0.2/365) and every other line equal
    to the shipped file's;
  - an unknown parameter name is refused (no silent no-op setting).

Python 3 standard library only.
"""
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attribute as A  # noqa: E402
import validate as V  # noqa: E402

failed = 0
checks = 0


def check(ok, what, detail=""):
    global failed, checks
    checks += 1
    print("%s %s%s" % ("PASS" if ok else "FAIL", what, (": " + detail) if detail else ""))
    if not ok:
        failed += 1


def value_of(text, name):
    m = re.search(r"^  %s: \{value: ([^,]*)," % re.escape(name), text, re.M)
    return m.group(1) if m else None


def main():
    label, vals = A.parse_setting("h_aoc=0.6084")
    check(label == "h_aoc" and vals == {"h_aoc": "0.6084"}, "single setting", repr((label, vals)))
    label, vals = A.parse_setting("R2=turnover_t=0.00054,h_aoc=0.6084")
    check(label == "R2" and vals == {"turnover_t": "0.00054", "h_aoc": "0.6084"},
          "grouped setting", repr((label, vals)))

    shipped_path = os.path.join(V.MODELS, "crosstalk", "spaceflight.yaml")
    shipped = open(shipped_path).read()
    want = {"h_aoc": "0.6084", "turnover_t_hip": "0.2/365"}
    check(all(value_of(shipped, k) not in (None, v) for k, v in want.items()),
          "the test's values differ from the shipped ones",
          ", ".join("%s %s" % (k, value_of(shipped, k)) for k in want))
    tmp, models = A.copy_with(V.MODELS, want)
    try:
        text = open(os.path.join(models, "crosstalk", "spaceflight.yaml")).read()
        got = {k: value_of(text, k) for k in want}
        check(got == want, "the copy has the set values", repr(got))
        a, b = shipped.splitlines(), text.splitlines()
        changed = [i for i in range(min(len(a), len(b))) if a[i] != b[i]]
        names = sorted(re.match(r"  (\w+):", b[i]).group(1) for i in changed)
        check(len(a) == len(b) and names == sorted(want),
              "only those lines differ from the shipped file", ", ".join(names))
        check(os.path.exists(os.path.join(models, "drugs", "denosumab.yaml")),
              "the copy keeps the imported modules", "drugs/denosumab.yaml")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    check(not os.path.exists(tmp), "the copy is removed")

    try:
        A.copy_with(V.MODELS, {"no_such_parameter": "1"})
        refused = False
    except SystemExit as e:
        refused = "no_such_parameter" in str(e)
    check(refused, "an unknown parameter is refused")

    print("%d passed, %d failed" % (checks - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
