#!/usr/bin/env bash
# test-examples.sh -- builds the C examples (make examples) and runs each
# one: an example that fails to build, exits non-zero or prints nothing is
# a failed test. They exercise the public API the way README readers will,
# so a renamed species or parameter in a shipped model shows up here.
# Last line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
passed=0
failed=0
if ! make -s --no-print-directory BUILD="$build" examples >/dev/null; then
  echo "FAIL make examples"
  echo "0 passed, 1 failed"
  exit 1
fi
for src in examples/*.c; do
  name=$(basename "$src" .c)
  bin="$build/examples/$name"
  out=$(mktemp)
  if timeout 60 "$bin" > "$out" 2>&1 && [ -s "$out" ]; then
    echo "PASS $name ($(wc -l < "$out") lines)"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    sed 's/^/  /' "$out"
    failed=$((failed + 1))
  fi
  rm -f "$out"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
