#!/usr/bin/env bash
# install-deps.sh -- installs the Debian packages libmuskx needs to build,
# test and benchmark, and only those that are missing.
#
#   scripts/install-deps.sh           (as root, or with sudo available)
#   scripts/install-deps.sh --check   (only report; exit 1 if any missing)
#   scripts/install-deps.sh --bench [--check]
#                                     the tools `make bench` compares with
#                                     instead (scripts/install-bench-deps.sh)
#
# Idempotent: asks dpkg-query what is installed; runs `apt-get update` and
# `apt-get install` only when something is missing. Targets Debian 12.
set -euo pipefail

# What each package is for:
#   build-essential pkg-config    compiler, make, pkg-config
#   libsundials-dev               CVODES (CVODE + sensitivities), IDA, dense/KLU linear solvers (6.4)
#   libsuitesparse-dev            klu.h, included by sunlinsol_klu.h
#   libopenblas-dev liblapack-dev LAPACK dgetrf/dgetrs/dgeev (OpenBLAS)
#   libyaml-dev                   the model loader
#   libsbml5-dev                  SBML import and export (optional at build time)
#   libgsl-dev libnlopt-dev       fitting: GSL's trust-region least squares,
#                                 NLopt's L-BFGS (lib/fit_local.c)
#   check libsubunit-dev          unit tests (check.pc requires libsubunit)
#   locales                       de_DE source for tests/test_locale.c (a decimal-comma host)
#   valgrind clang                make valgrind; the build is also checked with clang
#   cmake                         the find_package(muskx) install check
#   (for make lint)               shellcheck
#   gnuplot-nox                   plots (muskx run/compare --plot, sedml)
#   libxml2-dev libzip-dev        muskx sedml / muskx omex (SED-ML, COMBINE)
#   python3 python3-numpy         Python bindings and their tests (run with and
#                                 without numpy), calibration scripts
#   python3-setuptools python3-venv  pip install ./bindings/python offline
#                                 (scripts/test-install.sh)
#   python3-matplotlib python3-pandas python3-scipy  the Python tests of
#                                 plot(), to_pandas(), read_csv of --units
#                                 headers and jacobian(sparse=True)
packages=(
  build-essential pkg-config make
  libsundials-dev libsuitesparse-dev
  libopenblas-dev liblapack-dev
  libyaml-dev libsbml5-dev libgsl-dev libnlopt-dev
  libxml2-dev libzip-dev
  check libsubunit-dev locales
  valgrind clang cmake shellcheck
  gnuplot-nox python3 python3-numpy
  python3-setuptools python3-venv
  python3-matplotlib python3-pandas python3-scipy
)
# --bench: only what `make bench` compares libmuskx with (issue 8); the
# test command never installs these.
#   python3-scipy    scipy.integrate.solve_ivp (LSODA, BDF) under /usr/bin/python3
#   python3-yaml     bench/yaml2rhs.py reads the models to give scipy and R
#                    the same equations
#   r-cran-desolve   R's deSolve::lsoda, run with Rscript (pulls in r-base-core)
bench_packages=(python3-scipy python3-yaml r-cran-desolve)

check_only=0
me=install-deps
for arg in "$@"; do
  case "$arg" in
    --check) check_only=1 ;;
    --bench) packages=("${bench_packages[@]}"); me=install-bench-deps ;;
    *) sed -n '4,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done

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
  echo "$me: all ${#packages[@]} packages are installed"
  exit 0
fi
echo "$me: missing: ${missing[*]}"
if [ "$check_only" -eq 1 ]; then
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo > /dev/null; then
  as_root=(sudo)
else
  echo "$me: need root (or sudo) to install: ${missing[*]}" >&2
  exit 1
fi

run() {
  echo "$me: $*"
  "$@"
}
export DEBIAN_FRONTEND=noninteractive
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
  echo "$me: still missing after apt-get: ${still[*]}" >&2
  exit 1
fi
echo "$me: installed ${missing[*]}"
