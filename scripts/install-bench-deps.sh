#!/usr/bin/env bash
# install-bench-deps.sh -- installs the Debian packages that only `make
# bench` needs: the tools libmuskx is compared with (issue 8), and only
# those that are missing. The test command never calls this.
#
#   scripts/install-bench-deps.sh           (as root, or with sudo available)
#   scripts/install-bench-deps.sh --check   (only report; exit 1 if any missing)
#
# What each package is for:
#   python3-scipy    scipy.integrate.solve_ivp (LSODA, BDF) under /usr/bin/python3
#   python3-yaml     bench/yaml2rhs.py reads the models to give scipy and R
#                    the same equations
#   r-cran-desolve   R's deSolve::lsoda, run with Rscript (pulls in r-base-core)
# (MPI, for `make mpi`, is libopenmpi-dev and openmpi-bin; not needed here.)
# A failed install is reported but does not stop the benchmark: bench/run.sh
# skips a tool that is absent and says so.
set -euo pipefail

packages=(python3-scipy python3-yaml r-cran-desolve)

check_only=0
case "${1:-}" in
  --check) check_only=1 ;;
  "") ;;
  *) sed -n '6,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

installed() {
  local status
  status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
  [ "$status" = "install ok installed" ]
}

missing=()
for p in "${packages[@]}"; do
  if ! installed "$p"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-bench-deps: all ${#packages[@]} packages are installed"
  exit 0
fi
echo "install-bench-deps: missing: ${missing[*]}"
if [ "$check_only" -eq 1 ]; then
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo > /dev/null; then
  as_root=(sudo)
else
  echo "install-bench-deps: need root (or sudo) to install: ${missing[*]}" >&2
  exit 1
fi

run() {
  echo "install-bench-deps: $*"
  "$@"
}
run "${as_root[@]}" apt-get update
run "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y \
  --no-install-recommends "${missing[@]}"

still=()
for p in "${missing[@]}"; do
  if ! installed "$p"; then
    still+=("$p")
  fi
done
if [ ${#still[@]} -ne 0 ]; then
  echo "install-bench-deps: still missing after apt-get: ${still[*]}" >&2
  exit 1
fi
echo "install-bench-deps: installed ${missing[*]}"
