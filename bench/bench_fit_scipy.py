#!/usr/bin/env python3
"""bench_fit_scipy.py -- `make bench` (issue 15): multi-start fits of the
Boehm_JProteomeRes2014 PEtab problem by `muskx fit` (exact Jacobian from
forward sensitivities, its default hybrid of trust-region dogleg and
projected LM, noise parameters in closed form, one restart per start and
the Gauss-Newton gain stop; a start is then two local fits, scipy's one;
the searches simulate at rtol = atol = 1e-6, their Jacobians at 1e-4
where a check against 1e-6 allows, and every start's result is reported
at 1e-8, --search-tolerance and --jacobian-tolerance)
against scipy.optimize.least_squares driving the Python
bindings (muskx.Problem.evaluate) with 2-point finite-difference
Jacobians, from the same starts, over several seeds.

  /usr/bin/python3 bench/bench_fit_scipy.py OUTDIR [--starts N]
      [--seeds 1,2,...,12] [--methods trf,dogbox,trf+cf,dogbox+cf] [--quick]
      [--baseline MUSKX] [--scipy-tol 1e-8,1e-6]

--baseline MUSKX adds another build's `muskx fit` (e.g. main's, built in a
temporary worktree) as a row of the same run, for a side-by-side CPU
comparison on a busy machine. --scipy-tol runs every scipy method at each
of these simulation tolerances (rtol = atol; default 1e-8 only): muskx fit
searches at 1e-6 since --search-tolerance, so scipy is offered it too.

What is the same for both: the starts (scipy reads every start from
muskx fit's starts.tsv, all nine parameters), the bounds and scales (the
PEtab parameter table: log10, as muskx.Problem gives them), the optimum
(the reference llh -138.22200; a start "hits" when it ends within 0.1 of
it, its llh evaluated at rtol = atol = 1e-8 for both), the simulations
(the same library; 1e-8 unless --scipy-tol says otherwise) and the
objective (nllh as a sum of squares: normalised residuals plus
sqrt(2 log sigma + K) per measurement, as muskx fit's --joint-sigma;
muskx fit's default closed-form sigmas reach the same optimum with the
same llh). scipy gets its own tolerances (xtol = gtol = ftol = 1e-8),
each method named in --methods (trf, dogbox; "+cf": with the noise
parameters in closed form as muskx fit does, on the six other
parameters, which muskx fit's optimum shows is the better-suited form
for this problem), an objective vectorised with numpy, and no start is
cut short.

Timing: CPU time, one thread each, one tool after the other, so other
jobs on a shared machine do not inflate it:
  - muskx fit (CLI): the child's getrusage, including the process start,
    loading the problem and the two plots it writes (counted against
    muskx);
  - muskx Problem.fit: the same fit through the Python bindings in this
    process (no start-up and plots, but a Python residual callback; its
    per-start results are checked against the CLI's);
  - muskx fit --ftol 1e-8 (CLI): scipy's stopping rule (a step that
    lowers the cost by less than 1e-8 relative ends a start; muskx fit's
    default is 0, off), the same starts;
  - scipy: this process's CPU time around the least_squares calls only
    (no Python start-up, no imports).
Per tool: CPU per start, hits, CPU per hit pooled over all seeds, with a
95 % Wilson interval for the hit rate; the ratios scipy / muskx of CPU per
start and of CPU per hit (with the range the hit-rate intervals allow).
The load average before and after says how busy the machine was. Writes
OUTDIR/fit_scipy.tsv (one row per tool and seed, and the totals).
"""
import csv
import math
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
MUSKX = os.path.join(ROOT, "build", "muskx")
PROBLEM = os.path.join(ROOT, "..", "shared", "petab-benchmarks",
                       "Boehm_JProteomeRes2014", "Boehm_JProteomeRes2014.yaml")
REF = -138.22199693517703
HIT = 0.1


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def wilson(k, n, z=1.96):
    """95 % Wilson score interval of a proportion k / n."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def run_cli(seed, starts, out, extra=(), muskx=MUSKX, tag=""):
    fitdir = os.path.join(out, "fit-boehm-seed%d%s%s" % (seed, "".join(extra),
                                                       tag))
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run([muskx, "fit", PROBLEM, "--starts", str(starts),
                        "--seed", str(seed), "--threads", "1", "-o", fitdir]
                       + list(extra), capture_output=True, text=True)
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise RuntimeError("muskx fit failed: " + p.stderr)
    cpu = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    with open(os.path.join(fitdir, "starts.tsv")) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return cpu, rows


def main():
    out = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") \
        else "."
    starts = int(arg("--starts", "20"))
    # 12 seeds (240 starts): scipy hits the optimum in a few starts out of
    # a hundred, so fewer seeds leave its CPU per hit to chance
    default_seeds = ",".join(str(s) for s in range(1, 13))
    seeds = [int(s) for s in arg("--seeds", default_seeds).split(",")]
    methods = arg("--methods", "trf,dogbox,trf+cf,dogbox+cf").split(",")
    baseline = arg("--baseline", None)
    stols = [float(t) for t in arg("--scipy-tol", "1e-8").split(",")]
    if "--quick" in sys.argv:
        starts, seeds, methods = min(starts, 4), seeds[:1], methods[:1]
        stols = stols[:1]
    try:
        import numpy as np
        from scipy.optimize import least_squares
        import muskx
    except ImportError as e:
        print("bench_fit_scipy: skipped (%s)" % e)
        return 0
    os.makedirs(out, exist_ok=True)
    pb = muskx.Problem.from_petab(PROBLEM)
    ids = pb.parameter_ids
    lo, hi = np.array(pb.lower, float), np.array(pb.upper, float)
    nominal = pb.evaluate()
    sig0 = min(nominal["sigma"])
    K = max(1.0, 2 * math.log(1e6) - 2 * math.log(sig0))
    m = len(nominal["residual"])
    const = -nominal["llh"] - 0.5 * sum(
        r * r + 2 * math.log(s) + K
        for r, s in zip(nominal["residual"], nominal["sigma"]))
    big = np.full(2 * m, 1e10)
    tol = [1e-8]  # the scipy runs' simulation tolerance (rtol = atol)

    def fun(theta):
        try:
            e = pb.evaluate(theta, tol[0], tol[0])
        except muskx.MuskxError:
            return big
        r = np.asarray(e["residual"], float)
        s = np.asarray(e["sigma"], float)
        with np.errstate(invalid="ignore", divide="ignore"):
            q = np.sqrt(np.maximum(2 * np.log(s) + K, 0.0))
        v = np.concatenate([r, np.where(s > 0, q, 1e10)])
        return np.where(np.isfinite(v), v, 1e10)

    # Closed-form sigmas (muskx fit's default, cli/fit_sigma.c): a noise
    # parameter k whose measurements' sigma is exactly 10^theta_k (or its
    # scale's inverse) and that moves nothing else is dropped from the
    # search; at every point sigma_k^2 = RSS_k / n_k within its bounds.
    # Found numerically through the public API: moving theta_k by 0.1
    # must scale those sigmas by the scale's factor and leave r * sigma.
    up = {"lin": lambda x: x, "log": math.exp, "log10": lambda x: 10.0 ** x}
    th0 = np.array(pb.nominal, float)
    r0 = np.asarray(nominal["residual"], float)
    s0 = np.asarray(nominal["sigma"], float)
    group = np.full(m, -1)
    groups = []  # (parameter index, measurement mask, lo, hi on linear)
    for k in range(len(ids)):
        th = th0.copy()
        th[k] += 0.1
        e = pb.evaluate(list(th))
        r1 = np.asarray(e["residual"], float)
        s1 = np.asarray(e["sigma"], float)
        moved = s1 != s0
        f = up[pb.scales[k]]
        want = f(th[k]) / f(th0[k])
        if moved.any() and np.allclose(s1[moved] / s0[moved], want,
                                       rtol=1e-9) and \
                np.allclose(r1 * s1, r0 * s0, rtol=1e-9, atol=1e-12) and \
                (group[moved] < 0).all():
            group[moved] = len(groups)
            groups.append((k, moved, f(lo[k]), f(hi[k])))
    free = [k for k in range(len(ids)) if k not in [g[0] for g in groups]]

    def fun_cf(theta_free):
        th = th0.copy()
        th[free] = theta_free
        try:
            e = pb.evaluate(list(th), tol[0], tol[0])
        except muskx.MuskxError:
            return big
        d = np.asarray(e["residual"], float) * np.asarray(e["sigma"], float)
        sig = np.asarray(e["sigma"], float).copy()
        for _, mask, glo, ghi in groups:
            sig[mask] = min(max(math.sqrt(float(d[mask] @ d[mask]) /
                                          mask.sum()), glo), ghi)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = d / sig
            q = np.sqrt(np.maximum(2 * np.log(sig) + K, 0.0))
        v = np.concatenate([r, np.where(sig > 0, q, 1e10)])
        return np.where(np.isfinite(v), v, 1e10)

    load0 = os.getloadavg()[0]
    mx = ["muskx fit (CLI)", "muskx Problem.fit",
          "muskx fit --ftol 1e-8 (CLI)"]
    if baseline:
        mx.append("baseline muskx fit (CLI)")
    nmx = len(mx)  # muskx rows first
    runs = [(mt, t) for t in stols for mt in methods]
    tools = mx + ["scipy %s%s%s" % (
        mt.split("+")[0], ", closed-form sigmas" if mt.endswith("+cf") else "",
        "" if t == 1e-8 else ", tol %g" % t) for mt, t in runs]
    res = {t: [] for t in tools}  # per seed: (cpu, llh list, plain evals)
    for seed in seeds:
        cpu, rows = run_cli(seed, starts, out)
        llh_cli = [-float(r["nllh"]) for r in rows]
        res[tools[0]].append((cpu, llh_cli, None))
        c0 = time.process_time()
        fr = pb.fit(starts=starts, seed=seed, threads=1)
        cpu = time.process_time() - c0
        llh_lib = [float(v) for v in fr["llh"]]
        res[tools[1]].append((cpu, llh_lib, None))
        same = sum(abs(a - b) <= 1e-6 * (1 + abs(a)) or (a != a and b != b)
                   for a, b in zip(llh_cli, llh_lib))
        if same != len(llh_cli):
            print("  note: seed %d: the library's fit agrees with the CLI's "
                  "on %d of %d starts" % (seed, same, len(llh_cli)))
        # scipy's stopping rule (ftol = 1e-8) in muskx fit
        cpu, rows_f = run_cli(seed, starts, out, ("--ftol", "1e-8"))
        res[tools[2]].append((cpu, [-float(r["nllh"]) for r in rows_f], None))
        if baseline:
            cpu, rows_b = run_cli(seed, starts, out, muskx=baseline,
                                  tag="-baseline")
            res[tools[3]].append((cpu, [-float(r["nllh"]) for r in rows_b],
                                  None))
            if [r["start_" + i] for r in rows_b for i in ids] != \
                    [r["start_" + i] for r in rows for i in ids]:
                print("  note: seed %d: the baseline drew other starts" % seed)
        x0s = [np.array([float(r["start_" + i]) for i in ids]) for r in rows]
        for (mt, t), tool in zip(runs, tools[nmx:]):
            tol[0] = t
            llh, nev = [], 0
            c0 = time.process_time()
            cf = mt.endswith("+cf")
            f, idx = (fun_cf, free) if cf else (fun, list(range(len(ids))))
            ends = []
            for x0 in x0s:
                x0 = np.clip(x0, lo + 1e-10, hi - 1e-10)[idx]
                r = least_squares(f, x0, bounds=(lo[idx], hi[idx]),
                                  method=mt.split("+")[0], jac="2-point",
                                  xtol=1e-8, gtol=1e-8, ftol=1e-8,
                                  max_nfev=2000)
                ends.append(r)
                nev += r.nfev + r.njev * len(idx)
            cpu = time.process_time() - c0
            # the llh each start reached, at 1e-8 whatever scipy searched
            # at (untimed; at 1e-8 it is scipy's own final cost)
            tol[0] = 1e-8
            for r in ends:
                v = r.fun if t == 1e-8 else f(r.x)
                llh.append(-(0.5 * float(v @ v) + const))
            res[tool].append((cpu, llh, nev))
    load1 = os.getloadavg()[0]

    def hits(v):
        return sum(abs(x - REF) <= HIT for x in v)

    print("Boehm_JProteomeRes2014, %d starts x seeds %s, same starts, 1 "
          "thread each; load average %.2f before, %.2f after (2 = both "
          "cores busy)" % (starts, ",".join(map(str, seeds)), load0, load1))
    print("  %-34s %s | %8s %9s %7s %13s %11s" % (
        "tool", " ".join("seed%-3d" % s for s in seeds), "CPU s", "CPU/start",
        "hits", "95% hit rate", "CPU/hit"))
    tot = {}
    with open(os.path.join(out, "fit_scipy.tsv"), "w") as f:
        f.write("tool\tseed\tstarts\tcpu_s\tcpu_s_per_start\thits\t"
                "best_llh\tplain_evals\tload_before\tload_after\n")
        for t in tools:
            cpu = sum(r[0] for r in res[t])
            h = sum(hits(r[1]) for r in res[t])
            n = starts * len(seeds)
            tot[t] = (cpu, h, n)
            ci = wilson(h, n)
            per_seed = " ".join("%2d/%-4.1f" % (hits(r[1]), r[0])
                                for r in res[t])
            print("  %-34s %s | %8.1f %9.3f %3d/%-3d %5.1f-%4.1f %% %11s"
                  % (t, per_seed, cpu, cpu / n, h, n, 100 * ci[0],
                     100 * ci[1], "%.2f s" % (cpu / h) if h else "-"))
            for s, r in zip(seeds, res[t]):
                f.write("%s\t%d\t%d\t%.3f\t%.4f\t%d\t%.8g\t%s\t%.2f\t%.2f\n"
                        % (t, s, starts, r[0], r[0] / starts, hits(r[1]),
                           max(x for x in r[1] if x == x),
                           "" if r[2] is None else r[2], load0, load1))
            f.write("%s\tall\t%d\t%.3f\t%.4f\t%d\t\t\t%.2f\t%.2f\n"
                    % (t, n, cpu, cpu / n, h, load0, load1))
    print("  (per seed: hits/CPU seconds)")
    if baseline:
        (cn, hn, nn), (cb, hb, nb) = tot[tools[0]], tot[tools[3]]
        print("  muskx fit / baseline: CPU per start %.2fx, CPU per hit "
              "%s" % ((cn / nn) / (cb / nb), "%.2fx" % ((cn / hn) / (cb / hb))
                      if hn and hb else "n/a"))
    for base in tools[:nmx]:
        cb, hb, nb = tot[base]
        for t in tools[nmx:]:
            cs, hs, ns = tot[t]
            line = "  %s / %s: CPU per start %.2fx" % (t, base,
                                                     (cs / ns) / (cb / nb))
            if hb and hs:
                rb, rs = wilson(hb, nb), wilson(hs, ns)
                ratio = (cs / hs) / (cb / hb)
                # CPU per hit = CPU per start / hit rate: the range over the
                # two hit rates' 95 % intervals
                lo_r = (cs / ns / rs[1]) / (cb / nb / rb[0]) if rb[0] else 0
                hi_r = (cs / ns / rs[0]) / (cb / nb / rb[1]) if rs[0] else \
                    float("inf")
                line += ", CPU per hit %.1fx (%.1f-%.1f by the hit rates' " \
                        "95 %% intervals)" % (ratio, lo_r, hi_r)
            else:
                line += ", CPU per hit: n/a (no hits for one tool)"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
