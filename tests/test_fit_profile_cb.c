/*
 * test_fit_profile_cb.c -- the profile callback (issue 17: a long profile
 * keeps its points as it goes; muskx_fit_set_profile_callback) and how
 * each side of a profile ended (muskx_fit_profile_side_end), on problems
 * whose profile is known in closed form:
 *  - a weighted linear regression y = b0 + b1 t (sigma known): the
 *    profile of b_j is exactly nllh_min + z^2 / 2, z = (v - beta_j) /
 *    se_j, with beta and se from the normal equations (by hand below,
 *    not from the library);
 *  - a parameter that does not enter the residuals (flat profile: it
 *    walks to both bounds).
 * The callback must see exactly the points muskx_fit_profile_points()
 * returns afterwards (bit for bit), with the analytic nllh: each once,
 * except that a bracket end is passed when confirmed, and again if the
 * closing re-check lowers it (the later call counts; on these linear
 * profiles check_same_points() finds each value once);
 * one that returns nonzero stops the run after that point with
 * MUSKX_ESTOPPED, and the points so far stay readable.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

/* chi2_1 quantile at 0.95 / 2: the profile threshold (A & S 26.4) */
#define THR_95 1.920729410347062
#define Z_975 1.959963984540054

#define NLIN 12
static const double lin_t[NLIN] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
static const double lin_e[NLIN] = {0.3,  -0.5, 0.1, 0.8,  -0.2, -0.9,
                                   0.4,  0.6,  -0.3, -0.1, 0.7, -0.6};
static const double lin_sigma = 0.5;
#define OFFSET 2.5 /* nllh = OFFSET + |r|^2 / 2 */

static double lin_y(int i) { return 1.5 + 0.25 * lin_t[i] + lin_e[i]; }

static int lin_res(void *ctx, int w, const double *b, double *r, double *J) {
  (void)ctx;
  (void)w;
  for (int i = 0; i < NLIN; i++) {
    r[i] = (lin_y(i) - b[0] - b[1] * lin_t[i]) / lin_sigma;
    if (J != NULL) {
      J[2 * i] = -1 / lin_sigma;
      J[2 * i + 1] = -lin_t[i] / lin_sigma;
    }
  }
  return 0;
}

/* The normal equations' solution, standard errors and minimum nllh. */
static void lin_closed_form(double beta[2], double se[2], double *nmin) {
  double s0 = 0, s1 = 0, s2 = 0, sy = 0, sty = 0;
  for (int i = 0; i < NLIN; i++) {
    s0 += 1;
    s1 += lin_t[i];
    s2 += lin_t[i] * lin_t[i];
    sy += lin_y(i);
    sty += lin_t[i] * lin_y(i);
  }
  double det = s0 * s2 - s1 * s1;
  beta[0] = (s2 * sy - s1 * sty) / det;
  beta[1] = (s0 * sty - s1 * sy) / det;
  se[0] = lin_sigma * sqrt(s2 / det);
  se[1] = lin_sigma * sqrt(s0 / det);
  double ss = 0;
  for (int i = 0; i < NLIN; i++) {
    double e = (lin_y(i) - beta[0] - beta[1] * lin_t[i]) / lin_sigma;
    ss += e * e;
  }
  *nmin = OFFSET + ss / 2;
}

/* What the callback saw. */
#define MAXSEEN 512
typedef struct seen {
  int n;                 /* calls */
  int stop_at;           /* return nonzero on this call (1-based; 0: never) */
  int busy, overlapped;  /* a call while another was running */
  int param[MAXSEEN], side[MAXSEEN];
  double value[MAXSEEN], nllh[MAXSEEN];
} seen;

static int record(void *ctx, int j, int side, double v, double y) {
  seen *s = ctx;
  if (s->busy++) s->overlapped = 1;
  int k = s->n++;
  if (k < MAXSEEN) {
    s->param[k] = j;
    s->side[k] = side;
    s->value[k] = v;
    s->nllh[k] = y;
  }
  s->busy--;
  return s->stop_at > 0 && s->n == s->stop_at;
}

static int by_pair(const void *pa, const void *pb) {
  const double *a = pa, *b = pb;
  if (a[0] != b[0]) return (a[0] > b[0]) - (a[0] < b[0]);
  return (a[1] > b[1]) - (a[1] < b[1]);
}

/* The (value, nllh) pairs the callback saw for parameter j equal the
   points muskx_fit_profile_points() returns, bit for bit; returns their
   number. */
static size_t check_same_points(const muskx_fit *f, const seen *s, int j) {
  size_t np = muskx_fit_profile_npoints(f, j), m = 0;
  double *got = calloc(2 * np + 2, sizeof *got);
  double *mine = calloc(2 * (size_t)s->n + 2, sizeof *mine);
  double *v = calloc(np + 1, sizeof *v), *y = calloc(np + 1, sizeof *y);
  ck_assert(got != NULL && mine != NULL && v != NULL && y != NULL);
  if (np > 0) ck_assert_int_eq(muskx_fit_profile_points(f, j, v, y, np), MUSKX_OK);
  for (size_t i = 0; i < np; i++) {
    got[2 * i] = v[i];
    got[2 * i + 1] = y[i];
  }
  for (int k = 0; k < s->n; k++)
    if (s->param[k] == j) {
      mine[2 * m] = s->value[k];
      mine[2 * m + 1] = s->nllh[k];
      m++;
    }
  ck_assert_uint_eq(m, np);
  qsort(got, np, 2 * sizeof *got, by_pair);
  qsort(mine, m, 2 * sizeof *mine, by_pair);
  for (size_t i = 0; i < np; i++) {
    ck_assert(got[2 * i] == mine[2 * i]);
    ck_assert(got[2 * i + 1] == mine[2 * i + 1] ||
              (isnan(got[2 * i + 1]) && isnan(mine[2 * i + 1])));
  }
  free(got);
  free(mine);
  free(v);
  free(y);
  return np;
}

static muskx_fit *lin_fit(int threads) {
  double lo[2] = {-10, -10}, hi[2] = {10, 10};
  muskx_fit *f = NULL;
  ck_assert_int_eq(muskx_fit_create(2, &f), MUSKX_OK);
  TU_FIT_OK(f, muskx_fit_set_bounds(f, lo, hi));
  TU_FIT_OK(f, muskx_fit_set_residuals(f, NLIN, OFFSET, lin_res, NULL));
  TU_FIT_OK(f, muskx_fit_set_threads(f, threads));
  TU_FIT_OK(f, muskx_fit_run(f, 3));
  return f;
}

START_TEST(the_callback_sees_every_point_with_the_analytic_nllh) {
  double beta[2], se[2], nmin;
  lin_closed_form(beta, se, &nmin);
  for (int threads = 1; threads <= 2; threads++) {
    muskx_fit *f = lin_fit(threads);
    seen *s = calloc(1, sizeof *s);
    ck_assert(s != NULL);
    TU_FIT_OK(f, muskx_fit_set_profile_callback(f, record, s));
    TU_FIT_OK(f, muskx_fit_profile(f, 0.95, 30));
    ck_assert_int_eq(s->overlapped, 0);
    ck_assert_int_le(s->n, MAXSEEN);
    /* the optima first, in index order, with the best start's values */
    ck_assert_int_eq(s->param[0], 0);
    ck_assert_int_eq(s->param[1], 1);
    for (int k = 0; k < s->n; k++) ck_assert_int_eq(s->side[k] == 0, k < 2);
    size_t total = 0;
    for (int j = 0; j < 2; j++) {
      ck_assert_double_eq_tol(s->value[j], beta[j], 1e-8 * se[j]);
      ck_assert_double_eq_tol(s->nllh[j], nmin, 1e-10);
      total += check_same_points(f, s, j);
      double l, u;
      ck_assert_int_eq(muskx_fit_profile_ci(f, j, &l, &u), 1);
      ck_assert_double_eq_tol(l, beta[j] - Z_975 * se[j], 1e-5 * se[j]);
      ck_assert_double_eq_tol(u, beta[j] + Z_975 * se[j], 1e-5 * se[j]);
      ck_assert_int_eq(muskx_fit_profile_side_end(f, j, -1),
                       MUSKX_FIT_SIDE_CROSSED);
      ck_assert_int_eq(muskx_fit_profile_side_end(f, j, 1),
                       MUSKX_FIT_SIDE_CROSSED);
    }
    ck_assert_uint_eq(total, (size_t)s->n); /* and no other point */
    for (int k = 0; k < s->n; k++) {
      int j = s->param[k];
      double z = (s->value[k] - beta[j]) / se[j];
      /* the side's points lie on its side of the optimum */
      if (s->side[k] != 0) ck_assert(s->side[k] * z > 0);
      /* the analytic profile (not the library's own best nllh) */
      ck_assert_double_eq_tol(s->nllh[k], nmin + z * z / 2, 1e-7 * (1 + z * z));
    }
    free(s);
    muskx_fit_free(f);
  }
}
END_TEST

/* A selected parameter alone: the other one is never passed. */
START_TEST(only_the_profiled_parameters_are_passed) {
  muskx_fit *f = lin_fit(1);
  seen *s = calloc(1, sizeof *s);
  ck_assert(s != NULL);
  int one = 1;
  TU_FIT_OK(f, muskx_fit_set_profile_params(f, &one, 1));
  TU_FIT_OK(f, muskx_fit_set_profile_callback(f, record, s));
  TU_FIT_OK(f, muskx_fit_profile(f, 0.95, 30));
  ck_assert_int_gt(s->n, 3);
  for (int k = 0; k < s->n; k++) ck_assert_int_eq(s->param[k], 1);
  ck_assert_uint_eq(check_same_points(f, s, 1), (size_t)s->n);
  ck_assert_int_eq(muskx_fit_profile_side_end(f, 0, -1), -1);
  /* removing the callback: the same profile, nothing passed */
  int before = s->n;
  TU_FIT_OK(f, muskx_fit_set_profile_callback(f, NULL, s));
  TU_FIT_OK(f, muskx_fit_profile(f, 0.95, 30));
  ck_assert_int_eq(s->n, before);
  ck_assert_uint_eq(muskx_fit_profile_npoints(f, 1), (size_t)before);
  ck_assert_int_eq(muskx_fit_set_profile_callback(NULL, record, s), MUSKX_EINVAL);
  free(s);
  muskx_fit_free(f);
}
END_TEST

/* Stopping on call k: exactly k points kept and passed, status ESTOPPED,
   the unfinished sides marked, no interval from a stopped side; then a
   profile without the callback is whole again (no half state). */
START_TEST(a_callback_returning_nonzero_stops_after_that_point) {
  double beta[2], se[2], nmin;
  lin_closed_form(beta, se, &nmin);
  static const int stops[] = {1, 2, 3, 5, 8};
  for (int threads = 1; threads <= 2; threads++)
    for (size_t t = 0; t < sizeof stops / sizeof stops[0]; t++) {
      int k = stops[t];
      muskx_fit *f = lin_fit(threads);
      seen *s = calloc(1, sizeof *s);
      ck_assert(s != NULL);
      s->stop_at = k;
      TU_FIT_OK(f, muskx_fit_set_profile_callback(f, record, s));
      ck_assert_int_eq(muskx_fit_profile(f, 0.95, 30), MUSKX_ESTOPPED);
      ck_assert(strstr(muskx_fit_errmsg(f), "stopped") != NULL);
      ck_assert_int_eq(s->n, k); /* nothing after the nonzero return */
      size_t total = 0;
      int stopped_sides = 0;
      for (int j = 0; j < 2; j++) {
        total += check_same_points(f, s, j);
        double l = 0, u = 0;
        int both = muskx_fit_profile_ci(f, j, &l, &u);
        if (muskx_fit_profile_npoints(f, j) == 0) {
          ck_assert_int_eq(both, -1); /* the stop came before its optimum */
          continue;
        }
        for (int side = -1; side <= 1; side += 2) {
          int end = muskx_fit_profile_side_end(f, j, side);
          double x = side < 0 ? l : u;
          ck_assert(end == MUSKX_FIT_SIDE_CROSSED || end == MUSKX_FIT_SIDE_STOPPED);
          stopped_sides += end == MUSKX_FIT_SIDE_STOPPED;
          /* a stopped side gives no interval end, a crossed one the
             analytic end */
          if (end == MUSKX_FIT_SIDE_STOPPED) ck_assert(isnan(x));
          else ck_assert_double_eq_tol(x, beta[j] + side * Z_975 * se[j], 1e-5 * se[j]);
        }
        if (both == 1) ck_assert_int_eq(muskx_fit_profile_side_end(f, j, -1),
                                        MUSKX_FIT_SIDE_CROSSED);
      }
      ck_assert_uint_eq(total, (size_t)k);
      ck_assert_int_ge(stopped_sides, 1);
      /* the points kept are on the analytic profile */
      for (int i = 0; i < s->n; i++) {
        int j = s->param[i];
        double z = (s->value[i] - beta[j]) / se[j];
        ck_assert_double_eq_tol(s->nllh[i], nmin + z * z / 2, 1e-7 * (1 + z * z));
      }
      /* k = 1: parameter 0's optimum only */
      if (k == 1) {
        ck_assert_uint_eq(muskx_fit_profile_npoints(f, 0), 1);
        ck_assert_uint_eq(muskx_fit_profile_npoints(f, 1), 0);
      }
      TU_FIT_OK(f, muskx_fit_set_profile_callback(f, NULL, NULL));
      TU_FIT_OK(f, muskx_fit_profile(f, 0.95, 30));
      ck_assert_str_eq(muskx_fit_errmsg(f), "");
      for (int j = 0; j < 2; j++) {
        double l, u;
        ck_assert_int_eq(muskx_fit_profile_ci(f, j, &l, &u), 1);
        ck_assert_double_eq_tol(u, beta[j] + Z_975 * se[j], 1e-5 * se[j]);
      }
      free(s);
      muskx_fit_free(f);
    }
}
END_TEST

/* tu_half_unused fitted on theta[0] in [-1, 1], theta[1] in [0, 1]
   (two starts): theta[1]'s profile is flat to both bounds. */
static muskx_fit *fitted_half_unused(void) {
  double lo[2] = {-1, 0}, hi[2] = {1, 1};
  muskx_fit *f = NULL;
  ck_assert_int_eq(muskx_fit_create(2, &f), MUSKX_OK);
  TU_FIT_OK(f, muskx_fit_set_bounds(f, lo, hi));
  TU_FIT_OK(f, muskx_fit_set_residuals(f, 4, 0, tu_half_unused, NULL));
  TU_FIT_OK(f, muskx_fit_run(f, 2));
  return f;
}

/* How sides end: a flat profile at its bounds (not identifiable), a
   profile cut short by max_points (not finished), and the names. */
START_TEST(each_side_says_how_it_ended) {
  muskx_fit *f = fitted_half_unused();
  TU_FIT_OK(f, muskx_fit_profile(f, 0.95, 40));
  ck_assert_int_eq(muskx_fit_profile_side_end(f, 0, -1), MUSKX_FIT_SIDE_CROSSED);
  ck_assert_int_eq(muskx_fit_profile_side_end(f, 0, 1), MUSKX_FIT_SIDE_CROSSED);
  ck_assert_int_eq(muskx_fit_profile_side_end(f, 1, -1), MUSKX_FIT_SIDE_BOUND);
  ck_assert_int_eq(muskx_fit_profile_side_end(f, 1, 1), MUSKX_FIT_SIDE_BOUND);
  ck_assert_int_eq(muskx_fit_profile_side_end(f, 1, 0), -1);
  ck_assert_int_eq(muskx_fit_profile_side_end(f, 2, 1), -1);
  /* one point a side: theta0's first step is half a standard error, a
     rise of 1/8, far below the threshold */
  TU_FIT_OK(f, muskx_fit_profile(f, 0.95, 1));
  double l, u;
  ck_assert_int_eq(muskx_fit_profile_ci(f, 0, &l, &u), 0);
  ck_assert(isnan(l) && isnan(u));
  ck_assert_uint_eq(muskx_fit_profile_npoints(f, 0), 3);
  ck_assert_int_eq(muskx_fit_profile_side_end(f, 0, -1), MUSKX_FIT_SIDE_MAXPOINTS);
  ck_assert_int_eq(muskx_fit_profile_side_end(f, 0, 1), MUSKX_FIT_SIDE_MAXPOINTS);
  muskx_fit_free(f);
  ck_assert_str_eq(muskx_fit_side_end_name(MUSKX_FIT_SIDE_CROSSED), "crossed");
  ck_assert_str_eq(muskx_fit_side_end_name(MUSKX_FIT_SIDE_BOUND), "bound");
  ck_assert_str_eq(muskx_fit_side_end_name(MUSKX_FIT_SIDE_MAXPOINTS), "max_points");
  ck_assert_str_eq(muskx_fit_side_end_name(MUSKX_FIT_SIDE_FAILED), "failed");
  ck_assert_str_eq(muskx_fit_side_end_name(MUSKX_FIT_SIDE_STOPPED), "stopped");
  ck_assert_str_eq(muskx_fit_side_end_name((muskx_fit_side_end)9), "?");
  ck_assert_str_eq(muskx_status_name(MUSKX_ESTOPPED), "ESTOPPED");
  ck_assert_int_eq(MUSKX_ESTOPPED, 13);
}
END_TEST

/* A side that reaches its bound on its last allowed point ended at the
   bound (review rev23a #2: it was reported max_points). The flat
   parameter theta[1] on [0, 1]: whether a side reached its bound is read
   off its points (one at 0 below, at 1 above), independently of the
   side's end code; both outcomes must occur over max_points 1..10. */
START_TEST(a_side_reaching_its_bound_on_its_last_point_ended_there) {
  muskx_fit *f = fitted_half_unused();
  int seen_bound = 0, seen_short = 0, last_point_bound = 0;
  for (int mp = 1; mp <= 10; mp++) {
    TU_FIT_OK(f, muskx_fit_profile(f, 0.95, mp));
    size_t np = muskx_fit_profile_npoints(f, 1);
    double v[32], y[32];
    ck_assert_uint_le(np, 32);
    TU_FIT_OK(f, muskx_fit_profile_points(f, 1, v, y, np));
    double th[2];
    TU_FIT_OK(f, muskx_fit_result(f, muskx_fit_best(f), NULL, th));
    double best = th[1];
    for (int side = -1; side <= 1; side += 2) {
      int at_bound = 0, on_side = 0;
      for (size_t i = 0; i < np; i++) {
        if (side < 0 ? v[i] < best : v[i] > best) on_side++;
        if (v[i] == (side < 0 ? 0.0 : 1.0)) at_bound = 1;
      }
      int end = muskx_fit_profile_side_end(f, 1, side);
      ck_assert_msg(end == (at_bound ? MUSKX_FIT_SIDE_BOUND
                                     : MUSKX_FIT_SIDE_MAXPOINTS),
                    "max_points %d side %d: end %d, %d points, at bound %d",
                    mp, side, end, on_side, at_bound);
      seen_bound |= at_bound;
      seen_short |= !at_bound;
      last_point_bound |= at_bound && on_side == mp;
    }
  }
  ck_assert(seen_bound && seen_short && last_point_bound);
  muskx_fit_free(f);
}
END_TEST

/* A callback that calls muskx_fit_profile() or muskx_fit_run() on its own
   fit gets ESTATE (it would free the run's lists under it), and the
   profiles go on to the end. */
typedef struct reenter {
  muskx_fit *f;
  int calls;
  muskx_status prof, run;
} reenter;

static int call_back_in(void *ctx, int j, int side, double v, double y) {
  reenter *r = ctx;
  (void)j;
  (void)side;
  (void)v;
  (void)y;
  if (r->calls++ == 1) {
    r->prof = muskx_fit_profile(r->f, 0.95, 5);
    r->run = muskx_fit_run(r->f, 1);
  }
  return 0;
}

START_TEST(a_callback_reentering_its_fit_gets_estate) {
  muskx_fit *f = lin_fit(1);
  reenter r = {f, 0, MUSKX_OK, MUSKX_OK};
  TU_FIT_OK(f, muskx_fit_set_profile_callback(f, call_back_in, &r));
  TU_FIT_OK(f, muskx_fit_profile(f, 0.95, 30));
  ck_assert_int_eq(r.prof, MUSKX_ESTATE);
  ck_assert_int_eq(r.run, MUSKX_ESTATE);
  double l, u;
  ck_assert_int_eq(muskx_fit_profile_ci(f, 0, &l, &u), 1);
  ck_assert_int_eq(muskx_fit_profile_ci(f, 1, &l, &u), 1);
  /* and after the run, both work again */
  TU_FIT_OK(f, muskx_fit_set_profile_callback(f, NULL, NULL));
  TU_FIT_OK(f, muskx_fit_profile(f, 0.95, 30));
  muskx_fit_free(f);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("fit_profile_cb");
  TCase *tc = tcase_create("callback");
  tcase_add_test(tc, the_callback_sees_every_point_with_the_analytic_nllh);
  tcase_add_test(tc, only_the_profiled_parameters_are_passed);
  tcase_add_test(tc, a_callback_returning_nonzero_stops_after_that_point);
  tcase_add_test(tc, each_side_says_how_it_ended);
  tcase_add_test(tc, a_side_reaching_its_bound_on_its_last_point_ended_there);
  tcase_add_test(tc, a_callback_reentering_its_fit_gets_estate);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tu_run_suite(suite()); }
