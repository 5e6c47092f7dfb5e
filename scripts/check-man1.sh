#!/usr/bin/env bash
# check-man1.sh -- muskx(1) against the tool's own --help (issue 20):
#   * every command that `muskx help` lists has a section ".SS muskx CMD"
#     in man/man1/muskx.1, and every such section is a listed command;
#   * every option that `muskx CMD --help` lists appears in that command's
#     section of the page, and every option the section documents (its
#     .TP items and its heading) is one that `muskx CMD --help` lists;
#   * a short option ("-o, --output" in --help) stands beside its long one
#     in the section, and every short option of the section's items and
#     heading is one --help lists;
#   * the SYNOPSIS has a "muskx CMD" line for every command, and names
#     only options that command's --help lists;
#   * ENVIRONMENT names every variable the tool and the library read with
#     getenv() (cli/, lib/, mpi/), and every MUSKX_* variable it names is
#     read somewhere.
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

# The SYNOPSIS, with \- turned into -: one ".B muskx CMD" line per command,
# its options on the lines up to the next .br.
synopsis=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$page" | sed 's/\\-/-/g')
syn_commands=$(sed -n 's/^\.B muskx \([a-z][a-z-]*\)$/\1/p' <<< "$synopsis" | grep -vx help)
for c in $commands; do
  grep -qx "$c" <<< "$syn_commands" || bad "the SYNOPSIS of muskx(1) has no 'muskx $c' line"
done
for s in $syn_commands; do
  grep -qx "$s" <<< "$commands" || bad "the SYNOPSIS of muskx(1) names 'muskx $s', which 'muskx help' does not list"
done
synopsis_of() {
  awk -v c="$1" '/^\.B muskx / { on = ($0 == ".B muskx " c) } /^\.br/ { on = 0 } on' <<< "$synopsis"
}

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
  # Short options: "-o, --output" in --help; in the page a line naming both.
  pairs=$(sed -n '/^Options:/,/^$/p' <<< "$help" | grep -oE '^ +-[a-zA-Z], --[a-z][a-z0-9-]*' |
    sed -E 's/^ +(-[a-zA-Z]), (--[a-z0-9-]+)$/\1 \2/' | grep -v -- ' --help$')
  shorts=$(awk '{ print $1 }' <<< "$pairs")
  while read -r so lo; do
    [ -n "$so" ] || continue
    grep -E -- "(^|[^a-z0-9-])$lo([^a-z0-9-]|$)" <<< "$text" |
      grep -qE -- "(^|[^a-zA-Z0-9-])$so([^a-zA-Z0-9-]|$)" || missing="$missing $so"
  done <<< "$pairs"
  while read -r so; do
    [ -n "$so" ] || continue
    grep -qx -- "$so" <<< "$shorts" || extra="$extra $so"
  done < <(awk '/^\.TP/ { getline; print } /^\.SS/ { print }' <<< "$text" |
    grep -oE -- '(^|[ "[])-[a-zA-Z]([^a-zA-Z0-9-]|$)' | grep -oE -- '-[a-zA-Z]' | sort -u)
  # The SYNOPSIS line of c names only options of c.
  while read -r o; do
    [ -n "$o" ] || continue
    grep -qx -- "$o" <<< "$opts"$'\n'"$shorts" || extra="$extra $o (SYNOPSIS)"
  done < <(synopsis_of "$c" |
    grep -oE -- '(^|[^a-z0-9-])(--[a-z][a-z0-9-]*|-[a-zA-Z])([^a-zA-Z0-9-]|$)' |
    grep -oE -- '--[a-z][a-z0-9-]*|-[a-zA-Z]' | sort -u)
  if [ -z "$missing" ] && [ -z "$extra" ]; then
    ok "muskx $c: $(wc -w <<< "$opts") options in --help and muskx(1) agree"
  else
    bad "muskx $c:${missing:+ in --help but not in muskx(1):$missing}${extra:+; in muskx(1) but not in --help:$extra}"
  fi
done

# ENVIRONMENT: what getenv() reads in the tool and the library.
environment=$(sed -n '/^\.SH ENVIRONMENT/,/^\.SH /p' "$page")
read_vars=$(grep -rhoE 'getenv\("[A-Z_][A-Z0-9_]*"\)' "$root/cli" "$root/lib" "$root/mpi" |
  sed -E 's/getenv\("([A-Z0-9_]+)"\)/\1/' | sort -u)
for v in $read_vars; do
  if grep -qE "(^|[^A-Z0-9_])$v([^A-Z0-9_]|$)" <<< "$environment"; then
    ok "ENVIRONMENT of muskx(1) names $v"
  else
    bad "ENVIRONMENT of muskx(1) does not name $v, which getenv() reads (cli/, lib/ or mpi/)"
  fi
done
while read -r v; do
  [ -n "$v" ] || continue
  grep -qx "$v" <<< "$read_vars" || bad "ENVIRONMENT of muskx(1) names $v, which nothing reads"
done < <(grep -oE 'MUSKX_[A-Z0-9_]+' <<< "$environment" | sort -u)

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
