#!/usr/bin/python3
"""test_rebound.py -- the osteoclast-precursor surplus term of
models/bone/rankl_opg.yaml (issue 17, session 18, revbone) and its
per-compartment gain in models/crosstalk/spaceflight.yaml.

The module forms osteoclasts at D_OCp f_oc_ext (OCp + k_rbd surplus) piOCG,
where surplus = ramp(OCp - max(OCp*(x), 1 + a_pm_ocp postmenopausal)): the
precursor pool above both its steady level at the current drive and its
resting level, i.e. the precursors accumulated while RANKL was blocked,
once the drive returns. spaceflight.yaml binds
k_rbd = s_rbd max(turnover_t/turnover - 1, 0) into every bone compartment
(since session 22, dmabrel, s_rbd = c_rbd/K_rbd: k_rbd = (c_rbd/K_rbd) max(...))
(and, session 21 dmabstop, q_rbd = 1/c_rbd: tests/calibration/test_dmabstop.py).

The module alone (turnover 1e-12/day, so bone volume does not move and
nothing feeds back on the osteocytes; the cell equations do not depend on
turnover) runs three phases: 1500 d of RANKL blockade (dmab input 1 ug/mL),
1500 d without it, then a RANKL step (f_rankl_ext 2) for 500 d, once with
k_rbd 0 and once with k_rbd 3. Checks:
  REBoff   during the blockade the osteoclast count is the same with
           k_rbd 3 as with 0 (relative 1e-6): the pool is below its steady
           level while it fills
  REBstep  a RANKL step (f_rankl_ext 2, 500 d) from the steady state, at the
           module defaults and at the integrated model's g_ocp with
           postmenopausal 1: the same osteoclast count with k_rbd 3 as with
           0 (relative 1e-6): a rising drive drains the pool below rest
           while g_ocp < r_ocp/(1 + r_ocp)
  REBgate  the integrated model's g_ocp is below r_ocp/(1 + r_ocp), the
           condition under which unloading leaves the term off
  REBon    after the blockade ends, k_rbd 3 raises the osteoclast peak by
           more than 10 % over k_rbd 0 (the term is on; two-sided with
           REBoff) and by less than the largest formation factor the term
           can give, 1 + k_rbd (OCp - 1)/OCp at the pool's release value
  REBss    1500 d after the blockade the two runs agree again (relative 1e-5:
           the pool relaxes with tau_ocp 300 d): the surplus is spent, every steady state is unchanged
  REBbind  in the integrated model, each compartment's k_rbd equals
           s_rbd max(turnover_t/turnover - 1, 0) computed here from the values
           muskx info reports (0 in the compartments at turnover_t, and in
           bone_c, whose turnover_c is above turnover_t: session 21, dmabstop)

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
    rel_blk = max(rel(i) for i in blk)
    check("REBoff", rel_blk < 1e-6,
          "max relative OCa difference k_rbd 3 vs 0 in the blockade: %.2e (< 1e-6)" % rel_blk)
    rel_idx = [i for i, x in enumerate(t) if 1500 < x <= 2000]
    pa, pb = max(a[i] for i in rel_idx), max(b[i] for i in rel_idx)
    pool = runs[0.0]["OCp"][blk[-1]]
    bound = 1 + 3.0 * (pool - 1) / pool
    check("REBon", 1.1 * pa < pb < bound * pa and pool > 1.5,
          "osteoclast peak after the blockade %.4g (k_rbd 3) vs %.4g (k_rbd 0), ratio %.3f (1.1 .. %.3f); pool at release %.3f (> 1.5)"
          % (pb, pa, pb / pa, bound, pool))
    i3000 = max(i for i, x in enumerate(t) if x <= 3000)
    check("REBss", rel(i3000) < 1e-5,
          "1500 d after the blockade OCa %.10g vs %.10g (relative %.2e < 1e-5)" % (b[i3000], a[i3000], rel(i3000)))

    g = muskx_cli.info_values(MODEL, {"g_ocp", "bone_t.r_ocp"})
    gate = g["bone_t.r_ocp"] / (1 + g["bone_t.r_ocp"])
    check("REBgate", g["g_ocp"] < gate,
          "integrated model g_ocp %.4g < r_ocp/(1 + r_ocp) = %.4g" % (g["g_ocp"], gate))
    step = ["{name: step, duration: 500 d, inputs: {f_rankl_ext: 2}}"]
    worst = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, over in (("defaults", {}), ("model g_ocp, postmenopausal",
                                                {"g_ocp": g["g_ocp"], "postmenopausal": 1})):
            r = {}
            for k in (0.0, 3.0):
                o = dict(over, turnover=1e-12, k_rbd=k)
                r[k] = muskx_cli.scenario(tmp, MODULE, "step%d%s" % (int(k), len(over)), step, [], ["OCa"], o)["OCa"]
            worst.append((label, max(abs(y - x) / abs(x) for x, y in zip(r[0.0], r[3.0]))))
    check("REBstep", all(w < 1e-6 for _, w in worst),
          "RANKL step from the steady state, max relative OCa difference k_rbd 3 vs 0: %s (< 1e-6)"
          % ", ".join("%s %.2e" % w for w in worst))

    names = ["c_rbd", "K_rbd", "turnover_t"] + ["%s.%s" % (c, n) for c in COMPS for n in ("k_rbd", "turnover")]
    v = muskx_cli.info_values(MODEL, set(names))
    v["s_rbd"] = v.get("c_rbd", float("nan")) / v.get("K_rbd", float("nan"))  # session 22, dmabrel
    names.append("s_rbd")
    bad = []
    for c in COMPS:
        want = v["s_rbd"] * max(v["turnover_t"] / v[c + ".turnover"] - 1, 0.0)
        got = v[c + ".k_rbd"]
        if abs(got - want) > 1e-9 * max(1.0, abs(want)):
            bad.append("%s %.6g vs %.6g" % (c, got, want))
    check("REBbind", not bad and len(v) == len(names),
          "k_rbd = s_rbd max(turnover_t/turnover - 1, 0), s_rbd = c_rbd/K_rbd, in all %d compartments (s_rbd %.6g; hip_c %.4g, spine_t %.4g)%s"
          % (len(COMPS), v.get("s_rbd", float("nan")), v.get("hip_c.k_rbd", float("nan")),
             v.get("spine_t.k_rbd", float("nan")), "; " + ", ".join(bad) if bad else ""))
    return muskx_cli.finish()


if __name__ == "__main__":
    muskx_cli.run_main(main)
