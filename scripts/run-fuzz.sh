#!/usr/bin/env bash
# run-fuzz.sh -- runs one libFuzzer harness for a while and reports briefly.
#
#   scripts/run-fuzz.sh NAME SECONDS [FUZZ_DIR]
#
# Runs FUZZ_DIR/fuzz/fuzz_NAME (default FUZZ_DIR: build-fuzz) for SECONDS
# on its corpus FUZZ_DIR/corpus/NAME (which grows; seeded by make
# fuzz-corpus), after replaying every file of tests/fuzz-regressions/NAME.
# On success prints one summary line; on a crash, leak, sanitizer report or
# timeout prints the end of libFuzzer's log and where the input was saved
# (FUZZ_DIR/crash-NAME-*), and exits 1. Turn such an input into a
# regression: copy it to tests/fuzz-regressions/NAME/ with a telling name.
set -euo pipefail

name=${1:?usage: run-fuzz.sh NAME SECONDS [FUZZ_DIR]}
seconds=${2:?usage: run-fuzz.sh NAME SECONDS [FUZZ_DIR]}
dir=${3:-build-fuzz}
bin=$dir/fuzz/fuzz_$name
corpus=$dir/corpus/$name
regress=tests/fuzz-regressions/$name

[ -x "$bin" ] || { echo "run-fuzz: $bin is missing (make fuzz-build)" >&2; exit 1; }
mkdir -p "$corpus"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export OPENBLAS_NUM_THREADS=1

# Known crashes first: each must now pass.
if [ -d "$regress" ] && [ -n "$(ls -A "$regress")" ]; then
  if ! "$bin" -runs=1 "$regress"/* > "$log" 2>&1; then
    tail -n 60 "$log"
    echo "run-fuzz: fuzz_$name fails on a file of $regress" >&2
    exit 1
  fi
fi

# A harness's own dictionary (fuzz/NAME.dict: SBML's tags) or the YAML one.
dict=fuzz/$name.dict
[ -f "$dict" ] || dict=fuzz/muskx.dict
rc=0
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=16384 -dict="$dict" -print_final_stats=1 \
  -artifact_prefix="$dir/crash-$name-" "$corpus" > "$log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  tail -n 80 "$log"
  echo "run-fuzz: fuzz_$name failed (exit $rc); input saved as $dir/crash-$name-*" >&2
  exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
echo "fuzz_$name: ${runs:-?} inputs in ${seconds}s, ${cov:-cov: ?}, corpus $(find "$corpus" -type f | wc -l) files, no crash"
