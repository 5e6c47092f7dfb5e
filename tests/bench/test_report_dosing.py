#!/usr/bin/env python3
"""test_report_dosing.py -- bench/report.py reads bench_dosing's dosing.tsv
(on a table written here, in bench_dosing's format, with numbers chosen by
hand): its results.tsv rows (problem dosing:RUN:N_doses, N from steps /
steps_per_dose; tool libmuskx_states_cpu, libmuskx_sens_cpu and, for the
run with the drug amounts' atol raised, ..._drug_atol_A_cpu; the CPU
seconds) and its RESULTS.md table (the change of the end values from the
run at the default atol). The other side: without dosing.tsv, or with its
header alone, no dosing row and no dosing section.
Standard library only; prints "N passed, N failed"."""
import io
import os
import sys
import tempfile
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
import report  # noqa: E402

HEADER = ("run\tsens\tdrug_atol\tcpu_s\tsteps\tsteps_per_dose\treinits\t"
          "out0\tout1\n")
TABLE = HEADER + (
    "onecpt\t0\t1e-08\t0.067000\t117078\t117.08\t999\t13.5\t0.25\n"
    "onecpt\t0\t0.0004\t0.020000\t34910\t34.91\t999\t13.5008\t0.24925\n"
    "onecpt\t1\t1e-08\t0.245000\t157912\t157.91\t999\t13.5\t0.25\n"
    "onecpt\t1\t0.0004\t0.070000\t47960\t47.96\t999\t13.49986\t0.25014\n"
    "tptd20\t0\t1e-08\t1.685000\t164369\t257.22\t639\t8.83\t4.1\n"
    "tptd20\t0\t0.0019\t1.010000\t81089\t126.90\t639\t8.829942\t4.099976\n"
    "tptd20\t1\t1e-08\t18.857000\t164351\t257.20\t639\t8.83\t4.1\n"
    "tptd20\t1\t0.0019\t9.700000\t81089\t126.90\t639\t8.829942\t4.099976\n")

# results.tsv rows expected from TABLE, by hand
ROWS = [
    ["dosing:onecpt:1000_doses", "libmuskx_states_cpu", "0.067", "NA"],
    ["dosing:onecpt:1000_doses", "libmuskx_states_drug_atol_0.0004_cpu",
     "0.02", "NA"],
    ["dosing:onecpt:1000_doses", "libmuskx_sens_cpu", "0.245", "NA"],
    ["dosing:onecpt:1000_doses", "libmuskx_sens_drug_atol_0.0004_cpu",
     "0.07", "NA"],
    ["dosing:tptd20:639_doses", "libmuskx_states_cpu", "1.685", "NA"],
    ["dosing:tptd20:639_doses", "libmuskx_states_drug_atol_0.0019_cpu",
     "1.01", "NA"],
    ["dosing:tptd20:639_doses", "libmuskx_sens_cpu", "18.857", "NA"],
    ["dosing:tptd20:639_doses", "libmuskx_sens_drug_atol_0.0019_cpu", "9.7",
     "NA"],
]
# RESULTS.md lines expected from TABLE, by hand
MD = [
    "## Repeated dosing (bench_dosing)",
    "| onecpt | 1000 | no | 1e-08 | 67.000 ms | 117078 | 117.1 | 999 | "
    "13.5, 0.25 | - |",
    "| onecpt | 1000 | no | 0.0004 | 20.000 ms | 34910 | 34.9 | 999 | "
    "13.5008, 0.24925 | 0.0008, -0.00075 |",
    "| onecpt | 1000 | yes | 0.0004 | 70.000 ms | 47960 | 48.0 | 999 | "
    "13.4999, 0.25014 | -0.00014, 0.00014 |",
    "| tptd20 | 639 | yes | 1e-08 | 18.857 s | 164351 | 257.2 | 639 | "
    "8.83, 4.1 | - |",
    "| tptd20 | 639 | yes | 0.0019 | 9.700 s | 81089 | 126.9 | 639 | "
    "8.82994, 4.09998 | -5.8e-05, -2.4e-05 |",
]


def run_report(table):
    """report.py on a folder holding dosing.tsv = table (None: no file);
    returns (exit status, results.tsv rows, RESULTS.md text)."""
    with tempfile.TemporaryDirectory() as d:
        if table is not None:
            with open(os.path.join(d, "dosing.tsv"), "w") as f:
                f.write(table)
        tsv, md = os.path.join(d, "results.tsv"), os.path.join(d, "r.md")
        with redirect_stdout(io.StringIO()):
            rc = report.main(["report.py", d, tsv, md, "test"])
        with open(tsv) as f:
            rows = [l.rstrip("\n").split("\t") for l in f][1:]
        with open(md) as f:
            text = f.read()
    return rc, rows, text


def main():
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL:", what)

    rc, rows, text = run_report(TABLE)
    check(rc == 0, f"exit status {rc}")
    got = [r for r in rows if r[0].startswith("dosing:")]
    check(got == ROWS, f"results.tsv dosing rows {got}")
    lines = text.split("\n")
    for want in MD:
        check(want in lines, f"RESULTS.md has no line {want!r}")
    check(text.count("| onecpt |") == 4 and text.count("| tptd20 |") == 4,
          "RESULTS.md: 4 rows of each run")

    for table, what in ((None, "no dosing.tsv"), (HEADER, "header only")):
        rc, rows, text = run_report(table)
        check(rc == 0, f"{what}: exit status {rc}")
        check(not any(r[0].startswith("dosing:") for r in rows),
              f"{what}: dosing rows in results.tsv")
        check("Repeated dosing (bench_dosing)" not in text,
              f"{what}: a dosing section in RESULTS.md")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
