/*
 * test_fit_accuracy.c -- muskx_fit_set_accuracy(): the starts search at a
 * cheaper accuracy, their results are reported and the best polished at
 * the full one. Against closed forms: a linear least-squares problem
 * whose "cheap" residuals are off by a fixed vector d, so the search's
 * optimum x_d and the full optimum x* are both known exactly.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "muskx.h"
#include "fit_linear3.h"
#include "testutil.h"

#define WORKERS 4

typedef struct {
  int full[WORKERS];         /* each worker's current accuracy */
  int calls[WORKERS][2];     /* residual calls at each accuracy */
  int switches[WORKERS][2];  /* callback calls with full = 0, 1 */
  int fail_full_near_xd;     /* full accuracy fails near x_d */
  double xd[2];
} state;

static void lin_r(const double *x, int cheap, double *r) {
  for (int i = 0; i < 3; i++)
    r[i] = A[i][0] * x[0] + A[i][1] * x[1] - B[i] + (cheap ? D[i] : 0);
}

static int res_fn(void *ctx, int w, const double *x, double *r, double *J) {
  state *s = ctx;
  int full = s->full[w];
  s->calls[w][full]++;
  if (full && s->fail_full_near_xd &&
      hypot(x[0] - s->xd[0], x[1] - s->xd[1]) < 1e-3)
    return -1;
  lin_r(x, !full, r);
  if (J != NULL)
    for (int i = 0; i < 3; i++) {
      J[2 * i] = A[i][0];
      J[2 * i + 1] = A[i][1];
    }
  return 0;
}

static void acc_fn(void *ctx, int w, int full) {
  state *s = ctx;
  ck_assert(w >= 0 && w < WORKERS);
  ck_assert(full == 0 || full == 1);
  s->full[w] = full;
  s->switches[w][full]++;
}

static double cost(const double *x, int cheap) {
  double r[3], v = 0;
  lin_r(x, cheap, r);
  for (int i = 0; i < 3; i++) v += 0.5 * r[i] * r[i];
  return v;
}

static muskx_status run(state *s, int threads, size_t starts, muskx_fit **out) {
  double lo[2] = {-10, -10}, hi[2] = {10, 10};
  muskx_fit *f = NULL;
  ck_assert_int_eq(muskx_fit_create(2, &f), MUSKX_OK);
  for (int w = 0; w < WORKERS; w++) s->full[w] = 1; /* the caller's state */
  TU_FIT_OK(f, muskx_fit_set_bounds(f, lo, hi));
  TU_FIT_OK(f, muskx_fit_set_residuals(f, 3, 0, res_fn, s));
  TU_FIT_OK(f, muskx_fit_set_seed(f, 3));
  TU_FIT_OK(f, muskx_fit_set_threads(f, threads));
  TU_FIT_OK(f, muskx_fit_set_restarts(f, 0, 0.3));
  TU_FIT_OK(f, muskx_fit_set_gain_tolerance(f, 0)); /* polish regardless */
  TU_FIT_OK(f, muskx_fit_set_accuracy(f, acc_fn, s));
  *out = f;
  return muskx_fit_run(f, starts);
}

START_TEST(starts_search_cheaply_and_report_at_full_accuracy) {
  double xs[2], xd[2];
  lin3_optima(xs, xd);
  /* the two optima differ: a fit that skipped either step would fail */
  ck_assert(hypot(xs[0] - xd[0], xs[1] - xd[1]) > 0.05);
  ck_assert(fabs(cost(xd, 0) - cost(xd, 1)) > 1e-3);
  for (int threads = 1; threads <= 2; threads++) {
    state s;
    memset(&s, 0, sizeof s);
    muskx_fit *f = NULL;
    TU_FIT_OK(f, run(&s, threads, 6, &f));
    size_t b = muskx_fit_best(f);
    int searched = 0, reported = 0;
    for (size_t k = 0; k < 6; k++) {
      double x[2];
      muskx_fit_result(f, k, NULL, x);
      if (k == b) {
        /* polished at the full accuracy: the full optimum */
        ck_assert_double_eq_tol(x[0], xs[0], 1e-7);
        ck_assert_double_eq_tol(x[1], xs[1], 1e-7);
        ck_assert_double_eq_tol(muskx_fit_nllh(f, k), cost(xs, 0), 1e-12);
        continue;
      }
      /* the search's optimum, its nllh at the full accuracy */
      ck_assert_double_eq_tol(x[0], xd[0], 1e-7);
      ck_assert_double_eq_tol(x[1], xd[1], 1e-7);
      ck_assert_double_eq_tol(muskx_fit_nllh(f, k), cost(x, 0), 1e-12);
      ck_assert(muskx_fit_nllh(f, k) > cost(xs, 0));
    }
    for (int w = 0; w < WORKERS; w++) {
      searched += s.switches[w][0];
      reported += s.switches[w][1];
      ck_assert_int_eq(s.full[w], 1); /* every worker left at full */
      ck_assert(s.calls[w][0] > 0 || s.switches[w][0] == 0);
    }
    ck_assert_int_eq(searched, 6); /* once per start */
    ck_assert_int_eq(reported, 7); /* once per start, once to polish */
    muskx_fit_free(f);
  }
}
END_TEST

START_TEST(the_thread_count_does_not_change_the_results) {
  state s1, s2;
  memset(&s1, 0, sizeof s1);
  memset(&s2, 0, sizeof s2);
  muskx_fit *f1 = NULL, *f2 = NULL;
  TU_FIT_OK(f1, run(&s1, 1, 5, &f1));
  TU_FIT_OK(f2, run(&s2, 2, 5, &f2));
  for (size_t k = 0; k < 5; k++) {
    double x1[2], x2[2];
    muskx_fit_result(f1, k, NULL, x1);
    muskx_fit_result(f2, k, NULL, x2);
    ck_assert(memcmp(x1, x2, sizeof x1) == 0);
    ck_assert_double_eq(muskx_fit_nllh(f1, k), muskx_fit_nllh(f2, k));
  }
  muskx_fit_free(f1);
  muskx_fit_free(f2);
}
END_TEST

START_TEST(an_end_point_failing_at_full_accuracy_is_a_failed_start) {
  state s;
  double xs[2];
  memset(&s, 0, sizeof s);
  lin3_optima(xs, s.xd);
  s.fail_full_near_xd = 1;
  muskx_fit *f = NULL;
  ck_assert_int_eq(run(&s, 1, 3, &f), MUSKX_ENOTCONV);
  for (size_t k = 0; k < 3; k++) ck_assert(isnan(muskx_fit_nllh(f, k)));
  ck_assert(strstr(muskx_fit_errmsg(f), "all 3 starts failed") != NULL);
  muskx_fit_free(f);
}
END_TEST

START_TEST(without_a_callback_one_accuracy_throughout) {
  ck_assert_int_eq(muskx_fit_set_accuracy(NULL, acc_fn, NULL), MUSKX_EINVAL);
  state s;
  double xs[2], xd[2];
  memset(&s, 0, sizeof s);
  lin3_optima(xs, xd);
  muskx_fit *f = NULL;
  ck_assert_int_eq(muskx_fit_create(2, &f), MUSKX_OK);
  double lo[2] = {-10, -10}, hi[2] = {10, 10};
  TU_FIT_OK(f, muskx_fit_set_bounds(f, lo, hi));
  TU_FIT_OK(f, muskx_fit_set_residuals(f, 3, 0, res_fn, &s));
  TU_FIT_OK(f, muskx_fit_set_accuracy(f, acc_fn, &s));
  TU_FIT_OK(f, muskx_fit_set_accuracy(f, NULL, NULL)); /* removed again */
  for (int w = 0; w < WORKERS; w++) s.full[w] = 1;
  TU_FIT_OK(f, muskx_fit_run(f, 3));
  for (size_t k = 0; k < 3; k++) {
    double x[2];
    muskx_fit_result(f, k, NULL, x);
    ck_assert_double_eq_tol(x[0], xs[0], 1e-7);
    ck_assert_double_eq_tol(x[1], xs[1], 1e-7);
  }
  for (int w = 0; w < WORKERS; w++) {
    ck_assert_int_eq(s.calls[w][0], 0);
    ck_assert_int_eq(s.switches[w][0] + s.switches[w][1], 0);
  }
  muskx_fit_free(f);
}
END_TEST

int main(void) {
  Suite *s = suite_create("fit_accuracy");
  TCase *tc = tcase_create("accuracy");
  tcase_add_test(tc, starts_search_cheaply_and_report_at_full_accuracy);
  tcase_add_test(tc, the_thread_count_does_not_change_the_results);
  tcase_add_test(tc, an_end_point_failing_at_full_accuracy_is_a_failed_start);
  tcase_add_test(tc, without_a_callback_one_accuracy_throughout);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int nf = srunner_ntests_failed(sr);
  srunner_free(sr);
  return nf == 0 ? 0 : 1;
}
