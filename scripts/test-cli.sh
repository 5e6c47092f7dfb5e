#!/usr/bin/env bash
# test-cli.sh -- output safety and runtime faults through the CLI (issue 9).
#
#   scripts/test-cli.sh [MUSKX]        (default build/muskx; run by make test)
#
# Every file the CLI writes goes to a temporary file in the same directory
# and is renamed over the target only when complete (cli/util.c). Checked
# here, for simulate, steady and dot with -o: an existing output is left
# byte for byte as it was when the run fails (solver failure, bad model,
# missing model, bad option, bad value); no temporary file is left behind
# either way; a successful run replaces the file; a write error on standard
# output is an error. Runtime faults (division by zero, a blow-up, too many
# steps) give exit status 1 and a message naming the time and the culprit,
# and --partial writes the rows computed before the fault as a complete CSV.
#
# Prints one "ok"/"FAIL" line per check and ends with "N passed, N failed".
set -uo pipefail

muskx=${1:-build/muskx}
[ -x "$muskx" ] || { echo "test-cli: $muskx is missing" >&2; echo "0 passed, 1 failed"; exit 1; }
muskx=$(cd "$(dirname "$muskx")" && pwd)/$(basename "$muskx")
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

passed=0
failed=0
check() { # check NAME CONDITION-STATUS [DETAIL]
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1)); echo "ok   $1"
  else
    failed=$((failed + 1)); echo "FAIL $1${3:+: $3}"
  fi
}

# Models: a good one, one that divides by zero at t = 2, one that blows up
# at t = 1, a bad one.
cp "$root/tests/models/decay.yaml" good.yaml
cp "$root/tests/models/divzero.yaml" divzero.yaml
cat > blowup.yaml <<'EOF'
muskx: 1
model: {id: blowup}
species: {y: 1}
odes: {y: y^2}
EOF
cat > bad.yaml <<'EOF'
muskx: 1
model: {id: bad}
species: {A: B}
EOF

sentinel="previous contents, must survive"
reset_out() { printf '%s\n' "$sentinel" > "$1"; }
untouched() { [ "$(cat "$1")" = "$sentinel" ]; }
no_temps() { [ -z "$(find . -maxdepth 2 -name '.*.??????' -print)" ]; }

# expect_failure NAME OUT STATUS -- COMMAND...: the command exits STATUS,
# OUT is untouched and no temporary file is left.
expect_failure() {
  local name=$1 out=$2 want=$3; shift 4
  reset_out "$out"
  local rc=0
  "$@" > stdout.txt 2> stderr.txt || rc=$?
  check "$name: exit status $want" $(( rc == want ? 0 : 1 )) "got $rc: $(head -c 300 stderr.txt)"
  untouched "$out"; check "$name: existing $out untouched" $? "now: $(head -c 200 "$out")"
  no_temps; check "$name: no temporary file left" $? "$(find . -name '.*.??????')"
  [ -s stderr.txt ]; check "$name: says why on stderr" $?
}

# -------------------------------------------------------------- simulate
expect_failure "simulate, solver failure" out.csv 1 -- \
  "$muskx" simulate divzero.yaml --t-end 4 --dt 0.5 -o out.csv
grep -q 't=2' stderr.txt && grep -q "'decay'" stderr.txt
check "simulate, division by zero: message names t=2 and reaction 'decay'" $? "$(cat stderr.txt)"
[ ! -s stdout.txt ]; check "simulate, solver failure: nothing on stdout" $?

expect_failure "simulate, bad model" out.csv 1 -- \
  "$muskx" simulate bad.yaml --t-end 4 -o out.csv
grep -q 'bad.yaml:3:14: ' stderr.txt; check "simulate, bad model: file:line:col" $? "$(cat stderr.txt)"
expect_failure "simulate, missing model" out.csv 1 -- \
  "$muskx" simulate no_such.yaml --t-end 4 -o out.csv
expect_failure "simulate, unknown option" out.csv 2 -- \
  "$muskx" simulate good.yaml --t-end 4 --no-such-option -o out.csv
expect_failure "simulate, bad option value" out.csv 2 -- \
  "$muskx" simulate good.yaml --t-end 4 --rtol banana -o out.csv
expect_failure "simulate, unknown --set name" out.csv 1 -- \
  "$muskx" simulate good.yaml --t-end 4 --set nosuch=1 -o out.csv
expect_failure "simulate, blow-up" out.csv 1 -- \
  "$muskx" simulate blowup.yaml --t-end 2 --dt 0.5 --max-steps 2000 -o out.csv
grep -Eq "t=0\.9|t=1[:.]" stderr.txt && grep -Eq "'y'|d\(y\)/dt" stderr.txt
check "simulate, blow-up: message names the time near 1 and species y" $? "$(cat stderr.txt)"
expect_failure "simulate, too many steps" out.csv 1 -- \
  "$muskx" simulate "$root/tests/models/robertson.yaml" --times 0.4,40,4e5,4e10 \
  --max-steps 150 -o out.csv
grep -q 'CV_TOO_MUCH_WORK' stderr.txt && grep -Eq "species '(A|B|C)'" stderr.txt
check "simulate, too many steps: CV_TOO_MUCH_WORK and the worst species" $? "$(cat stderr.txt)"

# --partial: the rows before the fault, as a complete CSV, atomically
reset_out out.csv
rc=0; "$muskx" simulate divzero.yaml --t-end 4 --dt 0.5 --partial -o out.csv 2> stderr.txt || rc=$?
check "simulate --partial after a fault: exit status 1" $(( rc == 1 ? 0 : 1 )) "got $rc"
rows=$(grep -c '^[0-9]' out.csv)
[ "$(head -n 1 out.csv)" = "time,A" ] && [ "$rows" -eq 5 ] && \
  awk -F, 'NR > 1 { t = $1; want = exp(-0.3 * t); d = $2 - want; if (d < 0) d = -d;
                   if (d > 1e-5) exit 1 }' out.csv
check "simulate --partial: header and the 5 rows up to t=2, right" $? "$(cat out.csv)"
no_temps; check "simulate --partial: no temporary file left" $?

# success replaces, keeps no temporary file, and the file is complete
reset_out out.csv
"$muskx" simulate good.yaml --t-end 4 --dt 1 -o out.csv 2> stderr.txt
check "simulate, success: exit status 0" $? "$(cat stderr.txt)"
[ "$(head -n 1 out.csv)" = "time,A,half" ] && [ "$(grep -c '^[0-9]' out.csv)" -eq 5 ]
check "simulate, success: out.csv replaced by the complete CSV" $? "$(cat out.csv)"
no_temps; check "simulate, success: no temporary file left" $?

# a new file in a subdirectory; an output that is a directory
mkdir -p sub
"$muskx" simulate good.yaml --t-end 1 -o sub/new.csv 2> stderr.txt && [ -s sub/new.csv ]
check "simulate, success: new file in a subdirectory" $? "$(cat stderr.txt)"
rc=0; "$muskx" simulate good.yaml --t-end 1 -o sub 2> stderr.txt || rc=$?
[ "$rc" -eq 1 ] && [ -d sub ] && [ -s sub/new.csv ]
check "simulate -o DIRECTORY: refused, directory intact" $? "rc $rc: $(cat stderr.txt)"
no_temps; check "simulate -o DIRECTORY: no temporary file left" $?

# a write error on standard output is an error, not a silent loss
if [ -w /dev/full ]; then
  rc=0; "$muskx" simulate good.yaml --t-end 4 > /dev/full 2> stderr.txt || rc=$?
  check "simulate > /dev/full: exit status 1" $(( rc == 1 ? 0 : 1 )) "got $rc: $(cat stderr.txt)"
fi

# ---------------------------------------------------------------- steady
cat > nosteady.yaml <<'EOF'
muskx: 1
model: {id: nosteady}
species: {A: 1}
odes: {A: 1}
EOF
expect_failure "steady, no steady state" ss.csv 1 -- \
  "$muskx" steady nosteady.yaml --max-steps 500 -q -o ss.csv
expect_failure "steady, bad model" ss.csv 1 -- "$muskx" steady bad.yaml -o ss.csv
expect_failure "steady, bad option" ss.csv 2 -- "$muskx" steady good.yaml --solver nosuch -o ss.csv
reset_out ss.csv
"$muskx" steady good.yaml -q -o ss.csv 2> stderr.txt && grep -q '^A,' ss.csv && ! grep -q "$sentinel" ss.csv
check "steady, success: ss.csv replaced" $? "$(cat stderr.txt; cat ss.csv)"
no_temps; check "steady, success: no temporary file left" $?

# ------------------------------------------------------------------- dot
expect_failure "dot, bad model" net.dot 1 -- "$muskx" dot bad.yaml -o net.dot
reset_out net.dot
"$muskx" dot good.yaml -o net.dot 2> stderr.txt && grep -q 'digraph' net.dot
check "dot, success: net.dot replaced" $? "$(cat stderr.txt)"
no_temps; check "dot, success: no temporary file left" $?

# ----------------------------------------------------------- file access
# Issue 16: imports and a scenario's model are read only inside the top
# file's folder unless --allow-path (or MUSKX_ALLOW_PATH) allows more; a
# refused file is never quoted.
mkdir -p up
cat > up/leak.yaml <<'EOF'
muskx: 1
model: {id: leak}
imports: [{file: /etc/passwd, as: x}]
EOF
rc=0; env -u MUSKX_ALLOW_PATH "$muskx" check up/leak.yaml 2> stderr.txt || rc=$?
[ $rc -eq 1 ] && grep -q 'outside the folder' stderr.txt && ! grep -q 'root:' stderr.txt
check "check, import of /etc/passwd refused unquoted" $? "rc $rc: $(cat stderr.txt)"
rc=0; env -u MUSKX_ALLOW_PATH "$muskx" check "$root/models/crosstalk/spaceflight.yaml" > /dev/null 2> stderr.txt || rc=$?
[ $rc -eq 1 ] && grep -q "cannot open import '../drugs/denosumab.yaml'" stderr.txt
check "check, ../ import refused by default" $? "rc $rc: $(cat stderr.txt)"
env -u MUSKX_ALLOW_PATH "$muskx" check "$root/models/crosstalk/spaceflight.yaml" \
  --allow-path "$root/models" > /dev/null 2> stderr.txt
check "check --allow-path DIR lets the ../ import in" $? "$(cat stderr.txt)"
rc=0; MUSKX_ALLOW_PATH="/nonexistent:$root/models" "$muskx" check \
  "$root/models/crosstalk/spaceflight.yaml" > /dev/null 2> stderr.txt || rc=$?
[ $rc -eq 1 ] && grep -q "cannot allow folder '/nonexistent'" stderr.txt
check "MUSKX_ALLOW_PATH: a missing folder is an error" $? "rc $rc: $(cat stderr.txt)"
rc=0; "$muskx" check good.yaml --allow-path 2> stderr.txt || rc=$?
check "--allow-path without a folder: usage error" $(( rc == 2 ? 0 : 1 )) "rc $rc"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
