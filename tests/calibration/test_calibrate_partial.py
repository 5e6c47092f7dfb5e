#!/usr/bin/env python3
"""test_calibrate_partial.py -- `calibrate.py --profiles DIR` on a profile
run that did not finish (issue 17): it must never report such a profile
as a finished 95 % interval, nor write it into the shipped docs or fit/.

  - partial_sides() / describe_partial() on a small profiles.partial.tsv
    with known answers: the optimum, each side's points, the bracket of a
    side that rose past 1.92 (not refined) and a side that did not; a
    value written twice (a bracket end lowered by its closing re-check):
    the later line counts;
  - read_ci() / unfinished_rows() on a profile_ci.tsv with a finished, a
    not-identifiable and an unfinished row: numbers, 'n.i.' and
    'unfinished' (never 'n.i.' for a side that ran out of points);
  - a torn last line (a run killed while writing it) and a side whose
    points all failed: skipped and said, "N points, all failed";
  - a real stopped run: `muskx fit --profile` on tests/fit/linear killed by
    SIGTERM after 4 points (build/tests/muskx-kill-after, the CLI with its
    point writer wrapped: tests/cli_kill_after.c): profiles.partial.tsv has
    those 4 lines, the optimum first; calibrate reads its sides;
  - add_profiles() on runs at the shipped optimum that were stopped, or
    finished with --profile-points too small: exit 1, "NOT a 95 %
    interval" printed, spaceflight.yaml and fit/ byte for byte unchanged;
    beside a finished run: exit 0, only the finished profile written;
  - --ship's ship() + ship_results() on a fit with a finished and an
    unfinished profile: the finished one's interval in the doc and in
    fit/ (test_petab_tables' check_shipped_profiles passes), the
    unfinished one in neither.

Everything is written into a temporary copy of the problem folder and of
spaceflight.yaml (calibrate.SHIPPED pointed at it), never the repository.
Python 3 standard library, gnuplot and build/muskx; a few seconds.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import contextlib
import io

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import muskx_cli as mc  # noqa: E402
import calibrate  # noqa: E402

REAL_PROBLEM = os.path.join(mc.ROOT, "models", "calibration", "spaceflight", "problem.yml")
PROBLEM = None  # main(): the temporary copy's problem.yml
KILLER = os.path.join(os.path.dirname(mc.MUSKX), "tests", "muskx-kill-after")
LINEAR = os.path.join(mc.ROOT, "tests", "fit", "linear", "problem.yaml")


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def snapshot(folder):
    """{name: bytes} of a folder's files (absent: {})."""
    if not os.path.isdir(folder):
        return {}
    return {n: open(os.path.join(folder, n), "rb").read() for n in sorted(os.listdir(folder))
            if os.path.isfile(os.path.join(folder, n))}


def check_readers(tmp):
    p = os.path.join(tmp, "partial.tsv")
    write(p, "parameter\tvalue\tnllh\tdelta_nllh\n"
             "k\t1\t10\t0\n"
             "q\t5\t10\t0\n"
             "k\t0.9\t10.5\t0.5\n"
             "k\t1.1\t10.3\t0.3\n"
             "k\t0.7\t12.5\t2.5\n"
             "q\t6\t10.1\t0.1\n")
    got = calibrate.partial_sides(p)
    want = {"k": {"optimum": 1.0, -1: [(0.9, 0.5), (0.7, 2.5)], 1: [(1.1, 0.3)]},
            "q": {"optimum": 5.0, -1: [], 1: [(6.0, 0.1)]}}
    mc.check("partial_sides: the optimum and each side's points", got == want, repr(got))
    # a bracket end written again, lower (the refinement's closing
    # re-check refuted it): the later line counts, the side not crossed
    again = os.path.join(tmp, "again.tsv")
    write(again, "parameter\tvalue\tnllh\tdelta_nllh\n"
                 "k\t1\t10\t0\n"
                 "k\t0.9\t10.5\t0.5\n"
                 "k\t0.7\t12.5\t2.5\n"
                 "k\t0.75\t11.8\t1.8\n"
                 "k\t0.7\t11.9\t1.9\n")
    got2 = calibrate.partial_sides(again)
    mc.check("partial_sides: a value written again replaces its earlier line",
             got2 == {"k": {"optimum": 1.0, -1: [(0.9, 0.5), (0.7, 1.9), (0.75, 1.8)], 1: []}}, repr(got2))
    txt = calibrate.describe_partial(got2["k"])
    mc.check("describe_partial: a bracket end lowered below 1.92 no longer crosses",
             txt.startswith("below: 3 points, highest rise 1.9 at 0.7 (below 1.92: not finished)"), txt)
    txt = calibrate.describe_partial(got["k"])
    mc.check("describe_partial: a side past 1.92 is bracketed, not refined; the other not finished",
             "below: 2 points, highest rise 2.5 at 0.7 (crosses 1.92 between 0.7 and 0.9, not refined)" in txt
             and "above: 1 point, highest rise 0.3 at 1.1 (below 1.92: not finished)" in txt, txt)
    mc.check("describe_partial: a side without points says so",
             calibrate.describe_partial(got["q"]).startswith("below: no point"), calibrate.describe_partial(got["q"]))
    torn_path = os.path.join(tmp, "torn.tsv")
    write(torn_path, "parameter\tvalue\tnllh\tdelta_nllh\n"
                     "k\t1\t10\t0\n"
                     "k\t0.9\tnan\tnan\n"
                     "k\t1.1\tnan\n"
                     "k\t0.8\tnan\tnan\n"
                     "k\t1.2\t10.3\t0.")
    torn = []
    got = calibrate.partial_sides(torn_path, torn)
    mc.check("partial_sides: a line with a field missing and a last line without its newline skipped, said",
             torn == [4, 6] and list(got) == ["k"] and got["k"]["optimum"] == 1.0
             and [v for v, _ in got["k"][-1]] == [0.9, 0.8] and got["k"][1] == [], "%r %r" % (torn, got))
    txt = calibrate.describe_partial(got["k"])
    mc.check("describe_partial: a side whose points all failed says so",
             txt == "below: 2 points, all failed (not finished); above: no point", txt)
    ci = os.path.join(tmp, "ci.tsv")
    write(ci, "parameter\tlower\tupper\tidentifiable\tlower_end\tupper_end\n"
              "k\t0.5\t2\tyes\tcrossed\tcrossed\n"
              "m\tnan\t3\tno\tbound\tcrossed\n"
              "q\tnan\tnan\tunfinished\tmax_points\tstopped\n")
    got = calibrate.read_ci(ci, {"k": "lin", "m": "log10", "q": "lin"})
    mc.check("read_ci: numbers, n.i. at a bound, 'unfinished' for a side out of points",
             got == {"k": ("0.5", "2"), "m": ("n.i.", "1000"), "q": ("unfinished (max_points", "stopped)")},
             repr(got))
    got = calibrate.unfinished_rows(ci)
    mc.check("unfinished_rows: only the unfinished one", got == {"q": ("max_points", "stopped")}, repr(got))
    old = os.path.join(tmp, "old.tsv")
    write(old, "parameter\tlower\tupper\tidentifiable\nk\tnan\t2\tno\n")
    mc.check("a profile_ci.tsv from before the end columns reads as before",
             calibrate.unfinished_rows(old) == {} and calibrate.read_ci(old, {"k": "lin"}) == {"k": ("n.i.", "2")},
             repr(calibrate.read_ci(old, {"k": "lin"})))


def killed_run(tmp):
    """muskx fit --profile on the straight-line problem, SIGTERM after 4
    points; its folder."""
    d = os.path.join(tmp, "killed")
    env = dict(os.environ, MUSKX_KILL_AFTER_POINTS="4", OPENBLAS_NUM_THREADS="1")
    r = subprocess.run([KILLER, "fit", LINEAR, "--starts", "2", "--threads", "1", "--profile", "-o", d],
                       env=env, capture_output=True, text=True, timeout=120)
    lines = open(os.path.join(d, "profiles.partial.tsv")).read().splitlines() \
        if os.path.exists(os.path.join(d, "profiles.partial.tsv")) else []
    mc.check("a killed muskx fit --profile: SIGTERM, 4 points kept, no profile_ci.tsv",
             r.returncode == -15 and len(lines) == 5 and not os.path.exists(os.path.join(d, "profile_ci.tsv")),
             "exit %d, %d lines: %s" % (r.returncode, len(lines), r.stderr.strip()))
    sides = calibrate.partial_sides(os.path.join(d, "profiles.partial.tsv"))
    # the optima of a, b, sd come first (3 lines), then a's first points
    mc.check("its partial file: three optima first, then a's first point",
             sorted(sides) == ["a", "b", "sd"] and len(sides["a"][-1]) + len(sides["a"][1]) == 1
             and lines[1].split("\t")[3] == "0", repr(lines))
    return d


def check_add_profiles(tmp, killed):
    """Runs at the shipped optimum (its parameters.tsv): one stopped, one
    finished with unfinished rows. Nothing may be written."""
    sf_params = os.path.join(os.path.dirname(PROBLEM), "parameters.tsv")
    stopped = os.path.join(tmp, "stopped")
    os.makedirs(stopped)
    shutil.copy(sf_params, os.path.join(stopped, "parameters.tsv"))
    # the killed run's points under a spaceflight parameter's name
    text = open(os.path.join(killed, "profiles.partial.tsv")).read()
    write(os.path.join(stopped, "profiles.partial.tsv"),
          "\n".join(ln.replace("a\t", "h_aoc\t", 1) if ln.startswith("a\t") else ln
                    for ln in text.splitlines() if not ln.startswith(("b\t", "sd\t"))) + "\n")
    short = os.path.join(tmp, "short")
    os.makedirs(short)
    shutil.copy(sf_params, os.path.join(short, "parameters.tsv"))
    write(os.path.join(short, "profile_ci.tsv"), "parameter\tlower\tupper\tidentifiable\tlower_end\tupper_end\n"
          "h_aoc\tnan\tnan\tunfinished\tmax_points\tmax_points\n")
    write(os.path.join(short, "profiles.tsv"), "parameter\tvalue\tnllh\tdelta_nllh\n"
          "h_aoc\t0.4\t175.1\t0.2\nh_aoc\t0.5\t174.9\t0\nh_aoc\t0.6\t175.0\t0.1\n")
    fitdir = os.path.join(os.path.dirname(PROBLEM), "fit")
    before = (open(calibrate.SHIPPED, "rb").read(), snapshot(fitdir))
    for runs, what in (([stopped], "a stopped run"), ([short], "a run whose profile ran out of points"),
                       ([stopped, short], "both")):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = calibrate.add_profiles(PROBLEM, runs)
        after = (open(calibrate.SHIPPED, "rb").read(), snapshot(fitdir))
        said = out.getvalue()
        mc.check("calibrate --profiles on %s: exit 1, 'NOT a 95 %% interval', nothing written" % what,
                 rc == 1 and "NOT a 95 % interval" in said and "nothing written" in said and after == before,
                 "rc %r: %s" % (rc, said.strip()))
        if after != before:  # put back what it wrote (in the copy)
            open(calibrate.SHIPPED, "wb").write(before[0])
    mc.check("the stopped run's report names the side that was taken",
             "h_aoc: the run stopped before this profile ended" in said and "not finished" in said, said)
    # beside a finished run (h_aoc finished in it; the stopped and
    # short runs are dropped for it: profiled twice otherwise)
    done = finished_run(tmp, "done")
    h_aoc_before = doc_of(open(calibrate.SHIPPED).read(), "h_aoc").split(",")[0]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = calibrate.add_profiles(PROBLEM, [done, short_other(tmp)])
    said = out.getvalue()
    ci = calibrate.table(os.path.join(fitdir, "profile_ci.tsv")) \
        if os.path.exists(os.path.join(fitdir, "profile_ci.tsv")) else []
    pts = calibrate.table(os.path.join(fitdir, "profiles.tsv")) \
        if os.path.exists(os.path.join(fitdir, "profiles.tsv")) else []
    docs = open(calibrate.SHIPPED).read()
    mc.check("calibrate --profiles, a finished run beside unfinished rows: only the finished one written",
             rc == 0 and [r["parameter"] for r in ci] == ["h_aoc"]
             and {r["parameter"] for r in pts} == {"h_aoc"}
             and doc_of(docs, "h_aoc").split(",")[0] == h_aoc_before
             and "95 % profile interval 0.4 .. 0.6)" in doc_of(docs, "h_aoc")
             and "profile interval" not in doc_of(docs, "kappa_R").split("Before this fit")[0]
             and "kappa_R: profile not finished (below: max_points, above: bound)" in said,
             "rc %r: %s; %r" % (rc, said.strip(), ci))


def doc_of(docs, pid):
    """The line of parameter pid in spaceflight.yaml's text."""
    return [ln for ln in docs.splitlines() if ln.startswith("  %s: {value: " % pid)][0]


PROFILE_CI_HEAD = "parameter\tlower\tupper\tidentifiable\tlower_end\tupper_end\n"
# h_aoc (shipped about 0.5, lin): a finished profile, its ends 0.4 and
# 0.6 where delta_nllh reaches the threshold 1.9207
DONE_POINTS = ("h_aoc\t0.35\t177.3\t2.4\n"
               "h_aoc\t0.4\t176.8207\t1.9207\n"
               "h_aoc\t0.45\t175.4\t0.5\n"
               "h_aoc\t0.5066\t174.9\t0\n"
               "h_aoc\t0.55\t175.5\t0.6\n"
               "h_aoc\t0.6\t176.8207\t1.9207\n")


def finished_run(tmp, name):
    """A finished run at the shipped optimum: h_aoc crossed on both
    sides, kappa_R at its bound above and out of points below (unfinished:
    no interval)."""
    d = os.path.join(tmp, name)
    os.makedirs(d)
    shutil.copy(os.path.join(os.path.dirname(PROBLEM), "parameters.tsv"), os.path.join(d, "parameters.tsv"))
    write(os.path.join(d, "profile_ci.tsv"), PROFILE_CI_HEAD +
          "h_aoc\t0.4\t0.6\tyes\tcrossed\tcrossed\n"
          "kappa_R\tnan\tnan\tno\tmax_points\tbound\n")
    write(os.path.join(d, "profiles.tsv"), "parameter\tvalue\tnllh\tdelta_nllh\n" + DONE_POINTS +
          "kappa_R\t1.2\t175.0\t0.1\nkappa_R\t1.307\t174.9\t0\nkappa_R\t4\t175.2\t0.3\n")
    return d


def short_other(tmp):
    """A finished run whose only row (s_syn) ran out of points."""
    d = os.path.join(tmp, "short_other")
    os.makedirs(d)
    shutil.copy(os.path.join(os.path.dirname(PROBLEM), "parameters.tsv"), os.path.join(d, "parameters.tsv"))
    write(os.path.join(d, "profile_ci.tsv"), PROFILE_CI_HEAD + "s_syn\tnan\tnan\tunfinished\tmax_points\tmax_points\n")
    write(os.path.join(d, "profiles.tsv"), "parameter\tvalue\tnllh\tdelta_nllh\n"
          "s_syn\t0.3\t175.0\t0.1\ns_syn\t0.3286\t174.9\t0\n")
    return d


def check_ship(tmp):
    """--ship with a finished and an unfinished profile: the finished one
    shipped everywhere (fit/ and its doc), the unfinished one nowhere."""
    import test_petab_tables
    fitdir = finished_run(tmp, "shipfit")
    d = os.path.dirname(PROBLEM)
    est = calibrate.estimated(PROBLEM)
    ci = calibrate.read_ci(os.path.join(fitdir, "profile_ci.tsv"), calibrate.scales_of(PROBLEM))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        calibrate.ship(PROBLEM, dict(est), ci, "spaceflight")
        calibrate.ship_results(PROBLEM, fitdir, "spaceflight")
    dest = os.path.join(d, "fit")
    ci_rows = calibrate.table(os.path.join(dest, "profile_ci.tsv")) \
        if os.path.exists(os.path.join(dest, "profile_ci.tsv")) else []
    pts = calibrate.table(os.path.join(dest, "profiles.tsv")) \
        if os.path.exists(os.path.join(dest, "profiles.tsv")) else []
    docs = open(calibrate.SHIPPED).read()
    mc.check("--ship, a finished and an unfinished profile: only the finished one in fit/ and in its doc",
             [r["parameter"] for r in ci_rows] == ["h_aoc"] and {r["parameter"] for r in pts} == {"h_aoc"}
             and os.path.exists(os.path.join(dest, "profiles.png"))
             and "(make calibrate, 95 % profile interval 0.4 .. 0.6)" in doc_of(docs, "h_aoc")
             and "fit: models/calibration/spaceflight (make calibrate). Before" in doc_of(docs, "kappa_R")
             and "kappa_R" in out.getvalue(),
             "%r; %s" % (ci_rows, out.getvalue().strip()))
    par = {r["parameterId"]: r for r in calibrate.table(os.path.join(d, "parameters.tsv"))}
    test_petab_tables.check_shipped_profiles(d, "spaceflight",
                                             {k: r for k, r in par.items() if r["estimate"].strip() == "1"})


def main():
    global PROBLEM
    tmp = tempfile.mkdtemp(prefix="muskx-calpartial-")
    real_shipped = calibrate.SHIPPED
    try:
        # a copy of the problem folder (fit/ included) and of
        # spaceflight.yaml: whatever a failing check writes stays in tmp
        copy = os.path.join(tmp, "spaceflight")
        shutil.copytree(os.path.dirname(REAL_PROBLEM), copy)
        PROBLEM = os.path.join(copy, os.path.basename(REAL_PROBLEM))
        calibrate.SHIPPED = os.path.join(tmp, "spaceflight.yaml")
        shutil.copy(real_shipped, calibrate.SHIPPED)
        check_readers(tmp)
        if not os.access(KILLER, os.X_OK):
            mc.check("a killed muskx fit --profile", False, "%s is missing (make %s)" % (KILLER, KILLER))
        else:
            killed = killed_run(tmp)
            check_add_profiles(tmp, killed)
        check_ship(tmp)
    finally:
        calibrate.SHIPPED = real_shipped
        shutil.rmtree(tmp, ignore_errors=True)
    return mc.finish()


if __name__ == "__main__":
    mc.run_main(main)
