#!/usr/bin/env bash
# check-man5.sh -- the SYNOPSIS of muskx-model(5) and muskx-scenario(5)
# against the keys their loaders accept:
#   * every key of a `keys[]` table in lib/load*.c (lib/scenario*.c) is in
#     the SYNOPSIS of muskx-model(5) (muskx-scenario(5)), so a key added to
#     the loader cannot stay undocumented;
#   * every "key:" the SYNOPSIS writes is one those tables (or a kind the
#     loader compares with strcmp, like a countermeasure's "drug") accept,
#     so a renamed or removed key cannot linger in the page.
# One line per key, then "N passed, N failed" (the last line, for CI).
#
#   scripts/check-man5.sh
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }

for pair in "muskx-model:load" "muskx-scenario:scenario"; do
  page=$root/man/man5/${pair%%:*}.5
  sources=("$root"/lib/"${pair#*:}"*.c)
  # The SYNOPSIS as text: \- is -, italic placeholders (\fIname\fP) dropped.
  synopsis=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$page" |
    sed -e 's/\\-/-/g' -e 's/\\fI[^\\]*\\f[PR]//g' -e 's/\\f[BIRP]//g')
  # The keys: string literals of the "keys[] = { ... NULL }" tables.
  keys=$(awk '/keys\[\] *= *\{/,/NULL/' "${sources[@]}" |
    grep -oE '"[a-z_][a-z0-9_]*"' | tr -d '"' | sort -u)
  [ -n "$keys" ] || { bad "no keys[] table found in lib/${pair#*:}*.c"; continue; }
  kinds=$(grep -ohE 'strcmp\([^,]+, "[a-z_][a-z0-9_]*"\)' "${sources[@]}" |
    grep -oE '"[a-z_][a-z0-9_]*"' | tr -d '"' | sort -u)
  for k in $keys; do
    if grep -qE "(^|[^a-z0-9_])$k([^a-z0-9_]|$)" <<< "$synopsis"; then
      ok "$(basename "$page"): SYNOPSIS has '$k'"
    else
      bad "$(basename "$page"): the loader accepts '$k', the SYNOPSIS does not show it"
    fi
  done
  while read -r w; do
    [ -n "$w" ] || continue
    grep -qx "$w" <<< "$keys"$'\n'"$kinds" ||
      bad "$(basename "$page"): the SYNOPSIS writes '$w:', which the loader does not accept"
  done < <(grep -oE '(^|[^a-z0-9_])[a-z_][a-z0-9_]*:' <<< "$synopsis" |
    grep -oE '[a-z_][a-z0-9_]*' | sort -u)
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
