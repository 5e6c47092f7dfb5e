#!/usr/bin/env bash
# check-exports.sh -- fails if the shared library exports anything but the
# public API.
#
#   scripts/check-exports.sh [build/libmuskx.so]
#
# Every dynamic symbol defined by libmuskx must be a public muskx_<noun>...
# name (muskx.h; style.md, "One prefix and one export macro"). Internal
# muskx__ names and helpers must stay hidden (-fvisibility=hidden, exported
# only through MUSKX_API), so they are refused too. Every function declared
# MUSKX_API in include/muskx.h must be exported (nothing left unimplemented).
set -euo pipefail

lib=${1:-build/libmuskx.so}
if [ ! -e "$lib" ]; then
  echo "check-exports: $lib does not exist" >&2
  exit 1
fi

symbols=$(nm -D --defined-only "$lib" | awk 'NF >= 3 { print $3 }' | sort -u)
if [ -z "$symbols" ]; then
  echo "check-exports: $lib exports nothing" >&2
  exit 1
fi

bad=$(printf '%s\n' "$symbols" | grep -v '^muskx_[a-z0-9]' || true)
internal=$(printf '%s\n' "$symbols" | grep '^muskx__' || true)
bad=$(printf '%s\n%s\n' "$bad" "$internal" | sed '/^$/d' | sort -u)

header=${MUSKX_HEADER:-include/muskx.h}
# Declarations span lines: join the header, then take the name before "(".
declared=$(tr '\n' ' ' < "$header" | grep -o 'MUSKX_API[^;(]*(' |
  sed -n 's/.*[^A-Za-z0-9_]\(muskx_[A-Za-z0-9_]*\) *($/\1/p' | sort -u)
missing=$(comm -23 <(printf '%s\n' "$declared") <(printf '%s\n' "$symbols"))

count=$(printf '%s\n' "$symbols" | wc -l)
status=0
if [ -n "$bad" ]; then
  echo "check-exports: $lib exports symbols outside the public muskx_ API:" >&2
  printf '%s\n' "$bad" | sed 's/^/  /' >&2
  status=1
fi
if [ -n "$missing" ]; then
  echo "check-exports: declared in $header but not exported by $lib:" >&2
  printf '%s\n' "$missing" | sed 's/^/  /' >&2
  status=1
fi
if [ "$status" -eq 0 ]; then
  echo "check-exports: $lib exports $count symbols, all muskx_, all of $header"
fi
exit "$status"
