/*
 * test_sunmatrix_fast.c -- the library's sparse-matrix kernels
 * (lib/sunmatrix_fast.c) leave a matrix bit for bit as SUNDIALS' own
 * SUNMat*_Sparse do: I + c A with every diagonal stored (the fast path)
 * and with one missing (SUNDIALS' fallback), copies, zeroing, and the
 * operations of a clone (CVODE's saved Jacobian).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <sundials/sundials_context.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "sim.h"
#include "testutil.h"

#define N 23

static SUNContext ctx;

/* A random CSC pattern with values; drop_diag: column 5 has no diagonal. */
static void fill(SUNMatrix A, unsigned seed, int drop_diag) {
  srand(seed);
  sunindextype *cp = SM_INDEXPTRS_S(A), *ri = SM_INDEXVALS_S(A);
  sunrealtype *x = SM_DATA_S(A);
  sunindextype nz = 0;
  for (int j = 0; j < N; j++) {
    cp[j] = nz;
    for (int i = 0; i < N; i++) {
      int on = i == j ? !(drop_diag && j == 5) : rand() % 5 == 0;
      if (!on || nz >= SM_NNZ_S(A)) continue;
      ri[nz] = i;
      x[nz++] = (rand() / (double)RAND_MAX - 0.4) * 1e3 / (1 + rand() % 89);
    }
  }
  cp[N] = nz;
}

static void same(SUNMatrix a, SUNMatrix b) {
  ck_assert_int_eq(SM_NNZ_S(a), SM_NNZ_S(b));
  ck_assert(memcmp(SM_INDEXPTRS_S(a), SM_INDEXPTRS_S(b),
                   (N + 1) * sizeof(sunindextype)) == 0);
  ck_assert(memcmp(SM_INDEXVALS_S(a), SM_INDEXVALS_S(b),
                   (size_t)SM_NNZ_S(a) * sizeof(sunindextype)) == 0);
  ck_assert(memcmp(SM_DATA_S(a), SM_DATA_S(b),
                   (size_t)SM_NNZ_S(a) * sizeof(sunrealtype)) == 0);
}

START_TEST(scale_add_identity_is_sundials_bit_for_bit) {
  ck_assert_int_eq(SUNContext_Create(NULL, &ctx), 0);
  const double cs[] = {-0.37, -1.0, 0.0, 1e-9, -123.456};
  for (int drop = 0; drop <= 1; drop++)
    for (unsigned seed = 1; seed <= 20; seed++)
      for (size_t k = 0; k < sizeof cs / sizeof *cs; k++) {
        SUNMatrix f = muskx__sparse_matrix_new(N, N, N * N, CSC_MAT, ctx);
        SUNMatrix s = SUNSparseMatrix(N, N, N * N, CSC_MAT, ctx);
        fill(f, seed, drop);
        fill(s, seed, drop);
        ck_assert_int_eq(SUNMatScaleAddI(cs[k], f), SUNMAT_SUCCESS);
        ck_assert_int_eq(SUNMatScaleAddI(cs[k], s), SUNMAT_SUCCESS);
        same(f, s);
        SUNMatDestroy(f);
        SUNMatDestroy(s);
      }
  SUNContext_Free(&ctx);
}
END_TEST

/* muskx__sparse_identity_minus (solver.c's linsys_klu) leaves in A's
   values what SUNDIALS' own SUNMatCopy_Sparse of J into A and then
   SUNMatScaleAddI_Sparse(c, A) leave, bit for bit; and I + c J entry by
   entry (the diagonal 1 + c J_jj, off it c J_ij). */
START_TEST(identity_minus_is_sundials_copy_then_scale_add_identity) {
  ck_assert_int_eq(SUNContext_Create(NULL, &ctx), 0);
  const double cs[] = {-0.37, -1.0, 0.0, -1e-9, -123.456, 2.5};
  for (unsigned seed = 1; seed <= 20; seed++)
    for (size_t k = 0; k < sizeof cs / sizeof *cs; k++) {
      SUNMatrix J = SUNSparseMatrix(N, N, N * N, CSC_MAT, ctx);
      SUNMatrix ref = SUNSparseMatrix(N, N, N * N, CSC_MAT, ctx);
      fill(J, seed, 0);
      fill(ref, seed + 100, 0); /* other values: the copy overwrites */
      ck_assert_int_eq(SUNMatCopy_Sparse(J, ref), SUNMAT_SUCCESS);
      ck_assert_int_eq(SUNMatScaleAddI_Sparse(cs[k], ref), SUNMAT_SUCCESS);
      const sunindextype *cp = SM_INDEXPTRS_S(J), *ri = SM_INDEXVALS_S(J);
      const sunrealtype *jx = SM_DATA_S(J);
      int32_t nnz = (int32_t)cp[N], diag[N];
      for (int j = 0; j < N; j++) {
        diag[j] = -1;
        for (sunindextype i = cp[j]; i < cp[j + 1]; i++)
          if (ri[i] == j) diag[j] = (int32_t)i;
        ck_assert_int_ge(diag[j], 0);
      }
      double ax[N * N];
      for (int i = 0; i < N * N; i++) ax[i] = -7.0;
      muskx__sparse_identity_minus(cs[k], jx, nnz, diag, N, ax);
      ck_assert(memcmp(ax, SM_DATA_S(ref), (size_t)nnz * sizeof *ax) == 0);
      ck_assert(ax[nnz] == -7.0); /* nothing written past the pattern */
      for (int j = 0; j < N; j++)
        for (sunindextype i = cp[j]; i < cp[j + 1]; i++) {
          double want = ri[i] == j ? 1.0 + cs[k] * jx[i] : cs[k] * jx[i];
          ck_assert(ax[i] == want);
        }
      SUNMatDestroy(J);
      SUNMatDestroy(ref);
    }
  SUNContext_Free(&ctx);
}
END_TEST

START_TEST(copy_zero_and_clone_are_sundials_bit_for_bit) {
  ck_assert_int_eq(SUNContext_Create(NULL, &ctx), 0);
  for (unsigned seed = 1; seed <= 20; seed++) {
    SUNMatrix f = muskx__sparse_matrix_new(N, N, N * N, CSC_MAT, ctx);
    SUNMatrix s = SUNSparseMatrix(N, N, N * N, CSC_MAT, ctx);
    fill(f, seed, 0);
    fill(s, seed, 0);
    /* the clone (CVODE's saved Jacobian) has the fast table too */
    SUNMatrix fc = SUNMatClone(f), sc = SUNMatClone(s);
    ck_assert(fc->ops->copy == f->ops->copy && fc->ops->copy != sc->ops->copy);
    fill(fc, seed + 100, 0);
    fill(sc, seed + 100, 0);
    ck_assert_int_eq(SUNMatCopy(f, fc), SUNMAT_SUCCESS);
    ck_assert_int_eq(SUNMatCopy(s, sc), SUNMAT_SUCCESS);
    same(fc, sc);
    ck_assert_int_eq(SUNMatCopy(fc, f), SUNMAT_SUCCESS);
    ck_assert_int_eq(SUNMatCopy(sc, s), SUNMAT_SUCCESS);
    same(f, s);
    ck_assert_int_eq(SUNMatZero(f), SUNMAT_SUCCESS);
    ck_assert_int_eq(SUNMatZero(s), SUNMAT_SUCCESS);
    same(f, s);
    SUNMatDestroy(fc);
    SUNMatDestroy(sc);
    SUNMatDestroy(f);
    SUNMatDestroy(s);
  }
  SUNContext_Free(&ctx);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("sunmatrix_fast");
  TCase *tc = tcase_create("bit_identical");
  tcase_add_test(tc, scale_add_identity_is_sundials_bit_for_bit);
  tcase_add_test(tc, copy_zero_and_clone_are_sundials_bit_for_bit);
  tcase_add_test(tc, identity_minus_is_sundials_copy_then_scale_add_identity);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
