#!/usr/bin/env python3
"""test_fit_cli.py -- `muskx fit` (issue 15) against closed-form answers.

tests/fit/linear/ is a PEtab problem whose model is a straight line
A(t) = a + b t with normal noise of unknown sd. Its maximum-likelihood
estimate is ordinary least squares for a and b with sd^2 = RSS / n, its
llh -n/2 (log(2 pi sd^2) + 1), and the profile of a or b is
n/2 log(RSS(beta_j) / n) + const with RSS(beta_j) = RSS_min +
(beta_j - hat)^2 / c_jj (c = (X^T X)^-1), so the 95 % interval is
hat +- sqrt(c_jj RSS_min (exp(2 * 1.92073 / n) - 1)). All computed here
from the data, independently of libmuskx. Also: the same results on 1 and
2 threads, the files written, and usage errors; that the noise sd is set
in closed form at every start's result (sqrt(RSS / n) there, and the
nllh at it), and that --joint-sigma, which searches it, finds the same
optimum; that each local method (--method dogbox, lm, hybrid) reaches the
closed-form estimates with the sd closed-form or searched; --search-tolerance
and --jacobian-tolerance
(usage errors; its values reach the same optimum: tests/fit/check_boehm.py
checks on Boehm that every start is reported at the full accuracy).
--profile-params P1,P2 on Boehm_JProteomeRes2014 (PETAB_BENCH, default
../shared/petab-benchmarks; skipped with a note when absent): the
profile_ci.tsv and profiles.tsv rows of exactly those two parameters, equal
to a full --profile run's rows (both from the nominal start, one start:
about 9 s of CPU), and an unknown or a repeated name refused by name with
a non-zero exit and no results.
Prints "N passed, N failed" (scripts/run-tests.sh).
"""
import csv
import math
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MUSKX = os.environ.get("MUSKX", os.path.join(ROOT, "build", "muskx"))
PROBLEM_DIR = os.path.join(HERE, "linear")
PROBLEM = os.path.join(PROBLEM_DIR, "problem.yaml")
HALF_CHI2_95 = 1.920729410347062  # chi2_1(0.95) / 2
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL %s %s" % (name, detail))


def read_tsv(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def closed_form():
    rows = read_tsv(os.path.join(HERE, "linear", "measurements.tsv"))
    t = [float(r["time"]) for r in rows]
    y = [float(r["measurement"]) for r in rows]
    n = len(t)
    s1, s2 = sum(t), sum(x * x for x in t)
    sy, sty = sum(y), sum(a * b for a, b in zip(t, y))
    det = n * s2 - s1 * s1
    a = (s2 * sy - s1 * sty) / det
    b = (n * sty - s1 * sy) / det
    rss = sum((yi - a - b * ti) ** 2 for ti, yi in zip(t, y))
    sd = math.sqrt(rss / n)
    llh = -n / 2 * (math.log(2 * math.pi * sd * sd) + 1)
    c = {"a": s2 / det, "b": n / det}
    half = {j: math.sqrt(c[j] * rss * (math.exp(2 * HALF_CHI2_95 / n) - 1))
            for j in c}
    return {"a": a, "b": b, "sd": sd}, llh, half


def run(args):
    return subprocess.run([MUSKX, "fit"] + args, capture_output=True,
                          text=True, timeout=300)


BENCH = os.environ.get("PETAB_BENCH",
                       os.path.join(ROOT, "..", "shared", "petab-benchmarks"))


def profile_params_boehm(tmp):
    """--profile-params against a full --profile run on Boehm."""
    problem = os.path.join(BENCH, "Boehm_JProteomeRes2014",
                           "Boehm_JProteomeRes2014.yaml")
    if not os.path.exists(problem):
        print("test_fit_cli: %s absent: --profile-params on Boehm not run"
              % problem)
        return
    base = [problem, "--starts", "1", "--nominal-start", "--threads", "1"]
    full, sub = os.path.join(tmp, "boehm-full"), os.path.join(tmp, "boehm-sub")
    p = run(base + ["--profile", "-o", full])
    check("Boehm --profile runs", p.returncode == 0, p.stderr)
    # given out of the table's order: the rows come in the table's order
    pick = ["k_phos", "k_exp_hetero"]
    p = run(base + ["--profile-params", ",".join(pick), "-o", sub])
    check("Boehm --profile-params runs", p.returncode == 0, p.stderr)
    if not all(os.path.exists(os.path.join(d, "profile_ci.tsv"))
               for d in (full, sub)):
        check("Boehm profile_ci.tsv written", False)
        return

    def rows(d, f):
        with open(os.path.join(d, f)) as fh:
            lines = fh.read().splitlines()
        return lines[0], [ln for ln in lines[1:] if ln]

    hf, ci_full = rows(full, "profile_ci.tsv")
    hs, ci_sub = rows(sub, "profile_ci.tsv")
    names_full = [r.split("\t")[0] for r in ci_full]
    check("Boehm --profile: every estimated parameter (9)",
          len(ci_full) == 9 and all(q in names_full for q in pick),
          str(names_full))
    check("--profile-params: profile_ci.tsv lists exactly the two, in the "
          "table's order",
          [r.split("\t")[0] for r in ci_sub] ==
          [q for q in names_full if q in pick], str(ci_sub))
    # the same intervals, to the last digit written
    want = [r for r in ci_full if r.split("\t")[0] in pick]
    check("--profile-params: the two intervals are the full run's",
          hs == hf and ci_sub == want, "%s vs %s" % (ci_sub, want))
    _, pr_full = rows(full, "profiles.tsv")
    _, pr_sub = rows(sub, "profiles.tsv")
    want = [r for r in pr_full if r.split("\t")[0] in pick]
    check("--profile-params: profiles.tsv holds the two profiles, the full "
          "run's points", len(want) > 0 and pr_sub == want,
          "%d vs %d rows" % (len(pr_sub), len(want)))
    for arg, says in (("k_phos,k_nope", "'k_nope': not an estimated parameter"),
                      ("k_phos,k_exp_hetero,k_phos", "names 'k_phos' twice")):
        d = os.path.join(tmp, "boehm-bad")
        p = run(base + ["--profile-params", arg, "-o", d])
        check("--profile-params %s is refused with its message" % arg,
              p.returncode != 0 and says in p.stderr and
              not os.path.exists(os.path.join(d, "profile_ci.tsv")),
              "exit %d: %s" % (p.returncode, p.stderr))


def main():
    if not os.access(MUSKX, os.X_OK):
        print("test_fit_cli: %s not built" % MUSKX)
        print("0 passed, 1 failed")
        return 1
    est, llh, half = closed_form()
    tmp = tempfile.mkdtemp(prefix="muskx-fit-")
    try:
        outs = []
        for k in (1, 2):
            d = os.path.join(tmp, "t%d" % k)
            p = run([PROBLEM, "--starts", "8", "--seed", "3", "--threads",
                     str(k), "--profile", "-o", d])
            check("fit runs (threads %d)" % k, p.returncode == 0, p.stderr)
            outs.append((d, p.stdout))
        d, stdout = outs[0]
        got = float(stdout.split("best llh = ")[1].split()[0])
        check("best llh is the closed-form one", abs(got - llh) < 1e-7,
              "%r vs %r" % (got, llh))
        params = {r["parameterId"]: float(r["nominalValue"])
                  for r in read_tsv(os.path.join(d, "parameters.tsv"))}
        for j, v in est.items():
            check("estimate of %s" % j, abs(params[j] - v) < 1e-5 * (1 + abs(v)),
                  "%r vs %r" % (params[j], v))
        ci = {r["parameter"]: r for r in read_tsv(os.path.join(d, "profile_ci.tsv"))}
        for j in ("a", "b"):
            lo, hi = float(ci[j]["lower"]), float(ci[j]["upper"])
            check("profile interval of %s" % j,
                  abs(lo - (est[j] - half[j])) < 1e-4 * half[j] and
                  abs(hi - (est[j] + half[j])) < 1e-4 * half[j],
                  "[%r, %r] vs %r +- %r" % (lo, hi, est[j], half[j]))
        starts = read_tsv(os.path.join(d, "starts.tsv"))
        check("one row per start", len(starts) == 8, str(len(starts)))
        same = all(open(os.path.join(outs[0][0], f)).read() ==
                   open(os.path.join(outs[1][0], f)).read()
                   for f in ("starts.tsv", "parameters.tsv", "profiles.tsv"))
        check("identical on 1 and 2 threads", same)
        if shutil.which("gnuplot"):
            for f in ("waterfall.png", "fit.png", "profiles.png"):
                path = os.path.join(d, f)
                check(f, os.path.exists(path) and
                      open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n")
        # The noise sd is set in closed form at every point (not searched):
        # each start's sd must be sqrt(RSS / n) at its own a, b, and its
        # nllh the normal nllh there, both computed here from the data.
        meas = read_tsv(os.path.join(HERE, "linear", "measurements.tsv"))
        tt = [float(r["time"]) for r in meas]
        yy = [float(r["measurement"]) for r in meas]
        n = len(tt)
        d3 = os.path.join(tmp, "closed")
        p = run([PROBLEM, "--starts", "8", "--seed", "5", "-o", d3])
        check("fit without --profile runs", p.returncode == 0, p.stderr)
        for r in read_tsv(os.path.join(d3, "starts.tsv")):
            a, b, sd = float(r["a"]), float(r["b"]), float(r["sd"])
            rss = sum((y - a - b * x) ** 2 for x, y in zip(tt, yy))
            want = min(max(math.sqrt(rss / n), 0.01), 10)
            nllh = n / 2 * math.log(2 * math.pi * want * want) + \
                rss / (2 * want * want)
            check("start %s: sd is sqrt(RSS/n) at its a, b" % r["start"],
                  abs(sd - want) < 1e-6 * want, "%r vs %r" % (sd, want))
            check("start %s: nllh at that sd" % r["start"],
                  abs(float(r["nllh"]) - nllh) < 1e-6 * (1 + abs(nllh)),
                  "%r vs %r" % (r["nllh"], nllh))
        # --joint-sigma searches sd with a and b: the same optimum
        d4 = os.path.join(tmp, "joint")
        p = run([PROBLEM, "--starts", "8", "--seed", "5", "--joint-sigma",
                 "-o", d4])
        check("--joint-sigma runs", p.returncode == 0, p.stderr)
        got = float(p.stdout.split("best llh = ")[1].split()[0]) \
            if p.returncode == 0 else float("nan")
        check("--joint-sigma: best llh is the closed-form one",
              abs(got - llh) < 1e-7, "%r vs %r" % (got, llh))
        aic = float(stdout.split("AIC = ")[1].split()[0])
        check("AIC = 2k - 2 llh", abs(aic - (6 - 2 * llh)) < 1e-6)
        # --nominal-start: start 0 is the table's nominal values; --ftol:
        # the same closed-form optimum to the precision it asks for
        d = os.path.join(tmp, "nominal")
        p = run([PROBLEM, "--starts", "3", "--seed", "3", "--nominal-start",
                 "--ftol", "1e-9", "-o", d])
        check("--nominal-start --ftol runs", p.returncode == 0, p.stderr)
        if p.returncode == 0:
            nominal = {r["parameterId"]: r for r in read_tsv(os.path.join(PROBLEM_DIR, "parameters.tsv"))}
            s0 = read_tsv(os.path.join(d, "starts.tsv"))[0]
            want = {j: float(r["nominalValue"]) if r["parameterScale"] == "lin"
                    else math.log10(float(r["nominalValue"])) if r["parameterScale"] == "log10"
                    else math.log(float(r["nominalValue"]))
                    for j, r in nominal.items() if r["estimate"] == "1"}
            check("--nominal-start: start 0 is the nominal point",
                  all(abs(float(s0["start_" + j]) - v) <= 1e-12 * (1 + abs(v)) for j, v in want.items()),
                  "%s vs %s" % ({j: s0["start_" + j] for j in want}, want))
            got = float(p.stdout.split("best llh = ")[1].split()[0])
            check("--ftol 1e-9: the closed-form llh to 1e-6", abs(got - llh) < 1e-6,
                  "%r vs %r" % (got, llh))
        # --method: each local method, closed-form and joint sd, reaches
        # the closed-form estimates
        for meth in ("dogbox", "lm", "hybrid", "fides"):
            for extra in ([], ["--joint-sigma"]):
                d = os.path.join(tmp, "m-%s%d" % (meth, len(extra)))
                what = "--method %s%s" % (meth, "".join(" " + e for e in extra))
                p = run([PROBLEM, "--starts", "4", "--seed", "2", "--method",
                         meth, "-o", d] + extra)
                check(what + " runs", p.returncode == 0, p.stderr)
                if p.returncode != 0:
                    continue
                got = float(p.stdout.split("best llh = ")[1].split()[0])
                params = {r["parameterId"]: float(r["nominalValue"])
                          for r in read_tsv(os.path.join(d, "parameters.tsv"))}
                check(what + ": closed-form llh and estimates",
                      abs(got - llh) < 1e-7 and
                      all(abs(params[j] - v) < 1e-5 * (1 + abs(v))
                          for j, v in est.items()),
                      "%r vs %r; %r vs %r" % (got, llh, params, est))
        p = run([PROBLEM, "--method", "newton", "-o", tmp])
        check("--method newton is a usage error naming the methods",
              p.returncode == 2 and "dogbox" in p.stderr and "fides" in p.stderr, p.stderr)
        p = run([PROBLEM, "--ftol", "-1", "-o", tmp])
        check("--ftol -1 is a usage error", p.returncode == 2, p.stderr)
        p = run([PROBLEM])
        check("no -o is a usage error", p.returncode == 2 and "-o" in p.stderr,
              p.stderr)
        p = run([os.path.join(tmp, "nope.yaml"), "-o", tmp])
        check("a missing problem fails by name",
              p.returncode == 1 and "nope.yaml" in p.stderr, p.stderr)
        p = run([PROBLEM, "--starts", "0", "-o", tmp])
        check("--starts 0 is a usage error", p.returncode == 2, p.stderr)
        # --search-tolerance: a usage error above 1e-3 or not a number; 0
        # (one accuracy) and a value reach the closed-form optimum
        for bad in ("0.01", "abc", "-1e-6"):
            p = run([PROBLEM, "-o", tmp, "--search-tolerance", bad])
            check("--search-tolerance %s is a usage error" % bad,
                  p.returncode == 2 and "--search-tolerance" in p.stderr,
                  p.stderr)
        for good in ("0", "1e-4"):
            d = os.path.join(tmp, "stol" + good)
            p = run([PROBLEM, "--starts", "3", "--seed", "2",
                     "--search-tolerance", good, "-o", d])
            got = float(p.stdout.split("best llh = ")[1].split()[0]) \
                if p.returncode == 0 else float("nan")
            check("--search-tolerance %s: the closed-form llh" % good,
                  abs(got - llh) < 1e-7, "%r vs %r %s" % (got, llh, p.stderr))
        # --jacobian-tolerance: a usage error above 1e-2 or not a number;
        # 0 (the search's), a value and the loosest reach the closed form
        for bad in ("0.1", "abc", "-1e-4"):
            p = run([PROBLEM, "-o", tmp, "--jacobian-tolerance", bad])
            check("--jacobian-tolerance %s is a usage error" % bad,
                  p.returncode == 2 and "--jacobian-tolerance" in p.stderr,
                  p.stderr)
        for good in ("0", "1e-3", "1e-2"):
            d = os.path.join(tmp, "jtol" + good)
            p = run([PROBLEM, "--starts", "3", "--seed", "2",
                     "--jacobian-tolerance", good, "-o", d])
            got = float(p.stdout.split("best llh = ")[1].split()[0]) \
                if p.returncode == 0 else float("nan")
            check("--jacobian-tolerance %s: the closed-form llh" % good,
                  abs(got - llh) < 1e-7, "%r vs %r %s" % (got, llh, p.stderr))
        for order in (["--restarts", "0", "--restart-radius", "0.2"],
                      ["--restart-radius", "0.2", "--restarts", "0"]):
            p = run([PROBLEM, "-o", tmp] + order)
            check("%s: an unused --restart-radius is a usage error" % " ".join(order),
                  p.returncode == 2 and "--restarts 0" in p.stderr, p.stderr)
        profile_params_boehm(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
