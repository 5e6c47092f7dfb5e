#!/usr/bin/env python3
"""test_calibrate_partial.py -- `calibrate.py --profiles DIR` on a profile
run that did not finish (issue 17): it must never report such a profile
as a finished 95 % interval, nor write it into the shipped docs or fit/.

  - partial_sides() / describe_partial() on a small profiles.partial.tsv
    with known answers: the optimum, each side's points, the bracket of a
    side that rose past 1.92 (not refined) and a side that did not;
  - read_ci() / unfinished_rows() on a profile_ci.tsv with a finished, a
    not-identifiable and an unfinished row: numbers, 'n.i.' and
    'unfinished' (never 'n.i.' for a side that ran out of points);
  - a real stopped run: `muskx fit --profile` on tests/fit/linear killed by
    SIGTERM after 4 points (the CLI's test hook): profiles.partial.tsv has
    those 4 lines, the optimum first; calibrate reads its sides;
  - add_profiles() on runs at the shipped optimum that were stopped, or
    finished with --profile-points too small: exit 1, "NOT a 95 %
    interval" printed, spaceflight.yaml and fit/ byte for byte unchanged.

Python 3 standard library and build/muskx; under a second.
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

PROBLEM = os.path.join(mc.ROOT, "models", "calibration", "spaceflight", "problem.yml")
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
    txt = calibrate.describe_partial(got["k"])
    mc.check("describe_partial: a side past 1.92 is bracketed, not refined; the other not finished",
             "below: 2 points, highest rise 2.5 at 0.7 (crosses 1.92 between 0.7 and 0.9, not refined)" in txt
             and "above: 1 point, highest rise 0.3 at 1.1 (below 1.92: not finished)" in txt, txt)
    mc.check("describe_partial: a side without points says so",
             calibrate.describe_partial(got["q"]).startswith("below: no point"), calibrate.describe_partial(got["q"]))
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
    env = dict(os.environ, MUSKX_FIT_TEST_KILL_AFTER_POINTS="4", OPENBLAS_NUM_THREADS="1")
    r = subprocess.run([mc.MUSKX, "fit", LINEAR, "--starts", "2", "--threads", "1", "--profile", "-o", d],
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
          "\n".join(ln.replace("a\t", "g_wnt_rankl\t", 1) if ln.startswith("a\t") else ln
                    for ln in text.splitlines() if not ln.startswith(("b\t", "sd\t"))) + "\n")
    short = os.path.join(tmp, "short")
    os.makedirs(short)
    shutil.copy(sf_params, os.path.join(short, "parameters.tsv"))
    write(os.path.join(short, "profile_ci.tsv"), "parameter\tlower\tupper\tidentifiable\tlower_end\tupper_end\n"
          "g_wnt_rankl\tnan\tnan\tunfinished\tmax_points\tmax_points\n")
    write(os.path.join(short, "profiles.tsv"), "parameter\tvalue\tnllh\tdelta_nllh\n"
          "g_wnt_rankl\t0.4\t175.1\t0.2\ng_wnt_rankl\t0.5\t174.9\t0\ng_wnt_rankl\t0.6\t175.0\t0.1\n")
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
        if after != before:  # put back what it wrote
            open(calibrate.SHIPPED, "wb").write(before[0])
    mc.check("the stopped run's report names the side that was taken",
             "g_wnt_rankl: the run stopped before this profile ended" in said and "not finished" in said, said)


def main():
    tmp = tempfile.mkdtemp(prefix="muskx-calpartial-")
    try:
        check_readers(tmp)
        killed = killed_run(tmp)
        check_add_profiles(tmp, killed)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return mc.finish()


if __name__ == "__main__":
    mc.run_main(main)
