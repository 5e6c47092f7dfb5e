#!/usr/bin/env bash
# check-man1.sh -- muskx(1) against the tool's own --help (issue 20):
#   * every command that `muskx help` lists has a section ".SS muskx CMD"
#     in man/man1/muskx.1, and every such section is a listed command;
#   * every option that `muskx CMD --help` lists appears in that command's
#     section of the page, and every option the section documents (its
#     .TP items and its heading) is one that `muskx CMD --help` lists.
# One line per command, then "N passed, N failed" (the last line, for CI).
#
#   scripts/check-man1.sh [build/muskx]
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
muskx=${1:-$root/build/muskx}
page=$root/man/man1/muskx.1
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }

[ -x "$muskx" ] || { echo "check-man1: $muskx is missing"; echo "0 passed, 1 failed"; exit 1; }

# Commands: the indented words under "Commands:" in `muskx help`.
commands=$("$muskx" help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
# Sections: ".SS muskx NAME ..." (help and --help/--version are not commands).
sections=$(sed -n 's/^\.SS muskx \([a-z][a-z-]*\).*/\1/p' "$page" | grep -vx help)

for c in $commands; do
  if grep -qx "$c" <<< "$sections"; then
    ok "muskx(1) has a section for '$c'"
  else
    bad "muskx(1) has no '.SS muskx $c' section"
  fi
done
for s in $sections; do
  grep -qx "$s" <<< "$commands" || bad "muskx(1) documents '$s', which 'muskx help' does not list"
done

# The roff text of command c's section, with \- turned into -.
section_of() {
  awk -v c="$1" '
    /^\.SS / { on = ($0 ~ "^\\.SS muskx " c "( |$)") ; if (on) print; next }
    /^\.SH / { on = 0 }
    on { print }' "$page" | sed 's/\\-/-/g'
}

for c in $commands; do
  help=$("$muskx" "$c" --help)
  # Options of --help: "  -o, --output FILE  ..." or "      --t-end T ...".
  opts=$(sed -n '/^Options:/,/^$/p' <<< "$help" |
    grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
  text=$(section_of "$c")
  # Options the section documents: in .TP item lines (.B/.BI/.BR after
  # .TP) and in the .SS heading.
  documented=$(awk '/^\.TP/ { getline; print } /^\.SS/ { print }' <<< "$text" |
    grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
  missing=""
  for o in $opts; do
    [ "$o" = "--help" ] && continue
    grep -qE -- "(^|[^a-z0-9-])$o([^a-z0-9-]|$)" <<< "$text" || missing="$missing $o"
  done
  extra=""
  for o in $documented; do
    grep -qx -- "$o" <<< "$opts" || extra="$extra $o"
  done
  if [ -z "$missing" ] && [ -z "$extra" ]; then
    ok "muskx $c: $(wc -w <<< "$opts") options in --help and muskx(1) agree"
  else
    bad "muskx $c:${missing:+ in --help but not in muskx(1):$missing}${extra:+; in muskx(1) but not in --help:$extra}"
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
