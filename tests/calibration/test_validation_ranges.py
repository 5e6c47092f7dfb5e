#!/usr/bin/env python3
"""test_validation_ranges.py -- the acceptance ranges that `make validate`
judges are the ones VALIDATION.md declares.

Each held-out outcome is written down twice: as a row of
models/calibration/VALIDATION.md (published value, accept range, source)
and as a case of tests/calibration/validate.py (the range the report
judges). A correction of a published value (VALIDATION.md's change log)
must change both; if only one changes, the report silently judges against
a range nobody declared. This test reads both files, independently of
any model run, and checks for every case of validate.py that is not
withdrawn that both ends of its range appear as numbers in the
VALIDATION.md row(s) of the same id (signs ignored, since rows write
"-4.0 .. -9.0 %"; "V-X/hip" cases are looked up in the rows of "V-X",
including "V-X (part /hip)").

Ends that a row states in words rather than as a number are listed in
WORDED with the words that stand for them, and each such entry is checked
too: the words must be in the row, so a reworded row fails here as well.

Python 3 standard library only; no model is run.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import muskx_cli as mc  # noqa: E402
import validate  # noqa: E402

VALIDATION_MD = os.path.join(mc.ROOT, "models", "calibration", "VALIDATION.md")
NUMBER = re.compile(r"\d+(?:\.\d+)?")

# (case id, range end as in validate.py) -> words of the VALIDATION.md row
# that declare that end, where the row gives no number for it.
# Yes/no cases judge 1 (true) against [1, 1].
WORDED = {
    ("V-CTX-landing", 0.001): "above 0",
    ("V-P1NP-landing", 0.001): "above 0",
    ("V-mus-plateau", 0.2): "smaller than a fifth",
    ("V-tibia-Vico", 1): "below -0.3 % and above its day-180 value",
    ("V-mus-recovery", 1): "at least half of the landing loss recovered",
}


def rows_by_id(text):
    """VALIDATION.md table rows keyed by their base id (before " (part")."""
    rows = {}
    for line in text.splitlines():
        m = re.match(r"^\| (V-[A-Za-z0-9-]+)( \(part [^)]*\))? \|", line)
        if m:
            rows.setdefault(m.group(1), []).append(line)
    return rows


def numbers_in(lines):
    """Every unsigned number written in the accept/published columns."""
    found = set()
    for line in lines:
        for tok in NUMBER.findall(line):
            found.add(float(tok))
    return found


def main():
    text = open(VALIDATION_MD).read()
    rows = rows_by_id(text)
    gone = validate.withdrawn()
    mc.check("validate.py has cases", len(validate.CASES) >= 20, "%d cases" % len(validate.CASES))
    checked = 0
    for case in validate.CASES:
        cid, lo, hi = case[0], case[-2], case[-1]
        base = cid.split("/")[0]
        if base in gone:
            continue
        lines = rows.get(base, [])
        mc.check("%s: VALIDATION.md has a row" % cid, bool(lines), base)
        if not lines:
            continue
        nums = numbers_in(lines)
        for end in (lo, hi):
            words = WORDED.get((cid, end))
            if words is not None:
                mc.check("%s: end %g declared in words" % (cid, end),
                         any(words in ln for ln in lines), "%r in the row" % words)
                continue
            ok = any(abs(abs(end) - n) <= 1e-9 for n in nums)
            mc.check("%s: end %g of validate.py's range is in VALIDATION.md" % (cid, end), ok,
                     "row numbers %s" % sorted(n for n in nums if n < 1000))
        checked += 1
    mc.check("cases compared", checked >= 20, "%d cases" % checked)
    return mc.finish()


if __name__ == "__main__":
    # no muskx needed: this compares two text declarations
    sys.exit(main())
