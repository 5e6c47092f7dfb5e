#!/usr/bin/env bash
# tests/sbml/tag-table.sh CASES_DIR RUN_OUTPUT -- the per-tag table of
# tests/sbml/RESULTS.md from the output of tests/sbml/run (one line per
# case): for every componentTag and testTag, how many cases that carry it
# passed, failed and were skipped.
set -euo pipefail
cases=$1
run=$2
while read -r id outcome _; do
  case "$outcome" in pass|fail|skip) ;; *) continue ;; esac
  m="$cases/$id/$id-model.m"
  [ -f "$m" ] || continue
  sed -n 's/^\(componentTags\|testTags\):[[:space:]]*//p' "$m" | tr ',' '\n' |
    sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -v '^$' |
    while read -r tag; do echo "$tag $outcome"; done
done < "$run" | awk '
  { n[$1]++; c[$1, $2]++ }
  END {
    printf "| tag | cases | pass | fail | skip |\n| --- | ---: | ---: | ---: | ---: |\n"
    for (t in n) printf "| %s | %d | %d | %d | %d |\n", t, n[t], c[t, "pass"], c[t, "fail"], c[t, "skip"]
  }' | { read -r h1; read -r h2; echo "$h1"; echo "$h2"; sort; }
