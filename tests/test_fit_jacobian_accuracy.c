/*
 * test_fit_jacobian_accuracy.c -- muskx_fit_set_jacobian_accuracy(): a
 * least-squares search takes its Jacobians at a third, looser accuracy
 * (MUSKX_FIT_ACCURACY_JACOBIAN) and steps with the residuals of its plain
 * calls. Against closed forms: a linear problem r = A x - b whose search
 * residuals are off by d (so the search's optimum x_d and the full one x*
 * are known), where the loose calls return residuals off by 100 and a
 * Jacobian either scaled by 1.05 (within the safeguard's 0.1: the same
 * stationary points, J'r = 0 iff A'r = 0, so the loose Jacobians stay on)
 * or with its columns swapped (wrong in direction: a search that kept it
 * would end where J'r = 0, not at x_d, so the safeguard must switch it
 * off). A search that used the loose residuals, or took its Jacobian
 * elsewhere, ends away from x_d.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "muskx.h"
#include "fit_linear3.h"
#include "testutil.h"

#define WORKERS 4

typedef struct {
  int mode[WORKERS];          /* each worker's current accuracy (0, 1, 2) */
  int calls[WORKERS][3][2];   /* calls per accuracy, without / with J */
  int switches[WORKERS][3];   /* callback calls per mode */
  int fail_loose;             /* every loose call fails */
  int swap_loose;             /* the loose Jacobian's columns swapped */
} state;

static int res_fn(void *ctx, int w, const double *x, double *r, double *J) {
  state *s = ctx;
  int mode = s->mode[w];
  s->calls[w][mode][J != NULL]++;
  if (s->fail_loose && mode == MUSKX_FIT_ACCURACY_JACOBIAN) return -1;
  for (int i = 0; i < 3; i++) {
    r[i] = A[i][0] * x[0] + A[i][1] * x[1] - B[i];
    if (mode == 0) r[i] += D[i];
    if (mode == MUSKX_FIT_ACCURACY_JACOBIAN) r[i] += 100; /* never used */
  }
  int loose = mode == MUSKX_FIT_ACCURACY_JACOBIAN;
  double scale = loose ? 1.05 : 1;
  int sw = loose && s->swap_loose;
  if (J != NULL)
    for (int i = 0; i < 3; i++) {
      J[2 * i] = scale * A[i][sw];
      J[2 * i + 1] = scale * A[i][!sw];
    }
  return 0;
}

static void acc_fn(void *ctx, int w, int mode) {
  state *s = ctx;
  ck_assert(w >= 0 && w < WORKERS);
  ck_assert(mode >= 0 && mode <= MUSKX_FIT_ACCURACY_JACOBIAN);
  /* the Jacobian's accuracy is asked for only during a search */
  if (mode == MUSKX_FIT_ACCURACY_JACOBIAN) ck_assert_int_eq(s->mode[w], 0);
  s->mode[w] = mode;
  s->switches[w][mode]++;
}

static double full_cost(const double *x) {
  double v = 0;
  for (int i = 0; i < 3; i++) {
    double r = A[i][0] * x[0] + A[i][1] * x[1] - B[i];
    v += 0.5 * r * r;
  }
  return v;
}

static muskx_status run(state *s, int threads, int loose, muskx_fit_method m,
                        size_t starts, muskx_fit **out) {
  double lo[2] = {-10, -10}, hi[2] = {10, 10};
  muskx_fit *f = NULL;
  ck_assert_int_eq(muskx_fit_create(2, &f), MUSKX_OK);
  for (int w = 0; w < WORKERS; w++) s->mode[w] = 1; /* the caller's state */
  TU_FIT_OK(f, muskx_fit_set_bounds(f, lo, hi));
  TU_FIT_OK(f, muskx_fit_set_residuals(f, 3, 0, res_fn, s));
  TU_FIT_OK(f, muskx_fit_set_seed(f, 5));
  TU_FIT_OK(f, muskx_fit_set_threads(f, threads));
  TU_FIT_OK(f, muskx_fit_set_method(f, m));
  TU_FIT_OK(f, muskx_fit_set_restarts(f, 1, 0.3));
  TU_FIT_OK(f, muskx_fit_set_gain_tolerance(f, 0));
  TU_FIT_OK(f, muskx_fit_set_accuracy(f, acc_fn, s));
  TU_FIT_OK(f, muskx_fit_set_jacobian_accuracy(f, loose));
  *out = f;
  return muskx_fit_run(f, starts);
}

/* The best start, polished with the full Jacobian, ends at x*; the others
   at the search's optimum x_d, reported at the full accuracy. */
static void check_results(const muskx_fit *f, size_t starts,
                          const double *xs, const double *xd) {
  size_t b = muskx_fit_best(f);
  for (size_t k = 0; k < starts; k++) {
    double x[2];
    muskx_fit_result(f, k, NULL, x);
    const double *want = k == b ? xs : xd;
    ck_assert_double_eq_tol(x[0], want[0], 1e-7);
    ck_assert_double_eq_tol(x[1], want[1], 1e-7);
    ck_assert_double_eq_tol(muskx_fit_nllh(f, k), full_cost(x), 1e-12);
  }
}

static void check_method(muskx_fit_method m) {
  double xs[2], xd[2];
  lin3_optima(xs, xd);
  ck_assert(hypot(xs[0] - xd[0], xs[1] - xd[1]) > 0.05);
  muskx_fit *f[2] = {NULL, NULL};
  state s[2];
  for (int threads = 1; threads <= 2; threads++) {
    state *st = &s[threads - 1];
    memset(st, 0, sizeof *st);
    TU_FIT_OK(f[threads - 1], run(st, threads, 1, m, 6, &f[threads - 1]));
    muskx_fit *g = f[threads - 1];
    check_results(g, 6, xs, xd);
    int loose_j = 0, checks = 0;
    for (int w = 0; w < WORKERS; w++) {
      ck_assert_int_eq(st->mode[w], 1); /* every worker left at full */
      /* the loose accuracy stays on: a search-accuracy Jacobian only
         beside a loose one (the safeguard's checks), no plain call */
      ck_assert_int_le(st->calls[w][0][1], st->calls[w][2][1]);
      ck_assert_int_eq(st->calls[w][2][0], 0);
      ck_assert_int_eq(st->calls[w][2][1], st->switches[w][2]);
      loose_j += st->calls[w][2][1];
      checks += st->calls[w][0][1];
    }
    ck_assert(checks >= 6); /* one at least at each local search's start */
    ck_assert(loose_j > checks); /* and steps with the loose one alone */
  }
  for (size_t k = 0; k < 6; k++) { /* whatever the thread count */
    double x1[2], x2[2];
    muskx_fit_result(f[0], k, NULL, x1);
    muskx_fit_result(f[1], k, NULL, x2);
    ck_assert(memcmp(x1, x2, sizeof x1) == 0);
    ck_assert_double_eq(muskx_fit_nllh(f[0], k), muskx_fit_nllh(f[1], k));
  }
  muskx_fit_free(f[0]);
  muskx_fit_free(f[1]);
}

START_TEST(hybrid_searches_with_loose_jacobians_and_plain_residuals) {
  check_method(MUSKX_FIT_HYBRID);
}
END_TEST

START_TEST(lm_dogbox_and_fides_do_too) {
  check_method(MUSKX_FIT_LM);
  check_method(MUSKX_FIT_DOGBOX);
  check_method(MUSKX_FIT_FIDES);
}
END_TEST

/* A loose call that fails is the looser accuracy's failure (the point
   simulated at the search's): the Jacobian is taken there instead, and
   the search goes on as without the loose accuracy. */
START_TEST(a_failing_loose_jacobian_is_taken_at_the_search_accuracy) {
  double xs[2], xd[2];
  lin3_optima(xs, xd);
  state s;
  memset(&s, 0, sizeof s);
  s.fail_loose = 1;
  muskx_fit *f = NULL;
  TU_FIT_OK(f, run(&s, 1, 1, MUSKX_FIT_HYBRID, 4, &f));
  check_results(f, 4, xs, xd);
  /* the safeguard's check at each local search's start fails, which
     switches the loose accuracy off for that search */
  ck_assert(s.calls[0][2][1] >= 4 && s.calls[0][2][1] <= 16);
  ck_assert(s.calls[0][0][1] > s.calls[0][2][1]);
  muskx_fit_free(f);
}
END_TEST

/* A loose Jacobian wrong in direction (columns swapped: its J'r = 0
   elsewhere) is found at each local search's start, which then takes
   its Jacobians at the search's accuracy and reaches x_d (and the best
   start, polished, x*), whatever the thread count. */
START_TEST(a_wrong_loose_jacobian_is_switched_off) {
  double xs[2], xd[2];
  lin3_optima(xs, xd);
  muskx_fit_method ms[] = {MUSKX_FIT_HYBRID, MUSKX_FIT_LM, MUSKX_FIT_DOGBOX,
                           MUSKX_FIT_FIDES};
  for (size_t mi = 0; mi < sizeof ms / sizeof *ms; mi++)
    for (int threads = 1; threads <= 2; threads++) {
      state s;
      memset(&s, 0, sizeof s);
      s.swap_loose = 1;
      muskx_fit *f = NULL;
      TU_FIT_OK(f, run(&s, threads, 1, ms[mi], 4, &f));
      check_results(f, 4, xs, xd);
      int loose_j = 0, accurate_j = 0;
      for (int w = 0; w < WORKERS; w++) {
        loose_j += s.calls[w][2][1];
        accurate_j += s.calls[w][0][1];
      }
      /* one loose call per local search: 4 starts, up to 4 restarts,
         each one or two searches (the hybrid's dogleg, then LM) */
      ck_assert(loose_j >= 4 && loose_j <= 16);
      ck_assert(accurate_j > loose_j);
      muskx_fit_free(f);
    }
}
END_TEST

START_TEST(off_by_default_and_checked) {
  ck_assert_int_eq(muskx_fit_set_jacobian_accuracy(NULL, 1), MUSKX_EINVAL);
  muskx_fit *f = NULL;
  ck_assert_int_eq(muskx_fit_create(2, &f), MUSKX_OK);
  ck_assert_int_eq(muskx_fit_set_jacobian_accuracy(f, 2), MUSKX_EINVAL);
  ck_assert(strstr(muskx_fit_errmsg(f), "0 (off) or 1 (on)") != NULL);
  muskx_fit_free(f);
  state s;
  memset(&s, 0, sizeof s);
  TU_FIT_OK(f, run(&s, 1, 0, MUSKX_FIT_HYBRID, 4, &f));
  for (int w = 0; w < WORKERS; w++) {
    ck_assert_int_eq(s.switches[w][2], 0);
    ck_assert(s.calls[w][0][1] > 0 || w > 0); /* Jacobians at the search's */
  }
  muskx_fit_free(f);
}
END_TEST

int main(void) {
  Suite *s = suite_create("fit_jacobian_accuracy");
  TCase *tc = tcase_create("jacobian_accuracy");
  tcase_add_test(tc, hybrid_searches_with_loose_jacobians_and_plain_residuals);
  tcase_add_test(tc, lm_dogbox_and_fides_do_too);
  tcase_add_test(tc, a_failing_loose_jacobian_is_taken_at_the_search_accuracy);
  tcase_add_test(tc, a_wrong_loose_jacobian_is_switched_off);
  tcase_add_test(tc, off_by_default_and_checked);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int nf = srunner_ntests_failed(sr);
  srunner_free(sr);
  return nf == 0 ? 0 : 1;
}
