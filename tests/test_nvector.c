/*
 * test_nvector.c -- the library's serial vector kernels (lib/nvector_fast.c)
 * give bit-identical results to SUNDIALS' own N_VNew_Serial operations,
 * special cases included (N_VLinearSum with a == b, a == -b, +-1, in
 * place), at every length around the kernels' blocks of four, so that a
 * run does not depend on which ones CVODE calls; except
 * the weighted RMS norm (partial sums), held to a long double reference.
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>

#include "sim.h"
#include "testutil.h"

/* lengths: every remainder of the kernels' blocks of four
   (lib/nvector_block.h) around Boehm's 8, and a longer odd one */
static const int lengths[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 37};
static int N = 37;

static SUNContext ctx;
static N_Vector fx, fy, fz, sx, sy, sz; /* fast and stock */

static void fill(unsigned seed) {
  srand(seed);
  for (int i = 0; i < N; i++) {
    double a = (rand() / (double)RAND_MAX - 0.3) * 1e3 / (1 + rand() % 97);
    double b = (rand() / (double)RAND_MAX - 0.6) * 7.0 / (1 + rand() % 13);
    double c = (rand() / (double)RAND_MAX + 0.01) * 3.0;
    NV_Ith_S(fx, i) = NV_Ith_S(sx, i) = a;
    NV_Ith_S(fy, i) = NV_Ith_S(sy, i) = b;
    NV_Ith_S(fz, i) = NV_Ith_S(sz, i) = c;
  }
}

static int same(N_Vector a, N_Vector b) {
  return memcmp(NV_DATA_S(a), NV_DATA_S(b), (size_t)N * sizeof(double)) == 0;
}

static void make_vectors(void) {
  fx = muskx__nvector_new(N, ctx);
  fy = N_VClone(fx); /* clones keep the library's kernels */
  fz = N_VClone(fx);
  sx = N_VNew_Serial(N, ctx);
  sy = N_VNew_Serial(N, ctx);
  sz = N_VNew_Serial(N, ctx);
  ck_assert_ptr_nonnull(fz);
  ck_assert_ptr_nonnull(sz);
}

static void free_vectors(void) {
  N_Vector v[6] = {fx, fy, fz, sx, sy, sz};
  for (int i = 0; i < 6; i++) N_VDestroy(v[i]);
}

static void setup(void) {
  ck_assert_int_eq(SUNContext_Create(NULL, &ctx), 0);
  N = 37;
  make_vectors();
}

static void teardown(void) {
  free_vectors();
  SUNContext_Free(&ctx);
}

/* runs a check at every length of `lengths` */
static void at_every_length(void (*check)(void)) {
  for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
    free_vectors();
    N = lengths[i];
    make_vectors();
    check();
  }
}

static void check_linear_sum(void) {
  const double ab[][2] = {{1, 1},   {1, -1},    {-1, 1},   {1, 0.37},
                          {0.37, 1}, {-1, 0.37}, {0.37, -1}, {0.37, 0.37},
                          {0.37, -0.37}, {-2.5, 1e-3}, {0, 0}, {0, 2}};
  for (size_t k = 0; k < sizeof ab / sizeof ab[0]; k++) {
    double a = ab[k][0], b = ab[k][1];
    fill((unsigned)k + 1);
    N_VLinearSum(a, fx, b, fy, fz);
    N_VLinearSum(a, sx, b, sy, sz);
    ck_assert_msg(same(fz, sz), "z = %g x + %g y, length %d", a, b, N);
    N_VLinearSum(a, fx, b, fy, fy); /* in place, z == y */
    N_VLinearSum(a, sx, b, sy, sy);
    ck_assert_msg(same(fy, sy), "y = %g x + %g y, length %d", a, b, N);
    N_VLinearSum(a, fx, b, fy, fx); /* in place, z == x */
    N_VLinearSum(a, sx, b, sy, sx);
    ck_assert_msg(same(fx, sx), "x = %g x + %g y, length %d", a, b, N);
  }
}

START_TEST(linear_sum_matches_every_special_case) {
  at_every_length(check_linear_sum);
}
END_TEST

static void check_other_kernels(void) {
  const double c[] = {1, -1, 0.37, 0};
  for (int k = 0; k < 4; k++) {
    fill(100u + (unsigned)k);
    N_VScale(c[k], fx, fz);
    N_VScale(c[k], sx, sz);
    ck_assert(same(fz, sz));
    N_VScale(c[k], fx, fx);
    N_VScale(c[k], sx, sx);
    ck_assert(same(fx, sx));
  }
  fill(7);
  N_VProd(fx, fy, fz), N_VProd(sx, sy, sz);
  ck_assert(same(fz, sz));
  N_VDiv(fx, fz, fy), N_VDiv(sx, sz, sy);
  ck_assert(same(fy, sy));
  N_VAbs(fx, fz), N_VAbs(sx, sz);
  ck_assert(same(fz, sz));
  N_VInv(fz, fy), N_VInv(sz, sy);
  ck_assert(same(fy, sy));
  N_VAddConst(fx, -0.25, fz), N_VAddConst(sx, -0.25, sz);
  ck_assert(same(fz, sz));
  N_VConst(3.5, fz), N_VConst(3.5, sz);
  ck_assert(same(fz, sz));
  fill(8);
  double w1, w2;
  w1 = N_VMaxNorm(fx), w2 = N_VMaxNorm(sx);
  ck_assert(memcmp(&w1, &w2, sizeof w1) == 0);
  w1 = N_VMin(fy), w2 = N_VMin(sy);
  ck_assert(memcmp(&w1, &w2, sizeof w1) == 0);
}

START_TEST(the_other_kernels_match) { at_every_length(check_other_kernels); }
END_TEST

/* The weighted RMS norm is the one kernel computed differently (partial
   sums, nvector_fast.c): against a long double sum of the same products,
   within the rounding bound of 4 interleaved sums of n/4 terms plus their
   pairwise sum, for lengths 1 to 41 (every remainder of 4); SUNDIALS'
   sequential sum is held to the bound of its n terms. */
START_TEST(wrms_norm_is_within_rounding_of_a_long_double_sum) {
  for (int n = 1; n <= 41; n++) {
    N_Vector x = muskx__nvector_new(n, ctx), w = N_VClone(x);
    N_Vector xs = N_VNew_Serial(n, ctx), ws = N_VNew_Serial(n, ctx);
    ck_assert(x != NULL && w != NULL && xs != NULL && ws != NULL);
    srand((unsigned)n);
    long double ref = 0.0L;
    for (int i = 0; i < n; i++) {
      double a = (rand() / (double)RAND_MAX - 0.4) * 1e3 / (1 + rand() % 997);
      double b = (rand() / (double)RAND_MAX + 0.01) / (1 + rand() % 89);
      NV_Ith_S(x, i) = NV_Ith_S(xs, i) = a;
      NV_Ith_S(w, i) = NV_Ith_S(ws, i) = b;
      long double p = (long double)a * (long double)b;
      ref += p * p;
    }
    ref = sqrtl(ref / n);
    double got = N_VWrmsNorm(x, w), stock = N_VWrmsNorm(xs, ws);
    /* relative error of the sum: 2 eps per product squared, 1 per
       addition on the longest chain; halved by the square root, doubled
       here for slack */
    double eps = DBL_EPSILON / 2;
    long double tol_fast = (n / 4 + 1 + 2 + 2) * eps * ref;
    long double tol_stock = (n + 2) * eps * ref;
    ck_assert_msg(fabsl(got - ref) <= tol_fast, "n %d: %.17g vs %.17Lg", n,
                  got, ref);
    ck_assert_msg(fabsl(stock - ref) <= tol_stock, "n %d: stock %.17g vs "
                  "%.17Lg", n, stock, ref);
    N_VDestroy(x);
    N_VDestroy(w);
    N_VDestroy(xs);
    N_VDestroy(ws);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("nvector");
  TCase *tc = tcase_create("kernels");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, linear_sum_matches_every_special_case);
  tcase_add_test(tc, the_other_kernels_match);
  tcase_add_test(tc, wrms_norm_is_within_rounding_of_a_long_double_sum);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
