#!/usr/bin/python3
"""romo_site_diag.py -- where romosozumab's spine and hip gains come from
(issue 17, session 17, romohip; models/calibration/README.md, "Issue 17,
session 17, romohip").

Runs scenarios/validation/v_romo24.yaml (210 mg monthly for 24 months,
postmenopausal, 1700 mg/day calcium) with the compartments' outputs and
prints
  1. per month (3, 6, 12, 18, 24) spine and total hip BMD and, per
     compartment, resorption, formation and mineralisation relative to the
     compartment's day-0 rate;
  2. per period, each trabecular compartment's BMD change split into
     modelling-based formation (k_mb mb_wire OBu, integrated daily), the
     remodelling balance (the rest of the bone-volume change) and mineral
     degree (BMD change minus bone-volume change).

  python3 scripts/romo_site_diag.py [--muskx build/muskx] [--set NAME=VALUE ...]

--set changes a parameter for a what-if (no refit); the steady start is
recomputed. Diagnostic only: prints, writes nothing in the tree.
"""
import argparse
import csv
import math
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPS = ["spine_t", "spine_c", "hip_t", "hip_c", "bone_t"]
PER = ["BV_pct", "BMD_pct", "resorption_rel", "formation_rel", "mineralization_rel", "OBu"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--muskx", default=os.path.join(ROOT, "build", "muskx"))
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    a = ap.parse_args()
    src = open(os.path.join(ROOT, "scenarios", "validation", "v_romo24.yaml")).read()
    extra = ["A_mb", "C_romosozumab", "BMD_spine_pct", "BMD_hip_pct"] + \
        ["%s.%s" % (c, o) for c in COMPS for o in PER]
    text, n = re.subn(r"^outputs: \[[^\]]*\]", "outputs: [%s]" % ", ".join(extra), src, flags=re.M)
    if n != 1:
        sys.exit("romo_site_diag: no outputs line in v_romo24.yaml")
    models = os.path.join(ROOT, "models")
    text = text.replace("model: ../../models/", "model: %s/" % models)
    with tempfile.TemporaryDirectory() as tmp:
        scen = os.path.join(tmp, "diag.yaml")
        out = os.path.join(tmp, "diag.csv")
        with open(scen, "w") as f:
            f.write(text)
        cmd = [a.muskx, "run", scen, "-o", out, "--allow-path", models]
        for s in a.set:
            cmd += ["--set", s]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        if r.returncode != 0:
            sys.exit("romo_site_diag: muskx run failed: %s" % r.stderr.strip())
        rows = [{k: float(v) for k, v in x.items()} for x in csv.DictReader(open(out))]
        names = ["k_mb", "Kd_romo", "eps_mb", "f_mb"]
        q = subprocess.run([a.muskx, "simulate", os.path.join(models, "crosstalk", "spaceflight.yaml"),
                            "--times", "0", "--select", ",".join(names)] + sum([["--set", s] for s in a.set], []),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        if q.returncode != 0:
            sys.exit("romo_site_diag: %s" % q.stderr.strip())
        head, vals = [l.split(",") for l in q.stdout.strip().splitlines()[:2]]
        pars = {k: float(v) for k, v in zip(head, vals) if k in names}
        if len(pars) != len(names):
            sys.exit("romo_site_diag: muskx simulate gave %s, not %s" % (head, names))

    def mb(r):
        c = r["C_romosozumab"]
        x = c / (c + pars["Kd_romo"]) - pars["f_mb"] * r["A_mb"]
        return max(x, 0.0) * math.exp(-pars["eps_mb"] / max(x, 1e-4))

    def day(t):
        return min(rows, key=lambda r: abs(r["time"] - t))

    r0 = rows[0]
    print("rates relative to each compartment's day-0 rate (res / form / mineralisation); BMD % change from day 0")
    print("%5s %7s %6s  %s" % ("month", "spine", "hip", "  ".join("%-21s" % c for c in COMPS)))
    for m in (3, 6, 12, 18, 24):
        r = day(m * 30.4375)
        cells = ["%.2f/%.2f/%.2f" % tuple(r["%s.%s" % (c, k)] / r0["%s.%s" % (c, k)]
                                          for k in ("resorption_rel", "formation_rel", "mineralization_rel"))
                 for c in COMPS]
        print("%5d %7.2f %6.2f  %s" % (m, r["BMD_spine_pct"], r["BMD_hip_pct"], "  ".join("%-21s" % x for x in cells)))
    print("\nBMD change per period split into modelling + remodelling balance + mineral degree (points)")
    bounds = [0, 91, 182, 365, 548, 730]
    for c in ("spine_t", "hip_t", "bone_t"):
        for lo, hi in zip(bounds, bounds[1:]):
            ra, rb = day(lo), day(hi)
            seg = [r for r in rows if lo <= r["time"] < hi]
            dt = (seg[-1]["time"] - seg[0]["time"]) / max(len(seg) - 1, 1)
            model = 100 * sum(pars["k_mb"] * mb(r) * r["%s.OBu" % c] for r in seg) * dt
            dbv = rb["%s.BV_pct" % c] - ra["%s.BV_pct" % c]
            dbmd = rb["%s.BMD_pct" % c] - ra["%s.BMD_pct" % c]
            print("%-8s days %3d-%3d  BMD %+6.2f = modelling %+5.2f + remodelling %+5.2f + mineral degree %+5.2f"
                  % (c, lo, hi, dbmd, model, dbv - model, dbmd - dbv))
    for lo, hi in ((0, 365), (365, 730)):
        ra, rb = day(lo), day(hi)
        print("hip_c    days %3d-%3d  BMD %+6.2f (bone volume %+5.2f)"
              % (lo, hi, rb["hip_c.BMD_pct"] - ra["hip_c.BMD_pct"], rb["hip_c.BV_pct"] - ra["hip_c.BV_pct"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
