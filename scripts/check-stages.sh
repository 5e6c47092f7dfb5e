#!/usr/bin/env bash
# check-stages.sh -- runs make check's test stages at once, sharing the CPUs.
#
#   scripts/check-stages.sh -j N --tally FILE --logs DIR -- TARGET ...
#
# Runs `make TARGET` for every TARGET (make check: test test-asan valgrind
# test-alloc test-tsan fuzz-smoke) at the same time, with CHECK_BUILT=yes
# (make check-build has built everything: no stage builds, so no two
# build the same file) and one pool of N slots for all their test
# programs (a named pipe, DIR/slots; scripts/run-tests.sh --slots): at most
# N programs run at any time, whichever stage they belong to. A stage that
# runs alone leaves a CPU idle while its last, longest program ends; run
# together, the stages fill each other's gaps.
#
# Each stage's output goes to DIR/TARGET.log and is printed whole, stage
# after stage in the order given, as soon as the stage and those before it
# have ended (a stage's programs are printed in their own order, as
# run-tests.sh does). Each stage's "LABEL PASSED FAILED" line is appended to
# the tally FILE in the same order (a stage that ends without one, e.g. a
# make error, is counted as one failure). Writes DIR/times.txt, a line
# "TARGET WALL-S CPU-S" per stage (all start together: WALL is when the
# stage ended; CPU is user + system of the stage's whole make). The exit
# status is 1 when any stage failed.
#
# MAKE (default make) is the make to run; N = 1 runs one program at a time.
set -euo pipefail

jobs=
tally=
logs=
while [ $# -gt 0 ]; do
  case "$1" in
    -j) jobs=${2:?}; shift 2 ;;
    --tally) tally=${2:?}; shift 2 ;;
    --logs) logs=${2:?}; shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
case "$jobs" in
  ''|*[!0-9]*|0) echo "check-stages: -j wants a positive number, not '$jobs'" >&2; exit 2 ;;
esac
if [ -z "$tally" ] || [ -z "$logs" ] || [ $# -eq 0 ]; then
  sed -n '3,4p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
make_cmd=${MAKE:-make}

rm -rf "$logs"
mkdir -p "$logs"
slots=$logs/slots
mkfifo "$slots"
exec {slotfd}<> "$slots"
printf "%${jobs}s" "" | tr ' ' x >&"$slotfd"

t0=$EPOCHREALTIME
# CPU seconds (user + system) of the waited-for children, from `times`.
child_cpu() {
  awk 'NR == 2 { s = 0
    for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] }
    printf "%.1f\n", s }' "$1"
}

for target in "$@"; do
  (
    rc=0
    "$make_cmd" --no-print-directory "$target" CHECK_BUILT=yes \
      TALLY="$logs/$target.tally" TEST_JOBS="$jobs" CHECK_SLOTS="$slots" \
      > "$logs/$target.log" 2>&1 || rc=$?
    t1=$EPOCHREALTIME
    times > "$logs/$target.times"
    echo "$rc $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') $(child_cpu "$logs/$target.times")" \
      > "$logs/$target.res.tmp"
    mv "$logs/$target.res.tmp" "$logs/$target.res"
  ) &
done

status=0
: > "$logs/times.txt"
for target in "$@"; do
  while [ ! -f "$logs/$target.res" ]; do
    wait -n 2> /dev/null || sleep 0.5
  done
  read -r rc end cpu < "$logs/$target.res"
  cat "$logs/$target.log"
  if [ -s "$logs/$target.tally" ]; then
    cat "$logs/$target.tally" >> "$tally"
  elif [ "$rc" -ne 0 ]; then
    echo "check-stages: make $target failed (exit status $rc) before its tests ran" >&2
    echo "$target 0 1" >> "$tally"
  fi
  [ "$rc" -eq 0 ] || status=1
  echo "$target $end $cpu" >> "$logs/times.txt"
done
wait
exit "$status"
