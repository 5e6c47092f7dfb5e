#!/usr/bin/env python3
"""test_check_extra.py -- check_extra.py's llh of a simulatedData table
(the reference it reports for further Benchmark Collection problems)
against a closed form, on small tables written here.

Case 1 (Armistead's layout): two conditions whose simulatedData lists the
conditions in the other order than the measurements, replicates, and a
noise formula sigma = sd * X that uses the observable's own model symbol.
Pairing rows by position (observable and time only) gives the other
condition's simulations; the closed form pairs them by condition.
Case 2: the same reordering with a numeric noise (pairing by position
gives a wrong number). Case 3 (Swameye's layout): the simulatedData leaves observableParameters
empty where the measurements fill it; the rows still pair.
Standard library only; prints "N passed, N failed"."""
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_extra  # noqa: E402


def write(folder, name, text):
    with open(os.path.join(folder, name), "w") as f:
        f.write(text)


def normal(y, h, s):
    return -0.5 * math.log(2 * math.pi * s * s) - 0.5 * ((y - h) / s) ** 2


def case_reordered(root):
    d = os.path.join(root, "Reordered")
    os.mkdir(d)
    write(d, "parameters_R.tsv", "parameterId\tparameterScale\tlowerBound\t"
          "upperBound\tnominalValue\testimate\nsd_X\tlog10\t0.001\t1000\t0.1\t1\n")
    write(d, "observables_R.tsv", "observableId\tobservableFormula\tnoiseFormula\n"
          "X_obs\tX\tnoiseParameter1_X_obs*X\n")
    write(d, "measurementData_R.tsv", "observableId\tsimulationConditionId\t"
          "measurement\ttime\tnoiseParameters\n"
          "X_obs\twt\t1.1\t0\tsd_X\nX_obs\twt\t0.9\t0\tsd_X\n"
          "X_obs\tmut\t2.2\t0\tsd_X\nX_obs\tmut\t1.8\t0\tsd_X\n")
    write(d, "simulatedData_R.tsv", "observableId\tsimulationConditionId\t"
          "simulation\ttime\tnoiseParameters\n"
          "X_obs\tmut\t2.0\t0\tsd_X\nX_obs\tmut\t2.0\t0\tsd_X\n"
          "X_obs\twt\t1.0\t0\tsd_X\nX_obs\twt\t1.0\t0\tsd_X\n")
    want = (normal(1.1, 1.0, 0.1) + normal(0.9, 1.0, 0.1) +
            normal(2.2, 2.0, 0.2) + normal(1.8, 2.0, 0.2))
    return "Reordered", want


def case_reordered_numeric(root):
    """The same reordering with a numeric noise: pairing by position gives
    a wrong number, not none."""
    d = os.path.join(root, "ReorderedNumeric")
    os.mkdir(d)
    write(d, "parameters_N.tsv", "parameterId\tparameterScale\tlowerBound\t"
          "upperBound\tnominalValue\testimate\nk\tlin\t0\t1\t0.5\t1\n")
    write(d, "observables_N.tsv", "observableId\tobservableFormula\tnoiseFormula\n"
          "X_obs\tX\t0.1\n")
    write(d, "measurementData_N.tsv", "observableId\tsimulationConditionId\t"
          "measurement\ttime\n"
          "X_obs\twt\t1.1\t0\nX_obs\tmut\t2.2\t0\n")
    write(d, "simulatedData_N.tsv", "observableId\tsimulationConditionId\t"
          "simulation\ttime\n"
          "X_obs\tmut\t2.0\t0\nX_obs\twt\t1.0\t0\n")
    return "ReorderedNumeric", normal(1.1, 1.0, 0.1) + normal(2.2, 2.0, 0.1)


def case_empty_overrides(root):
    d = os.path.join(root, "Overrides")
    os.mkdir(d)
    write(d, "parameters_O.tsv", "parameterId\tparameterScale\tlowerBound\t"
          "upperBound\tnominalValue\testimate\nscale\tlin\t0\t10\t2\t1\n")
    write(d, "observables_O.tsv", "observableId\tobservableFormula\tnoiseFormula\n"
          "y\tobservableParameter1_y * A\tnoiseParameter1_y\n")
    write(d, "measurementData_O.tsv", "observableId\tsimulationConditionId\t"
          "measurement\ttime\tobservableParameters\tnoiseParameters\n"
          "y\tc1\t3.0\t0\tscale\t0.5\ny\tc1\t5.0\t2\tscale\t0.25\n")
    write(d, "simulatedData_O.tsv", "observableId\tsimulationConditionId\t"
          "simulation\ttime\tobservableParameters\tnoiseParameters\n"
          "y\tc1\t2.5\t0\t\t0.5\ny\tc1\t4.5\t2\t\t0.25\n")
    return "Overrides", normal(3.0, 2.5, 0.5) + normal(5.0, 4.5, 0.25)


def main():
    passed = failed = 0
    with tempfile.TemporaryDirectory() as root:
        for case in (case_reordered, case_reordered_numeric,
                     case_empty_overrides):
            name, want = case(root)
            got = check_extra.simulated_llh(root, name)
            ok = got is not None and abs(got - want) <= 1e-12 * abs(want)
            print("%s %s: simulatedData llh %s, closed form %.15g" % (
                "ok  " if ok else "FAIL", name,
                "none" if got is None else "%.15g" % got, want))
            passed += ok
            failed += not ok
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
