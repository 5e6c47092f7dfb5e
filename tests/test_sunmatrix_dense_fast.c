/*
 * test_sunmatrix_dense_fast.c -- the library's dense-matrix kernels
 * (lib/sunmatrix_dense_fast.c) leave a matrix bit for bit as SUNDIALS'
 * own SUNMat*_Dense do: I + c A (square, with c = 1, -1, 0, a step's
 * -gamma; and non-square), copies, zeroing, the operations of a clone
 * (CVODE's saved Jacobian), and a copy between shapes refused as
 * SUNDIALS refuses it.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <sundials/sundials_context.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "sim.h"

static SUNContext ctx;

static void fill(SUNMatrix A, SUNMatrix B, unsigned seed) {
  srand(seed);
  for (sunindextype k = 0; k < SM_LDATA_D(A); k++) {
    double v = (rand() / (double)RAND_MAX - 0.4) * 1e3 / (1 + rand() % 89);
    if (rand() % 7 == 0) v = 0.0;
    SM_DATA_D(A)[k] = SM_DATA_D(B)[k] = v;
  }
}

static int same(SUNMatrix a, SUNMatrix b) {
  return SM_LDATA_D(a) == SM_LDATA_D(b) &&
         memcmp(SM_DATA_D(a), SM_DATA_D(b),
                (size_t)SM_LDATA_D(a) * sizeof(sunrealtype)) == 0;
}

START_TEST(every_operation_is_sundials_bit_for_bit) {
  ck_assert_int_eq(SUNContext_Create(NULL, &ctx), 0);
  /* Boehm's 8 x 8, every size around it, a larger one, non-square */
  static const int shape[][2] = {{1, 1}, {3, 3}, {5, 5}, {7, 7}, {8, 8},
                                 {9, 9}, {23, 23}, {6, 4}, {4, 6}};
  static const double c[] = {1.0, -1.0, 0.0, -0.0123456789, 3.7e5};
  for (size_t q = 0; q < sizeof shape / sizeof shape[0]; q++) {
    int m = shape[q][0], n = shape[q][1];
    SUNMatrix f = muskx__dense_matrix_new(m, n, ctx);
    SUNMatrix s = SUNDenseMatrix(m, n, ctx);
    SUNMatrix fc = SUNMatClone(f), sc = SUNMatClone(s);
    ck_assert(f && s && fc && sc);
    ck_assert(f->ops->scaleaddi != s->ops->scaleaddi);
    ck_assert(fc->ops->scaleaddi == f->ops->scaleaddi); /* clones too */
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
      fill(f, s, 17u * (unsigned)q + (unsigned)k);
      ck_assert_int_eq(SUNMatScaleAddI(c[k], f), SUNMAT_SUCCESS);
      ck_assert_int_eq(SUNMatScaleAddI(c[k], s), SUNMAT_SUCCESS);
      ck_assert_msg(same(f, s), "I + %g A, %d x %d", c[k], m, n);
      /* the saved Jacobian's round trip: A -> clone -> A */
      fill(f, s, 29u * (unsigned)q + (unsigned)k);
      ck_assert_int_eq(SUNMatCopy(f, fc), SUNMAT_SUCCESS);
      ck_assert_int_eq(SUNMatCopy(s, sc), SUNMAT_SUCCESS);
      ck_assert(same(fc, sc));
      ck_assert_int_eq(SUNMatScaleAddI(c[k], fc), SUNMAT_SUCCESS);
      ck_assert_int_eq(SUNMatScaleAddI(c[k], sc), SUNMAT_SUCCESS);
      ck_assert(same(fc, sc));
      ck_assert_int_eq(SUNMatCopy(fc, f), SUNMAT_SUCCESS);
      ck_assert_int_eq(SUNMatCopy(sc, s), SUNMAT_SUCCESS);
      ck_assert(same(f, s));
      ck_assert_int_eq(SUNMatZero(f), SUNMAT_SUCCESS);
      ck_assert_int_eq(SUNMatZero(s), SUNMAT_SUCCESS);
      ck_assert(same(f, s));
    }
    SUNMatDestroy(f), SUNMatDestroy(s), SUNMatDestroy(fc), SUNMatDestroy(sc);
  }
  /* a copy into another shape: SUNDIALS' error, B untouched */
  SUNMatrix a = muskx__dense_matrix_new(4, 4, ctx);
  SUNMatrix b = muskx__dense_matrix_new(5, 5, ctx);
  SUNMatrix sb = SUNDenseMatrix(5, 5, ctx);
  fill(b, sb, 3);
  ck_assert_int_eq(SUNMatCopy(a, b), SUNMAT_ILL_INPUT);
  ck_assert(same(b, sb));
  SUNMatDestroy(a), SUNMatDestroy(b), SUNMatDestroy(sb);
  SUNContext_Free(&ctx);
}
END_TEST

int main(void) {
  Suite *s = suite_create("sunmatrix_dense_fast");
  TCase *tc = tcase_create("kernels");
  tcase_add_test(tc, every_operation_is_sundials_bit_for_bit);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
