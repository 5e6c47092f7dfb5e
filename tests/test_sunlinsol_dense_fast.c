/*
 * test_sunlinsol_dense_fast.c -- the library's dense LU kernels
 * (lib/sunlinsol_dense_fast.c) give the factors, pivots, solutions and
 * status of SUNDIALS' own SUNLinSol_Dense bit for bit: random matrices of
 * every size with its own straight-line solve (1-16) and larger ones
 * (rows swapped by pivoting), a solve into a vector other
 * than the right-hand side and into the same one, and a singular matrix
 * (the same zero-pivot column reported).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "sim.h"
#include "testutil.h"

static double rnd(void) {
  return (rand() / (double)RAND_MAX - 0.45) * 1e2 / (1 + rand() % 97);
}

/* A random n x n matrix into both; zero_col >= 0: that column is a copy
   of column 0 scaled by 2 (singular; the pivot of a later column is 0
   only when exactly cancelled, so column 0 of all zeros is used). */
static void fill(SUNMatrix a, SUNMatrix b, int n, int zero_col) {
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++) {
      double v = zero_col == j ? 0.0 : rnd();
      if (i == j && zero_col != j) v += (rand() % 3 == 0) ? 0 : 5; /* mixed */
      SM_ELEMENT_D(a, i, j) = v;
      SM_ELEMENT_D(b, i, j) = v;
    }
}

static void same_factors(SUNLinearSolver f, SUNLinearSolver s, SUNMatrix af,
                         SUNMatrix as, int n) {
  ck_assert(memcmp(SM_DATA_D(af), SM_DATA_D(as),
                   (size_t)n * (size_t)n * sizeof(sunrealtype)) == 0);
  SUNLinearSolverContent_Dense cf = f->content, cs = s->content;
  ck_assert(memcmp(cf->pivots, cs->pivots, (size_t)n * sizeof(sunindextype)) ==
            0);
  ck_assert_int_eq(cf->last_flag, cs->last_flag);
}

START_TEST(factor_and_solve_are_sundials_bit_for_bit) {
  SUNContext ctx;
  ck_assert_int_eq(SUNContext_Create(NULL, &ctx), 0);
  static const int sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                              11, 12, 13, 14, 15, 16, 17, 23};
  int swaps = 0;
  for (size_t q = 0; q < sizeof sizes / sizeof *sizes; q++) {
    int n = sizes[q];
    for (unsigned seed = 1; seed <= 20; seed++) {
      srand(seed * 7919u + (unsigned)n);
      N_Vector y = N_VNew_Serial(n, ctx);
      N_Vector bf = N_VClone(y), bs = N_VClone(y), xf = N_VClone(y),
               xs = N_VClone(y);
      SUNMatrix af = SUNDenseMatrix(n, n, ctx), as = SUNDenseMatrix(n, n, ctx);
      SUNLinearSolver f = muskx__dense_ls_new(y, af, ctx);
      SUNLinearSolver s = SUNLinSol_Dense(y, as, ctx);
      ck_assert(f != NULL && s != NULL);
      ck_assert(f->ops->solve != s->ops->solve); /* the fast one is in */
      fill(af, as, n, -1);
      ck_assert_int_eq(SUNLinSolSetup(f, af), SUNLinSolSetup(s, as));
      same_factors(f, s, af, as, n);
      SUNLinearSolverContent_Dense cs = s->content;
      for (int k = 0; k < n; k++) swaps += cs->pivots[k] != k;
      for (int rep = 0; rep < 3; rep++) {
        for (int i = 0; i < n; i++) NV_Ith_S(bf, i) = NV_Ith_S(bs, i) = rnd();
        ck_assert_int_eq(SUNLinSolSolve(f, af, xf, bf, 0.0),
                         SUNLinSolSolve(s, as, xs, bs, 0.0));
        ck_assert(memcmp(NV_DATA_S(xf), NV_DATA_S(xs), (size_t)n * 8) == 0);
        /* in place, as CVODE calls it */
        ck_assert_int_eq(SUNLinSolSolve(f, af, bf, bf, 0.0),
                         SUNLinSolSolve(s, as, bs, bs, 0.0));
        ck_assert(memcmp(NV_DATA_S(bf), NV_DATA_S(bs), (size_t)n * 8) == 0);
        ck_assert(memcmp(NV_DATA_S(bf), NV_DATA_S(xs), (size_t)n * 8) == 0);
      }
      if (n > 1) { /* a zero column: the same failure at the same column */
        fill(af, as, n, n / 2);
        int rf = SUNLinSolSetup(f, af), rs = SUNLinSolSetup(s, as);
        ck_assert_int_eq(rf, SUNLS_LUFACT_FAIL);
        ck_assert_int_eq(rf, rs);
        ck_assert_int_eq(SUNLinSolLastFlag(f), n / 2 + 1);
        same_factors(f, s, af, as, n);
      }
      SUNLinSolFree(f);
      SUNLinSolFree(s);
      SUNMatDestroy(af);
      SUNMatDestroy(as);
      N_VDestroy(y);
      N_VDestroy(bf);
      N_VDestroy(bs);
      N_VDestroy(xf);
      N_VDestroy(xs);
    }
  }
  ck_assert_int_gt(swaps, 50); /* pivoting was exercised */
  SUNContext_Free(&ctx);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("sunlinsol_dense_fast");
  TCase *tc = tcase_create("bit_identical");
  tcase_add_test(tc, factor_and_solve_are_sundials_bit_for_bit);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
