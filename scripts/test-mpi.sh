#!/usr/bin/env bash
# test-mpi.sh -- muskx-mpi gives, byte for byte, the files of `muskx
# ensemble` for the same seed (issue 8): 2 ranks (and 3, so that the blocks
# are uneven) against one process, on a model with a samples table, on a
# scenario, and beyond the memory budget where ranks send sketches; and the same for `muskx-mpi gsa` against `muskx gsa`. Run by `make test` only when mpicc and mpirun exist.
#
#   scripts/test-mpi.sh [BUILD_DIR]
#
# Prints one line per check and "N passed, N failed" last; exit 1 on a
# failure. mpirun runs as root in CI, hence --allow-run-as-root, and on
# machines with fewer cores than ranks, hence --oversubscribe.
set -euo pipefail

build=${1:-build}
make --no-print-directory -s "BUILD=$build" "$build/muskx" "$build/muskx-mpi" > /dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
mpirun_=(mpirun --oversubscribe --allow-run-as-root)
# OpenMPI's shared-memory transport needs no network; keep it quiet in
# containers without one.
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_plm_rsh_agent=false OPENBLAS_NUM_THREADS=1

check() { # NAME ARGS... : one process vs 2 and 3 ranks
  local name=$1
  shift
  "$build/muskx" ensemble "$@" -q -j 2 -o "$tmp/$name.q1" --samples-out "$tmp/$name.s1"
  for np in 2 3; do
    if "${mpirun_[@]}" -np "$np" "$build/muskx-mpi" ensemble "$@" -q \
         -o "$tmp/$name.q$np.mpi" --samples-out "$tmp/$name.s$np.mpi" \
         > "$tmp/$name.log" 2>&1 &&
       cmp -s "$tmp/$name.q1" "$tmp/$name.q$np.mpi" &&
       cmp -s "$tmp/$name.s1" "$tmp/$name.s$np.mpi"; then
      echo "ok   $name: $np ranks give the single process's files"
      passed=$((passed + 1))
    else
      echo "FAIL $name: $np ranks differ from the single process (or failed):"
      sed 's/^/     /' "$tmp/$name.log" | tail -5
      failed=$((failed + 1))
    fi
  done
}

printf 'k,A\n0.5,1\n0.7,1.5\n0.9,2\n1.1,2.5\n1.3,3\n' > "$tmp/params.csv"
check decay tests/models/decay.yaml --t-end 4 --dt 0.5 -n 101 \
  --vary 'k=lognormal(0.7,0.4)' --vary 'A=normal(1.5,0.1)' --seed 11
check table tests/models/decay.yaml --t-end 2 --params-csv "$tmp/params.csv"
# Beyond --memory-budget (issue 19): ranks send chunk sketches and member
# records, not trajectories; 1,000 members in 8 chunks of 128 (k = 8),
# merged at rank 0 in chunk order, give the single process's bytes.
check sketch tests/models/decay.yaml --t-end 4 --dt 0.5 -n 1000 \
  --vary 'k=lognormal(0.7,0.4)' --vary 'A=normal(1.5,0.1)' --seed 11 \
  --memory-budget 0 --sketch-k 8
if [ -f scenarios/iss_exercise.yaml ]; then
  check scenario scenarios/iss_exercise.yaml -n 7 \
    --vary 'kappa_R=lognormal(0.25,0.2)' --seed 3
fi

# muskx-mpi gsa (issue 19): the design's rows over 2 and 3 ranks give the
# indices of one process, byte for byte.
check_gsa() { # NAME ARGS...
  local name=$1
  shift
  "$build/muskx" gsa "$@" -q -j 2 -o "$tmp/$name.g1"
  for np in 2 3; do
    if "${mpirun_[@]}" -np "$np" "$build/muskx-mpi" gsa "$@" -q \
         -o "$tmp/$name.g$np.mpi" > "$tmp/$name.log" 2>&1 &&
       cmp -s "$tmp/$name.g1" "$tmp/$name.g$np.mpi"; then
      echo "ok   gsa $name: $np ranks give the single process's indices"
      passed=$((passed + 1))
    else
      echo "FAIL gsa $name: $np ranks differ from the single process (or failed):"
      sed 's/^/     /' "$tmp/$name.log" | tail -5
      failed=$((failed + 1))
    fi
  done
}
MUSKX_ALLOW_PATH="$PWD/tests${MUSKX_ALLOW_PATH:+:$MUSKX_ALLOW_PATH}" \
  check_gsa linear tests/scenarios/gsa_linear.yaml -n 101 \
  --vary 'a=normal(1,0.5)' --vary 'b=uniform(0,2)' --output X@second \
  --output X@first --bootstrap 50
if [ -f scenarios/iss_exercise.yaml ]; then
  check_gsa iss scenarios/iss_exercise.yaml -n 8 --bootstrap 20 \
    --vary 'kappa_R=lognormal(0.25,0.2)' --vary 'w_res=uniform(0.1,0.4)' \
    --output BMD_wb_pct@landing
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
