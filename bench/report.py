#!/usr/bin/python3
"""report.py -- the last step of `make bench` (bench/run.sh): checks that
every tool agrees on every problem, then writes the side-by-side table.

    report.py OUTDIR TSV MARKDOWN COMMAND

Reads what the benchmark programs left in OUTDIR (robertson.tsv from
bench_robertson; suite_*.tsv, load.tsv, memory.tsv, ensemble.tsv from
bench_suite; scale.tsv from bench_scale; crew.tsv from bench_crew (issue
19); dosing.tsv from bench_dosing (repeated doses, bench/NOTES.md);
scipy_*.tsv and desolve_*.tsv from the Python and R scripts;
petab.tsv from bench_petab and fit_scipy.tsv from bench_fit_scipy.py
(issue 15), when those ran) and writes:

  TSV       problem, tool, median_s, ratio_to_hand_c (NA without a
            hand-written baseline), one row per measurement;
  MARKDOWN  machine, date, command, the table, the agreement check, the
            targets of issue 8 (met or missed, with the numbers), load
            times, memory, ensemble speed-up and the scale curve.

Agreement: each tool's state at the last output time against a tight
libmuskx run (the Test Set's RADAU5 values for POLLU), in CVODE's WRMS norm
with weights 10 (rtol |ref| + atol_i) -- the check_ans convention of
SUNDIALS' cvRoberts_dns.c. A value <= 1 agrees. Exits 1 when a tool
disagrees.
"""
import datetime
import math
import os
import platform
import subprocess
import sys

TOL = {  # problem: (rtol, per-species atol or scalar); as the benchmarks
    "robertson": (1e-4, [1e-8, 1e-14, 1e-6]),
    "pollu": (1e-6, 1e-10),
    "crosstalk": (1e-6, 1e-9),
}
PROBLEMS = ["robertson", "pollu", "crosstalk"]
TOOLS = ["hand_c", "libmuskx", "scipy_lsoda", "scipy_bdf", "desolve_lsoda"]
# bench_suite's other POLLU runs (see bench_pollu() there)
POLLU_VARIANTS = [
    ("hand_c", "hand-written CVODE, KLU (the table's hand_c)"),
    ("libmuskx", "libmuskx, default linear solver: KLU (the table's libmuskx)"),
    ("hand_c_fastvec", "hand-written CVODE, KLU, libmuskx's vector kernels"),
    ("hand_c_dense", "hand-written CVODE, SUNDIALS dense solver"),
    ("libmuskx_dense", "libmuskx, SUNDIALS dense solver"),
]


def read_tsv(outdir, name):
    path = os.path.join(outdir, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [l.rstrip("\n").split("\t") for l in f
                if l.strip() and not l.startswith(("problem\t", "kind\t"))]


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True,
                              text=True, timeout=30).stdout.strip()
    except Exception:
        return ""


def wrms(y, ref, rtol, atol):
    n = len(ref)
    atol = atol if isinstance(atol, list) else [atol] * n
    s = 0.0
    for a, b, at in zip(y, ref, atol):
        w = 10 * (rtol * abs(b) + at)
        s += ((a - b) / w) ** 2
    return math.sqrt(s / n)


def fmt_s(v):
    if v is None:
        return "-"
    if v >= 0.1:
        return f"{v:.3f} s"
    if v >= 1e-4:
        return f"{v * 1e3:.3f} ms"
    return f"{v * 1e6:.1f} us"


def read_crew(outdir):
    """bench_crew's crew.tsv: the bare member and the N x T runs."""
    out = {"bare": None, "runs": [], "build": None}
    for r in read_tsv(outdir, "crew.tsv"):
        if r[0] == "bare":
            out["bare"] = float(r[4])
        elif r[0] == "native_build":
            out["build"] = (float(r[3]), float(r[4]))
        elif r[0] == "ensemble" and len(r) >= 10:
            out["runs"].append({
                "n": int(r[1]), "threads": int(r[2]), "wall": float(r[3]),
                "cpu": float(r[4]), "rss_kib": int(r[5]),
                "control": float(r[6]), "per_cpu_s": float(r[7]),
                "x_bare": float(r[8]), "quantiles": r[9],
                "code": r[10] if len(r) >= 11 else "vm"})
    return out


def read_dosing(outdir):
    """bench_dosing's dosing.tsv: per model ("run") states only or with
    sensitivities, each at the run's own atol (rtol = atol = 1e-8) and
    with the drug amounts' atol raised (the largest drug_atol of the
    pair). The dose count is steps / steps_per_dose, rounded."""
    rows = []
    for r in read_tsv(outdir, "dosing.tsv"):
        if r[0] == "run" or len(r) < 9:
            continue
        steps, per = int(r[4]), float(r[5])
        rows.append({
            "run": r[0], "sens": int(r[1]), "drug_atol": float(r[2]),
            "cpu": float(r[3]), "steps": steps, "per_dose": per,
            "reinits": int(r[6]), "out": (float(r[7]), float(r[8])),
            "doses": round(steps / per) if per > 0 else 0})
    by = {}
    for d in rows:
        by.setdefault((d["run"], d["sens"]), []).append(d)
    for pair in by.values():
        base = min(pair, key=lambda d: d["drug_atol"])
        for d in pair:
            d["base"] = base
    return rows


def dosing_tool(d):
    """results.tsv's tool of a bench_dosing row."""
    what = "sens" if d["sens"] else "states"
    if d["base"] is d:
        return f"libmuskx_{what}_cpu"
    return f"libmuskx_{what}_drug_atol_{d['drug_atol']:g}_cpu"


def dosing_section(dosing):
    if not dosing:
        return []
    L = ["", "## Repeated dosing (bench_dosing)", "",
         "Daily doses, each an event that restarts the integrator, at rtol",
         "= atol = 1e-8: `onecpt` a one-compartment model with first-order",
         "absorption; `tptd20` the spaceflight model's pm_tptd20 arm",
         "(teriparatide 20 ug SC daily from the pm_placebo steady state),",
         "with sensitivities of 11 estimated parameters. CPU time of the",
         "process (onecpt: median of 3 runs; tptd20: one run). Each run is",
         "repeated with the drug amounts' absolute tolerance raised to 1e-4",
         "of a dose, to show what the steps follow: a measurement, not a",
         "default; the end values (onecpt: central and depot amount half a",
         "day after the last dose; tptd20: BMD_spine_pct and BMD_hip_pct",
         "at day 639) and their change from the first run are next to it",
         "(bench/NOTES.md, \"Repeated dosing\").", "",
         "| run | doses | sensitivities | drug atol | CPU | steps | "
         "steps / dose | restarts | end values | change |",
         "|---|---:|---|---:|---:|---:|---:|---:|---|---|"]
    for d in dosing:
        b = d["base"]
        change = ("-" if b is d else
                  f"{d['out'][0] - b['out'][0]:.2g}, "
                  f"{d['out'][1] - b['out'][1]:.2g}")
        L.append(f"| {d['run']} | {d['doses']} | "
                 f"{'yes' if d['sens'] else 'no'} | {d['drug_atol']:g} | "
                 f"{fmt_s(d['cpu'])} | {d['steps']} | {d['per_dose']:.1f} | "
                 f"{d['reinits']} | {d['out'][0]:.6g}, {d['out'][1]:.6g} | "
                 f"{change} |")
    return L


def crew_targets(crew, target):
    """Issue 19's goals from bench_crew's runs."""
    # the goals on the fastest code measured (native when it was built)
    code = "native" if any(c["code"] == "native" for c in crew["runs"]) \
        else "vm"
    runs = {(c["n"], c["threads"]): c for c in crew["runs"]
            if c["code"] == code}
    if not runs:
        return
    big = max(n for n, _ in runs)
    small = min(n for n, _ in runs)
    c2 = runs.get((big, 2))
    if c2:
        # what 2 free cores would take: the CPU time split perfectly, and
        # the wall time scaled by the control loop's missing speed-up
        free = c2["cpu"] / 2
        target(f"crew: {big} members on 2 threads ({code}), wall",
               f"{fmt_s(c2['wall'])} (control speed-up {c2['control']:.2f}; "
               f"CPU {fmt_s(c2['cpu'])}, i.e. {fmt_s(free)} on 2 free "
               f"cores)", free <= 10 and big >= 10000, "<= 10 s at 10000")
    for t in (1, 2):
        a, b = runs.get((small, t)), runs.get((big, t))
        if a and b:
            r = b["rss_kib"] / a["rss_kib"]
            target(f"crew: peak RSS {big} vs {small} members, {t} thread(s)",
                   f"{b['rss_kib'] / 1024:.1f} MB vs {a['rss_kib'] / 1024:.1f}"
                   f" MB ({r:.2f}x; quantiles {b['quantiles']} vs "
                   f"{a['quantiles']})", r <= 1.5, "<= 1.5x")
    one = runs.get((big, 1))
    if one:
        target("crew: per-member CPU cost / one bare run of the scenario",
               f"{one['x_bare']:.2f}x ({one['per_cpu_s']:.0f} members per "
               f"CPU-second)", one["x_bare"] <= 1.1, "<= 1.1x")


def crew_section(crew):
    if not crew["runs"]:
        return []
    L = ["", "## Virtual crews (issue 19, bench_crew)", "",
         "The shipped `scenarios/iss_exercise.yaml` on the shipped model, "
         "two parameters varied, muskx ensemble's 64 MiB memory budget "
         "(exact quantiles while the trajectories fit, a KLL sketch beyond). "
         "Each run is a forked child: its own CPU time and peak RSS. The "
         "control is a perfectly parallel loop timed just before each run: "
         "its speed-up is what the machine gave 2 threads at that moment "
         "(2.00 on 2 free cores).", ""]
    if crew["bare"]:
        L.append(f"- Bare member (one muskx_scenario_run, VM): "
                 f"{fmt_s(crew['bare'])} CPU")
    if crew["build"]:
        L.append(f"- Native code of the model, built cold (cc): "
                 f"{fmt_s(crew['build'][0])} wall, "
                 f"{fmt_s(crew['build'][1])} CPU (then cached)")
    L.append("")
    L += ["| members | threads | code | wall | CPU | members / CPU-s | "
          "x bare | peak RSS | quantiles | control speed-up |",
          "|---:|---:|---|---:|---:|---:|---:|---:|---|---:|"]
    for c in crew["runs"]:
        L.append(f"| {c['n']} | {c['threads']} | {c['code']} | "
                 f"{fmt_s(c['wall'])} | "
                 f"{fmt_s(c['cpu'])} | {c['per_cpu_s']:.0f} | "
                 f"{c['x_bare']:.2f} | {c['rss_kib'] / 1024:.1f} MB | "
                 f"{c['quantiles']} | {c['control']:.2f} |")
    return L


def main(argv):
    if len(argv) != 5:
        sys.exit(__doc__.split("\n\n")[1])
    outdir, tsv_path, md_path, command = argv[1:]
    times = {}  # (problem, tool) -> median seconds
    # bench_robertson.c's own figures, on the wall clock (the CPU-clock
    # figures of the same runs come from bench_suite)
    wall = {(r[0], r[1] + "_wallclock"): float(r[2])
            for r in read_tsv(outdir, "robertson.tsv")}
    for name in ("suite_timings.tsv", "scipy_timings.tsv",
                 "desolve_timings.tsv"):
        for row in read_tsv(outdir, name):
            times[(row[0], row[1])] = float(row[2])
    finals = {}
    for name in ("suite_finals.tsv", "scipy_finals.tsv",
                 "desolve_finals.tsv"):
        for row in read_tsv(outdir, name):
            finals[(row[0], row[1])] = [float(v) for v in row[2].split(",")]

    # ---- agreement
    agree, bad = [], False
    for p in PROBLEMS:
        ref = finals.get((p, "reference"))
        if ref is None:
            continue
        rtol, atol = TOL[p]
        extra = [v for v, _ in POLLU_VARIANTS[2:]] if p == "pollu" else []
        for tool in TOOLS + extra:
            y = finals.get((p, tool))
            if y is None:
                continue
            e = wrms(y, ref, rtol, atol)
            agree.append((p, tool, e))
            bad |= not e <= 1.0

    # ---- results.tsv
    rows = []
    for p in PROBLEMS:
        hand = times.get((p, "hand_c"))
        extra = [v for v, _ in POLLU_VARIANTS[2:]] if p == "pollu" else []
        for tool in TOOLS + extra + ["libmuskx_load_compile"]:
            v = times.get((p, tool))
            if v is None:
                continue
            ratio = f"{v / hand:.3f}" if hand else "NA"
            rows.append((p, tool, f"{v:.6g}", ratio))
    for (p, tool), v in sorted(wall.items()):
        hand = wall.get((p, "hand_c_wallclock"))
        rows.append((p, tool, f"{v:.6g}",
                     f"{v / hand:.3f}" if hand and "load" not in tool
                     else "NA"))
    load = read_tsv(outdir, "load.tsv")
    for model, med, *_ in load:
        if med != "NA":
            rows.append((f"load:{model}", "libmuskx_load_compile", med, "NA"))
    ens = read_tsv(outdir, "ensemble.tsv")
    for prob, n, thr, sec, *_ in ens:
        rows.append((f"ensemble:{prob}:{n}_samples",
                     f"libmuskx_{thr}_thread{'s' if thr != '1' else ''}",
                     sec, "NA"))
    scale = read_tsv(outdir, "scale.tsv")
    for model, ns, nnz, solver, med, steps, peak, load_s in scale:
        rows.append((f"scale:{model}", f"libmuskx_{solver}", med, "NA"))
    crew = read_crew(outdir)
    for c in crew["runs"]:
        rows.append((f"crew:iss_exercise:{c['n']}_members",
                     f"libmuskx_{c['code']}_{c['threads']}_thread"
                     f"{'s' if c['threads'] != 1 else ''}_wallclock",
                     f"{c['wall']:.6g}", "NA"))
    dosing = read_dosing(outdir)
    for d in dosing:
        rows.append((f"dosing:{d['run']}:{d['doses']}_doses", dosing_tool(d),
                     f"{d['cpu']:.6g}", "NA"))
    petab = read_tsv(outdir, "petab.tsv")
    for name, llh, ref, npar, sc, sw, sb, fc, fw, fb in petab:
        rows.append((f"petab:{name}", "libmuskx_llh_cpu", sc, "NA"))
        rows.append((f"petab:{name}", "libmuskx_llh_wallclock", sw, "NA"))
        rows.append((f"petab:{name}", "libmuskx_fwd_sens_cpu", fc, "NA"))
        rows.append((f"petab:{name}", "libmuskx_fwd_sens_wallclock", fw, "NA"))
    # fit_scipy.tsv: tool, seed (or "all"), starts, cpu_s, cpu_s_per_start,
    # hits, best_llh, plain_evals, load_before, load_after
    fits_all = [r for r in read_tsv(outdir, "fit_scipy.tsv") if r[0] != "tool"]
    fits = [r for r in fits_all if r[1] == "all"]
    for tool, _, nst, cpu, per_start, *_ in fits:
        key = ("muskx_fit_cli_ftol" if "--ftol" in tool
               else "muskx_fit_cli" if tool.startswith("muskx fit")
               else "muskx_fit_library" if tool.startswith("muskx")
               else "scipy_" + tool.split()[1])
        rows.append(("fit:Boehm_JProteomeRes2014", key + "_cpu_per_start",
                     per_start, "NA"))

    with open(tsv_path, "w") as f:
        f.write("problem\ttool\tmedian_s\tratio_to_hand_c\n")
        for r in rows:
            f.write("\t".join(r) + "\n")

    # ---- targets
    def t(p, tool):
        return times.get((p, tool))

    targets = []

    def target(what, value, ok, goal):
        targets.append((what, value, "met" if ok else "**missed**", goal))

    for p in ("robertson", "pollu"):
        if t(p, "hand_c") and t(p, "libmuskx"):
            r = t(p, "libmuskx") / t(p, "hand_c")
            target(f"{p}: libmuskx / hand-written C", f"{r:.2f}x", r <= 1.3,
                   "<= 1.3x")
    if t("pollu", "hand_c_fastvec") and t("pollu", "libmuskx"):
        r = t("pollu", "libmuskx") / t("pollu", "hand_c_fastvec")
        target("pollu: libmuskx / hand-written C with libmuskx's vector "
               "kernels", f"{r:.2f}x", r <= 1.3, "<= 1.3x")
    goals = {("robertson", "scipy_lsoda"): 6, ("robertson", "scipy_bdf"): 40,
             ("pollu", "scipy_lsoda"): 20, ("crosstalk", "scipy_lsoda"): 20}
    for (p, tool), g in goals.items():
        if t(p, tool) and t(p, "libmuskx"):
            r = t(p, tool) / t(p, "libmuskx")
            target(f"{p}: {tool} / libmuskx", f"{r:.1f}x", r >= g,
                   f">= {g}x")
    lc = t("crosstalk", "libmuskx_load_compile")
    if lc:
        target("crosstalk model load + compile", fmt_s(lc), lc < 0.010,
               "< 10 ms")
    mem = {int(n): int(b) for _, n, b in read_tsv(outdir, "memory.tsv")}
    if 10 in mem and 100000 in mem:
        r = mem[100000] / mem[10]
        target("peak heap per sim, 100000 vs 10 outputs",
               f"{mem[10]} B vs {mem[100000]} B ({r:.2f}x)", r <= 1.1,
               "independent of the output count (<= 1.1x)")
    if len(ens) >= 2:
        s = float(ens[0][3]) / float(ens[1][3])
        cpu = (f"; CPU time 2 threads / 1 thread {float(ens[1][4]) / float(ens[0][4]):.2f}"
               if len(ens[0]) > 4 else "")
        target(f"ensemble speed-up on 2 threads ({ens[0][1]} samples)",
               f"{s:.2f}x (load average {os.getloadavg()[0]:.1f}{cpu})",
               s >= 1.8, ">= 1.8x")
    crew_targets(crew, target)
    curves = {}
    for model, ns, nnz, solver, med, steps, *_ in scale:
        if solver in ("klu", "spgmr"):
            curves.setdefault((solver, model.split("_")[0]), []).append(
                (int(ns), float(med), int(steps)))
    for (solver, kind), pts in sorted(curves.items()):
        pts.sort()
        if len(pts) >= 2:
            (n0, t0, s0), (n1, t1, s1) = pts[-2], pts[-1]
            slope = math.log(t1 / t0) / math.log(n1 / n0)
            per_step = math.log((t1 / s1) / (t0 / s0)) / math.log(n1 / n0)
            target(f"{solver.upper()} {kind} networks, cost exponent "
                   f"{n0}->{n1} species",
                   f"{slope:.2f} per simulation, {per_step:.2f} per step "
                   f"({s0} -> {s1} steps)", per_step <= 1.3,
                   "about linear (<= 1.3 per step)")

    for name, llh, ref, npar, sc, sw, sb, fc, fw, fb in petab:
        short = name.split("_")[0]
        target(f"PEtab {short}: all simulations, CPU", fmt_s(float(sc)),
               float(sc) <= float(sb), f"<= t_sim {fmt_s(float(sb))}")
        target(f"PEtab {short}: with forward sensitivities, CPU",
               fmt_s(float(fc)), float(fc) <= float(fb),
               f"<= t_fwd {fmt_s(float(fb))}")
    # CPU per start reaching the optimum: the best scipy method against
    # the muskx fit CLI (start-up and plots included)
    cli = [r for r in fits if r[0] == "muskx fit (CLI)"]
    sp = [r for r in fits if r[0].startswith("scipy") and int(r[5])]
    if cli and int(cli[0][5]) and sp:
        per_hit = lambda r: float(r[3]) / int(r[5])
        best = min(sp, key=per_hit)
        r = per_hit(best) / per_hit(cli[0])
        target(f"Boehm fit: {best[0]} / muskx fit, CPU per start reaching "
               "the optimum", f"{r:.2f}x", r >= 10, ">= 10x")
    elif fits:
        target("Boehm fit: scipy / muskx fit, CPU per start reaching the "
               "optimum", "n/a: a tool reached it from no start", False,
               ">= 10x")

    # ---- RESULTS.md
    cpu = sh("lscpu | sed -n 's/^Model name: *//p'") or platform.processor()
    ram = sh("free -g | awk 'NR == 2 {print $2}'")
    mach = (f"{cpu}, {os.cpu_count()} CPUs, {ram} GB RAM, "
            f"Linux {platform.release()}")
    vers = {
        "SUNDIALS": sh("dpkg-query -W -f='${Version}' libsundials-dev"),
        "OpenBLAS": sh("dpkg-query -W -f='${Version}\\n' libopenblas0-pthread "
                       "libopenblas0 2>/dev/null | head -1"),
        "scipy": sh("/usr/bin/python3 -c 'import scipy; print(scipy.__version__)'"),
        "R deSolve": sh("Rscript -e 'cat(as.character(packageVersion(\"deSolve\")))'"
                        " 2>/dev/null"),
        "compiler": sh("cc --version | head -1"),
    }
    L = ["# Benchmark results", "",
         "Written by `bench/report.py` at the end of `make bench`; do not edit",
         "by hand (re-run the command). What is measured, and how, is",
         "described in the banners of `bench/bench_robertson.c`,",
         "`bench/bench_suite.c`, `bench/bench_scale.c`,",
         "`bench/bench_crew.c`, `bench/bench_dosing.c`,",
         "`bench/bench_scipy.py`, `bench/bench_desolve.R`,",
         "`bench/bench_petab.c` and `bench/bench_fit_scipy.py`.", "",
         f"- Command: `{command}`",
         f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
         f"- Machine: {mach}",
         f"- Load average when the report was written: "
         f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} "
         "(other jobs on the machine slow every tool alike, but not the "
         "thread speed-up alike)",
         "- Versions: " + "; ".join(f"{k} {v}" for k, v in vers.items() if v),
         "", "## Median time per solve, side by side", "",
         "CPU time of the process (one thread; OpenBLAS single-threaded) for",
         "every tool, so that other jobs on the machine do not distort the",
         "ratios; bench_robertson's wall-clock figures are in results.tsv as",
         "`*_wallclock`.",
         "One run of each tool: create, integrate, free (libmuskx: sim create +",
         "run + free of a model loaded once; hand C: every SUNDIALS object",
         "created and freed). Same tolerances and output times for all.", ""]
    L.append("| problem | " + " | ".join(TOOLS) + " |")
    L.append("|---|" + "---:|" * len(TOOLS))
    for p in PROBLEMS:
        L.append(f"| {p} | " + " | ".join(fmt_s(t(p, tool)) for tool in TOOLS)
                 + " |")
    L += ["", "Ratios (how many times libmuskx's time; hand C: libmuskx / hand):",
          "", "| problem | libmuskx / hand C | scipy LSODA / libmuskx | "
          "scipy BDF / libmuskx | deSolve lsoda / libmuskx |",
          "|---|---:|---:|---:|---:|"]
    for p in PROBLEMS:
        m = t(p, "libmuskx")
        cells = []
        h = t(p, "hand_c")
        cells.append(f"{m / h:.2f}" if m and h else "no hand C")
        for tool in TOOLS[2:]:
            v = t(p, tool)
            cells.append(f"{v / m:.1f}" if v and m else "-")
        L.append(f"| {p} | " + " | ".join(cells) + " |")
    if t("pollu", "hand_c_dense"):
        h = t("pollu", "hand_c")
        L += ["", "POLLU variants (same run, interleaved; x = time / hand_c;",
              "Debian's SUNDIALS is built without optimisation, and libmuskx",
              "uses its own -O2 copies of the vector kernels, see NOTES):", "",
              "| variant | time | x hand_c |", "|---|---:|---:|"]
        for v, what in POLLU_VARIANTS:
            if t("pollu", v):
                L.append(f"| {what} | {fmt_s(t('pollu', v))} | "
                         f"{t('pollu', v) / h:.2f} |")
    L += ["", "## Do the tools agree?", "",
          "State at the last output time vs the reference (a libmuskx run at",
          "rtol 1e-10, or the Test Set's RADAU5 solution for POLLU), WRMS with",
          "weights 10 (rtol |ref| + atol): <= 1 agrees.", "",
          "| problem | tool | WRMS | agrees |", "|---|---|---:|---|"]
    for p, tool, e in agree:
        L.append(f"| {p} | {tool} | {e:.3g} | {'yes' if e <= 1 else '**NO**'} |")
    L += ["", "## Targets of issues 8 and 15", "",
          "| target | measured | goal | |", "|---|---|---|---|"]
    for what, value, status, goal in targets:
        L.append(f"| {what} | {value} | {goal} | {status} |")
    L += ["", "## Load + compile of each shipped model", "",
          "| model | species | reactions | median |", "|---|---:|---:|---:|"]
    for model, med, ns, nr in load:
        L.append(f"| {model} | {ns} | {nr} | "
                 f"{fmt_s(float(med)) if med != 'NA' else 'not a model'} |")
    if mem:
        L += ["", "## Memory per simulation", "",
              "Peak heap of one create + run + free of the crosstalk model over",
              "the flight, above what was in use before (the caller's output",
              "buffer excluded), every allocation of the process counted by",
              "bench/heap_count.h:", ""]
        for n, b in sorted(mem.items()):
            L.append(f"- {n} output times: {b} bytes")
    if ens:
        L += ["", "## Ensemble", ""]
        for prob, n, thr, sec, *cpu in ens:
            L.append(f"- {prob}, {n} samples, {thr} thread(s): wall "
                     f"{fmt_s(float(sec))}"
                     + (f", CPU {fmt_s(float(cpu[0]))}" if cpu else "")
                     + " (best of 3)")
    L += crew_section(crew)
    L += dosing_section(dosing)
    if scale:
        L += ["", "## Scale curve (generated networks, t = 0..10)", "",
              "KLU is skipped for random networks beyond 1,000 species (LU",
              "fill-in: minutes per run); SPGMR's answer is checked against",
              "KLU's (or a SPGMR run at rtol 1e-10 where KLU is skipped).", "",
              "| model | species | Jacobian nnz | solver | time per sim | steps |"
              " peak heap | load + compile |",
              "|---|---:|---:|---|---:|---:|---:|---:|"]
        for model, ns, nnz, solver, med, steps, peak, load_s in scale:
            L.append(f"| {model} | {ns} | {nnz} | {solver} | "
                     f"{fmt_s(float(med))} | {steps} | {int(peak) // 1024} KiB"
                     f" | {fmt_s(float(load_s))} |")
    if petab:
        L += ["", "## PEtab benchmark problems: simulations without and with "
              "sensitivities", "",
              "All simulations of each problem of ../shared/petab-benchmarks at",
              "its nominal parameters, rtol = atol = 1e-8, median of",
              "bench_petab's repetitions, one thread: `muskx_petab_llh` (no",
              "sensitivities) and `muskx_petab_gradient` (forward sensitivities",
              "of every estimated parameter, np), side by side in one run,",
              "against the t_sim and t_fwd budgets of its README (AMICI's CI",
              "limits). The budgets are compared with the CPU time; wall time",
              "is longer when other jobs share the cores.", "",
              "| problem | np | llh | reference llh | no sens CPU | wall | "
              "t_sim | fwd sens CPU | wall | t_fwd |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, llh, ref, npar, sc, sw, sb, fc, fw, fb in petab:
            over = lambda v, b: (fmt_s(float(v)) + (" **over**"
                                 if float(v) > float(b) else ""))
            L.append(f"| {name} | {npar} | {float(llh):.5f} | "
                     f"{float(ref):.5f} | {over(sc, sb)} | "
                     f"{fmt_s(float(sw))} | {fmt_s(float(sb))} | "
                     f"{over(fc, fb)} | {fmt_s(float(fw))} | "
                     f"{fmt_s(float(fb))} |")
    if fits:
        f0 = fits[0]
        seeds = sorted({r[1] for r in fits_all if r[1] != "all"}, key=int)
        L += ["", "## Fitting Boehm_JProteomeRes2014: muskx fit vs scipy", "",
              f"{f0[2]} starts in all (seeds {', '.join(seeds)}, muskx fit's",
              "Latin hypercube; scipy starts from the same points), one",
              "thread each, one after the other, rtol = atol = 1e-8, CPU",
              "time. `muskx fit`: rectangular trust-region dogleg on the",
              "exact Jacobian (forward sensitivities), as the CLI (process",
              "start, loading and plots included; also with scipy's",
              "stopping rule, --ftol 1e-8) and as the library",
              "(`Problem.fit`); scipy: `least_squares` (bounds, 2-point",
              "finite differences; +cf: noise parameters in closed form)",
              "on `muskx.Problem.evaluate`. A hit: a",
              "start ending within 0.1 of AMICI's llh -138.22200. Load",
              f"average {float(f0[8]):.2f} before, {float(f0[9]):.2f} after",
              "(2 cores; the benchmark itself accounts for about 1).", "",
              "| tool | CPU | CPU per start | hits | CPU per hit |",
              "|---|---:|---:|---:|---:|"]
        for tool, _, nst, cpu, per, hits, *_ in fits:
            L.append(f"| {tool} | {float(cpu):.1f} s | {float(per):.3f} s | "
                     f"{hits} / {nst} | "
                     + (f"{float(cpu) / int(hits):.2f} s" if int(hits)
                        else "-") + " |")
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "NOTES.md")
    if os.path.exists(notes):
        L += ["", open(notes).read().rstrip()]
    with open(md_path, "w") as f:
        f.write("\n".join(L) + "\n")
    # the same on the terminal
    print("\n".join(l for l in L if l.startswith("|")))
    if bad:
        print("report: FAIL: a tool disagrees with the reference (see above)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
