/*
 * test_columns.c -- muskx_sim_select(), muskx_sim_column_name() and
 * muskx_sim_column_unit() (issue 20): assignments, reaction fluxes,
 * parameters, inputs and time as run columns, checked against the closed
 * form of first-order decay A -> B with a rate constant that an event
 * doubles at t = 5:
 *   A(t) = A0 exp(-k t)                       for t <= 5
 *   A(t) = A(5) exp(-2k (t - 5))              for t > 5
 *   flux = k(t) A(t), total = A + B = A0, k(t) = k or 2k.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

static const char model_text[] =
    "muskx: 1\n"
    "model: {id: decay, time_unit: h}\n"
    "parameters:\n"
    "  k: {value: 0.3, unit: 1/h}\n"
    "species:\n"
    "  A: {initial: 2.0, unit: mM}\n"
    "  B: {initial: 0.0, unit: mM}\n"
    "inputs:\n"
    "  light: {times: [0, 4], values: [1, 3]}\n"
    "assignments:\n"
    "  total: {expr: A + B, unit: mM}\n"
    "  twice: 2*total\n"
    "outputs:\n"
    "  A_pct: {expr: 100*A/2, unit: '%'}\n"
    "reactions:\n"
    "  - id: r1\n"
    "    equation: A -> B\n"
    "    rate: k*A\n"
    "events:\n"
    "  - id: faster\n"
    "    at: 5\n"
    "    set: {k: 2*k}\n";

static double a_exact(double t) {
  const double k = 0.3, a0 = 2.0;
  if (t <= 5) return a0 * exp(-k * t);
  return a0 * exp(-k * 5) * exp(-2 * k * (t - 5));
}

START_TEST(default_columns_named) {
  muskx_model *m = tu_load_text(model_text, "decay");
  muskx_sim *s = tu_sim(m);
  ck_assert_int_eq(muskx_sim_ncols(s), 3);
  ck_assert_str_eq(muskx_sim_column_name(s, 0), "A");
  ck_assert_str_eq(muskx_sim_column_name(s, 2), "A_pct");
  ck_assert_str_eq(muskx_sim_column_unit(s, 0), "mM");
  ck_assert_str_eq(muskx_sim_column_unit(s, 2), "%");
  ck_assert_ptr_null(muskx_sim_column_name(s, 3));
  ck_assert_ptr_null(muskx_sim_column_unit(s, -1));
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(selected_columns_follow_closed_form) {
  const char *names[] = {"time", "r1", "total", "k", "A", "twice", "light",
                         "A_pct"};
  double times[] = {0, 1, 3, 4.5, 5, 6, 9};
  enum { NT = 7, NC = 8 };
  double out[NT * NC];
  size_t rows = 0;
  muskx_model *m = tu_load_text(model_text, "decay");
  muskx_sim *s = tu_sim(m);
  ck_assert_int_eq(muskx_sim_set_tolerances(s, 1e-10, 1e-12), MUSKX_OK);
  ck_assert_int_eq(muskx_sim_select(s, names, NC), MUSKX_OK);
  ck_assert_int_eq(muskx_sim_ncols(s), NC);
  ck_assert_str_eq(muskx_sim_column_name(s, 1), "r1");
  ck_assert_str_eq(muskx_sim_column_unit(s, 0), "h");
  ck_assert_str_eq(muskx_sim_column_unit(s, 1), "(mM)/h");
  ck_assert_str_eq(muskx_sim_column_unit(s, 2), "mM");
  ck_assert_str_eq(muskx_sim_column_unit(s, 3), "1/h");
  ck_assert_int_eq(muskx_sim_run(s, times, NT, out, &rows), MUSKX_OK);
  ck_assert_uint_eq(rows, NT);
  for (int i = 0; i < NT; i++) {
    double t = times[i], a = a_exact(t);
    double k = t < 5 ? 0.3 : 0.6; /* a value at an event time is after it */
    const double *row = out + i * NC;
    ck_assert_double_eq(row[0], t);
    ck_assert_msg(fabs(row[1] - k * a) <= 1e-7, "flux(%g) %g vs %g", t,
                  row[1], k * a);
    ck_assert_msg(fabs(row[2] - 2.0) <= 1e-8, "total(%g) %g", t, row[2]);
    ck_assert_double_eq_tol(row[3], k, 1e-15);
    ck_assert_msg(fabs(row[4] - a) <= 1e-7, "A(%g) %g vs %g", t, row[4], a);
    ck_assert_msg(fabs(row[5] - 4.0) <= 1e-8, "twice(%g) %g", t, row[5]);
    ck_assert_double_eq(row[6], t < 4 ? 1.0 : 3.0);
    ck_assert_msg(fabs(row[7] - 50 * a) <= 1e-5, "A_pct(%g)", t);
  }
  /* back to the default columns */
  ck_assert_int_eq(muskx_sim_select(s, NULL, 0), MUSKX_OK);
  ck_assert_int_eq(muskx_sim_ncols(s), 3);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* A run of selected columns checks those columns for finiteness, not a
   row as wide as the default one: rows of 1 column in a buffer that
   holds NaN beyond them run, and a selected column that turns infinite
   stops the run, named as in a default row. */
START_TEST(selected_rows_are_checked_at_their_own_width) {
  const char *one[] = {"A"};
  double times[] = {0, 1, 2, 3};
  enum { NT = 4 };
  double out[NT * 3];
  for (int i = 0; i < NT * 3; i++) out[i] = NAN;
  size_t rows = 0;
  muskx_model *m = tu_load_text(model_text, "decay");
  muskx_sim *s = tu_sim(m);
  ck_assert_int_eq(muskx_sim_select(s, one, 1), MUSKX_OK);
  ck_assert_msg(muskx_sim_run(s, times, NT, out, &rows) == MUSKX_OK, "%s",
                muskx_sim_errmsg(s));
  ck_assert_uint_eq(rows, NT);
  for (int i = 0; i < NT; i++)
    ck_assert_msg(fabs(out[i] - a_exact(times[i])) <= 1e-5, "A(%g) %g",
                  times[i], out[i]);
  muskx_sim_free(s);
  muskx_model_free(m);

  /* 1/(t - 2) is infinite at the third time */
  static const char blowup[] =
      "muskx: 1\nmodel: {id: up}\nspecies: {A: 1, B: 1}\n"
      "odes: {A: -A, B: 0}\noutputs: {z: 1/(t - 2)}\n";
  m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(blowup, strlen(blowup), "up.yaml",
                                           &m, &err), MUSKX_OK);
  s = tu_sim(m);
  const char *z[] = {"z"};
  ck_assert_int_eq(muskx_sim_select(s, z, 1), MUSKX_OK);
  for (int i = 0; i < NT * 3; i++) out[i] = NAN;
  ck_assert_int_eq(muskx_sim_run(s, times, NT, out, &rows), MUSKX_ENONFINITE);
  ck_assert_uint_eq(rows, 2);
  ck_assert_msg(strstr(muskx_sim_errmsg(s), "t=2: output 'z' is inf (not finite): 1 / (t - 2)") != NULL,
                "%s", muskx_sim_errmsg(s));
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(unknown_name_refused) {
  const char *names[] = {"A", "nope"};
  muskx_model *m = tu_load_text(model_text, "decay");
  muskx_sim *s = tu_sim(m);
  ck_assert_int_eq(muskx_sim_select(s, names, 2), MUSKX_ENOTFOUND);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(s), "'nope'"));
  ck_assert_int_eq(muskx_sim_ncols(s), 3); /* unchanged */
  ck_assert_int_eq(muskx_sim_select(s, names, -1), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sim_select(NULL, names, 1), MUSKX_EINVAL);
  /* sensitivities follow the default columns only */
  const char *p[] = {"k"};
  ck_assert_int_eq(muskx_sim_select(s, names, 1), MUSKX_OK);
  ck_assert_int_eq(muskx_sim_set_sens_params(s, p, 1), MUSKX_OK);
  double t[] = {0, 1}, out[4], sens[4];
  ck_assert_int_eq(muskx_sim_run_sens(s, t, 2, out, sens), MUSKX_ESTATE);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* Four species decaying at rates 1..4, and an output that is NaN. */
static const char four_text[] =
    "muskx: 1\n"
    "model: {id: four}\n"
    "species: {A: 1, B: 1, C: 1, D: 1}\n"
    "odes: {A: -A, B: -2*B, C: -3*C, D: -4*D}\n"
    "outputs:\n"
    "  z: (A - A) / (A - A)\n";

START_TEST(fewer_columns_than_species_are_checked_as_selected) {
  /* A run checks each row for non-finite values. With one selected
     column the row holds one value; the check read it as the four
     species (ASan: heap-buffer-overflow past the last row). */
  const char *names[] = {"C"};
  muskx_model *m = tu_load_text(four_text, "four.yaml");
  muskx_sim *s = tu_sim(m);
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-10, 1e-12));
  TU_OK(s, muskx_sim_select(s, names, 1));
  const double times[] = {0, 0.5, 1};
  double *out = malloc(3 * sizeof *out); /* exactly 3 rows x 1 column */
  ck_assert_ptr_nonnull(out);
  tu_run(s, times, 3, out);
  for (int i = 0; i < 3; i++)
    TU_CLOSE(out[i], exp(-3 * times[i]), 1e-7, 1e-10, "C", times[i]);
  free(out);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(a_nonfinite_selected_output_is_named_as_the_output) {
  /* z selected alone: its NaN was reported as species 'A'. */
  const char *names[] = {"z"};
  muskx_model *m = tu_load_text(four_text, "four.yaml");
  muskx_sim *s = tu_sim(m);
  TU_OK(s, muskx_sim_select(s, names, 1));
  const double times[] = {0, 1};
  double out[2];
  size_t rows = 99;
  ck_assert_int_eq(muskx_sim_run(s, times, 2, out, &rows), MUSKX_ENONFINITE);
  ck_assert_uint_eq(rows, 0);
  ck_assert_msg(strstr(muskx_sim_errmsg(s), "t=0: output 'z' is NaN") != NULL &&
                    strstr(muskx_sim_errmsg(s), "(four.yaml:6:") != NULL,
                "message: %s", muskx_sim_errmsg(s));
  /* a selected column of another kind is named as the column */
  const char *time_only[] = {"time", "A"};
  TU_OK(s, muskx_sim_select(s, time_only, 2));
  double out2[4];
  tu_run(s, times, 2, out2);
  TU_CLOSE(out2[3], exp(-1.0), 1e-5, 1e-8, "A", 1.0);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

int main(void) {
  Suite *suite = suite_create("columns");
  TCase *tc = tcase_create("select");
  tcase_add_test(tc, default_columns_named);
  tcase_add_test(tc, selected_columns_follow_closed_form);
  tcase_add_test(tc, selected_rows_are_checked_at_their_own_width);
  tcase_add_test(tc, unknown_name_refused);
  tcase_add_test(tc, fewer_columns_than_species_are_checked_as_selected);
  tcase_add_test(tc, a_nonfinite_selected_output_is_named_as_the_output);
  suite_add_tcase(suite, tc);
  return tu_run_suite(suite);
}
