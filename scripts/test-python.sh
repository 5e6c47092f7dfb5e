#!/usr/bin/env bash
# test-python.sh -- runs the Python bindings' unittest suite twice with
# Debian's interpreter: once as is (numpy present: result columns are numpy
# arrays) and once with MUSKX_NO_NUMPY=1 (the pure-Python path: lists).
#
#   scripts/test-python.sh            (from anywhere; builds the library if absent)
#   PYTHON=/path/to/python3 scripts/test-python.sh
#
# Uses /usr/bin/python3 by default, not the first python3 on PATH (which may
# be a pyenv shim without python3-numpy). The last line is
# "N passed, N failed", the sum over both runs, for CI. Exit status 1 if
# anything failed.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-/usr/bin/python3}
pkg="$repo/bindings/python"

if [ ! -e "$repo/build/libmuskx.so" ]; then
  make -C "$repo" -s >&2 || { echo "test-python: make failed" >&2; }
fi

total_pass=0
total_fail=0

# run LABEL [ENV=VALUE...]: one unittest run; adds to the totals.
run() {
  local label=$1 out ran failures errors skipped rc
  shift
  echo "== python tests ($label)"
  out=$(cd "$repo" && env "$@" PYTHONPATH="$pkg${PYTHONPATH:+:$PYTHONPATH}" \
    "$python" -m unittest discover -s "$pkg/tests" -t "$pkg/tests" 2>&1)
  rc=$?
  printf '%s\n' "$out" | grep -v '^DBG' \
    | grep -E '^(FAIL|ERROR):|^\[|^Ran |^OK|^FAILED|Error|skipped' || true
  ran=$(printf '%s\n' "$out" | sed -n 's/^Ran \([0-9]*\) tests\{0,1\} in.*/\1/p' | tail -1)
  failures=$(printf '%s\n' "$out" | sed -n 's/^FAILED (.*failures=\([0-9]*\).*/\1/p' | tail -1)
  errors=$(printf '%s\n' "$out" | sed -n 's/^FAILED (.*errors=\([0-9]*\).*/\1/p' | tail -1)
  skipped=$(printf '%s\n' "$out" | sed -n 's/.*skipped=\([0-9]*\).*/\1/p' | tail -1)
  ran=${ran:-0} failures=${failures:-0} errors=${errors:-0} skipped=${skipped:-0}
  if [ "$ran" -eq 0 ] || { [ "$rc" -ne 0 ] && [ $((failures + errors)) -eq 0 ]; }; then
    # the suite did not run at all (import error, crash): show why, count 1
    printf '%s\n' "$out" | tail -20
    failures=$((failures + 1))
  fi
  local fail=$((failures + errors))
  local pass=$((ran - failures - errors - skipped))
  [ "$pass" -lt 0 ] && pass=0
  echo "   ($label: $pass passed, $fail failed, $skipped skipped)"
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
}

if "$python" -c 'import numpy' 2>/dev/null; then
  run "with numpy" MUSKX_NO_NUMPY=0
else
  echo "test-python: numpy is not importable by $python (Debian: python3-numpy);" \
       "the first run also uses lists" >&2
  run "numpy missing" MUSKX_NO_NUMPY=0
fi
run "without numpy" MUSKX_NO_NUMPY=1

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
