#!/usr/bin/env python3
"""sensitivity.py -- which numbers matter: normalised local sensitivities of
the integrated model's 6-month outcomes to every parameter (issue 4).

For each parameter p of models/crosstalk/spaceflight.yaml (value p0 != 0),
the 6-month microgravity protocol (loading 0 for 180 days, from the
baseline steady state) is run at p0 (1 + h) and p0 (1 - h), and

    S = (p0 / Y0) * (Y(+) - Y(-)) / (2 h p0)        (central difference)

is reported for Y = weight-bearing BMD change and muscle change at day
180: the percent change of the outcome per percent change of the
parameter. Parameters whose change breaks the run (e.g. a constraint) are
listed separately. The table is sorted by the larger |S| of the two.

    PYTHONPATH=bindings/python /usr/bin/python3 tests/calibration/sensitivity.py \
        [--model M] [--h 0.01] [--top N] [--csv FILE]

It is a report, not a test: nothing is asserted, so it is not part of
make check. It runs in a few seconds (two simulations per parameter).
"""
import argparse
import math
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
import muskx  # noqa: E402

OUTCOMES = ("BMD_wb_pct", "muscle_pct")


def outcome(model, params):
    r = model.simulate(t_end=180, dt=180, params=params,
                       inputs={"loading": ([0], [0])}, rtol=1e-9, atol=1e-12)
    return [r[k][-1] for k in OUTCOMES]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "crosstalk", "spaceflight.yaml"))
    ap.add_argument("--h", type=float, default=0.01, help="relative step (default 0.01)")
    ap.add_argument("--top", type=int, default=40, help="rows to print (default 40; 0: all)")
    ap.add_argument("--csv", help="also write every row to this CSV file")
    a = ap.parse_args()

    with muskx.load(a.model, allow_path=os.path.join(ROOT, "models")) as m:
        base = outcome(m, {})
        rows, broken, zero = [], [], []
        for name in m.parameters:
            p0 = m.parameter_values[name]
            if p0 == 0 or not math.isfinite(p0):
                zero.append(name)
                continue
            try:
                up = outcome(m, {name: p0 * (1 + a.h)})
                dn = outcome(m, {name: p0 * (1 - a.h)})
            except muskx.MuskxError as e:
                broken.append((name, str(e).splitlines()[0]))
                continue
            s = [(u - d) / (2 * a.h) / b if b != 0 else float("nan")
                 for u, d, b in zip(up, dn, base)]
            rows.append((name, p0, s[0], s[1]))

    rows.sort(key=lambda r: -max(abs(r[2]), abs(r[3])))
    print("Normalised local sensitivities of 6-month outcomes (loading 0 for 180 d)")
    print("baseline: WB BMD %.3f %%, muscle %.3f %%; relative step %g" % (base[0], base[1], a.h))
    print("%-32s %14s %12s %12s" % ("parameter", "value", "S(WB BMD)", "S(muscle)"))
    for name, p0, s0, s1 in rows[: a.top or len(rows)]:
        print("%-32s %14.6g %12.4f %12.4f" % (name, p0, s0, s1))
    if a.top and len(rows) > a.top:
        print("... %d more (use --top 0 or --csv)" % (len(rows) - a.top))
    if zero:
        print("not perturbed (value 0): %s" % ", ".join(zero))
    for name, msg in broken:
        print("run failed when perturbing %s: %s" % (name, msg))
    if a.csv:
        with open(a.csv, "w") as f:
            f.write("parameter,value,S_BMD_wb,S_muscle\n")
            for name, p0, s0, s1 in rows:
                f.write("%s,%.17g,%.17g,%.17g\n" % (name, p0, s0, s1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
