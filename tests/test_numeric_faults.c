/*
 * test_numeric_faults.c -- numerical faults are errors, not data (issue
 * 16, Medium 7, 8, 9 and 15; lib/sim_finite.c, lib/solver.c, lib/model.c).
 *
 * The reproducers: NaN and inf written to the CSV with exit 0
 * ((A - A)/(A - A), pow(0, -1), exp(t) overflowing), a parameter
 * 1e308*1e308 accepted as inf, dA/dt = -1e308 A returning A(1) = 1 (the
 * exact answer is 0), an output time of 1e307 that never returned and
 * one of 1e-320 that gave NaN. Each now fails with a message naming the
 * time, the column and its expression; the rows before the fault are
 * computed and kept; times just inside the limits still run and match
 * the analytic solution.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

/* Runs m at times; returns the status, the rows done and the message. */
static muskx_status run(const muskx_model *m, const double *times, size_t n,
                        size_t *rows, char *msg, size_t msglen) {
  muskx_sim *s = tu_sim(m);
  double *out = calloc(n * (size_t)muskx_sim_ncols(s), sizeof *out);
  ck_assert_ptr_nonnull(out);
  muskx_status st = muskx_sim_run(s, times, n, out, rows);
  snprintf(msg, msglen, "%s", muskx_sim_errmsg(s));
  free(out);
  muskx_sim_free(s);
  return st;
}

static void expect_in(const char *msg, const char *want) {
  ck_assert_msg(strstr(msg, want) != NULL, "want '%s' in: %s", want, msg);
}

START_TEST(a_nan_or_infinite_output_stops_the_run_naming_time_and_expression) {
  muskx_model *m = tu_load_text("muskx: 1\nmodel: {id: f}\nspecies: {A: 1}\n"
                                "odes: {A: -A}\n"
                                "outputs:\n"
                                "  ok: A / A\n"
                                "  z: (A - A) / (A - A)\n", "f.yaml");
  double times[] = {0, 0.5, 1};
  size_t rows = 99;
  char msg[1024];
  ck_assert_int_eq(run(m, times, 3, &rows, msg, sizeof msg), MUSKX_ENONFINITE);
  ck_assert_uint_eq(rows, 0);
  expect_in(msg, "t=0: output 'z' is NaN");
  expect_in(msg, "(A - A) / (A - A)");
  expect_in(msg, "f.yaml:7:");
  muskx_model_free(m);

  /* exp(1000 t) is finite up to t = 0.7 (e^700 < 1.8e308), not at t = 1:
     the rows before the fault stay computed. */
  m = tu_load_text("muskx: 1\nmodel: {id: f}\nspecies: {A: 1}\nodes: {A: -A}\n"
                   "outputs:\n  big: exp(t*1000)\n", "f.yaml");
  ck_assert_int_eq(run(m, times, 3, &rows, msg, sizeof msg), MUSKX_ENONFINITE);
  ck_assert_uint_eq(rows, 2);
  expect_in(msg, "t=1: output 'big' is inf");
  expect_in(msg, "exp(t * 1000)");
  muskx_model_free(m);

  m = tu_load_text("muskx: 1\nmodel: {id: f}\nspecies: {A: 1}\nodes: {A: -A}\n"
                   "outputs:\n  q: pow(A - A, -1)\n", "f.yaml");
  ck_assert_int_eq(run(m, times, 3, &rows, msg, sizeof msg), MUSKX_ENONFINITE);
  expect_in(msg, "output 'q' is inf");
  muskx_model_free(m);
}
END_TEST

START_TEST(a_parameter_that_evaluates_to_infinity_is_refused_at_load) {
  const char *text = "muskx: 1\nmodel: {id: p}\nparameters: {k: 1e308*1e308}\n"
                     "species: {A: 1}\nodes: {A: -k*A}\n";
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(text, strlen(text), "p.yaml", &m, &err),
                   MUSKX_EMODEL);
  ck_assert_ptr_null(m);
  expect_in(err.message, "parameter 'k' is inf (not finite)");
  ck_assert_int_eq(err.line, 3);
  /* 1e308*1.5 is still finite and loads. */
  m = tu_load_text("muskx: 1\nmodel: {id: p}\nparameters: {k: 1e300*1.5}\n"
                   "species: {A: 1}\nodes: {A: -A}\n", "f.yaml");
  muskx_model_free(m);
}
END_TEST

START_TEST(a_newton_matrix_that_overflows_is_reported_not_returned) {
  muskx_model *m = tu_load_text("muskx: 1\nmodel: {id: f}\nspecies: {A: 1}\n"
                                "odes: {A: -1e308*A}\n", "f.yaml");
  static const char *const solvers[] = {"dense", "klu", "spgmr"};
  static const muskx_linear_solver ls[] = {MUSKX_LS_DENSE, MUSKX_LS_KLU,
                                           MUSKX_LS_SPGMR};
  for (size_t i = 0; i < 3; i++) {
    muskx_sim *s = tu_sim(m);
    ck_assert_int_eq(muskx_sim_set_linear_solver(s, ls[i]), MUSKX_OK);
    double times[] = {0, 1}, out[2] = {-1, -1};
    size_t rows = 0;
    muskx_status st = muskx_sim_run(s, times, 2, out, &rows);
    /* Exact: A(1) = exp(-1e308) = 0. Before: A(1) = 1, status OK. */
    ck_assert_msg(st != MUSKX_OK || fabs(out[1]) < 1e-6, "%s: A(1) = %g, OK",
                  solvers[i], out[1]);
    if (st != MUSKX_OK) expect_in(muskx_sim_errmsg(s), "too fast");
    muskx_sim_free(s);
  }
  muskx_model_free(m);
}
END_TEST

START_TEST(absurd_and_denormal_output_times_are_refused_quickly) {
  muskx_model *m = tu_load_text("muskx: 1\nmodel: {id: d}\nparameters: {k: 0.7}\n"
                                "species: {A: 1.5}\nodes: {A: -k*A}\n", "f.yaml");
  char msg[1024];
  size_t rows;
  double huge[] = {0, 1e307};
  ck_assert_int_eq(run(m, huge, 2, &rows, msg, sizeof msg), MUSKX_EINVAL);
  expect_in(msg, "beyond");
  double denormal[] = {0, 1e-320};
  ck_assert_int_eq(run(m, denormal, 2, &rows, msg, sizeof msg), MUSKX_EINVAL);
  expect_in(msg, "time resolution");
  /* Inside the limits: A(t) = 1.5 exp(-0.7 t). */
  muskx_sim *s = tu_sim(m);
  double ok[] = {0, 1e-90, 2, 1e200}, out[4];
  tu_run(s, ok, 4, out);
  ck_assert_double_eq_tol(out[1], 1.5, 1e-12);
  ck_assert_double_eq_tol(out[2], 1.5 * exp(-1.4), 1e-5);
  ck_assert_double_eq_tol(out[3], 0, 1e-9);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

int main(void) {
  Suite *s = suite_create("numeric_faults");
  TCase *tc = tcase_create("numeric_faults");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, a_nan_or_infinite_output_stops_the_run_naming_time_and_expression);
  tcase_add_test(tc, a_parameter_that_evaluates_to_infinity_is_refused_at_load);
  tcase_add_test(tc, a_newton_matrix_that_overflows_is_reported_not_returned);
  tcase_add_test(tc, absurd_and_denormal_output_times_are_refused_quickly);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
