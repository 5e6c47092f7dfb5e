/*
 * sunmatrix_dense_fast.c -- the dense-matrix operations CVODE's linear
 * solver interface calls on every Newton-matrix update (zero, copy of the
 * saved Jacobian, I + c A), compiled with the library's flags, as
 * sunmatrix_fast.c does for sparse matrices.
 *
 * Why: Debian 12's SUNDIALS 6.4.1 is built without optimisation; on a
 * muskx fit of the Boehm_JProteomeRes2014 PEtab problem (8 x 8 dense
 * Newton matrix) SUNMatScaleAddI_Dense and SUNMatCopy_Dense were 2.9 % of
 * all instructions (callgrind, bench/NOTES.md).
 *
 * Each is SUNDIALS 6.4's SUNMat*_Dense for matrices of equal shape: the
 * same arithmetic (an entry becomes c a, a diagonal one then c a + 1), so
 * results are bit-identical (tests/test_sunmatrix_dense_fast.c); a copy
 * between different shapes goes to SUNDIALS' own function (its error).
 * A clone gets the same table, so CVODE's saved Jacobian uses them too.
 */
#include <string.h>

#include <sunmatrix/sunmatrix_dense.h>

#include "nvector_block.h"
#include "sim.h"
#include "wide.h"

static int zero(SUNMatrix A) {
  memset(SM_DATA_D(A), 0, (size_t)SM_LDATA_D(A) * sizeof(sunrealtype));
  return SUNMAT_SUCCESS;
}

/* SUNDIALS copies element by element, column by column: with both
   matrices column-major of one shape, that is their data arrays. */
static int copy(SUNMatrix A, SUNMatrix B) {
  if (SUNMatGetID(B) != SUNMATRIX_DENSE || SM_ROWS_D(A) != SM_ROWS_D(B) ||
      SM_COLUMNS_D(A) != SM_COLUMNS_D(B))
    return SUNMatCopy_Dense(A, B);
  memcpy(SM_DATA_D(B), SM_DATA_D(A),
         (size_t)SM_LDATA_D(A) * sizeof(sunrealtype));
  return SUNMAT_SUCCESS;
}

/* c A in one pass, then + 1 on the diagonal: the same two roundings per
   diagonal entry as SUNDIALS' a_jj = c a_jj; a_jj += 1 */
WIDE static int scale_add_identity(sunrealtype c, SUNMatrix A) {
  sunindextype m = SM_ROWS_D(A), n = SM_COLUMNS_D(A);
  sunrealtype *a = SM_DATA_D(A);
#define E(k) (c * a[k])
  MUSKX__EACH(SM_LDATA_D(A), a, E);
#undef E
  for (sunindextype j = 0; j < n && j < m; j++) a[j * m + j] += 1.0;
  return SUNMAT_SUCCESS;
}

static SUNMatrix clone(SUNMatrix A) {
  return muskx__dense_matrix_new(SM_ROWS_D(A), SM_COLUMNS_D(A), A->sunctx);
}

SUNMatrix muskx__dense_matrix_new(sunindextype rows, sunindextype cols,
                                  SUNContext ctx) {
  SUNMatrix A = SUNDenseMatrix(rows, cols, ctx);
  if (A == NULL) return NULL;
  A->ops->zero = zero;
  A->ops->copy = copy;
  A->ops->scaleaddi = scale_add_identity;
  A->ops->clone = clone;
  return A;
}
