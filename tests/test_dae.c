/*
 * test_dae.c -- models with algebraic equations (muskx-model(5),
 * ALGEBRAIC EQUATIONS), solved by IDA (lib/dae.c), against analytic
 * solutions, through the public API only.
 *
 * Models (written inline, with their mathematics):
 *  - conservation:  A -> B at rate k A, 0 = A + C - T, so
 *        A = A0 e^{-kt}, B = A0 - A, C = T - A0 e^{-kt};
 *    C's initial value (0) is inconsistent and must be corrected at t0.
 *  - nonlinear index 1:  x' = -y, 0 = y - x^2, so x' = -x^2 and
 *        x = x0 / (1 + x0 t), y = x^2;
 *  - an event:  x' = -k x, 0 = z - 2 x, `when: x < 0.5` sets x to 1, so x
 *    first crosses 0.5 at t* = ln 2 / k and z jumps back to 2 there;
 *  - a timed event that changes the parameter T of 0 = A + C - T;
 *  - a steady state: X' = k0 - k1 X - k1 Y, 0 = Y - K X, so
 *        X* = k0 / (k1 (1 + K)), eigenvalue -k1 (1 + K);
 *  - the conservation model with k = 0 until `when: t > 0` sets k = 0.7:
 *    that condition is false at t0 and true just after, so it fires at the
 *    start (whatever initial_value) and A = A0 e^{-0.7 t} as above.
 * Tolerances as in test_solver.c: |err| <= atol + c rtol |ref|.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

/* Loading text must fail with EMODEL at line:col with a message holding
   want. */
static void load_fails(const char *text, int line, int col, const char *want) {
  muskx_model *m = NULL;
  muskx_error err;
  memset(&err, 0, sizeof err);
  muskx_status st = muskx_model_load_string(text, strlen(text), "bad.yaml", &m, &err);
  ck_assert_int_eq(st, MUSKX_EMODEL);
  ck_assert_ptr_null(m);
  ck_assert_msg(strstr(err.message, want) != NULL, "message '%s' lacks '%s'",
                err.message, want);
  ck_assert_int_eq(err.line, line);
  ck_assert_int_eq(err.column, col);
}

static const char CONSERVATION[] =
    "muskx: 1\n"
    "model: {id: conservation}\n"
    "parameters: {k: 0.7, T: 3}\n"
    "species: {A: 1.5, B: 0, C: 0}\n"
    "reactions:\n"
    "  - {equation: A -> B, rate: k*A}\n"
    "algebraic:\n"
    "  - A + C - T\n";

START_TEST(a_conserved_total_determines_the_algebraic_species) {
  const double k = 0.7, T = 3, A0 = 1.5;
  double times[11], out[11 * 3];
  muskx_model *m = tu_load_text(CONSERVATION, "dae.yaml");
  muskx_sim *s = tu_sim(m);
  int iA = tu_col(m, "A"), iB = tu_col(m, "B"), iC = tu_col(m, "C");
  for (size_t i = 0; i < ARRAY_LEN(times); i++) times[i] = 0.5 * (double)i;
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-9, 1e-12));
  tu_run(s, times, ARRAY_LEN(times), out);
  for (size_t i = 0; i < ARRAY_LEN(times); i++) {
    double A = A0 * exp(-k * times[i]);
    TU_CLOSE(out[3 * i + iA], A, 1e-6, 1e-10, "A", times[i]);
    TU_CLOSE(out[3 * i + iB], A0 - A, 1e-6, 1e-10, "B", times[i]);
    TU_CLOSE(out[3 * i + iC], T - A, 1e-6, 1e-10, "C", times[i]);
  }
  ck_assert_int_gt(muskx_sim_stat(s, MUSKX_STAT_STEPS), 0);
  ck_assert_int_gt(muskx_sim_stat(s, MUSKX_STAT_RHS_EVALS), 0);
  ck_assert_int_eq(muskx_sim_stat(s, MUSKX_STAT_LINEAR_SOLVER), MUSKX_LS_DENSE);
  /* a second run on the same handle gives the same answer */
  double again[11 * 3];
  tu_run(s, times, ARRAY_LEN(times), again);
  for (size_t i = 0; i < ARRAY_LEN(again); i++)
    TU_CLOSE(again[i], out[i], 1e-12, 1e-15, "second run", times[i / 3]);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* A `when` false at t0 and true just after it fires at the start on the
   IDA path too (lib/events.c muskx__events_start); before the fix it
   never fired and A stayed at A0. */
static const char CONSERVATION_T0[] =
    "muskx: 1\n"
    "model: {id: conservation_t0}\n"
    "parameters: {k: 0, T: 3}\n"
    "species: {A: 1.5, B: 0, C: 0}\n"
    "reactions:\n"
    "  - {equation: A -> B, rate: k*A}\n"
    "algebraic:\n"
    "  - A + C - T\n"
    "events:\n"
    "  - {id: go, when: t > 0, set: {k: 0.7}}\n";

START_TEST(an_event_whose_condition_turns_true_just_after_the_start_fires) {
  const double k = 0.7, T = 3, A0 = 1.5;
  double times[5] = {0, 0.5, 1, 2, 4}, out[5 * 3];
  muskx_model *m = tu_load_text(CONSERVATION_T0, "dae_t0.yaml");
  muskx_sim *s = tu_sim(m);
  int iA = tu_col(m, "A"), iC = tu_col(m, "C");
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-9, 1e-12));
  tu_run(s, times, ARRAY_LEN(times), out);
  for (size_t i = 0; i < ARRAY_LEN(times); i++) {
    double A = A0 * exp(-k * times[i]);
    TU_CLOSE(out[3 * i + iA], A, 1e-6, 1e-10, "A", times[i]);
    TU_CLOSE(out[3 * i + iC], T - A, 1e-6, 1e-10, "C", times[i]);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(the_lapack_solver_gives_the_same_dae_answer) {
  double times[3] = {0, 1, 2}, dense[9], lapack[9];
  muskx_model *m = tu_load_text(CONSERVATION, "dae.yaml");
  muskx_sim *s = tu_sim(m);
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-9, 1e-12));
  tu_run(s, times, 3, dense);
  TU_OK(s, muskx_sim_set_linear_solver(s, MUSKX_LS_LAPACK));
  tu_run(s, times, 3, lapack);
  ck_assert_int_eq(muskx_sim_stat(s, MUSKX_STAT_LINEAR_SOLVER), MUSKX_LS_LAPACK);
  for (size_t i = 0; i < 9; i++)
    TU_CLOSE(lapack[i], dense[i], 1e-7, 1e-10, "lapack vs dense", times[i / 3]);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(a_nonlinear_index_one_dae_follows_x0_over_1_plus_x0_t) {
  static const char text[] =
      "muskx: 1\n"
      "model: {id: nonlinear}\n"
      "species: {x: 2, y: 0}\n"
      "odes: {x: -y}\n"
      "algebraic:\n"
      "  - {expr: y - x^2, doc: y is x squared}\n";
  const double x0 = 2;
  double times[9], out[9 * 2];
  muskx_model *m = tu_load_text(text, "dae.yaml");
  muskx_sim *s = tu_sim(m);
  int ix = tu_col(m, "x"), iy = tu_col(m, "y");
  for (size_t i = 0; i < ARRAY_LEN(times); i++) times[i] = (double)i * (double)i;
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-10, 1e-12));
  tu_run(s, times, ARRAY_LEN(times), out);
  for (size_t i = 0; i < ARRAY_LEN(times); i++) {
    double x = x0 / (1 + x0 * times[i]);
    TU_CLOSE(out[2 * i + ix], x, 1e-6, 1e-10, "x", times[i]);
    TU_CLOSE(out[2 * i + iy], x * x, 1e-6, 1e-10, "y", times[i]);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(an_event_resets_the_state_and_the_algebraic_species_follows) {
  static const char text[] =
      "muskx: 1\n"
      "model: {id: event}\n"
      "parameters: {k: 0.5}\n"
      "species: {x: 1, z: 0}\n"
      "odes: {x: -k*x}\n"
      "algebraic: [z - 2*x]\n"
      "events:\n"
      "  - {id: refill, when: x < 0.5, set: {x: 1}}\n";
  const double k = 0.5, ts = log(2.0) / k;
  double times[4] = {0, 1, 0, 2.5}, out[4 * 2];
  times[2] = ts + 0.1;
  muskx_model *m = tu_load_text(text, "dae.yaml");
  muskx_sim *s = tu_sim(m);
  int ix = tu_col(m, "x"), iz = tu_col(m, "z");
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-10, 1e-12));
  tu_run(s, times, 4, out);
  for (size_t i = 0; i < 4; i++) {
    double t = times[i];
    double x = t < ts ? exp(-k * t) : exp(-k * (t - ts));
    TU_CLOSE(out[2 * i + ix], x, 1e-6, 1e-9, "x", t);
    TU_CLOSE(out[2 * i + iz], 2 * x, 1e-6, 1e-9, "z", t);
  }
  ck_assert_int_eq(muskx_sim_stat(s, MUSKX_STAT_EVENTS_FIRED), 1);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(a_timed_parameter_change_moves_the_algebraic_species_at_once) {
  static const char text[] =
      "muskx: 1\n"
      "model: {id: timed}\n"
      "parameters: {k: 0.7, T: 3}\n"
      "species: {A: 1.5, B: 0, C: 0}\n"
      "reactions:\n"
      "  - {equation: A -> B, rate: k*A}\n"
      "algebraic: [A + C - T]\n"
      "events:\n"
      "  - {id: raise, at: 1, set: {T: 5}}\n";
  double times[4] = {0, 0.5, 1, 2}, out[4 * 3];
  muskx_model *m = tu_load_text(text, "dae.yaml");
  muskx_sim *s = tu_sim(m);
  int iC = tu_col(m, "C");
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-9, 1e-12));
  tu_run(s, times, 4, out);
  /* at the event time the row holds the value after the event */
  TU_CLOSE(out[0 * 3 + iC], 3 - 1.5, 1e-6, 1e-10, "C", 0.0);
  TU_CLOSE(out[1 * 3 + iC], 3 - 1.5 * exp(-0.35), 1e-6, 1e-10, "C", 0.5);
  TU_CLOSE(out[2 * 3 + iC], 5 - 1.5 * exp(-0.7), 1e-6, 1e-10, "C", 1.0);
  TU_CLOSE(out[3 * 3 + iC], 5 - 1.5 * exp(-1.4), 1e-6, 1e-10, "C", 2.0);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(a_dae_steady_state_solves_f_and_g_and_has_the_reduced_eigenvalue) {
  static const char text[] =
      "muskx: 1\n"
      "model: {id: steady}\n"
      "parameters: {k0: 2, k1: 0.5, K: 3}\n"
      "species: {X: 0, Y: 0}\n"
      "odes: {X: k0 - k1*X - k1*Y}\n"
      "algebraic: [Y - K*X]\n";
  const double k0 = 2, k1 = 0.5, K = 3, X = k0 / (k1 * (1 + K));
  double y[2], re[2], im[2];
  muskx_model *m = tu_load_text(text, "dae.yaml");
  muskx_sim *s = tu_sim(m);
  TU_OK(s, muskx_sim_steady_state(s, y, 2));
  TU_CLOSE(y[0], X, 1e-8, 1e-12, "X*", 0.0);
  TU_CLOSE(y[1], K * X, 1e-8, 1e-12, "Y*", 0.0);
  ck_assert_int_eq(muskx_sim_eigenvalues(s, re, im, 2), 1);
  TU_CLOSE(re[0], -k1 * (1 + K), 1e-8, 1e-12, "eigenvalue", 0.0);
  ck_assert_int_eq(muskx_sim_stability(s), MUSKX_STABLE);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(a_failure_past_a_singularity_names_its_time_and_keeps_rows) {
  static const char text[] =
      "muskx: 1\n"
      "model: {id: failing}\n"
      "parameters: {k: 1}\n"
      "species: {A: 1, C: 0}\n"
      "odes: {A: -k*A}\n"
      "algebraic:\n"
      "  - C - A + if(t < 1, 0, log(-1))\n";
  double times[4] = {0, 0.5, 2, 3}, out[4 * 2];
  size_t rows = 99;
  muskx_model *m = tu_load_text(text, "dae.yaml");
  muskx_sim *s = tu_sim(m);
  muskx_status st = muskx_sim_run(s, times, 4, out, &rows);
  ck_assert_int_ne(st, MUSKX_OK);
  ck_assert_uint_eq(rows, 2);
  ck_assert_msg(strncmp(muskx_sim_errmsg(s), "t=1", 3) == 0, "%s",
                muskx_sim_errmsg(s));
  ck_assert_msg(muskx_sim_fail_time(s) >= 0.999 && muskx_sim_fail_time(s) < 1.1,
                "fail time %g", muskx_sim_fail_time(s));
  TU_CLOSE(out[1 * 2 + 1], exp(-0.5), 1e-5, 1e-8, "C", 0.5);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(equations_no_value_can_satisfy_fail_at_the_start_naming_one) {
  static const char text[] =
      "muskx: 1\n"
      "model: {id: impossible}\n"
      "species: {A: 1, C: 0}\n"
      "odes: {A: -A}\n"
      "algebraic:\n"
      "  - C*C + 1\n";
  double times[2] = {0, 1}, out[2 * 2];
  size_t rows = 99;
  muskx_model *m = tu_load_text(text, "dae.yaml");
  muskx_sim *s = tu_sim(m);
  muskx_status st = muskx_sim_run(s, times, 2, out, &rows);
  ck_assert_int_eq(st, MUSKX_ESOLVER);
  ck_assert_uint_eq(rows, 0);
  ck_assert_msg(strstr(muskx_sim_errmsg(s), "t=0: no values of the algebraic "
                                            "species satisfy") != NULL &&
                    strstr(muskx_sim_errmsg(s), "'C*C + 1' (dae.yaml:6:5) for "
                                                "species 'C'") != NULL,
                "%s", muskx_sim_errmsg(s));
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(algebraic_equations_without_their_species_are_refused) {
  /* two undetermined species, one equation */
  load_fails("muskx: 1\nmodel: {id: x}\nparameters: {T: 1}\n"
             "species: {A: 0, B: 0}\nalgebraic:\n  - A + B - T\n",
             6, 5, "1 algebraic equation for 2 undetermined species");
  /* every species it uses is determined elsewhere */
  load_fails("muskx: 1\nmodel: {id: x}\nparameters: {T: 1}\n"
             "species: {A: 0}\nodes: {A: 1}\nalgebraic:\n  - A - T\n",
             7, 5, "depends on no species it could determine");
  /* two equations for the same species */
  load_fails("muskx: 1\nmodel: {id: x}\nparameters: {T: 1}\n"
             "species: {A: 0}\nalgebraic:\n  - A - T\n  - 2*A - T\n",
             7, 5, "structurally singular");
  /* an undefined name, at its place */
  load_fails("muskx: 1\nmodel: {id: x}\nspecies: {A: 0}\n"
             "algebraic:\n  - A - Q\n",
             5, 9, "undefined name 'Q'");
  /* the section is a list */
  load_fails("muskx: 1\nmodel: {id: x}\nspecies: {A: 0}\n"
             "algebraic: {A: 1}\n",
             4, 12, "list");
}
END_TEST

static Suite *dae_suite(void) {
  Suite *s = suite_create("dae");
  TCase *tc = tcase_create("analytic");
  tcase_add_test(tc, a_conserved_total_determines_the_algebraic_species);
  tcase_add_test(tc, the_lapack_solver_gives_the_same_dae_answer);
  tcase_add_test(tc, a_nonlinear_index_one_dae_follows_x0_over_1_plus_x0_t);
  tcase_add_test(tc, an_event_resets_the_state_and_the_algebraic_species_follows);
  tcase_add_test(tc, a_timed_parameter_change_moves_the_algebraic_species_at_once);
  tcase_add_test(tc, an_event_whose_condition_turns_true_just_after_the_start_fires);
  tcase_add_test(tc, a_dae_steady_state_solves_f_and_g_and_has_the_reduced_eigenvalue);
  suite_add_tcase(s, tc);
  tc = tcase_create("errors");
  tcase_add_test(tc, a_failure_past_a_singularity_names_its_time_and_keeps_rows);
  tcase_add_test(tc, equations_no_value_can_satisfy_fail_at_the_start_naming_one);
  tcase_add_test(tc, algebraic_equations_without_their_species_are_refused);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(dae_suite());
}
