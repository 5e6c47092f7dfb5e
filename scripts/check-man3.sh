#!/usr/bin/env bash
# check-man3.sh -- muskx(3) documents every public function, and no other.
#
#   scripts/check-man3.sh [HEADER [PAGE]]   (defaults: include/muskx.h,
#                                            man/man3/muskx.3)
#
# Every function declared with MUSKX_API in the header must appear in the
# page's SYNOPSIS as "name(" and in its text after the SYNOPSIS as "name()".
# Every "muskx_xxx(" the page names must be declared in the header, so a
# removed or renamed function cannot linger. Prints each problem and, last,
# "N passed, N failed" (one test per function), as scripts/run-tests.sh
# expects; exit status 1 when anything is missing.
set -euo pipefail

header=${1:-include/muskx.h}
page=${2:-man/man3/muskx.3}

# The name is on the MUSKX_API line, just before its "(".
mapfile -t funcs < <(sed -n -E 's/^MUSKX_API[^(]*[^a-z0-9_](muskx_[a-z0-9_]+)\(.*/\1/p' "$header" | sort -u)
[ "${#funcs[@]}" -gt 0 ] || { echo "check-man3: no MUSKX_API function in $header" >&2; exit 1; }

synopsis=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$page")
text=$(sed -n '/^\.SH DESCRIPTION/,$p' "$page")

declare -A declared=()
pass=0
fail=0
for f in "${funcs[@]}"; do
  declared[$f]=1
  ok=1
  if ! grep -q -F "$f(" <<< "$synopsis"; then
    echo "missing from the SYNOPSIS of $page: $f"
    ok=0
  fi
  if ! grep -q -F "$f()" <<< "$text"; then
    echo "not described in $page (no \"$f()\" after the SYNOPSIS): $f"
    ok=0
  fi
  if [ "$ok" -eq 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done

# Names the page uses that the header does not declare ("muskx_model_load_*()"
# style wildcards do not match the pattern and are skipped).
while read -r name; do
  if [ -z "${declared[$name]:-}" ]; then
    echo "$page names $name(), which $header does not declare"
    fail=$((fail + 1))
  fi
done < <(grep -o -E 'muskx_[a-z0-9_]+\(' "$page" | tr -d '(' | sort -u)

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
