/*
 * test_events_inert.c -- timed events that change nothing do not stop the
 * integrator (issue 19; lib/events_inert.c). The reference for "did not
 * stop" is the same model without the event: with the dose at 0 the run
 * must be the very same steps and bit-identical values. With the dose on
 * -- from the start, or switched on mid-run by another event -- the doses
 * must all arrive: X counts them exactly (X has no other dynamics).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

#define BASE                                                               \
  "muskx: 1\n"                                                             \
  "model: {id: inert}\n"                                                   \
  "parameters: {k: 0.3, F: 0.5, dose: 0}\n"                                \
  "species: {X: 0, Y: 1}\n"                                                \
  "odes: {X: 0, Y: -k*Y}\n"

static const char *with_dosing =
    BASE
    "events:\n"
    "  - {id: dosing, at: 1, every: 1, count: 50, set: {X: X + F*dose}}\n";
static const char *with_switch =
    BASE
    "events:\n"
    "  - {id: dosing, at: 1, every: 1, count: 50, set: {X: X + F*dose}}\n"
    "  - {id: switch_on, at: 9.5, set: {dose: 2}}\n";

static void run_doses(const char *text, double dose, double amount,
                      double *out, long *steps) {
  muskx_model *m = tu_load_text(text, NULL);
  muskx_sim *s = tu_sim(m);
  if (amount >= 0)
    ck_assert_int_eq(muskx_sim_add_dose(s, "X", 0.5, amount, 1.0, 50),
                     MUSKX_OK);
  double times[3] = {0, 20.5, 60};
  size_t rows = 0;
  ck_assert_int_eq(muskx_sim_set(s, "dose", dose), MUSKX_OK);
  ck_assert_int_eq(muskx_sim_run(s, times, 3, out, &rows), MUSKX_OK);
  *steps = muskx_sim_stat(s, MUSKX_STAT_STEPS);
  muskx_sim_free(s);
  muskx_model_free(m);
}

static void run(const char *text, double dose, double *out, long *steps) {
  run_doses(text, dose, -1, out, steps);
}

START_TEST(a_zero_dose_event_is_the_run_without_it) {
  double a[6], b[6];
  long sa, sb;
  run(BASE, 0, a, &sa);
  run(with_dosing, 0, b, &sb);
  ck_assert_int_eq(sa, sb);
  ck_assert(memcmp(a, b, sizeof a) == 0);
  ck_assert_double_eq(b[2], 0.0);
  ck_assert_double_eq_tol(b[3], exp(-0.3 * 20.5), 1e-5);
  /* the same for muskx_sim_add_dose() doses of 0 */
  run_doses(BASE, 0, 0.0, b, &sb);
  ck_assert_int_eq(sa, sb);
  ck_assert(memcmp(a, b, sizeof a) == 0);
  /* and doses of 0.25 at 0.5, 1.5, ..: 21 by t = 20.5 (the one at 20.5
     comes before the row), all 50 by 60 */
  run_doses(BASE, 0, 0.25, b, &sb);
  ck_assert_double_eq_tol(b[2], 21 * 0.25, 1e-12);
  ck_assert_double_eq_tol(b[4], 50 * 0.25, 1e-12);
}
END_TEST

START_TEST(doses_that_change_something_all_arrive) {
  double b[6];
  long sb;
  run(with_dosing, 1, b, &sb);
  /* doses at 1..20 by t = 20.5, all 50 by t = 60: F * dose each */
  ck_assert_double_eq_tol(b[2], 20 * 0.5, 1e-12);
  ck_assert_double_eq_tol(b[4], 50 * 0.5, 1e-12);
  /* switched on at 9.5: doses at 10..20, then to 50 */
  run(with_switch, 0, b, &sb);
  ck_assert_double_eq_tol(b[2], 11 * 0.5 * 2, 1e-12);
  ck_assert_double_eq_tol(b[4], 41 * 0.5 * 2, 1e-12);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("events_inert");
  TCase *tc = tcase_create("inert");
  tcase_add_test(tc, a_zero_dose_event_is_the_run_without_it);
  tcase_add_test(tc, doses_that_change_something_all_arrive);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
