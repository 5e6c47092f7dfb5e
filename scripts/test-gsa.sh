#!/usr/bin/env bash
# test-gsa.sh -- `muskx gsa` (issue 19) end to end on a linear model, whose
# Sobol indices are exact: X = a + 2 b + 0.5 c (tests/models/gsa_linear.yaml)
# with a ~ N(1, 0.5), b ~ U(0, 2) and d unused gives S = ST = 0.25/v for a,
# (4/3)/v for b, 0 for d, v = 0.25 + 4/3. Also: the CSV is the same byte
# for byte on 1 and 2 threads, an index is the same at any time of a
# linear response (X(t) = t X(1)), and bad --output values are usage
# errors naming the choices. And `muskx ensemble --threshold`: with
# a ~ U(0, 1) alone, X(1 d) = a + 2.5, so P(X < 2.75) = 0.25 and
# P(X > 3) = 0.5, X(0.5 d) <= 1.25 never; the reported fraction must be
# within 4 standard errors of that and its Wilson interval must contain
# the reported fraction. `--summaries`: each member's landing loss is
# X(0.5 d) - X(0) = (a + 2.5) / 2 for its own a, its trough X(0) = 0 on
# day 0.
#
#   scripts/test-gsa.sh [MUSKX]        (default build/muskx; run by make test)
#
# Prints one "ok"/"FAIL" line per check and ends with "N passed, N failed".
set -uo pipefail

muskx=${1:-build/muskx}
[ -x "$muskx" ] || { echo "test-gsa: $muskx is missing" >&2; echo "0 passed, 1 failed"; exit 1; }
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
check() { # check NAME CONDITION-STATUS [DETAIL]
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1)); echo "ok   $1"
  else
    failed=$((failed + 1)); echo "FAIL $1${3:+: $3}"
  fi
}

sc="$root/tests/scenarios/gsa_linear.yaml"
gsa() { "$muskx" gsa --allow-path "$root/tests" "$sc" -q -n 1024 \
  --vary 'a=normal(1,0.5)' --vary 'b=uniform(0,2)' --vary 'd=normal(3,1)' "$@"; }

gsa --output X@second --output X@first -j1 -o "$work/j1.csv" 2> "$work/err"
check "gsa runs on 1 thread" $? "$(cat "$work/err")"
gsa --output X@second --output X@first -j2 -o "$work/j2.csv" 2> "$work/err"
check "gsa runs on 2 threads" $? "$(cat "$work/err")"
cmp -s "$work/j1.csv" "$work/j2.csv"
check "1 and 2 threads give the same bytes" $?

# S and ST within 0.03 of the exact shares, both ways; CI brackets S and ST
awk -F, 'NR > 1 {
  v = 0.25 + 4/3; want = $2 == "a" ? 0.25/v : $2 == "b" ? (4/3)/v : 0
  if ($3 < want - 0.03 || $3 > want + 0.03) { print "S1", $0; bad = 1 }
  if ($6 < want - 0.03 || $6 > want + 0.03) { print "ST", $0; bad = 1 }
  if (!($4 <= $3 && $3 <= $5 && $7 <= $6 && $6 <= $8)) { print "CI", $0; bad = 1 }
  if ($9 != 1024) { print "n", $0; bad = 1 }
  rows++ } END { exit bad || rows != 6 }' "$work/j1.csv" > "$work/why"
check "indices are the linear model's exact variance shares" $? "$(cat "$work/why")"

# X(0.5 d) = X(1 d) / 2: the same indices at both times
a=$(awk -F, '$1 == "X@second" {print $2, $3, $6}' "$work/j1.csv")
b=$(awk -F, '$1 == "X@first" {print $2, $3, $6}' "$work/j1.csv")
/usr/bin/python3 - "$a" "$b" <<'PY'
import sys
a = [l.split() for l in sys.argv[1].splitlines()]
b = [l.split() for l in sys.argv[2].splitlines()]
ok = len(a) == 3 and all(x[0] == y[0] and all(abs(float(p) - float(q)) < 1e-9
     for p, q in zip(x[1:], y[1:])) for x, y in zip(a, b))
sys.exit(0 if ok else 1)
PY
check "indices of a scaled output are unchanged" $? "$a | $b"

rc=0; gsa --output X@nowhere 2> "$work/err" > /dev/null || rc=$?
[ $rc -eq 2 ] && grep -q "'nowhere' is not a phase (first, ...), landing, end" "$work/err"
check "an unknown phase is a usage error naming the choices" $? "rc $rc: $(cat "$work/err")"
rc=0; gsa --output Y@end 2> "$work/err" > /dev/null || rc=$?
[ $rc -eq 2 ] && grep -q "'Y' is not a species or output" "$work/err"
check "an unknown column is a usage error" $? "rc $rc: $(cat "$work/err")"
rc=0; gsa 2> "$work/err" > /dev/null || rc=$?
[ $rc -eq 2 ] && grep -q "give --output NAME@WHEN" "$work/err"
check "no --output is a usage error" $? "rc $rc: $(cat "$work/err")"
rc=0; gsa --output X@end --bootstrap "" 2> "$work/err" > /dev/null || rc=$?
[ $rc -eq 2 ] && grep -q -- "--bootstrap must be an integer" "$work/err"
check "an empty --bootstrap is a usage error, not 0 resamples" $? "rc $rc: $(cat "$work/err")"

"$muskx" ensemble --allow-path "$root/tests" "$sc" -n 2000 -q \
  --vary 'a=uniform(0,1)' --threshold 'X@second<2.75' \
  --threshold 'X@first<=1.25' --threshold 'X@end>3' -o /dev/null 2> "$work/th"
check "ensemble --threshold runs" $? "$(cat "$work/th")"
/usr/bin/python3 - "$work/th" <<'PY'
import re, sys
want = [0.25, 0.0, 0.5]
lines = [l for l in open(sys.argv[1]) if "threshold" in l]
ok = len(lines) == 3
for l, w in zip(lines, want):
    m = re.search(r"(\d+) of (\d+) members \(([\d.]+) %; 95 % Wilson interval ([\d.]+)-([\d.]+) %\)", l)
    if not m: ok = False; print("unparsed:", l); continue
    x, n, p, lo, hi = int(m[1]), int(m[2]), float(m[3]) / 100, float(m[4]) / 100, float(m[5]) / 100
    se = max((w * (1 - w) / n) ** 0.5, 1e-9)
    if n != 2000 or abs(x / n - w) > 4 * se + 1e-12 or not (lo <= p <= hi) or hi - lo > 0.06:
        ok = False; print("bad:", l)
sys.exit(0 if ok else 1)
PY
check "threshold fractions match the analytic ones, with Wilson intervals" $? "$(cat "$work/th")"
rc=0; "$muskx" ensemble --allow-path "$root/tests" "$sc" -n 10 -q --vary 'a=uniform(0,1)' \
  --threshold 'X@second=3' -o /dev/null 2> "$work/err" || rc=$?
[ $rc -eq 2 ] && grep -q "expected NAME@WHEN<VALUE" "$work/err"
check "a threshold without < or > is a usage error" $? "rc $rc: $(cat "$work/err")"

"$muskx" ensemble --allow-path "$root/tests" "$sc" -n 50 -q --vary 'a=uniform(0,1)' \
  -o /dev/null --summaries "$work/sum.csv" --samples-out "$work/so.csv" 2> "$work/err"
check "ensemble --summaries runs" $? "$(cat "$work/err")"
/usr/bin/python3 - "$work/sum.csv" "$work/so.csv" <<'PY'
import csv, sys
s = list(csv.DictReader(open(sys.argv[1])))
o = list(csv.DictReader(open(sys.argv[2])))
ok = len(s) == len(o) == 50
for r, v in zip(s, o):
    want = (float(v["a"]) + 2.5) / 2
    if abs(float(r["X_landing_loss"]) - want) > 1e-6 * want or \
       float(r["X_trough"]) != 0 or float(r["X_trough_day"]) != 0:
        ok = False; print(r, v)
sys.exit(0 if ok else 1)
PY
check "per-member landing loss and trough are the analytic ones" $?
# Beyond --memory-budget (issue 19) nothing is kept: members are written
# and counted as they finish, so the per-member files and the threshold
# counts are those of the kept run, byte for byte, on 1 and 2 threads; the
# quantiles come from the sketch, each within its stated rank error of the
# members' values (2,000 members, k = 16: chunks of 256, compactions).
ens_b() { "$muskx" ensemble --allow-path "$root/tests" "$sc" -n 2000 \
  --vary 'a=uniform(0,1)' --vary 'd=normal(3,1)' --threshold 'X@second<2.75' "$@"; }
ens_b -q -j2 -o "$work/qk.csv" --summaries "$work/sk.csv" \
  --samples-out "$work/ok.csv" 2> "$work/errk"
rk=$?
for j in 1 2; do
  ens_b -j$j --memory-budget 0 --sketch-k 16 -o "$work/qs$j.csv" \
    --summaries "$work/ss$j.csv" --samples-out "$work/os$j.csv" 2> "$work/errs$j"
  rs=$?
  [ $rk -eq 0 ] && [ $rs -eq 0 ] && cmp -s "$work/sk.csv" "$work/ss$j.csv" &&
    cmp -s "$work/ok.csv" "$work/os$j.csv" &&
    [ "$(grep threshold "$work/errk")" = "$(grep threshold "$work/errs$j")" ]
  check "beyond the memory budget, $j thread(s): the kept run's member files and threshold counts" $? \
    "rc $rk/$rs: $(cat "$work/errs$j")"
done
cmp -s "$work/qs1.csv" "$work/qs2.csv"
check "beyond the memory budget: the same sketch quantiles on 1 and 2 threads" $?
/usr/bin/python3 - "$work/qs1.csv" "$work/os1.csv" "$work/errs1" <<'PY'
import bisect, csv, re, sys
q = list(csv.DictReader(open(sys.argv[1])))[-1]
vals = sorted(float(r["X_end"]) for r in csv.DictReader(open(sys.argv[2])))
m = re.search(r"each within ([\d.]+) % of the members", open(sys.argv[3]).read())
if not m:
    print("no stated rank error"); sys.exit(1)
n, t = len(vals), float(m[1]) / 100 * len(vals)
ok = n == 2000 and 0 < t < 0.5 * n
for p in ("05", "25", "50", "75", "95"):
    v = float(q["X_q" + p])
    below, upto = bisect.bisect_left(vals, v), bisect.bisect_right(vals, v)
    target = int(p) / 100 * n
    if upto == below or upto < target - t or below > target + t:
        ok = False; print("q%s = %g: ranks [%d, %d], wanted %g +- %g" % (p, v, below, upto, target, t))
sys.exit(0 if ok else 1)
PY
check "beyond the memory budget: each sketch quantile is a member's value within the stated rank error" $?
rc=0; "$muskx" ensemble --allow-path "$root/tests" "$sc" -n 5 -q --vary 'a=uniform(0,1)' \
  --columns X -o /dev/null --summaries "$work/s2.csv" 2> /dev/null || rc=$?
[ $rc -eq 0 ] && [ -s "$work/s2.csv" ]
check "--summaries with the scenario's own column list is accepted" $? "rc $rc"

if command -v gnuplot > /dev/null; then
  "$muskx" ensemble --allow-path "$root/tests" "$sc" -n 20 -q --vary 'a=uniform(0,1)' \
    -o /dev/null --plot "$work/bands.png" 2> "$work/err" &&
    [ "$(head -c 4 "$work/bands.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ]
  check "ensemble --plot writes a PNG of the bands" $? "$(cat "$work/err")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
