#!/usr/bin/python3
"""test_rebound.py -- the osteoclast-precursor surplus term of
models/bone/rankl_opg.yaml (issue 17, session 18, revbone) and its
per-compartment gain in models/crosstalk/spaceflight.yaml.

The module forms osteoclasts at D_OCp f_oc_ext (OCp + k_rbd surplus) piOCG,
where surplus = ramp(OCp - max(OCp*(x), 1 + a_pm_ocp postmenopausal)): the
precursor pool above both its steady level at the current drive and its
resting level, i.e. the precursors accumulated while RANKL was blocked,
once the drive returns. spaceflight.yaml binds
k_rbd = s_rbd (turnover_t/turnover - 1) into every bone compartment.

The module alone (turnover 1e-12/day, so bone volume does not move and
nothing feeds back on the osteocytes; the cell equations do not depend on
turnover) runs three phases: 1500 d of RANKL blockade (dmab input 1 ug/mL),
1500 d without it, then a RANKL step (f_rankl_ext 2) for 500 d, once with
k_rbd 0 and once with k_rbd 3. Checks:
  REBoff   during the blockade and during the RANKL step the osteoclast
           count is the same with k_rbd 3 as with 0 (relative 1e-6): the
           pool is below its steady level while it fills, and a rising
           drive drains it below rest, so the term is off
  REBon    after the blockade ends, k_rbd 3 raises the osteoclast peak by
           more than 10 % over k_rbd 0 (the term is on; two-sided with REBoff)
  REBss    1500 d after the blockade the two runs agree again (relative 1e-5:
           the pool relaxes with tau_ocp 300 d): the surplus is spent, every steady state is unchanged
  REBbind  in the integrated model, each compartment's k_rbd equals
           s_rbd (turnover_t/turnover - 1) computed here from the values
           muskx info reports (0 in the compartments at turnover_t)

Python 3 standard library only:
  /usr/bin/python3 tests/calibration/test_rebound.py
"""
import os
import tempfile

import muskx_cli
from muskx_cli import ROOT, check

MODULE = os.path.join(ROOT, "models", "bone", "rankl_opg.yaml")
MODEL = os.path.join(ROOT, "models", "crosstalk", "spaceflight.yaml")
COMPS = ["bone_t", "bone_c", "spine_t", "spine_c", "hip_t", "hip_c",
         "tibia_t", "tibia_c", "tibia_e", "skel_c"]


def info_values(names):
    out, _ = muskx_cli.run(["info", MODEL])
    vals = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) > 1 and f[0] in names:
            vals[f[0]] = float(f[1])
    return vals


def main():
    phases = ["{name: blockade, duration: 1500 d, inputs: {dmab: 1}}",
              "{name: release, duration: 1500 d, inputs: {dmab: 0}}",
              "{name: step, duration: 500 d, inputs: {dmab: 0, f_rankl_ext: 2}}"]
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k in (0.0, 3.0):
            runs[k] = muskx_cli.scenario(tmp, MODULE, "reb%d" % int(k), phases, [],
                                         ["OCa", "OCp"], {"turnover": 1e-12, "k_rbd": k})
    a, b = runs[0.0]["OCa"], runs[3.0]["OCa"]
    t = runs[0.0]["time"]

    def rel(i):
        return abs(b[i] - a[i]) / abs(a[i])
    blk = [i for i, x in enumerate(t) if x <= 1500]
    stp = [i for i, x in enumerate(t) if 3001 <= x <= 3500]
    rel_blk = max(rel(i) for i in blk)
    rel_stp = max(rel(i) for i in stp)
    check("REBoff", rel_blk < 1e-6 and rel_stp < 1e-6,
          "max relative OCa difference k_rbd 3 vs 0: %.2e in the blockade, %.2e in the RANKL step (< 1e-6)"
          % (rel_blk, rel_stp))
    rel_idx = [i for i, x in enumerate(t) if 1500 < x <= 2000]
    pa, pb = max(a[i] for i in rel_idx), max(b[i] for i in rel_idx)
    pool = runs[0.0]["OCp"][blk[-1]]
    check("REBon", pb > 1.1 * pa and pool > 1.5,
          "osteoclast peak after the blockade %.4g (k_rbd 3) vs %.4g (k_rbd 0), ratio %.3f (> 1.1); pool at release %.3f (> 1.5)"
          % (pb, pa, pb / pa, pool))
    i3000 = max(i for i, x in enumerate(t) if x <= 3000)
    check("REBss", rel(i3000) < 1e-5,
          "1500 d after the blockade OCa %.10g vs %.10g (relative %.2e < 1e-5)" % (b[i3000], a[i3000], rel(i3000)))

    names = ["s_rbd", "turnover_t"] + ["%s.%s" % (c, n) for c in COMPS for n in ("k_rbd", "turnover")]
    v = info_values(set(names))
    bad = []
    for c in COMPS:
        want = v["s_rbd"] * (v["turnover_t"] / v[c + ".turnover"] - 1)
        got = v[c + ".k_rbd"]
        if abs(got - want) > 1e-9 * max(1.0, abs(want)):
            bad.append("%s %.6g vs %.6g" % (c, got, want))
    check("REBbind", not bad and len(v) == len(names),
          "k_rbd = s_rbd (turnover_t/turnover - 1) in all %d compartments (s_rbd %.6g; hip_c %.4g, spine_t %.4g)%s"
          % (len(COMPS), v.get("s_rbd", float("nan")), v.get("hip_c.k_rbd", float("nan")),
             v.get("spine_t.k_rbd", float("nan")), "; " + ", ".join(bad) if bad else ""))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
