#!/usr/bin/env bash
# run.sh -- `make bench` and `make bench-quick` (issue 8): every benchmark
# side by side in one run, then bench/report.py's agreement check and table.
#
#   bench/run.sh [--quick] [BUILD_DIR]      (from the repository root)
#
# Full: installs the comparison tools first (scripts/install-bench-deps.sh:
# python3-scipy, r-cran-desolve), runs the scale curve up to 10,000 species,
# and writes bench/results.tsv and bench/RESULTS.md.
# Quick (for CI): installs nothing, skips a tool that is absent, stops the
# scale curve at 1,000 species, uses fewer repetitions, and writes its table
# to BUILD_DIR/bench/out/ only, leaving the recorded results alone.
# Exit status 1 when a benchmark fails or the tools disagree.
set -euo pipefail

quick=0
qflag=()
if [ "${1:-}" = "--quick" ]; then quick=1; qflag=(--quick); shift; fi
build=${1:-build}
out=$build/bench/out
mkdir -p "$out/net"
rm -f "$out"/*.tsv
export OPENBLAS_NUM_THREADS=1 # small systems; same for every tool
status=0

if [ "$quick" -eq 0 ]; then
  scripts/install-bench-deps.sh || echo "run.sh: comparison tools missing; they are skipped"
fi

echo "== Robertson: libmuskx vs hand-written CVODE (bench_robertson)"
"$build/bench/bench_robertson" --reps "$([ $quick = 1 ] && echo 21 || echo 101)" \
  --tsv "$out/robertson.tsv" || status=1

echo "== POLLU, crosstalk, load times, memory, ensemble (bench_suite)"
"$build/bench/bench_suite" --out "$out" "${qflag[@]}" || status=1

echo "== virtual crews: shipped ISS scenario as an ensemble (bench_crew)"
"$build/bench/bench_crew" --tsv "$out/crew.tsv" "${qflag[@]}" || status=1

echo "== repeated dosing: daily doses, states and sensitivities (bench_dosing; bench/NOTES.md)"
"$build/bench/bench_dosing" --tsv "$out/dosing.tsv" "${qflag[@]}" || status=1

if /usr/bin/python3 -c 'import scipy, yaml' 2>/dev/null; then
  echo "== scipy solve_ivp (bench_scipy.py)"
  /usr/bin/python3 bench/bench_scipy.py "$out" "${qflag[@]}" || status=1
else
  echo "== scipy: skipped (/usr/bin/python3 lacks scipy or yaml)"
fi
if command -v Rscript > /dev/null && Rscript -e 'library(deSolve)' > /dev/null 2>&1; then
  echo "== R deSolve (bench_desolve.R)"
  Rscript bench/bench_desolve.R "$out" "${qflag[@]}" || status=1
else
  echo "== R deSolve: skipped (Rscript or deSolve missing)"
fi

echo "== scale curve: generated networks, KLU vs SPGMR vs LAPACK (bench_scale)"
sizes="10 100 1000"
[ "$quick" -eq 0 ] && sizes="$sizes 10000"
nets=()
# KLU on random (expander) networks stops at 1,000 species: their LU
# factors fill in (see gen_network.py), and one 10,000-species run takes
# minutes; SPGMR, whose cost follows the Jacobian's nonzeros, goes on.
noklu=()
for kind in chain banded random; do
  for n in $sizes; do
    [ "$kind" = random ] && [ "$n" -gt 1000 ] && noklu+=(--no-klu "${kind}_$n")
    f=$out/net/${kind}_$n.yaml
    /usr/bin/python3 bench/gen_network.py "$kind" "$n" > "$f"
    nets+=("$f")
  done
done
# Dense LAPACK beyond 1,000 species costs minutes (n^3) and, at 10,000,
# 800 MB per Jacobian: skipped there (and beyond 100 in quick mode).
"$build/bench/bench_scale" --out "$out" \
  --lapack-max "$([ $quick = 1 ] && echo 100 || echo 1000)" "${noklu[@]}" \
  "${nets[@]}" || status=1

echo "== fitting optimisers: GSL trust region vs NLopt (bench_fit_optimisers; docs/fitting.md)"
"$build/bench/bench_fit_optimisers" --tsv "$out/fit_optimisers.tsv" || status=1

petab=../shared/petab-benchmarks
if [ -f "$petab/README.md" ]; then
  echo "== PEtab benchmark problems: llh and gradient vs AMICI's budgets (bench_petab)"
  "$build/bench/bench_petab" --reps "$([ $quick = 1 ] && echo 5 || echo 21)" \
    --tsv "$out/petab.tsv" "$petab" || status=1
else
  echo "== PEtab benchmark problems: skipped ($petab missing)"
fi

echo "== shipped spaceflight PEtab problem: llh and gradient, VM vs native code side by side (bench_petab_native)"
if [ "$quick" -eq 1 ]; then npargs=(--reps 1 --grad-reps 0); else npargs=(--reps 5 --grad-reps 1); fi
"$build/bench/bench_petab_native" "${npargs[@]}" --tsv "$out/petab_native.tsv" || status=1

if /usr/bin/python3 -c 'import scipy, numpy' 2>/dev/null; then
  echo "== fitting Boehm: muskx fit vs scipy least_squares (bench_fit_scipy.py)"
  /usr/bin/python3 bench/bench_fit_scipy.py "$out" "${qflag[@]}" || status=1
else
  echo "== fitting vs scipy: skipped (/usr/bin/python3 lacks scipy or numpy)"
fi

echo "== report"
if [ "$quick" -eq 1 ]; then
  /usr/bin/python3 bench/report.py "$out" "$out/results.tsv" "$out/RESULTS.md" \
    "make bench-quick" && echo "wrote $out/results.tsv and $out/RESULTS.md" \
    || status=1
else
  /usr/bin/python3 bench/report.py "$out" bench/results.tsv bench/RESULTS.md \
    "make bench" && echo "wrote bench/results.tsv and bench/RESULTS.md" \
    || status=1
fi
exit $status
