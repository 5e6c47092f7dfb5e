/*
 * test_delay.c -- delay(e, tau) (muskx-model(5), DELAYS; lib/delay.c)
 * against analytic solutions, through the public API only.
 *
 *  - y' = -y(t - 1), y = 1 for t <= 0 (method of steps):
 *        y = 1 - t                                   on [0, 1]
 *        y = 1 - t + (t-1)^2/2                       on [1, 2]
 *        y = 1 - t + (t-1)^2/2 - (t-2)^3/6           on [2, 3];
 *  - a delayed step input: x' = u(t - 2), u = 0 before 1 and 1 after, so
 *    x = max(0, t - 3);
 *  - tau = 0 is no delay: x' = -k delay(x, 0) is x0 e^{-kt};
 *  - a negative tau at run time is an error naming the time and place.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

static double steps_ref(double t) {
  if (t <= 1) return 1 - t;
  if (t <= 2) return 1 - t + (t - 1) * (t - 1) / 2;
  return 1 - t + (t - 1) * (t - 1) / 2 - pow(t - 2, 3) / 6;
}

START_TEST(method_of_steps) {
  muskx_model *m = tu_load_text("muskx: 1\nmodel: {id: dde}\nspecies: {y: 1}\n"
                                "odes:\n  y: -delay(y, 1)\n", "dde.yaml");
  muskx_sim *s = NULL;
  ck_assert_int_eq(muskx_sim_create(m, &s), MUSKX_OK);
  muskx_sim_set_tolerances(s, 1e-10, 1e-12);
  double times[31], out[31];
  for (int i = 0; i <= 30; i++) times[i] = 0.1 * i;
  size_t rows = 0;
  ck_assert_int_eq(muskx_sim_run(s, times, 31, out, &rows), MUSKX_OK);
  ck_assert_int_eq(rows, 31);
  for (int i = 0; i <= 30; i++)
    ck_assert_msg(fabs(out[i] - steps_ref(times[i])) < 1e-7,
                  "t=%g: %.12g vs %.12g", times[i], out[i], steps_ref(times[i]));
  /* a second run starts from an empty history and gives the same rows */
  double again[31];
  ck_assert_int_eq(muskx_sim_run(s, times, 31, again, &rows), MUSKX_OK);
  for (int i = 0; i <= 30; i++) ck_assert_double_eq_tol(again[i], out[i], 1e-12);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(delayed_step_input) {
  muskx_model *m = tu_load_text(
      "muskx: 1\nmodel: {id: step}\nspecies: {x: 0}\n"
      "inputs:\n  u: {times: [0, 1], values: [0, 1], interp: step}\n"
      "odes:\n  x: delay(u, 2)\n", "dde.yaml");
  muskx_sim *s = NULL;
  ck_assert_int_eq(muskx_sim_create(m, &s), MUSKX_OK);
  muskx_sim_set_tolerances(s, 1e-10, 1e-12);
  double times[] = {0, 1, 2, 2.9, 3.5, 5, 8}, out[7];
  size_t rows = 0;
  ck_assert_int_eq(muskx_sim_run(s, times, 7, out, &rows), MUSKX_OK);
  for (int i = 0; i < 7; i++) {
    double ref = times[i] > 3 ? times[i] - 3 : 0;
    ck_assert_msg(fabs(out[i] - ref) < 1e-6, "t=%g: %.12g vs %.12g", times[i],
                  out[i], ref);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* Regression (SBML Test Suite 01520): outputs between a trigger and the
   delayed event's execution were written with the post-event state, because
   a CV_ONE_STEP step that landed on the later stop returned before the
   earlier output time was interpolated. P = t; the event triggers when
   delay(P, 1) = 1.5 (t = 2.5) and sets Q = 3 one time unit later. */
START_TEST(outputs_before_a_delayed_event_keep_the_pre_event_state) {
  muskx_model *m = tu_load_text(
      "muskx: 1\nmodel: {id: late}\nparameters: {Q: 0}\nspecies: {P: 0}\n"
      "odes: {P: \"1\"}\noutputs: {q: Q}\n"
      "events:\n  - {id: e, when: \"delay(P, 1) > 1.5\", delay: 1, "
      "set: {Q: 3}}\n", "dde.yaml");
  muskx_sim *s = NULL;
  ck_assert_int_eq(muskx_sim_create(m, &s), MUSKX_OK);
  double times[] = {0, 2.5, 2.75, 3, 3.25, 3.49, 3.6}, out[7 * 2];
  size_t rows = 0;
  ck_assert_int_eq(muskx_sim_run(s, times, 7, out, &rows), MUSKX_OK);
  for (int i = 0; i < 7; i++) {
    ck_assert_msg(fabs(out[2 * i] - times[i]) < 1e-9, "t=%g: P = %.12g",
                  times[i], out[2 * i]);
    double q = times[i] > 3.5 ? 3 : 0; /* executes at 3.5 (root + 1) */
    ck_assert_msg(out[2 * i + 1] == q, "t=%g: Q = %g, expected %g", times[i],
                  out[2 * i + 1], q);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(zero_delay_is_no_delay) {
  const char *texts[] = {
      "muskx: 1\nmodel: {id: z}\nparameters: {k: 0.7}\nspecies: {x: 2}\n"
      "odes:\n  x: -k * delay(x, 0)\n",
      "muskx: 1\nmodel: {id: z}\nparameters: {k: 0.7, tau: 0}\nspecies: {x: 2}\n"
      "odes:\n  x: -k * delay(x, tau)\n"};
  for (int v = 0; v < 2; v++) {
    muskx_model *m = tu_load_text(texts[v], "dde.yaml");
    muskx_sim *s = NULL;
    ck_assert_int_eq(muskx_sim_create(m, &s), MUSKX_OK);
    muskx_sim_set_tolerances(s, 1e-10, 1e-12);
    double times[] = {0, 0.5, 1, 2, 4}, out[5];
    size_t rows = 0;
    ck_assert_int_eq(muskx_sim_run(s, times, 5, out, &rows), MUSKX_OK);
    for (int i = 0; i < 5; i++)
      ck_assert_msg(fabs(out[i] - 2 * exp(-0.7 * times[i])) < 1e-7,
                    "variant %d t=%g: %.12g", v, times[i], out[i]);
    muskx_sim_free(s);
    muskx_model_free(m);
  }
}
END_TEST

START_TEST(negative_tau_is_an_error) {
  muskx_model *m = tu_load_text("muskx: 1\nmodel: {id: neg}\nparameters: {d: -1}\n"
                                "species: {y: 1}\nodes:\n  y: -delay(y, d)\n", "dde.yaml");
  muskx_sim *s = NULL;
  ck_assert_int_eq(muskx_sim_create(m, &s), MUSKX_OK);
  double times[] = {0, 1}, out[2];
  size_t rows = 0;
  muskx_status st = muskx_sim_run(s, times, 2, out, &rows);
  ck_assert_int_ne(st, MUSKX_OK);
  ck_assert_msg(strstr(muskx_sim_errmsg(s), "negative delay") != NULL &&
                    strstr(muskx_sim_errmsg(s), "dde.yaml:6:") != NULL,
                "message: %s", muskx_sim_errmsg(s));
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(delay_in_initial_value_is_refused) {
  const char *text = "muskx: 1\nmodel: {id: bad}\nparameters: {k: 1}\n"
                     "species: {y: {initial: \"delay(k, 1)\"}}\n";
  muskx_model *m = NULL;
  muskx_error err;
  memset(&err, 0, sizeof err);
  muskx_status st = muskx_model_load_string(text, strlen(text), "bad.yaml", &m, &err);
  ck_assert_int_ne(st, MUSKX_OK);
  ck_assert_ptr_null(m);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("delay");
  TCase *tc = tcase_create("dde");
  tcase_add_test(tc, method_of_steps);
  tcase_add_test(tc, delayed_step_input);
  tcase_add_test(tc, zero_delay_is_no_delay);
  tcase_add_test(tc, outputs_before_a_delayed_event_keep_the_pre_event_state);
  tcase_add_test(tc, negative_tau_is_an_error);
  tcase_add_test(tc, delay_in_initial_value_is_refused);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
