#!/usr/bin/env python3
"""test_validate.py -- `make validate` runs, covers VALIDATION.md and judges
two-sided.

validate.py is a report (it exits 0 with failures in it), so this test does
not ask the model to pass; it asks the report to be honest and complete:

  - the judging rule is two-sided: a value below the range fails as well as
    one above (a denosumab CTX of -97 % fails a -80..-45 % range);
  - validate.py exits 0 and ends with "validation: N pass, N fail, N
    missing of T", where the counts add up to T and to the lines printed;
  - every id of models/calibration/VALIDATION.md is reported, and every
    reported id belongs to a row of VALIDATION.md (nothing made up, nothing
    dropped);
  - every PASS/FAIL line's verdict agrees with its printed value and range;
  - the outcome kinds added for the 2026-12-05 rows against closed forms:
    the time to recover half a loss on an exponential recovery of known
    half-life (and inf when there is none), the marker difference of two
    arms, and the agents a model file declares (a drug the model does not
    know makes its rows MISSING, not a crash).

Python 3 standard library only.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import muskx_cli as mc  # noqa: E402
import validate  # noqa: E402

VALIDATION_MD = os.path.join(mc.ROOT, "models", "calibration", "VALIDATION.md")
LINE = re.compile(r"^(PASS|FAIL|MISSING|WITHDRAWN)\s+(V-\S+)\s+model (\S+) .*accept \[(\S+), (\S+)\]")
LAST = re.compile(r"^validation: (\d+) pass, (\d+) fail, (\d+) missing, (\d+) withdrawn of (\d+)$")


def main():
    for value, lo, hi, want in [(-97, -80, -45, "FAIL"), (-30, -80, -45, "FAIL"),
                                (-60, -80, -45, "PASS"), (-80, -80, -45, "PASS"),
                                (-45, -80, -45, "PASS")]:
        got = validate.judge(value, lo, hi)
        mc.check("judge(%g in [%g, %g])" % (value, lo, hi), got == want,
                 "%s (expected %s)" % (got, want))

    # half-recovery on y(t) = L for t <= t1, L 2^-((t - t1)/h) after: the
    # closed form is h; sampled daily, linear interpolation is within 0.3 d
    import math
    for loss, t1, h in [(-4.0, 56, 100.0), (3.0, 180, 37.5), (-1.0, 0, 250.0)]:
        ts = [float(t) for t in range(0, 1200)]
        ys = [loss if t <= t1 else loss * 2 ** (-(t - t1) / h) for t in ts]
        got = validate.half_recovery_days({"time": ts, "x": ys}, "x", t1)
        mc.check("half_recovery_days: exponential, half-life %g d" % h, abs(got - h) <= 0.3,
                 "%.3f d (closed form %g)" % (got, h))
    ts = [float(t) for t in range(0, 400)]
    got = validate.half_recovery_days({"time": ts, "x": [-2.0 + 0.001 * t for t in ts]}, "x", 50)
    mc.check("half_recovery_days: not back within the run is inf", math.isinf(got), "%g" % got)
    got = validate.half_recovery_days({"time": ts, "x": [0.0] * len(ts)}, "x", 50)
    mc.check("half_recovery_days: no change is inf", math.isinf(got), "%g" % got)
    # FLEX reports "55.6 % higher": (1 + 0.556*...) from two arms' % changes
    a, b = {"time": [0.0, 1.0], "m": [0.0, -22.2]}, {"time": [0.0, 1.0], "m": [0.0, -50.0]}
    got = validate.marker_vs(a, b, "m", 1)
    mc.check("marker_vs: -22.2 % vs -50 % is +55.6 %", abs(got - 55.6) < 1e-9, "%.6f" % got)
    text = ("parameters:\n  k: {value: 1}\nagents:\n  denosumab:\n    dose_unit: mg\n"
            "    routes:\n      sc: {depot: D}\n\n  romosozumab:\n    doc: x\noutputs:\n  y: k\n")
    got = validate.agents_of(text)
    mc.check("agents_of: the keys of the agents: map only", got == {"denosumab", "romosozumab"},
             ", ".join(sorted(got)))
    mc.check("agents_of: a model without agents", validate.agents_of("parameters:\n  k: 1\n") == set(), "ok")

    # a scenario runs on the shipped models, not on what the last built-in
    # protocol wrote into the copy (its input tables, its dose count)
    m = validate.Model(os.path.join(mc.ROOT, "build", "muskx"))
    try:
        shipped = open(m.path).read(), open(m.dmab_path()).read()
        m.run({"calcium_intake": ([0], [1700])}, {}, 1, dmab_count=2)
        changed = (open(m.path).read(), open(m.dmab_path()).read()) != shipped
        m.restore()
        mc.check("Model.run writes the protocol into the copy; restore() undoes it",
                 changed and (open(m.path).read(), open(m.dmab_path()).read()) == shipped,
                 "changed %s" % changed)
        fresh = m.run_scenario("v_br30_hdt")
        m.run({"calcium_intake": ([0], [1700])}, {}, 1)
        after = m.run_scenario("v_br30_hdt")
        mc.check("run_scenario after a protocol run gives the fresh copy's answer (v_br30_hdt)",
                 after == fresh, "CTX_pct at the end %r vs %r"
                 % (after.get("CTX_pct", [None])[-1], fresh.get("CTX_pct", [None])[-1]))
    finally:
        m.close()

    declared = set(re.findall(r"^\| (V-[A-Za-z0-9-]+) \|", open(VALIDATION_MD).read(), re.M))
    mc.check("VALIDATION.md declares outcomes", len(declared) >= 20, "%d ids" % len(declared))

    r = subprocess.run([sys.executable, os.path.join(mc.ROOT, "tests", "calibration", "validate.py")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    mc.check("validate.py exits 0 (a report)", r.returncode == 0,
             "exit %d %s" % (r.returncode, r.stderr.strip()[-200:]))
    lines = r.stdout.strip().splitlines()
    rows = [LINE.match(x) for x in lines[:-1]]
    mc.check("every report line parses", lines and all(rows),
             "; ".join(x for x, m in zip(lines, rows) if not m)[:300] or "%d lines" % len(rows))
    rows = [m for m in rows if m]
    last = LAST.match(lines[-1]) if lines else None
    mc.check("closing line", last is not None, lines[-1] if lines else "no output")
    if last:
        n = tuple(map(int, last.groups()))
        counted = tuple(sum(1 for m in rows if m.group(1) == v)
                        for v in ("PASS", "FAIL", "MISSING", "WITHDRAWN"))
        mc.check("counts add up", sum(n[:4]) == n[4] == len(rows) and n[:4] == counted, lines[-1])
    gone = validate.withdrawn()
    shown = {m.group(2).split("/")[0] for m in rows if m.group(1) == "WITHDRAWN"}
    mc.check("exactly the Withdrawn ids of VALIDATION.md are reported WITHDRAWN",
             gone <= declared and shown == gone, "%d withdrawn" % len(gone))

    reported = [m.group(2) for m in rows]
    bases = {x.split("/")[0] for x in reported}
    mc.check("every VALIDATION.md id is reported", declared <= bases,
             "missing: %s" % ", ".join(sorted(declared - bases)) if declared - bases else "%d ids" % len(declared))
    mc.check("every reported id is a VALIDATION.md row", bases <= declared,
             "unknown: %s" % ", ".join(sorted(bases - declared)) if bases - declared else "ok")
    mc.check("report ids are unique", len(reported) == len(set(reported)), "%d lines" % len(reported))

    # a row whose drug the model does not declare is MISSING with the agent named
    known = set()
    for d, _, files in os.walk(os.path.join(mc.ROOT, "models")):
        for f in files:
            if f.endswith(".yaml"):
                known |= validate.agents_of(open(os.path.join(d, f)).read())
    for cid, pids, needs, *_ in validate.CASES:
        for n in needs:
            if n.startswith("agent:") and n[6:] not in known:
                line = [x for x in lines if re.match(r"^\S+\s+%s\s" % re.escape(cid), x)]
                mc.check("%s needs unknown agent %s: MISSING" % (cid, n[6:]),
                         line and line[0].startswith("MISSING") and ("agent " + n[6:]) in line[0],
                         line[0][:160] if line else "not reported")

    bad = []
    for m in rows:
        verdict, cid, got, lo, hi = m.groups()
        if verdict in ("MISSING", "WITHDRAWN"):
            continue
        if validate.judge(float(got), float(lo), float(hi)) != verdict:
            bad.append("%s %s %s not in agreement with [%s, %s]" % (cid, verdict, got, lo, hi))
    mc.check("every verdict agrees with its value and two-sided range", not bad, "; ".join(bad) or "ok")
    return mc.finish()


if __name__ == "__main__":
    mc.run_main(main)
