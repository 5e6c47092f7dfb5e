#!/usr/bin/env bash
# run-tests.sh -- runs test programs and sums their results.
#
#   scripts/run-tests.sh [--label NAME] [--tally FILE] [--wrap 'CMD ARGS']
#                        -- PROGRAM ['PROGRAM ARGS' ...]
#   scripts/run-tests.sh --total FILE
#
# Each PROGRAM is one command (words split on blanks) run from the current
# directory, under the --wrap command if given (e.g. valgrind). A Check
# binary prints lines like "100%: Checks: 12, Failures: 0, Errors: 0"; those
# are summed. Another program's last "N passed, N failed" line is used
# when it prints one; otherwise it counts as one test, passed when it exits
# 0. A Check binary that reports no failure but exits non-zero
# (valgrind errors, a sanitizer report at exit, a crash) adds one failure; a
# program that does not exist (did not build) is one failure.
#
# The last line printed is always "N passed, N failed"; the exit status is 1
# when anything failed. --tally appends "LABEL PASSED FAILED" to FILE;
# --total prints the sums of such a file, with the same last line.
set -euo pipefail

usage() {
  sed -n '3,6p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

label=tests
tally=
wrap=
total=
while [ $# -gt 0 ]; do
  case "$1" in
    --label) label=${2:?}; shift 2 ;;
    --tally) tally=${2:?}; shift 2 ;;
    --wrap) wrap=${2:?}; shift 2 ;;
    --total) total=${2:?}; shift 2 ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) break ;;
  esac
done

if [ -n "$total" ]; then
  passed=0
  failed=0
  if [ -f "$total" ]; then
    while read -r name p f; do
      printf '  %-12s %6d passed %6d failed\n' "$name" "$p" "$f"
      passed=$((passed + p))
      failed=$((failed + f))
    done < "$total"
  else
    echo "run-tests: no results in $total" >&2
    failed=1
  fi
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
fi

[ $# -gt 0 ] || usage

timeout_s=${TEST_TIMEOUT:-900}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

wrapper=()
if [ -n "$wrap" ]; then
  read -r -a wrapper <<< "$wrap"
fi

passed=0
failed=0
for spec in "$@"; do
  read -r -a cmd <<< "$spec"
  prog=${cmd[0]}
  echo "== [$label] $spec"
  if [ ! -x "$prog" ]; then
    echo "FAIL $prog: missing (did it build?)"
    failed=$((failed + 1))
    continue
  fi
  rc=0
  timeout "$timeout_s" "${wrapper[@]}" "${cmd[@]}" > "$log" 2>&1 || rc=$?
  cat "$log"
  checks=0
  bad=0
  found=0
  # "NN%: Checks: C, Failures: F, Errors: E", one per srunner.
  while read -r c f e; do
    found=1
    checks=$((checks + c))
    bad=$((bad + f + e))
  done < <(sed -n 's/^[0-9]*%: Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' "$log")
  if [ "$found" -eq 0 ]; then
    # Not a Check binary: use its own last "N passed, N failed" line if it
    # prints one (the calibration and Python suites do), else count it as
    # one test.
    summary=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1 \2/p' "$log" | tail -n 1)
    if [ -n "$summary" ]; then
      read -r p f <<< "$summary"
      checks=$((p + f))
      bad=$f
      if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
        checks=$((checks + 1))
        bad=1
      fi
    else
      checks=1
      bad=$(( rc == 0 ? 0 : 1 ))
    fi
  elif [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
    # Every check passed, yet the program failed: count the program.
    checks=$((checks + 1))
    bad=1
  fi
  passed=$((passed + checks - bad))
  failed=$((failed + bad))
  if [ "$bad" -eq 0 ]; then
    echo "PASS $prog ($checks)"
  elif [ "$rc" -eq 124 ]; then
    echo "FAIL $prog: timed out after ${timeout_s}s"
  else
    echo "FAIL $prog: $bad of $checks failed (exit status $rc)"
  fi
done

if [ -n "$tally" ]; then
  echo "$label $passed $failed" >> "$tally"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
