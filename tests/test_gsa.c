/*
 * test_gsa.c -- Sobol indices (issue 19; lib/gsa.c) against analytic
 * values: the Ishigami function (Ishigami & Homma 1990; the indices as
 * derived in Saltelli et al. 2008, "Global Sensitivity Analysis. The
 * Primer", sect. 4.9: with a = 7, b = 0.1, X_i ~ U(-pi, pi),
 * V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2,
 * V2 = a^2/8, V13 = 8 b^2 pi^8 / 225), and a linear model simulated as an
 * ensemble, whose indices are c_i^2 Var(x_i) / sum_j c_j^2 Var(x_j).
 * Tolerances are several times the Monte Carlo error of the sizes used;
 * the design is deterministic (Sobol' sequence), so the tests are too.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

#define PI 3.14159265358979323846

static double ishigami(const double *x) {
  return sin(x[0]) + 7.0 * sin(x[1]) * sin(x[1]) +
         0.1 * pow(x[2], 4) * sin(x[0]);
}

START_TEST(ishigami_indices_match_the_analytic_ones) {
  const int k = 3;
  const size_t n = 1 << 14;
  muskx_distribution d[3] = {MUSKX_DIST_UNIFORM, MUSKX_DIST_UNIFORM,
                             MUSKX_DIST_UNIFORM};
  double lo[3] = {-PI, -PI, -PI}, hi[3] = {PI, PI, PI};
  double *x = malloc(n * (size_t)(k + 2) * (size_t)k * sizeof *x);
  double *y = malloc(n * (size_t)(k + 2) * sizeof *y);
  ck_assert_int_eq(muskx_sobol_design(k, d, lo, hi, n, 1, x), MUSKX_OK);
  for (size_t r = 0; r < n * (size_t)(k + 2); r++) {
    for (int i = 0; i < k; i++) {
      ck_assert(x[r * (size_t)k + (size_t)i] > -PI);
      ck_assert(x[r * (size_t)k + (size_t)i] < PI);
    }
    y[r] = ishigami(x + r * (size_t)k);
  }
  muskx_sobol s[3];
  ck_assert_int_eq(muskx_sobol_indices(y, n, k, 200, 7, 0.95, s), MUSKX_OK);
  double a = 7, b = 0.1, p4 = pow(PI, 4), p8 = pow(PI, 8);
  double V = a * a / 8 + b * p4 / 5 + b * b * p8 / 18 + 0.5;
  double V1 = 0.5 * (1 + b * p4 / 5) * (1 + b * p4 / 5), V2 = a * a / 8;
  double V13 = 8 * b * b * p8 / 225;
  double S[3] = {V1 / V, V2 / V, 0}, ST[3] = {(V1 + V13) / V, V2 / V, V13 / V};
  ck_assert_double_eq_tol(S[0], 0.3139, 1e-4); /* the Primer's values */
  ck_assert_double_eq_tol(ST[2], 0.2437, 1e-4);
  for (int i = 0; i < k; i++) {
    ck_assert_uint_eq(s[i].n, n);
    ck_assert_msg(fabs(s[i].first - S[i]) < 0.02, "S%d = %g, analytic %g",
                  i + 1, s[i].first, S[i]);
    ck_assert_msg(fabs(s[i].total - ST[i]) < 0.02, "ST%d = %g, analytic %g",
                  i + 1, s[i].total, ST[i]);
    /* the interval brackets its estimate, is narrow, and is near the truth */
    ck_assert(s[i].first_lo <= s[i].first && s[i].first <= s[i].first_hi);
    ck_assert(s[i].total_lo <= s[i].total && s[i].total <= s[i].total_hi);
    ck_assert(s[i].first_hi - s[i].first_lo < 0.1);
    ck_assert(s[i].total_hi - s[i].total_lo < 0.1);
    ck_assert(s[i].first_lo - 0.02 < S[i] && S[i] < s[i].first_hi + 0.02);
    ck_assert(s[i].total_lo - 0.02 < ST[i] && ST[i] < s[i].total_hi + 0.02);
  }
  /* a failed evaluation drops its whole base sample */
  y[5 * 3 + 2] = NAN;
  ck_assert_int_eq(muskx_sobol_indices(y, n, k, 0, 7, 0.95, s), MUSKX_OK);
  ck_assert_uint_eq(s[0].n, n - 1);
  ck_assert(isnan(s[0].first_lo));
  free(x);
  free(y);
}
END_TEST

START_TEST(bad_arguments_are_rejected) {
  muskx_distribution d = MUSKX_DIST_LOGNORMAL;
  double p1 = -1, p2 = 0.1, x[3], y[3] = {1, 2, 3};
  muskx_sobol s;
  ck_assert_int_eq(muskx_sobol_design(1, &d, &p1, &p2, 1, 1, x), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sobol_design(0, &d, &p1, &p2, 1, 1, x), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sobol_indices(y, 1, 1, 10, 1, 1.5, &s), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sobol_indices(NULL, 1, 1, 10, 1, 0.9, &s),
                   MUSKX_EINVAL);
  /* one base sample: no variance to apportion */
  ck_assert_int_eq(muskx_sobol_indices(y, 1, 1, 10, 1, 0.9, &s), MUSKX_OK);
  ck_assert(isnan(s.first) && isnan(s.total));
}
END_TEST

/* Runs the design of the linear model as an ensemble on nthreads; y
   receives X(1) per design row. */
static void linear_run(int nthreads, size_t n, double *y) {
  static const char *const names[4] = {"a", "b", "c", "d"};
  muskx_distribution d[4] = {MUSKX_DIST_NORMAL, MUSKX_DIST_UNIFORM,
                             MUSKX_DIST_LOGNORMAL, MUSKX_DIST_NORMAL};
  double p1[4] = {1, 0, 1, 3}, p2[4] = {0.5, 2, 0.5, 1};
  size_t rows = n * 6;
  double *x = malloc(rows * 4 * sizeof *x);
  ck_assert_int_eq(muskx_sobol_design(4, d, p1, p2, n, 1, x), MUSKX_OK);
  muskx_model *m = tu_load(TEST_MODEL("gsa_linear.yaml"));
  muskx_ensemble *e = NULL;
  ck_assert_int_eq(muskx_ensemble_create(m, &e), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_set_samples(e, x, rows, 4, names), MUSKX_OK);
  const char *col = "X";
  ck_assert_int_eq(muskx_ensemble_set_columns(e, &col, 1), MUSKX_OK);
  double t[2] = {0.0, 1.0}; /* the run starts at the first time */
  double *traj = malloc(2 * rows * sizeof *traj);
  ck_assert_int_eq(muskx_ensemble_run(e, 0, rows, 1, nthreads, t, 2, NULL,
                                      NULL),
                   MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_trajectories(e, traj, 2 * rows), MUSKX_OK);
  for (size_t r = 0; r < rows; r++) y[r] = traj[2 * r + 1];
  free(traj);
  /* the simulation is the linear function of the row */
  for (size_t r = 0; r < rows; r += 101) {
    const double *v = x + r * 4;
    ck_assert_double_eq_tol(y[r], v[0] + 2 * v[1] + 0.5 * v[2],
                            1e-5 * (1 + fabs(y[r])));
  }
  muskx_ensemble_free(e);
  muskx_model_free(m);
  free(x);
}

START_TEST(linear_model_indices_are_the_exact_variance_shares) {
  const size_t n = 2048;
  double *y1 = malloc(n * 6 * sizeof *y1), *y2 = malloc(n * 6 * sizeof *y2);
  linear_run(1, n, y1);
  linear_run(2, n, y2);
  ck_assert(memcmp(y1, y2, n * 6 * sizeof *y1) == 0);
  muskx_sobol s[4];
  ck_assert_int_eq(muskx_sobol_indices(y1, n, 4, 100, 3, 0.9, s), MUSKX_OK);
  /* Var: a 0.25; 2 b: 4 (2^2/12); 0.5 c: lognormal median 1, cv 0.5 has
     variance mean^2 cv^2 = (1 + cv^2) cv^2 = 0.3125, times 0.25 */
  double va = 0.25, vb = 4.0 / 3.0, vc = 0.25 * 0.3125, v = va + vb + vc;
  double want[4] = {va / v, vb / v, vc / v, 0};
  for (int i = 0; i < 4; i++) {
    ck_assert_msg(fabs(s[i].first - want[i]) < 0.02, "S_%d = %g, exact %g", i,
                  s[i].first, want[i]);
    ck_assert_msg(fabs(s[i].total - want[i]) < 0.02, "ST_%d = %g, exact %g",
                  i, s[i].total, want[i]);
  }
  /* d changes nothing, so A and AB_d give the same result: ST is 0 */
  ck_assert_double_eq(s[3].total, 0.0);
  free(y1);
  free(y2);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("gsa");
  TCase *tc = tcase_create("sobol");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, bad_arguments_are_rejected);
  tcase_add_test(tc, linear_model_indices_are_the_exact_variance_shares);
  suite_add_tcase(s, tc);
  TCase *ish = tu_long_tcase("ishigami");
  tcase_set_timeout(ish, 120);
  tcase_add_test(ish, ishigami_indices_match_the_analytic_ones);
  suite_add_tcase(s, ish);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
