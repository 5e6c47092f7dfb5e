/*
 * sunlinsol_dense_fast.c -- the LU factorisation and the triangular solves
 * of SUNDIALS' dense linear solver, compiled with the library's flags, as
 * nvector_fast.c and sunmatrix_fast.c do for vectors and sparse matrices.
 *
 * Why: Debian 12's SUNDIALS 6.4.1 is built without optimisation, and a
 * forward-sensitivity run solves with the Newton matrix once per state
 * and sensitivity vector per corrector iteration. On a muskx fit of the
 * Boehm_JProteomeRes2014 PEtab problem (8 states, 6 sensitivities),
 * SUNDIALS' SUNDlsMat_denseGETRS was 22.5 % of all instructions
 * (callgrind; about 1,950 instructions per 8 x 8 solve).
 *
 * setup and solve are SUNDIALS 6.4's SUNLinSolSetup_Dense and
 * SUNLinSolSolve_Dense with SUNDlsMat_denseGETRF / denseGETRS inlined:
 * the same loops in the same order (partial pivoting on the first
 * largest |a|, multipliers stored below the diagonal, a row update
 * skipped where a_kj is 0), so factors, pivots and solutions are
 * bit-identical (tests/test_sunlinsol_dense_fast.c). Only the two
 * operations are replaced; the rest of the solver is SUNDIALS' own.
 */
#include <math.h>
#include <string.h>

#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "sim.h"

#define PIVOTS(S) (((SUNLinearSolverContent_Dense)(S)->content)->pivots)
#define LASTFLAG(S) (((SUNLinearSolverContent_Dense)(S)->content)->last_flag)

/* SUNDlsMat_denseGETRF: 0, or k + 1 when column k has a zero pivot. */
static sunindextype getrf(sunrealtype **a, sunindextype m, sunindextype n,
                          sunindextype *p) {
  for (sunindextype k = 0; k < n; k++) {
    sunrealtype *col_k = a[k];
    sunindextype l = k;
    for (sunindextype i = k + 1; i < m; i++)
      if (fabs(col_k[i]) > fabs(col_k[l])) l = i;
    p[k] = l;
    if (col_k[l] == 0.0) return k + 1;
    if (l != k)
      for (sunindextype i = 0; i < n; i++) {
        sunrealtype t = a[i][l];
        a[i][l] = a[i][k];
        a[i][k] = t;
      }
    sunrealtype mult = 1.0 / col_k[k];
    for (sunindextype i = k + 1; i < m; i++) col_k[i] *= mult;
    for (sunindextype j = k + 1; j < n; j++) {
      sunrealtype *col_j = a[j];
      sunrealtype a_kj = col_j[k];
      if (a_kj != 0.0)
        for (sunindextype i = k + 1; i < m; i++) col_j[i] -= a_kj * col_k[i];
    }
  }
  return 0;
}

/* Loops of at most 16 iterations unrolled completely where the size is a
   constant (GCC; other compilers ignore it). */
#if defined(__GNUC__) && !defined(__clang__)
#define UNROLL _Pragma("GCC unroll 16")
#define INLINE inline __attribute__((always_inline))
#else
#define UNROLL
#define INLINE inline
#endif

/* SUNDlsMat_denseGETRS: b := A^-1 b from getrf's factors. b[k] is read
   into a local once per column (the matrix and b never overlap), which
   changes no operation. */
static INLINE void getrs_n(sunrealtype *const *a, const sunindextype n,
                           const sunindextype *p, sunrealtype *restrict b) {
  UNROLL
  for (sunindextype k = 0; k < n; k++) {
    sunindextype pk = p[k];
    if (pk != k) {
      sunrealtype t = b[k];
      b[k] = b[pk];
      b[pk] = t;
    }
  }
  UNROLL
  for (sunindextype k = 0; k < n - 1; k++) {
    const sunrealtype *restrict col_k = a[k];
    sunrealtype bk = b[k];
    UNROLL
    for (sunindextype i = k + 1; i < n; i++) b[i] -= col_k[i] * bk;
  }
  UNROLL
  for (sunindextype k = n - 1; k > 0; k--) {
    const sunrealtype *restrict col_k = a[k];
    sunrealtype bk = b[k] / col_k[k];
    b[k] = bk;
    UNROLL
    for (sunindextype i = 0; i < k; i++) b[i] -= col_k[i] * bk;
  }
  b[0] /= a[0][0];
}

/* getrs_n with the size as a constant for the small systems a fit's
   sensitivity runs solve hundreds of thousands of times (Boehm: n = 8,
   about 530 instructions a solve in loops of 1 to 7 iterations): the same
   operations in the same order, straight-line. */
static void getrs(sunrealtype *const *a, sunindextype n, const sunindextype *p,
                  sunrealtype *restrict b) {
  switch (n) {
#define CASE(N)                                                               \
  case N:                                                                     \
    getrs_n(a, N, p, b);                                                      \
    return;
    CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8)
    CASE(9) CASE(10) CASE(11) CASE(12) CASE(13) CASE(14) CASE(15) CASE(16)
#undef CASE
  default:
    getrs_n(a, n, p, b);
  }
}

static int setup(SUNLinearSolver S, SUNMatrix A) {
  if (A == NULL || S == NULL) return SUNLS_MEM_NULL;
  if (SUNMatGetID(A) != SUNMATRIX_DENSE) {
    LASTFLAG(S) = SUNLS_ILL_INPUT;
    return SUNLS_ILL_INPUT;
  }
  sunrealtype **cols = SUNDenseMatrix_Cols(A);
  sunindextype *piv = PIVOTS(S);
  if (cols == NULL || piv == NULL) {
    LASTFLAG(S) = SUNLS_MEM_FAIL;
    return SUNLS_MEM_FAIL;
  }
  LASTFLAG(S) = getrf(cols, SUNDenseMatrix_Rows(A), SUNDenseMatrix_Columns(A),
                      piv);
  return LASTFLAG(S) > 0 ? SUNLS_LUFACT_FAIL : SUNLS_SUCCESS;
}

static int solve(SUNLinearSolver S, SUNMatrix A, N_Vector x, N_Vector b,
                 sunrealtype tol) {
  (void)tol;
  if (A == NULL || S == NULL || x == NULL || b == NULL) return SUNLS_MEM_NULL;
  /* SUNDIALS copies b into x with N_VScale(1, b, x), which is a copy;
     the matrix's fields are read directly (SUNDIALS' accessors cost
     about 35 instructions each in Debian's unoptimised build). */
  sunrealtype **cols = SM_COLS_D(A);
  sunrealtype *xd = N_VGetArrayPointer(x), *bd = N_VGetArrayPointer(b);
  sunindextype *piv = PIVOTS(S), n = SM_ROWS_D(A);
  if (cols == NULL || xd == NULL || bd == NULL || piv == NULL) {
    LASTFLAG(S) = SUNLS_MEM_FAIL;
    return SUNLS_MEM_FAIL;
  }
  if (xd != bd) memcpy(xd, bd, (size_t)n * sizeof *xd);
  getrs(cols, n, piv, xd);
  LASTFLAG(S) = SUNLS_SUCCESS;
  return SUNLS_SUCCESS;
}

SUNLinearSolver muskx__dense_ls_new(N_Vector y, SUNMatrix A,
                                    SUNContext ctx) {
  SUNLinearSolver S = SUNLinSol_Dense(y, A, ctx);
  if (S == NULL) return NULL;
  S->ops->setup = setup;
  S->ops->solve = solve;
  return S;
}
