#!/usr/bin/env bash
# run-tests.sh -- runs test programs and sums their results.
#
#   scripts/run-tests.sh [--label NAME] [--tally FILE] [--wrap 'CMD ARGS']
#                        [-j N] [--slots FIFO] [--first 'PATTERN ...']
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
# -j N runs up to N programs at once (default 1; the RUN_TESTS_JOBS
# environment variable sets the default). Each program's output is kept
# apart and printed whole, in the order given, so the log reads the same
# as a serial run's. Each PASS/FAIL line gives the program's wall and CPU
# (user + system, its children included) time, to find slow tests.
#
# --first 'PATTERN ...' starts the programs whose command matches one of
# the shell patterns first, in the patterns' order (the longest ones, so
# that none of them is left running alone at the end); the output is
# still printed in the order given.
#
# --slots FIFO (or RUN_TESTS_SLOTS): a named pipe holding one byte per
# program that may run at once, shared by several run-tests.sh running
# together (make check's stages): each program takes a byte before it
# starts and puts it back when it ends, so that all of them together run
# at most that many programs; -j still caps this run's own.
#
# The last line printed is always "N passed, N failed"; the exit status is 1
# when anything failed. --tally appends "LABEL PASSED FAILED" to FILE;
# --total prints the sums of such a file, with the same last line.
set -euo pipefail

usage() {
  sed -n '3,7p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

label=tests
tally=
wrap=
total=
jobs=${RUN_TESTS_JOBS:-1}
slots=${RUN_TESTS_SLOTS:-}
first=
while [ $# -gt 0 ]; do
  case "$1" in
    --label) label=${2:?}; shift 2 ;;
    --tally) tally=${2:?}; shift 2 ;;
    --wrap) wrap=${2:?}; shift 2 ;;
    --total) total=${2:?}; shift 2 ;;
    -j) jobs=${2:?}; shift 2 ;;
    --slots) slots=${2:?}; shift 2 ;;
    --first) first=${2?}; shift 2 ;;
    -j[0-9]*) jobs=${1#-j}; shift ;;
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
case "$jobs" in
  ''|*[!0-9]*|0) echo "run-tests: -j wants a positive number, not '$jobs'" >&2; exit 2 ;;
esac

timeout_s=${TEST_TIMEOUT:-900}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

wrapper=()
if [ -n "$wrap" ]; then
  read -r -a wrapper <<< "$wrap"
fi

slotfd=
if [ -n "$slots" ]; then
  [ -p "$slots" ] || { echo "run-tests: --slots $slots is not a named pipe" >&2; exit 2; }
  exec {slotfd}<> "$slots"
fi

# Runs the Nth program into $dir/N.log; writes "RC WALL CPU" to $dir/N.res
# last, so that file's presence means the program is done. `times` in this
# subshell sums the CPU time of everything it waited for: timeout, the
# program and the processes the program waited for (Check's forks).
run_one() {
  local n=$1 spec=$2 rc=0 t0=$EPOCHREALTIME cmd
  read -r -a cmd <<< "$spec"
  timeout "$timeout_s" "${wrapper[@]}" "${cmd[@]}" > "$dir/$n.log" 2>&1 || rc=$?
  local t1=$EPOCHREALTIME
  times > "$dir/$n.times"   # no fork: a forked `times` would report zero
  awk -v rc="$rc" -v a="$t0" -v b="$t1" 'NR == 2 {
    s = 0
    for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] }
    printf "%d %.1f %.1f\n", rc, b - a, s }' "$dir/$n.times" > "$dir/$n.res.tmp"
  mv "$dir/$n.res.tmp" "$dir/$n.res"
  # the slot back (after the result, so a waiting run sees it done)
  if [ -n "$slotfd" ]; then printf x >&"$slotfd"; fi
}

passed=0
failed=0
# Prints the Nth program's output and verdict and adds it to the sums.
report() {
  local n=$1 spec=$2 prog rc wall cpu
  local log=$dir/$n.log
  read -r prog _ <<< "$spec"
  echo "== [$label] $spec"
  if [ ! -x "$prog" ]; then
    echo "FAIL $prog: missing (did it build?)"
    failed=$((failed + 1))
    return
  fi
  read -r rc wall cpu < "$dir/$n.res"
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
  local took="${wall} s, CPU ${cpu} s"
  # the name to show: past env and its VAR=VALUE words, and an
  # interpreter's script (env ASAN_OPTIONS=... python3 tests/x.py)
  local words i=0
  read -r -a words <<< "$spec"
  if [[ $prog == */env ]]; then
    i=1
    while [ "$i" -lt "${#words[@]}" ] && [[ ${words[i]} == *=* ]]; do i=$((i + 1)); done
  fi
  case "${words[i]:-}" in
    */python3|*/python|*/bash|*/sh|python3|python|bash|sh) i=$((i + 1)) ;;
  esac
  prog=${words[i]:-$prog}
  if [ "$bad" -eq 0 ]; then
    echo "PASS $prog ($checks; $took)"
  elif [ "$rc" -eq 124 ]; then
    echo "FAIL $prog: timed out after ${timeout_s}s"
  else
    echo "FAIL $prog: $bad of $checks failed (exit status $rc; $took)"
  fi
}

specs=("$@")
count=${#specs[@]}
# The order to start them in: those matching --first's patterns, in the
# patterns' order, then the others in the order given.
order=()
declare -A queued=()
if [ -n "$first" ]; then
  read -r -a patterns <<< "$first"
  for pat in "${patterns[@]}"; do
    for ((n = 0; n < count; n++)); do
      # shellcheck disable=SC2053  # a pattern, on purpose
      if [ -z "${queued[$n]:-}" ] && [[ ${specs[n]} == $pat ]]; then
        order+=("$n")
        queued[$n]=1
      fi
    done
  done
fi
for ((n = 0; n < count; n++)); do
  [ -n "${queued[$n]:-}" ] || order+=("$n")
done

launched=()  # the indexes of the programs started
# How many started programs have not finished yet.
unfinished() {
  local k left=0
  for k in "${launched[@]}"; do
    [ -f "$dir/$k.res" ] || left=$((left + 1))
  done
  echo "$left"
}
# Waits for some program to finish (wait -n; a short nap if none is left
# to wait for, as the finished one may still be writing its result).
wait_some() { wait -n 2> /dev/null || sleep 0.1; }

next=0  # the next program to print
# Prints, in the order given, whatever has finished (a missing program is
# printed as soon as its turn comes).
print_done() {
  local prog
  while [ "$next" -lt "$count" ]; do
    read -r prog _ <<< "${specs[next]}"
    [ ! -x "$prog" ] || [ -f "$dir/$next.res" ] || break
    report "$next" "${specs[next]}"
    next=$((next + 1))
  done
}

for n in "${order[@]}"; do
  read -r prog _ <<< "${specs[n]}"
  if [ -x "$prog" ]; then
    while [ "$(unfinished)" -ge "$jobs" ]; do wait_some; print_done; done
    if [ -n "$slotfd" ]; then
      # a slot of the shared pool. A plain blocking read: with read -t, a
      # timeout that struck just after the byte was read lost it, and
      # with it a slot for good (make check then stalled, every stage
      # waiting for a slot nobody held).
      # shellcheck disable=SC2034  # the byte itself means nothing
      read -r -n 1 -u "$slotfd" token
    fi
    run_one "$n" "${specs[n]}" &
    launched+=("$n")
  fi
  print_done
done
print_done
while [ "$next" -lt "$count" ]; do
  wait_some
  print_done
done
wait

if [ -n "$tally" ]; then
  echo "$label $passed $failed" >> "$tally"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
