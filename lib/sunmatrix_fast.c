/*
 * sunmatrix_fast.c -- the sparse-matrix operations CVODE calls on every
 * Jacobian update with KLU (zero, copy, I + c A), compiled with the
 * library's flags, as nvector_fast.c does for vectors (issue 19: Debian
 * 12's SUNDIALS 6.4.1 is built without optimisation, and these loops were
 * about 6 % of an ensemble member on the crosstalk model).
 *
 * Each is SUNDIALS 6.4's SUNMat*_Sparse for the case the library meets --
 * the same loops and the same arithmetic (a diagonal entry becomes
 * 1 + c a, in that order), so the results are bit-identical
 * (tests/test_sunmatrix_fast.c) -- and hands every other case (a missing
 * diagonal, a copy into a smaller matrix) to SUNDIALS' own function.
 * A clone gets the same table, so CVODE's saved Jacobian (a clone of the
 * solver's matrix) uses them too.
 */
#include <string.h>

#include <sunmatrix/sunmatrix_sparse.h>

/* the scaling loop of I + c A is worth vectorizing (nvector_fast.c) */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("vect-cost-model=dynamic")
#endif

#include "sim.h"
#include "wide.h"

static int zero(SUNMatrix A) {
  sunindextype nnz = SM_NNZ_S(A), np = SM_NP_S(A);
  memset(SM_DATA_S(A), 0, (size_t)nnz * sizeof(sunrealtype));
  memset(SM_INDEXVALS_S(A), 0, (size_t)nnz * sizeof(sunindextype));
  memset(SM_INDEXPTRS_S(A), 0, (size_t)(np + 1) * sizeof(sunindextype));
  return SUNMAT_SUCCESS;
}

static int copy(SUNMatrix A, SUNMatrix B) {
  sunindextype a_nz = SM_INDEXPTRS_S(A)[SM_NP_S(A)];
  if (SUNMatGetID(B) != SUNMATRIX_SPARSE || SM_ROWS_S(A) != SM_ROWS_S(B) ||
      SM_COLUMNS_S(A) != SM_COLUMNS_S(B) ||
      SM_SPARSETYPE_S(A) != SM_SPARSETYPE_S(B) || SM_NNZ_S(B) < a_nz)
    return SUNMatCopy_Sparse(A, B); /* checks, or grows B */
  /* SUNDIALS zeroes B, then copies A's entries: the same end state */
  sunindextype rest = SM_NNZ_S(B) - a_nz;
  memcpy(SM_DATA_S(B), SM_DATA_S(A), (size_t)a_nz * sizeof(sunrealtype));
  memcpy(SM_INDEXVALS_S(B), SM_INDEXVALS_S(A),
         (size_t)a_nz * sizeof(sunindextype));
  memset(SM_DATA_S(B) + a_nz, 0, (size_t)rest * sizeof(sunrealtype));
  memset(SM_INDEXVALS_S(B) + a_nz, 0, (size_t)rest * sizeof(sunindextype));
  memcpy(SM_INDEXPTRS_S(B), SM_INDEXPTRS_S(A),
         (size_t)SM_NP_S(A) * sizeof(sunindextype));
  SM_INDEXPTRS_S(B)[SM_NP_S(A)] = a_nz;
  /* rows beyond A's pointers (B larger than A) SUNDIALS leaves at 0 */
  for (sunindextype i = SM_NP_S(A) + 1; i <= SM_NP_S(B); i++)
    SM_INDEXPTRS_S(B)[i] = 0;
  return SUNMAT_SUCCESS;
}

WIDE static int scale_add_identity(sunrealtype c, SUNMatrix A) {
  sunindextype m = SM_SPARSETYPE_S(A) == CSC_MAT ? SM_ROWS_S(A)
                                                 : SM_COLUMNS_S(A);
  sunindextype n = SM_SPARSETYPE_S(A) == CSC_MAT ? SM_COLUMNS_S(A)
                                                 : SM_ROWS_S(A);
  const sunindextype *ap = SM_INDEXPTRS_S(A), *ai = SM_INDEXVALS_S(A);
  sunrealtype *ax = SM_DATA_S(A);
  sunindextype k = m < n ? m : n;
  if (ap == NULL || ai == NULL || ax == NULL)
    return SUNMatScaleAddI_Sparse(c, A);
  /* SUNDIALS' case 1 needs every diagonal entry stored */
  for (sunindextype j = 0; j < k; j++) {
    sunindextype i = ap[j];
    while (i < ap[j + 1] && ai[i] != j) i++;
    if (i == ap[j + 1]) return SUNMatScaleAddI_Sparse(c, A);
  }
  /* c A, one vectorizable pass, then 1 + (c a_jj) on the diagonal: the
     same two roundings per diagonal entry as 1.0 + c * ax[i] */
  sunindextype nnz = ap[k]; /* the columns SUNDIALS' loop visits */
  for (sunindextype i = 0; i < nnz; i++) ax[i] = c * ax[i];
  for (sunindextype j = 0; j < k; j++) {
    sunindextype i = ap[j];
    while (ai[i] != j) i++; /* found above */
    ax[i] = 1.0 + ax[i];
  }
  return SUNMAT_SUCCESS;
}

/* (static: a target_clones function with external linkage would be
   exported through its ifunc, scripts/check-exports.sh) */
WIDE static void identity_minus(double c, const double *restrict jx,
                                int32_t nnz, const int32_t *diag, int n,
                                double *restrict ax) {
  /* scale_add_identity's two passes on a copy of jx, without the copy */
  for (int32_t i = 0; i < nnz; i++) ax[i] = c * jx[i];
  for (int j = 0; j < n; j++) ax[diag[j]] = 1.0 + ax[diag[j]];
}

void muskx__sparse_identity_minus(double c, const double *restrict jx,
                                  int32_t nnz, const int32_t *diag, int n,
                                  double *restrict ax) {
  identity_minus(c, jx, nnz, diag, n, ax);
}

static SUNMatrix clone(SUNMatrix A) {
  return muskx__sparse_matrix_new(SM_ROWS_S(A), SM_COLUMNS_S(A), SM_NNZ_S(A),
                                  SM_SPARSETYPE_S(A), A->sunctx);
}

SUNMatrix muskx__sparse_matrix_new(sunindextype rows, sunindextype cols,
                                   sunindextype nnz, int type,
                                   SUNContext ctx) {
  SUNMatrix A = SUNSparseMatrix(rows, cols, nnz, type, ctx);
  if (A == NULL) return NULL;
  A->ops->zero = zero;
  A->ops->copy = copy;
  A->ops->scaleaddi = scale_add_identity;
  A->ops->clone = clone;
  return A;
}
