#!/usr/bin/env python3
"""calibrate.py -- `make calibrate`: muskx fit on each PEtab problem under
models/calibration/, and whether the fit reproduces the shipped values.

For each PROBLEM.yml:
  1. the log-likelihood at the shipped values (`muskx petab`);
  2. `muskx fit PROBLEM.yml -o DIR --allow-path models/ FIT_ARGS` (default
     --nominal-start --starts 1 --seed 1 --max-iterations 30 --ftol 1e-6:
     one start, at the shipped values; add --profile for profile
     likelihoods around the best); then --drawn-starts (default 1) fits,
     each from a point drawn around the shipped values (their
     Gauss-Newton covariance, --start-sd SDs, clipped to the bounds; a
     draw where the objective cannot be evaluated is rejected, reported
     and redrawn, at most --draw-tries times), each reported as reaching
     the shipped optimum (every parameter within --rtol) or not, or as
     failed with its reason, with its iterations, objective evaluations,
     wall and CPU minutes; a drawn start still running after
     --start-timeout minutes (default 60; 0: no limit) is stopped and
     reported as not finished;
  3. per estimated parameter of the problem's parameters.tsv: shipped
     value (nominalValue), fitted value, relative difference, and the 95 %
     profile interval (profile_ci.tsv) when profiles were run; per start:
     llh, exit and its largest parameter difference from the best;
  4. DIR/draws.csv: parameter sets drawn from the fit's uncertainty (the
     Gauss-Newton covariance (J^T J)^-1 of the normalised residuals at the
     best point, on the parameters' scales, kept inside the bounds) for
     `muskx compare --bands --params-csv`.

The shipped model "is reproduced" when every estimated parameter is
within --rtol (default 2 %) of its shipped value; exit status 0 only
then, 1 otherwise. --ship writes the fitted values (4 significant digits)
into models/crosstalk/spaceflight.yaml (with `fit: models/calibration/NAME`
in each one's doc), the PEtab wrapper model.yaml and parameters.tsv, and
copies the profile table and plots and the draws to
models/calibration/NAME/fit/; run `make calibrate` again afterwards to
check that they are reproduced.

Python 3 standard library and the muskx Python bindings (Problem.jacobian).
"""
import argparse
import csv
import io
import math
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODELS = os.path.join(ROOT, "models")
SHIPPED = os.path.join(MODELS, "crosstalk", "spaceflight.yaml")
DEFAULT_FIT_ARGS = "--nominal-start --starts 1 --seed 1 --max-iterations 30 --ftol 1e-6"


def table(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def estimated(problem):
    """{parameterId: nominalValue} of the parameters the problem estimates
    (its YAML's parameter_file), in table order."""
    name = "parameters.tsv"
    for line in open(problem):
        if line.startswith("parameter_file:"):
            name = line.split(":", 1)[1].strip()
    rows = table(os.path.join(os.path.dirname(problem), name))
    return {r["parameterId"]: float(r["nominalValue"]) for r in rows if r["estimate"].strip() == "1"}


def parse_parameters(path):
    """{parameterId: nominalValue} of a PEtab parameter table (muskx fit
    writes the best parameters so, as nominalValue on the linear scale)."""
    return {r["parameterId"]: float(r["nominalValue"]) for r in table(path)}


def parse_starts(path):
    """{parameterId: value} of the best start (lowest nllh) in a starts.tsv
    (columns start, nllh, exit, iterations, evaluations, the parameters,
    then start_<id>: cli/fit_report.h)."""
    rows = table(path)
    if not rows or "nllh" not in rows[0]:
        raise RuntimeError("%s: no nllh column" % path)
    rows = [r for r in rows if math.isfinite(float(r["nllh"]))]  # failed starts
    if not rows:
        raise RuntimeError("%s: no start finished" % path)
    best = min(rows, key=lambda r: float(r["nllh"]))
    skip = {"start", "nllh", "exit", "iterations", "evaluations"}
    return {k: float(v) for k, v in best.items() if k not in skip and not k.startswith("start_")}


def parse_fit(text):
    """{parameterId: value} from a table with parameterId and
    estimate/value/fitted columns (TSV or CSV, with header)."""
    lines = [x for x in text.splitlines() if x.strip() and not x.startswith("#")]
    for start, line in enumerate(lines):
        if "parameterId" in line:
            delim = "\t" if "\t" in line else ","
            rows = csv.DictReader(io.StringIO("\n".join(lines[start:])), delimiter=delim)
            col = next((c for c in ("estimate", "value", "fitted") if c in rows.fieldnames), None)
            if col is None:
                break
            return {r["parameterId"]: float(r[col]) for r in rows}
    raise RuntimeError("no table with parameterId and estimate/value/fitted")


def rel_diff(fitted, shipped):
    """Relative difference (absolute when the shipped value is 0)."""
    return (fitted - shipped) / shipped if shipped else fitted


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)


def run_limited(cmd, minutes):
    """Runs cmd like run(), stopped (killed) after `minutes` of wall time
    (0: no limit). Returns (CompletedProcess or None when stopped, wall
    seconds, CPU seconds of the child: user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    try:
        out, err = p.communicate(timeout=minutes * 60 if minutes > 0 else None)
        done = subprocess.CompletedProcess(cmd, p.returncode, out, err)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        done = None
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done, time.monotonic() - t0, cpu


# ------------------------------------------------------------ linear algebra
# (the covariance of a handful of parameters; no numpy needed)

def cholesky(a):
    """Lower-triangular L with L L^T = a (a symmetric positive definite);
    None when it is not."""
    n = len(a)
    L = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            s = a[i][j] - sum(L[i][k] * L[j][k] for k in range(j))
            if i == j:
                if not s > 0:
                    return None
                L[i][i] = math.sqrt(s)
            else:
                L[i][j] = s / L[j][j]
    return L


def inverse_spd(a):
    """a^-1 for a symmetric positive definite a (via Cholesky); None if
    singular."""
    L = cholesky(a)
    if L is None:
        return None
    n = len(a)
    inv = [[0.0] * n for _ in range(n)]
    for c in range(n):
        e = [1.0 if i == c else 0.0 for i in range(n)]
        y = [0.0] * n
        for i in range(n):  # L y = e
            y[i] = (e[i] - sum(L[i][k] * y[k] for k in range(i))) / L[i][i]
        x = [0.0] * n
        for i in reversed(range(n)):  # L^T x = y
            x[i] = (y[i] - sum(L[k][i] * x[k] for k in range(i + 1, n))) / L[i][i]
        for i in range(n):
            inv[i][c] = x[i]
    return inv


def to_scale(v, s):
    return v if s == "lin" else math.log(v) if s == "log" else math.log10(v)


def from_scale(x, s):
    return x if s == "lin" else math.exp(x) if s == "log" else 10 ** x


def open_problem(problem):
    sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
    import muskx
    return muskx.Problem.from_petab(problem, allow_path=MODELS)


def gn_covariance(p, fitted):
    """(theta, cov, L) at `fitted` ({id: linear value}) on the parameters'
    scales: the Gauss-Newton covariance (J^T J)^-1 of the normalised
    residuals and its Cholesky factor; None when J^T J is singular."""
    ids, scales = p.parameter_ids, p.scales
    theta = [to_scale(fitted[i], s) for i, s in zip(ids, scales)]
    J = p.jacobian(theta)
    m, k = len(J["residual"]), len(ids)
    dr = J["dresidual"]
    at = (lambda i, j: dr[i][j]) if hasattr(dr, "shape") else (lambda i, j: dr[i * k + j])
    jtj = [[sum(at(r, a) * at(r, b) for r in range(m)) for b in range(k)] for a in range(k)]
    cov = inverse_spd(jtj)
    L = cholesky(cov) if cov else None
    return None if L is None else (theta, cov, L)


def correlated_point(theta, L, rng, scale):
    """theta + scale L z, z standard normal (L lower triangular)."""
    z = [rng.gauss(0, 1) for _ in range(len(theta))]
    return [theta[i] + scale * sum(L[i][j] * z[j] for j in range(i + 1)) for i in range(len(theta))]


def gauss_draw(p, theta, L, rng, scale=1.0):
    """One point theta + scale L z (z standard normal) inside the bounds
    (redrawn until it is, at most 1000 times), or None."""
    k = len(theta)
    for _ in range(1000):
        x = correlated_point(theta, L, rng, scale)
        if all(p.lower[i] <= x[i] <= p.upper[i] for i in range(k)):
            return x
    return None


def draws(problem, fitted, n, seed):
    """(ids, rows): n parameter sets (linear scale) from the Gauss-Newton
    covariance of the fit at `fitted`, inside the bounds; or None when
    J^T J is singular (a parameter the data do not identify)."""
    p = open_problem(problem)
    try:
        ids, scales = p.parameter_ids, p.scales
        got = gn_covariance(p, fitted)
        if got is None:
            return None
        theta, cov, L = got
        rng = random.Random(seed)
        rows = []
        while len(rows) < n:
            x = gauss_draw(p, theta, L, rng)
            if x is None:
                raise RuntimeError("%s: no draw inside the bounds in 1000 tries" % problem)
            rows.append([from_scale(x[i], scales[i]) for i in range(len(ids))])
        sd = [math.sqrt(cov[i][i]) for i in range(len(ids))]
        return ids, scales, sd, rows
    finally:
        p.close()


# ------------------------------------------------------------ drawn starts

def drawn_starts(problem, shipped, n, sd_scale, tries, seed):
    """n start points ({id: linear value}) drawn around the shipped values
    from the Gauss-Newton covariance there, each coordinate's spread
    sd_scale SDs (theta + sd_scale L z, z standard normal), each
    coordinate outside its bounds set to the bound. A draw whose
    objective cannot be evaluated (`muskx petab` would fail there: a
    simulation that does not finish) is rejected and redrawn, at most
    `tries` times per start. Returns (starts, rejected): rejected lists
    (start, reason) per rejected draw; a start that used up its tries is
    None (reported as failed). Raises when J^T J is singular."""
    p = open_problem(problem)
    try:
        ids, scales = p.parameter_ids, p.scales
        got = gn_covariance(p, shipped)
        if got is None:
            raise RuntimeError("%s: J^T J is singular at the shipped values: no drawn starts "
                               "(use --drawn-starts 0, or Latin-hypercube starts in --fit-args)" % problem)
        theta, _, L = got
        rng = random.Random(seed)
        starts, rejected = [], []
        for k in range(n):
            point = None
            for _ in range(tries):
                # clipped to the bounds (a joint draw of 31 coordinates at
                # 3 SD is rarely inside them all)
                x = [min(max(v, p.lower[i]), p.upper[i])
                     for i, v in enumerate(correlated_point(theta, L, rng, sd_scale))]
                try:
                    llh = p.llh(x)
                except Exception as e:  # the objective cannot be evaluated there
                    rejected.append((k + 1, str(e).splitlines()[0][:300]))
                    continue
                if not math.isfinite(llh):
                    rejected.append((k + 1, "llh %r" % llh))
                    continue
                point = {i: from_scale(v, s) for i, v, s in zip(ids, x, scales)}
                point["_llh"] = llh
                break
            starts.append(point)
        return starts, rejected
    finally:
        p.close()


def set_nominal(ptab, values):
    """Rewrites PEtab parameter table ptab with nominalValue = values[id]
    (linear scale) for the ids in values; other rows and columns as read."""
    rows = table(ptab)
    for r in rows:
        if r["parameterId"] in values:
            r["nominalValue"] = repr(values[r["parameterId"]])
    with open(ptab, "w") as f:
        wr = csv.DictWriter(f, fieldnames=list(rows[0].keys()), delimiter="\t", lineterminator="\n")
        wr.writeheader()
        wr.writerows(rows)


def problem_at(problem, point, dest):
    """A copy of the problem's folder at dest with parameters.tsv's
    nominalValue set to point (linear scale) and the wrapper model's
    relative imports made absolute (the copy lives elsewhere)."""
    src = os.path.dirname(problem)
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("fit"))
    wrapper = os.path.join(dest, "model.yaml")
    if os.path.exists(wrapper):
        w = open(wrapper).read()
        w = re.sub(r"^(\s*- file: )(\S+)$",
                   lambda m: m.group(1) + (m.group(2) if os.path.isabs(m.group(2))
                                           else os.path.normpath(os.path.join(src, m.group(2)))),
                   w, flags=re.M)
        open(wrapper, "w").write(w)
    set_nominal(os.path.join(dest, "parameters.tsv"), point)
    return os.path.join(dest, os.path.basename(problem))


# ------------------------------------------------------------ --ship

def sig4(v):
    return float("%.4g" % v)


def ship(problem, fitted, ci, name):
    """Writes the fitted values into spaceflight.yaml (doc: fit provenance),
    the wrapper model and parameters.tsv of the problem."""
    d = os.path.dirname(problem)
    src = open(SHIPPED).read()
    for pid, v in fitted.items():
        pat = re.compile(r"^(  %s: \{value: )([^,]+)(,.*?doc: \")(.*)(\"\})$" % re.escape(pid), re.M)
        m = pat.search(src)
        if m is None:
            raise RuntimeError("%s: parameter %s not found with value and doc" % (SHIPPED, pid))
        old = m.group(2).strip()
        mden = re.match(r"^[0-9.eE+-]+/(\d+)$", old)
        value = "%s/%s" % (repr(sig4(v * int(mden.group(1)))), mden.group(1)) if mden else repr(sig4(v))
        lo, hi = ci.get(pid, ("", ""))
        if lo.startswith("unfinished"):  # not an interval: never in a doc
            lo = hi = ""
        note = "fit: models/calibration/%s (make calibrate%s)" % (
            name, ", 95 %% profile interval %s .. %s" % (lo, hi) if lo or hi else "")
        doc = re.sub(r"^fit: models/calibration/[^)]*\)\. (Before this fit: )?", "", m.group(4))
        src = (src[:m.start()] + m.group(1) + value + m.group(3) + note + ". Before this fit: " + doc +
               m.group(5) + src[m.end():])
    open(SHIPPED, "w").write(src)
    wrapper = os.path.join(d, "model.yaml")
    if os.path.exists(wrapper):
        w = open(wrapper).read()
        for pid, v in fitted.items():
            value = evaluated(pid)
            w = re.sub(r"^(  %s: \{value: )[^,]+," % re.escape(pid), r"\g<1>%r," % value, w, flags=re.M)
        open(wrapper, "w").write(w)
    set_nominal(os.path.join(d, "parameters.tsv"), {pid: evaluated(pid) for pid in fitted})


def evaluated(pid):
    """The value of spaceflight.yaml's parameter pid (numbers and A/B)."""
    m = re.search(r"^  %s: \{value: ([^,]+)," % re.escape(pid), open(SHIPPED).read(), re.M)
    text = m.group(1).strip()
    if "/" in text:
        a, b = text.split("/")
        return float(a) / float(b)
    return float(text)


def scales_of(problem):
    """{parameterId: parameterScale} of the problem's parameters.tsv."""
    return {r["parameterId"]: r["parameterScale"] for r in
            table(os.path.join(os.path.dirname(problem), "parameters.tsv"))}


def sync(problem, shipped=None):
    """Copies spaceflight.yaml's values of every parameter the wrapper
    model binds into the wrapper and into parameters.tsv's nominalValue
    (after the model changed: a merge, a hand edit). Prints what moved."""
    global SHIPPED
    if shipped:
        SHIPPED = shipped
    d = os.path.dirname(problem)
    wrapper = os.path.join(d, "model.yaml")
    w = open(wrapper).read()
    moved = []
    for pid in re.findall(r"^  (\w+): \{value: [^,]+, doc: \"bound to sf\.", w, re.M):
        try:
            v = evaluated(pid)
        except AttributeError:  # not a spaceflight.yaml parameter
            continue
        old = float(re.search(r"^  %s: \{value: ([^,]+)," % pid, w, re.M).group(1))
        if old != v:
            moved.append("%s %g -> %g" % (pid, old, v))
            w = re.sub(r"^(  %s: \{value: )[^,]+," % pid, r"\g<1>%r," % v, w, flags=re.M)
    open(wrapper, "w").write(w)
    ptab = os.path.join(d, "parameters.tsv")
    rows = table(ptab)
    for r in rows:
        try:
            r["nominalValue"] = repr(evaluated(r["parameterId"]))
        except AttributeError:
            pass
    with open(ptab, "w") as f:
        wr = csv.DictWriter(f, fieldnames=list(rows[0].keys()), delimiter="\t", lineterminator="\n")
        wr.writeheader()
        wr.writerows(rows)
    print("%s: synced with %s: %s" % (os.path.basename(d), SHIPPED, "; ".join(moved) or "nothing moved"))


HALF_CHI2_95 = 1.920729410347062  # chi2_1(0.95) / 2: the profiles' threshold


def partial_sides(path, torn=None):
    """{parameter: {"optimum": value, -1: [(value, delta_nllh)], 1: [...]}}
    from a stopped run's profiles.partial.tsv (cli/fit_report.h: each
    parameter's first line is its optimum, then its points as taken).
    A value written again replaces its earlier line in place (a bracket
    end, written when its crossing was confirmed, again when the
    refinement's closing re-check lowered its nllh: the later line
    counts; lib/fit_profile.c). A line cut short (the run killed while writing it: the file's last line
    without its newline, or fields missing or not numbers) is skipped; its
    line number is appended to torn (a list) when given, so the caller can
    say so."""
    out = {}
    text = open(path).read()
    lines = text.split("\n")
    cut = lines.pop() != "" and len(lines) >= 1  # no newline: written in part
    head = lines[0].split("\t") if lines else []
    for i, line in enumerate(lines[1:], start=2):
        f = line.split("\t")
        try:
            if len(f) != len(head):
                raise ValueError("fields")
            r = dict(zip(head, f))
            v, d = float(r["value"]), float(r["delta_nllh"])
        except (KeyError, ValueError):
            if torn is not None:
                torn.append(i)
            continue
        p = out.get(r["parameter"])
        if p is None:
            out[r["parameter"]] = {"optimum": v, -1: [], 1: []}
        elif v != p["optimum"]:
            pts = p[-1 if v < p["optimum"] else 1]
            again = [k for k, (u, _) in enumerate(pts) if u == v]
            if again:
                pts[again[-1]] = (v, d)
            else:
                pts.append((v, d))
    if cut and torn is not None:
        torn.append(len(lines) + 1)
    return out


def describe_partial(sides):
    """One parameter's stopped profile in words: per side its points, the
    highest rise and, when a point rose past the threshold, the bracket
    the crossing lies in (not refined). Never an interval."""
    words = []
    for side, what in ((-1, "below"), (1, "above")):
        pts = [(v, d) for v, d in sides[side] if math.isfinite(d)]
        if not pts:
            n = len(sides[side])
            words.append("%s: no point" % what if n == 0 else
                         "%s: %d point%s, all failed (not finished)" % (what, n, "" if n == 1 else "s"))
            continue
        top = max(pts, key=lambda p: p[1])
        txt = "%s: %d point%s, highest rise %.3g at %.6g" % (what, len(sides[side]), "" if len(sides[side]) == 1 else "s", top[1], top[0])
        under = [v for v, d in pts if d < HALF_CHI2_95]
        over = [v for v, d in pts if d >= HALF_CHI2_95]
        if over:
            near = max(over) if side < 0 else min(over)
            inner = [v for v in under if side * (v - near) < 0]
            last = (min(inner) if side < 0 else max(inner)) if inner else sides["optimum"]
            txt += " (crosses 1.92 between %.6g and %.6g, not refined)" % tuple(sorted((near, last)))
        else:
            txt += " (below 1.92: not finished)"
        words.append(txt)
    return "; ".join(words)


def unfinished_rows(path):
    """{parameter: (lower_end, upper_end)} of profile_ci.tsv's rows whose
    profile did not finish (a side ran out of --profile-points, failed or
    was stopped: cli/fit_report.h), which are no interval; {} for a table
    without the end columns (before issue 17: every NaN end was taken as
    not identifiable)."""
    done = ("crossed", "bound")
    return {r["parameter"]: (r["lower_end"], r["upper_end"]) for r in table(path)
            if "lower_end" in r and not (r["lower_end"] in done and r["upper_end"] in done)}


def add_profiles(problem, rundirs):
    """The 95 % profile intervals of one or more `muskx fit --profile` (or
    --profile-params) runs at the shipped values into each profiled
    parameter's doc (values unchanged) and their profile files, joined,
    into fit/; prints the intervals. Each run must have found the shipped
    optimum (within --rtol's 2 %) and name each parameter at most once.

    A run that was stopped (killed before its end: no profile_ci.tsv, only
    profiles.partial.tsv) and a parameter whose profile did not finish
    (profile_ci.tsv's identifiable 'unfinished') give no interval: what
    their points show is printed, marked not finished, and nothing of them
    is written. Returns 0, or 1 when no run had a finished profile."""
    name = os.path.basename(os.path.dirname(problem))
    est = estimated(problem)
    scales = scales_of(problem)
    ci, ci_rows, points, llhs = {}, [], [], []
    for rundir in rundirs:
        best = parse_parameters(os.path.join(rundir, "parameters.tsv"))
        bad = [k for k, v in est.items() if abs(rel_diff(best[k], v)) > 0.02]
        if bad:
            raise RuntimeError("%s: the profiled optimum is not the shipped one (%s)" % (rundir, ", ".join(bad)))
        path = os.path.join(rundir, "profile_ci.tsv")
        partial = os.path.join(rundir, "profiles.partial.tsv")
        if not os.path.exists(path):
            if not os.path.exists(partial):
                raise RuntimeError("%s: neither profile_ci.tsv nor profiles.partial.tsv: not a "
                                   "muskx fit --profile run" % rundir)
            torn = []
            got_sides = partial_sides(partial, torn)
            if torn:
                print("%s: profiles.partial.tsv line %s cut short (the run was killed while writing it): "
                      "skipped" % (rundir, ", ".join(map(str, torn))))
            for k, sides in got_sides.items():
                print("%s: %s: the run stopped before this profile ended, NOT a 95 %% interval "
                      "(nothing written): %s" % (rundir, k, describe_partial(sides)))
            continue
        unfinished = unfinished_rows(path)
        for k, (lo_end, hi_end) in unfinished.items():
            print("%s: %s: profile not finished (below: %s, above: %s), NOT a 95 %% interval "
                  "(nothing written)" % (rundir, k, lo_end, hi_end))
        got = {k: v for k, v in read_ci(path, scales).items() if k not in unfinished}
        twice = sorted(set(got) & set(ci))
        if twice:
            raise RuntimeError("%s: %s profiled in two runs" % (rundir, ", ".join(twice)))
        ci.update(got)
        ci_rows += [r for r in table(path) if r["parameter"] not in unfinished]
        points += [r for r in table(os.path.join(rundir, "profiles.tsv")) if r["parameter"] not in unfinished]
        llhs.append(min(float(r["nllh"]) - float(r["delta_nllh"]) for r in table(os.path.join(rundir, "profiles.tsv"))
                        if math.isfinite(float(r["nllh"]))))
    if not ci:
        print("%s: no finished profile: nothing written" % name)
        return 1
    if max(llhs) - min(llhs) > 1e-3:
        raise RuntimeError("the runs' optima differ by %.3g in nllh" % (max(llhs) - min(llhs)))
    note_profiles(ci, name)
    dest = os.path.join(os.path.dirname(problem), "fit")
    order = {k: i for i, k in enumerate(est)}
    ci_rows.sort(key=lambda r: order.get(r["parameter"], len(order)))
    points.sort(key=lambda r: (order.get(r["parameter"], len(order)), float(r["value"])))
    write_profiles(dest, ci_rows, points, name)
    print("%s: profiled optimum nllh %.6f (each run's within %.2g)" % (name, min(llhs), max(llhs) - min(llhs)))
    for k in est:
        print("%-16s %12.6g  95 %% profile interval %s .. %s" % ((k, est[k]) + ci.get(k, ("not profiled", ""))))
    return 0


def write_profiles(dest, ci_rows, points, name):
    """fit/'s profile_ci.tsv, profiles.tsv and profiles.png from those rows
    (tables' dicts, finished profiles only)."""
    ci_cols = ["parameter", "lower", "upper", "identifiable"]
    if ci_rows and all("lower_end" in r for r in ci_rows):
        ci_cols += ["lower_end", "upper_end"]
    for fname, rows, cols in (("profile_ci.tsv", ci_rows, ci_cols),
                              ("profiles.tsv", points, ["parameter", "value", "nllh", "delta_nllh"])):
        with open(os.path.join(dest, fname), "w") as f:
            f.write("\t".join(cols) + "\n")
            for r in rows:
                f.write("\t".join(r[c] for c in cols) + "\n")
    plot_profiles(points, ci_rows, os.path.join(dest, "profiles.png"), name)


def ship_results(problem, fitdir, name):
    """--ship's copy of a fit's results into the problem's fit/: the plots,
    draws, starts and estimates, and the finished profiles only (as
    add_profiles(): a profile_ci.tsv row that did not finish, and its
    points, are left out -- ship() leaves its interval out of the doc too).
    A fit without profiles, or with none finished, leaves none of the
    previous fit's: they describe another optimum."""
    dest = os.path.join(os.path.dirname(problem), "fit")
    os.makedirs(dest, exist_ok=True)
    cipath = os.path.join(fitdir, "profile_ci.tsv")
    unfinished = unfinished_rows(cipath) if os.path.exists(cipath) else {}
    if unfinished:
        print("%s: profiles not finished (%s): not shipped" % (name, ", ".join(unfinished)))
    ci_rows = [r for r in table(cipath) if r["parameter"] not in unfinished] \
        if os.path.exists(cipath) else []
    for f in ("profile_ci.tsv", "profiles.tsv", "profiles.png"):
        if os.path.exists(os.path.join(dest, f)):
            os.remove(os.path.join(dest, f))
    for f in ("fit.png", "waterfall.png", "draws.csv", "starts.tsv", "parameters.tsv"):
        if os.path.exists(os.path.join(fitdir, f)):
            shutil.copy(os.path.join(fitdir, f), dest)
    if not ci_rows:
        return
    if not unfinished:
        for f in ("profile_ci.tsv", "profiles.tsv", "profiles.png"):
            if os.path.exists(os.path.join(fitdir, f)):
                shutil.copy(os.path.join(fitdir, f), dest)
        return
    points = [r for r in table(os.path.join(fitdir, "profiles.tsv")) if r["parameter"] not in unfinished]
    write_profiles(dest, ci_rows, points, name)


def note_profiles(ci, name):
    """Puts each profiled parameter's interval into the head of its doc in
    spaceflight.yaml, "fit: models/calibration/NAME (make calibrate, 95 %
    profile interval LO .. HI)", in place: values and the rest of the doc
    unchanged (ship() is for new values; it prefixes 'Before this fit')."""
    src = open(SHIPPED).read()
    for pid, (lo, hi) in ci.items():
        pat = re.compile(r"^(  %s: \{value: [^,]+,.*?doc: \"fit: models/calibration/%s \(make calibrate)"
                         r"(, 95 %% profile interval [^)]*)?\)" % (re.escape(pid), re.escape(name)), re.M)
        src, n = pat.subn(lambda m: "%s, 95 %% profile interval %s .. %s)" % (m.group(1), lo, hi), src)
        if n != 1:
            raise RuntimeError("%s: %s's doc does not start with the fit's provenance" % (SHIPPED, pid))
    open(SHIPPED, "w").write(src)


def plot_profiles(points, ci_rows, path, title):
    """profiles.png of the joined runs, as `muskx fit --profile` draws it
    (cli/fit_report.c): delta nllh against the value, the 1.92 threshold,
    the interval ends dashed."""
    names = [r["parameter"] for r in ci_rows]
    cols = min(3, max(1, len(names)))
    rows = (len(names) + cols - 1) // cols
    g = ["set terminal pngcairo size %d,%d enhanced font 'sans,10'" % (420 * cols, 340 * rows + 40),
         "set output '%s'" % path.replace("'", "''")]
    for i, n in enumerate(names):
        g.append("$p%d << EOD" % i)
        g += ["%s %s" % (r["value"], r["delta_nllh"]) for r in points
              if r["parameter"] == n and math.isfinite(float(r["delta_nllh"]))]
        g.append("EOD")
    g += ["set multiplot layout %d,%d title '%s profiles' noenhanced" % (rows, cols, title),
          "set grid", "unset key", "set ylabel 'nllh - best nllh'"]
    for i, r in enumerate(ci_rows):
        lo, hi = float(r["lower"]), float(r["upper"])
        if math.isnan(lo) or math.isnan(hi):
            t = "not identifiable (%s)" % ", ".join(s for s, x in (("below", lo), ("above", hi)) if math.isnan(x))
        else:
            t = "95%% CI [%.4g, %.4g]" % (lo, hi)
        g += ["unset arrow", "set xlabel '%s' noenhanced" % r["parameter"], "set title '%s' noenhanced" % t]
        g += ["set arrow from %r, graph 0 to %r, graph 1 nohead dt 2 lc rgb '#d62728'" % (x, x)
              for x in (lo, hi) if not math.isnan(x)]
        g.append("plot $p%d using 1:2 with linespoints pt 7 ps 0.6 lc rgb '#1f77b4', "
                 "1.920729410347062 with lines dt 2 lc rgb '#7f7f7f'" % i)
    g.append("unset multiplot")
    r = subprocess.run(["gnuplot"], input="\n".join(g) + "\n", text=True, capture_output=True)
    if r.returncode != 0:
        raise RuntimeError("gnuplot failed on %s: %s" % (path, r.stderr.strip()))


def read_ci(path, scales):
    """{parameterId: (lower, upper)} as text on the linear scale from
    profile_ci.tsv (cli/fit_report.c: parameter, lower, upper on the
    parameter's scale, identifiable; nan: the profile stays below the
    threshold on that side within the bounds -- 'n.i.', not identified).
    A side that did not finish (lower_end/upper_end max_points, failed or
    stopped: no interval end, and not 'n.i.' either) reads 'unfinished'."""
    out = {}
    if not os.path.exists(path):
        return out
    for r in table(path):
        if r.get("lower_end", "crossed") not in ("crossed", "bound") or \
           r.get("upper_end", "crossed") not in ("crossed", "bound"):
            out[r["parameter"]] = ("unfinished (%s" % r["lower_end"], "%s)" % r["upper_end"])
            continue
        sc = scales.get(r["parameter"], "lin")

        def lin(x):
            x = float(x)
            if math.isnan(x):
                return "n.i."
            return "%.4g" % (x if sc == "lin" else math.exp(x) if sc == "log" else 10 ** x)
        out[r["parameter"]] = (lin(r["lower"]), lin(r["upper"]))
    return out


def run_drawn_starts(a, problem, name, out, est, fitted, starts):
    """Fits from a.drawn_starts points drawn around the shipped values
    (drawn_starts()), each `muskx fit --nominal-start --starts 1` with the
    fit args on a copy of the problem at its point; prints each start's
    result and whether it reached the shipped optimum (every estimated
    parameter within --rtol). True when a drawn start found an nllh more
    than 0.1 below the main fit's."""
    fin = [float(s["nllh"]) for s in starts if math.isfinite(float(s["nllh"]))]
    main_nllh = min(fin) if fin else float("nan")
    points, rejected = drawn_starts(problem, est, a.drawn_starts, a.start_sd, a.draw_tries, 2)
    print("%s: drawn starts: %d, each from the shipped values + %g Gauss-Newton SDs (normal, "
          "clipped to the bounds); %d draw(s) rejected because the objective could not be evaluated there"
          % (name, a.drawn_starts, a.start_sd, len(rejected)))
    for k, why in rejected:
        print("  drawn start %d: rejected a draw: %s" % (k, why))
    args = a.fit_args.split()
    # one start, at the drawn point: --starts 1 and --nominal-start
    clean = []
    skip = False
    for x in args:
        if skip:
            skip = False
            continue
        if x in ("--starts", "-n"):
            skip = True
            continue
        if x.startswith("--starts=") or x == "--nominal-start":
            continue
        clean.append(x)
    better = False
    reached = 0
    for k, point in enumerate(points, 1):
        if point is None:
            print("  drawn start %d: FAILED: no draw with an objective in %d tries" % (k, a.draw_tries))
            continue
        d = os.path.join(out, "%s-draw%d" % (name, k))
        fitdir = d + "-fit"
        shutil.rmtree(fitdir, ignore_errors=True)
        copy = problem_at(problem, {i: v for i, v in point.items() if i in est}, d + "-problem")
        far0 = max(abs(rel_diff(point[i], est[i])) for i in est)
        r, wall, cpu = run_limited([a.muskx, "fit", copy, "-o", fitdir, "--allow-path", MODELS,
                                    "--nominal-start", "--starts", "1"] + clean, a.start_timeout)
        took = "%.1f min wall, %.1f CPU min" % (wall / 60, cpu / 60)
        if r is None:
            print("  drawn start %d: NOT FINISHED: stopped after %s (--start-timeout %g); "
                  "from llh %.4f at its draw (largest relative distance from the shipped values %.3g)"
                  % (k, took, a.start_timeout, point["_llh"], far0))
            continue
        if r.returncode != 0:
            why = (r.stderr.strip().splitlines() or ["no message"])[-1]
            if r.returncode < 0:  # subprocess reports a signal as its negative number
                why = "killed by signal %d (%s)" % (-r.returncode, why)
            print("  drawn start %d: FAILED (muskx fit exit %d, %s): %s" % (k, r.returncode, took, why))
            continue
        rows = table(os.path.join(fitdir, "starts.tsv"))
        nll = float(rows[0]["nllh"]) if rows else float("nan")
        if not math.isfinite(nll):
            print("  drawn start %d: FAILED (%s after %s iterations, %s; muskx fit: %s)" % (
                k, rows[0]["exit"] if rows else "?", rows[0]["iterations"] if rows else "?", took,
                " ".join(r.stderr.split())[:300] or "no message"))
            continue
        got = parse_parameters(os.path.join(fitdir, "parameters.tsv"))
        worst = max(est, key=lambda i: abs(rel_diff(got[i], est[i])))
        dw = rel_diff(got[worst], est[worst])
        hit = all(abs(rel_diff(got[i], est[i])) <= a.rtol for i in est)
        reached += hit
        print("  drawn start %d: from llh %.4f (largest relative distance from the shipped values %.3g): "
              "nllh %.4f  %s %s iterations, %s evaluations, %s; largest difference %s %+.2f%%: %s" % (
                  k, point["_llh"], far0, nll, rows[0]["exit"], rows[0]["iterations"],
                  rows[0].get("evaluations", "?"), took, worst, 100 * dw,
                  "reached the shipped optimum" if hit else "did NOT reach the shipped optimum"))
        if math.isfinite(main_nllh) and nll < main_nllh - 0.1:
            better = True
            print("  drawn start %d found nllh %.4f, below the fit at the shipped values (%.4f): "
                  "the shipped values are not the optimum" % (k, nll, main_nllh))
    print("%s: %d of %d drawn starts reached the shipped optimum (every parameter within %g %%)"
          % (name, reached, a.drawn_starts, 100 * a.rtol))
    return better


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--muskx", default=os.path.join(ROOT, "build", "muskx"))
    ap.add_argument("--rtol", type=float, default=0.02)
    ap.add_argument("--out", help="keep muskx fit's results (parameters.tsv, starts.tsv, plots) here")
    ap.add_argument("--fit-args", default=DEFAULT_FIT_ARGS,
                    help="muskx fit options (default '%s')" % DEFAULT_FIT_ARGS)
    ap.add_argument("--draws", type=int, default=200, help="parameter sets in draws.csv")
    ap.add_argument("--drawn-starts", type=int, default=1,
                    help="fits from points drawn around the shipped values (default 1)")
    ap.add_argument("--start-sd", type=float, default=3.0,
                    help="a drawn start's spread in Gauss-Newton SDs at the shipped values (default 3)")
    ap.add_argument("--draw-tries", type=int, default=10,
                    help="draws per drawn start whose objective cannot be evaluated before it "
                         "counts as failed (default 10)")
    ap.add_argument("--start-timeout", type=float, default=60.0, metavar="MINUTES",
                    help="stop a drawn start's fit after this many minutes of wall time and report it "
                         "as not finished (default 60; 0: no limit)")
    ap.add_argument("--ship", action="store_true",
                    help="write the fitted values into the shipped model and the tables")
    ap.add_argument("--sync", action="store_true",
                    help="only copy the shipped model's values into the wrapper and parameters.tsv")
    ap.add_argument("--shipped", help="the shipped model (default models/crosstalk/spaceflight.yaml)")
    ap.add_argument("--profiles", metavar="DIR", action="append",
                    help="only add the profile intervals of muskx fit --profile (or --profile-params) "
                         "runs at the shipped values (DIR/profile_ci.tsv) to the shipped docs and fit/; "
                         "repeat it for runs that profiled different parameters")
    ap.add_argument("problems", nargs="+")
    a = ap.parse_args()
    # options a run could not honour are refused, not run as something else
    if a.drawn_starts < 0:
        ap.error("--drawn-starts %d: must be 0 or more" % a.drawn_starts)
    if not (a.start_sd > 0 and math.isfinite(a.start_sd)):
        ap.error("--start-sd %r: must be a positive number of SDs" % a.start_sd)
    if a.draw_tries < 1:
        ap.error("--draw-tries %d: must be 1 or more" % a.draw_tries)
    if not (a.start_timeout >= 0 and math.isfinite(a.start_timeout)):
        ap.error("--start-timeout %r: must be 0 (no limit) or a positive number of minutes"
                 % a.start_timeout)
    if a.sync:
        for problem in a.problems:
            sync(os.path.abspath(problem), a.shipped)
        return 0
    if a.profiles:
        rc = 0
        for problem in a.problems:
            rc |= add_profiles(os.path.abspath(problem), a.profiles)
        return rc
    ok = total = 0
    for problem in a.problems:
        problem = os.path.abspath(problem)
        name = os.path.basename(os.path.dirname(problem))
        out = a.out or tempfile.mkdtemp(prefix="muskx-calibrate-")
        os.makedirs(out, exist_ok=True)
        fitdir = os.path.join(out, name)
        shutil.rmtree(fitdir, ignore_errors=True)  # muskx fit creates it
        try:
            r = run([a.muskx, "petab", problem, "--allow-path", MODELS])
            print("%s: at the shipped values %s" % (name, r.stdout.strip().replace("\n", ", ")))
            if r.returncode != 0:
                print("calibrate: muskx petab %s failed: %s" % (problem, r.stderr.strip()))
                return 1
            r = run([a.muskx, "fit", problem, "-o", fitdir, "--allow-path", MODELS] + a.fit_args.split())
            print(r.stdout.rstrip())
            if r.returncode != 0:
                print("calibrate: muskx fit %s failed (%d): %s" % (problem, r.returncode, r.stderr.strip()))
                return 1
            fitted = parse_parameters(os.path.join(fitdir, "parameters.tsv"))
            ci = read_ci(os.path.join(fitdir, "profile_ci.tsv"), scales_of(problem))
            starts = table(os.path.join(fitdir, "starts.tsv"))
            est = estimated(problem)
            best = parse_starts(os.path.join(fitdir, "starts.tsv"))
            print("%s: starts (nllh, exit, iterations, largest difference from the best point on the parameters' scales)" % name)
            for s in starts:
                nll = float(s["nllh"])
                far = max((abs(float(s[k]) - best[k]) for k in best if k in s), default=float("nan"))
                print("  start %s: nllh %.4f  %-10s %4s iterations  %.3g" % (
                    s["start"], nll, s["exit"], s["iterations"], far))
            print("%-16s %12s %12s %10s  %s" % ("parameter", "shipped", "fitted", "rel.diff", "95 % profile interval"))
            for pid, shipped in est.items():
                total += 1
                if pid not in fitted:
                    print("%-16s %12.6g %12s" % (pid, shipped, "not reported"))
                    continue
                d = rel_diff(fitted[pid], shipped)
                ok += abs(d) <= a.rtol
                lo, hi = ci.get(pid, ("", ""))
                print("%-16s %12.6g %12.6g %+9.2f%%  %s" % (pid, shipped, fitted[pid], 100 * d,
                                                         "%s .. %s" % (lo, hi) if pid in ci else "-"))
            if a.drawn_starts > 0:
                better = run_drawn_starts(a, problem, name, out, est, fitted, starts)
                if better:
                    ok -= total  # the shipped values are not the optimum: not reproduced
            got = draws(problem, {k: fitted[k] for k in est}, a.draws, 1)
            if got is None:
                print("%s: J^T J is singular at the fit: no draws (a parameter is not identified)" % name)
            else:
                ids, scales, sd, rows = got
                print("%s: Gauss-Newton SD on the parameters' scales: %s" % (
                    name, ", ".join("%s %.3g (%s)" % (i, s, sc) for i, s, sc in zip(ids, sd, scales))))
                with open(os.path.join(fitdir, "draws.csv"), "w") as f:
                    f.write(",".join(ids) + "\n")
                    for row in rows:
                        f.write(",".join("%.6g" % v for v in row) + "\n")
                print("%s: %d parameter sets for --params-csv in %s" % (name, len(rows),
                                                                       os.path.join(fitdir, "draws.csv")))
            if a.ship:
                ship(problem, {k: fitted[k] for k in est}, ci, name)
                ship_results(problem, fitdir, name)
                dest = os.path.join(os.path.dirname(problem), "fit")
                print("%s: shipped the fitted values (4 significant digits) and copied the results to %s"
                      % (name, os.path.relpath(dest, ROOT)))
        finally:
            if not a.out:
                shutil.rmtree(out, ignore_errors=True)
    print("calibrate: %d of %d estimated parameters within %g %% of the shipped values"
          % (ok, total, 100 * a.rtol))
    return 0 if ok == total else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as e:
        print("calibrate: %s" % e)
        sys.exit(1)
