#!/usr/bin/env bash
# install-bench-deps.sh -- installs the Debian packages that only `make
# bench` needs (python3-scipy, python3-yaml, r-cran-desolve: the tools
# libmuskx is compared with, issue 8), and only those that are missing.
# The test command never calls this. The package list and the installing
# are install-deps.sh's, with --bench.
#
#   scripts/install-bench-deps.sh           (as root, or with sudo available)
#   scripts/install-bench-deps.sh --check   (only report; exit 1 if any missing)
#
# A failed install is reported but does not stop the benchmark: bench/run.sh
# skips a tool that is absent and says so.
set -euo pipefail
exec "$(dirname "$0")/install-deps.sh" --bench "$@"
