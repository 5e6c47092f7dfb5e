/*
 * test_fit_restart.c -- restarts within a start (fit_restart.c) and the
 * hybrid's Gauss-Newton gain stop (fit_gngain.c), against closed forms:
 * a double well whose local and global minima are known, and a linear
 * least-squares problem whose Gauss-Newton model is exact.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

/* ------------------------------------------------ the double well */

/* r = (x^2 - 1, C (x - 1)): cost 1/2 [(x^2 - 1)^2 + C^2 (x - 1)^2], the
   global minimum 0 at x = 1, a local one near x = -1 (cost about 2 C^2). */
#define C 0.3

static int well_res(void *ctx, int w, const double *x, double *r, double *J) {
  (void)ctx;
  (void)w;
  r[0] = x[0] * x[0] - 1;
  r[1] = C * (x[0] - 1);
  if (J != NULL) {
    J[0] = 2 * x[0];
    J[1] = C;
  }
  return 0;
}

static double well_cost(double x) {
  return 0.5 * ((x * x - 1) * (x * x - 1) + C * C * (x - 1) * (x - 1));
}

/* The local minimum: Newton on the cost's derivative from -1. */
static double well_local_min(void) {
  double x = -1;
  for (int i = 0; i < 50; i++) {
    double d1 = 2 * x * (x * x - 1) + C * C * (x - 1);
    double d2 = 6 * x * x - 2 + C * C;
    x -= d1 / d2;
  }
  return x;
}

static muskx_fit *well_fit(const double *starts, size_t rows, int restarts,
                           int threads) {
  double lo = -2, hi = 2;
  muskx_fit *f = NULL;
  ck_assert_int_eq(muskx_fit_create(1, &f), MUSKX_OK);
  TU_FIT_OK(f, muskx_fit_set_bounds(f, &lo, &hi));
  TU_FIT_OK(f, muskx_fit_set_residuals(f, 2, 0, well_res, NULL));
  TU_FIT_OK(f, muskx_fit_set_starts(f, starts, rows));
  TU_FIT_OK(f, muskx_fit_set_seed(f, 7));
  TU_FIT_OK(f, muskx_fit_set_threads(f, threads));
  TU_FIT_OK(f, muskx_fit_set_restarts(f, restarts, 1.0));
  TU_FIT_OK(f, muskx_fit_run(f, rows));
  return f;
}

START_TEST(without_restarts_a_start_stays_in_its_local_minimum) {
  double x0 = -1.5, x, xl = well_local_min();
  ck_assert(xl < -0.9 && xl > -1.1);
  muskx_fit *f = well_fit(&x0, 1, 0, 1);
  muskx_fit_result(f, 0, NULL, &x);
  ck_assert_double_eq_tol(x, xl, 1e-6);
  ck_assert_double_eq_tol(muskx_fit_nllh(f, 0), well_cost(xl), 1e-10);
  ck_assert(muskx_fit_nllh(f, 0) > 0.1);
  muskx_fit_free(f);
}
END_TEST

START_TEST(restarts_carry_a_start_from_the_local_to_the_global_minimum) {
  double x0 = -1.5, x, x1;
  muskx_fit *f0 = well_fit(&x0, 1, 0, 1);
  muskx_fit *f = well_fit(&x0, 1, 20, 1);
  muskx_fit_result(f, 0, &x1, &x);
  ck_assert_double_eq(x1, x0); /* the start reported is the start */
  ck_assert_double_eq_tol(x, 1.0, 1e-6);
  ck_assert(muskx_fit_nllh(f, 0) < 1e-12);
  /* the restarts' iterations count in the start's */
  ck_assert_int_gt(muskx_fit_iterations(f, 0), muskx_fit_iterations(f0, 0));
  muskx_fit_free(f0);
  muskx_fit_free(f);
}
END_TEST

START_TEST(restarts_never_worsen_a_start_and_ignore_the_thread_count) {
  double starts[6] = {-1.5, -1.2, -1.9, -0.7, 0.5, 1.7};
  muskx_fit *f0 = well_fit(starts, 6, 0, 1);
  muskx_fit *f1 = well_fit(starts, 6, 3, 1);
  muskx_fit *f2 = well_fit(starts, 6, 3, 2);
  for (size_t k = 0; k < 6; k++) {
    double a, b;
    ck_assert(muskx_fit_nllh(f1, k) <= muskx_fit_nllh(f0, k));
    muskx_fit_result(f1, k, NULL, &a);
    muskx_fit_result(f2, k, NULL, &b);
    ck_assert(memcmp(&a, &b, sizeof a) == 0);
    ck_assert(muskx_fit_nllh(f1, k) == muskx_fit_nllh(f2, k));
    ck_assert_int_eq(muskx_fit_iterations(f1, k),
                     muskx_fit_iterations(f2, k));
  }
  muskx_fit_free(f0);
  muskx_fit_free(f1);
  muskx_fit_free(f2);
}
END_TEST

/* A restart round skips the starts already within 0.1 of the best nllh
   but for the best start itself: of three starts in the global well (cost
   0) and one in the local well (cost about 2 C^2 = 0.18), exactly the
   best of the three and the local one restart, so exactly they cost more
   evaluations than without restarts; the others keep their result. */
START_TEST(a_restart_round_skips_the_copies_of_the_best_start) {
  double starts[4] = {0.5, 1.7, 0.8, -1.5};
  for (int threads = 1; threads <= 2; threads++) {
    muskx_fit *f0 = well_fit(starts, 4, 0, threads);
    muskx_fit *f1 = well_fit(starts, 4, 1, threads);
    size_t best = muskx_fit_best(f0);
    ck_assert(best < 3);
    ck_assert(muskx_fit_nllh(f0, 3) > 0.1);
    for (size_t k = 0; k < 4; k++) {
      int restarted = k == best || k == 3;
      int e0 = muskx_fit_evaluations(f0, k), e1 = muskx_fit_evaluations(f1, k);
      if (restarted) ck_assert_int_gt(e1, e0);
      else ck_assert_int_eq(e1, e0);
      if (restarted) ck_assert(muskx_fit_nllh(f1, k) <= muskx_fit_nllh(f0, k));
      else ck_assert(muskx_fit_nllh(f1, k) == muskx_fit_nllh(f0, k));
    }
    muskx_fit_free(f0);
    muskx_fit_free(f1);
  }
}
END_TEST

START_TEST(bad_restart_settings_are_refused) {
  muskx_fit *f = NULL;
  ck_assert_int_eq(muskx_fit_create(1, &f), MUSKX_OK);
  ck_assert_int_eq(muskx_fit_set_restarts(f, -1, 0.3), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_fit_set_restarts(f, 1001, 0.3), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_fit_set_restarts(f, 1, 0), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_fit_set_restarts(f, 1, 1.5), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_fit_set_restarts(f, 1, NAN), MUSKX_EINVAL);
  ck_assert(strstr(muskx_fit_errmsg(f), "radius") != NULL);
  ck_assert_int_eq(muskx_fit_set_gain_tolerance(f, -1), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_fit_set_gain_tolerance(f, INFINITY), MUSKX_EINVAL);
  ck_assert_str_eq(muskx_fit_exit_name(MUSKX_FIT_GNGAIN), "gngain");
  muskx_fit_free(f);
}
END_TEST

/* ------------------------------------------------ the gain stop */

/* y = a + b t at 6 points: a linear model, whose Gauss-Newton model is
   exact, so the gain it promises from x is cost(x) - cost(optimum). */
static const double lt[6] = {0, 1, 2, 3, 4, 5};
static const double ly[6] = {1.1, 1.9, 3.2, 3.8, 5.1, 6.0};

static int lin_res(void *ctx, int w, const double *p, double *r, double *J) {
  (void)ctx;
  (void)w;
  for (int i = 0; i < 6; i++) {
    r[i] = p[0] + p[1] * lt[i] - ly[i];
    if (J != NULL) {
      J[2 * i] = 1;
      J[2 * i + 1] = lt[i];
    }
  }
  return 0;
}

static double lin_cost(const double *p) {
  double r[6], s = 0;
  lin_res(NULL, 0, p, r, NULL);
  for (int i = 0; i < 6; i++) s += r[i] * r[i];
  return 0.5 * s;
}

/* The normal equations' solution. */
static void lin_optimum(double *p) {
  double s0 = 6, s1 = 0, s2 = 0, sy = 0, sty = 0;
  for (int i = 0; i < 6; i++) {
    s1 += lt[i];
    s2 += lt[i] * lt[i];
    sy += ly[i];
    sty += lt[i] * ly[i];
  }
  double det = s0 * s2 - s1 * s1;
  p[0] = (s2 * sy - s1 * sty) / det;
  p[1] = (s0 * sty - s1 * sy) / det;
}

/* Start 0 lies off the optimum by a gain g0; start 1 is closer (the best,
   which is polished). With a gain tolerance just above g0 start 0 stops
   where it is; just below, it goes on to the optimum. */
START_TEST(the_gain_stop_is_the_exact_gauss_newton_gain) {
  double opt[2], lo[2] = {-10, -10}, hi[2] = {10, 10};
  lin_optimum(opt);
  double starts[4] = {opt[0] + 0.3, opt[1] - 0.05, opt[0] + 0.01, opt[1]};
  double g0 = lin_cost(starts) - lin_cost(opt);
  ck_assert(g0 > 1e-3);
  for (int above = 0; above < 2; above++) {
    muskx_fit *f = NULL;
    ck_assert_int_eq(muskx_fit_create(2, &f), MUSKX_OK);
    TU_FIT_OK(f, muskx_fit_set_bounds(f, lo, hi));
    TU_FIT_OK(f, muskx_fit_set_residuals(f, 6, 0, lin_res, NULL));
    TU_FIT_OK(f, muskx_fit_set_starts(f, starts, 2));
    TU_FIT_OK(f, muskx_fit_set_restarts(f, 0, 0.3));
    TU_FIT_OK(f, muskx_fit_set_gain_tolerance(f, g0 * (above ? 1.001 : 0.999)));
    TU_FIT_OK(f, muskx_fit_run(f, 2));
    double p[2];
    muskx_fit_result(f, 0, NULL, p);
    if (above) {
      ck_assert_int_eq(muskx_fit_exit_reason(f, 0), MUSKX_FIT_GNGAIN);
      ck_assert_int_eq(muskx_fit_iterations(f, 0), 0);
      ck_assert_double_eq_tol(muskx_fit_nllh(f, 0), lin_cost(starts), 1e-12);
    } else {
      ck_assert_double_eq_tol(p[0], opt[0], 1e-8);
      ck_assert_double_eq_tol(p[1], opt[1], 1e-8);
    }
    /* the best start is polished without the stop: the exact optimum */
    if (above) ck_assert_int_eq((int)muskx_fit_best(f), 1);
    size_t b = muskx_fit_best(f);
    muskx_fit_result(f, b, NULL, p);
    ck_assert_double_eq_tol(p[0], opt[0], 1e-8);
    ck_assert_double_eq_tol(p[1], opt[1], 1e-8);
    ck_assert_double_eq_tol(muskx_fit_nllh(f, b), lin_cost(opt), 1e-12);
    muskx_fit_free(f);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("fit_restart");
  TCase *tc = tcase_create("restarts");
  tcase_add_test(tc, without_restarts_a_start_stays_in_its_local_minimum);
  tcase_add_test(tc, restarts_carry_a_start_from_the_local_to_the_global_minimum);
  tcase_add_test(tc, restarts_never_worsen_a_start_and_ignore_the_thread_count);
  tcase_add_test(tc, a_restart_round_skips_the_copies_of_the_best_start);
  tcase_add_test(tc, bad_restart_settings_are_refused);
  suite_add_tcase(s, tc);
  tc = tcase_create("gain");
  tcase_add_test(tc, the_gain_stop_is_the_exact_gauss_newton_gain);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
