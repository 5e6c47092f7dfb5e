/*
 * test_events_corner.c -- event corner cases (muskx-model(5) EVENTS; issue
 * 16 item 4, issue 18 item 1) against analytic answers, through the
 * public API only.
 *
 *  - reset exactly to the threshold: a ball h'' = -1 from h = 0.5 at rest,
 *    `when: h < 0` sets h = 0, v = 1: it lands at t = 1, then flies for 2
 *    each time (h = s - s^2/2, s = time since the last landing), landing
 *    at 1, 3, 5, 7, 9;
 *  - a triangle wave x' = d with d flipped to -1 at x > 1 and to +1 at
 *    x < 0 (a parameter target, state unchanged at the event);
 *  - simultaneous triggers: two events on the same `when`, priorities
 *    deciding the order; with values taken when each executes, C = 2C
 *    then C + 1 gives 3, the other order 4;
 *  - triggers true at t0: default initial_value true does not fire,
 *    initial_value false fires at the start;
 *  - Zeno: the ball with h = 0, v = -v/2 lands at 3 - 2^(2-k) (1, 2, 2.5,
 *    2.75, 2.875, ...) and the run up to 2.9 is exact. At the
 *    accumulation point t = 3 the limit state is h = 0, v = 0 with `h < 0`
 *    on its boundary; past it the condition stays true and never turns
 *    from false to true again, so (SBML semantics, as in SBML Test Suite
 *    cases 00374 and 00748) the event no longer fires and the ball falls
 *    freely: h = -(t-3)^2/2, v = -(t-3), at every tolerance;
 *  - equality triggers (issue 18): `t == 20` fires at 20, `A == 0.5` on a
 *    decaying A fires at ln(2)/k, and `t == 5 || t == 7` fires twice;
 *  - `count` as an expression of parameters;
 *  - events and doses before the run's start: refused when wholly before
 *    it, fired from the start on when a repeating schedule reaches in.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

/* Runs text at times[0..n) with tight tolerances into out (n x ncols);
   returns the number of events fired. */
static long run_text(const char *text, const double *times, size_t n,
                     double *out) {
  muskx_model *m = tu_load_text(text, "ev.yaml");
  muskx_sim *s = tu_sim(m);
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-10, 1e-12));
  size_t rows = 0;
  TU_OK(s, muskx_sim_run(s, times, n, out, &rows));
  ck_assert_int_eq(rows, n);
  long fired = muskx_sim_stat(s, MUSKX_STAT_EVENTS_FIRED);
  muskx_sim_free(s);
  muskx_model_free(m);
  return fired;
}

static const char *BALL =
    "muskx: 1\nmodel: {id: ball}\nspecies: {h: 0.5, v: 0}\n"
    "odes:\n  h: v\n  v: -1\n"
    "events:\n  - {id: bounce, when: \"h < 0\", set: {h: 0, v: 1}}\n";

START_TEST(reset_to_threshold) {
  double times[41], out[41 * 2];
  for (int i = 0; i <= 40; i++) times[i] = 0.25 * i;
  long fired = run_text(BALL, times, 41, out);
  ck_assert_int_eq(fired, 5); /* t = 1, 3, 5, 7, 9 */
  for (int i = 0; i <= 40; i++) {
    double t = times[i], h;
    if (t <= 1) {
      h = 0.5 - t * t / 2;
    } else {
      double s = fmod(t - 1, 2.0);
      h = s - s * s / 2;
    }
    ck_assert_msg(fabs(out[2 * i] - h) < 1e-6, "t=%g: h %.10g vs %.10g", t,
                  out[2 * i], h);
  }
}
END_TEST

START_TEST(triangle_wave) {
  const char *text =
      "muskx: 1\nmodel: {id: tri}\nparameters: {d: 1}\nspecies: {x: 0}\n"
      "odes:\n  x: d\n"
      "events:\n  - {id: top, when: \"x > 1\", set: {d: -1}}\n"
      "  - {id: bottom, when: \"x < 0\", set: {d: 1}}\n";
  double times[39], out[39];
  for (int i = 0; i < 39; i++) times[i] = 0.25 * i; /* to 9.5 */
  long fired = run_text(text, times, 39, out);
  ck_assert_int_eq(fired, 9); /* tops at 1, 3, 5, 7, 9; bottoms at 2..8 */
  for (int i = 0; i < 39; i++) {
    double p = fmod(times[i], 2.0), x = p <= 1 ? p : 2 - p;
    ck_assert_msg(fabs(out[i] - x) < 1e-6, "t=%g: x %.10g vs %.10g", times[i],
                  out[i], x);
  }
}
END_TEST

/* A = exp(-k t) crosses 0.5 at ln 2 / k; clock counts from the event. */
static void simultaneous(int pri_double, int pri_inc, double want) {
  char text[1024];
  snprintf(text, sizeof text,
           "muskx: 1\nmodel: {id: sim}\nparameters: {k: 0.8}\n"
           "species: {A: 1, C: 1, flag: 0, clock: 0}\n"
           "odes:\n  A: -k*A\n  clock: flag\n"
           "events:\n"
           "  - {id: dbl, when: \"A < 0.5\", priority: %d,\n"
           "     use_values_from_trigger_time: false, set: {C: 2*C, flag: 1}}\n"
           "  - {id: inc, when: \"A < 0.5\", priority: %d,\n"
           "     use_values_from_trigger_time: false, set: {C: C + 1}}\n",
           pri_double, pri_inc);
  double times[] = {0, 0.5, 2, 3}, out[4 * 4];
  long fired = run_text(text, times, 4, out);
  ck_assert_int_eq(fired, 2);
  double ts = log(2.0) / 0.8;
  ck_assert_double_eq_tol(out[4 * 1 + 1], 1.0, 1e-12); /* before */
  ck_assert_double_eq_tol(out[4 * 2 + 1], want, 1e-12);
  ck_assert_double_eq_tol(out[4 * 3 + 3], 3 - ts, 1e-7);
}

START_TEST(simultaneous_priorities) {
  simultaneous(2, 1, 3.0); /* doubled first, then + 1 */
  simultaneous(1, 2, 4.0); /* + 1 first, then doubled */
}
END_TEST

START_TEST(true_at_start) {
  const char *fmt = "muskx: 1\nmodel: {id: t0}\nspecies: {A: 1, B: 0}\n"
                    "odes:\n  A: -A\n"
                    "events:\n  - {id: e, when: \"A > 0.5\"%s, set: {B: B + 1}}\n";
  char text[512];
  double times[] = {0, 1}, out[2 * 2];
  snprintf(text, sizeof text, fmt, "");
  ck_assert_int_eq(run_text(text, times, 2, out), 0);
  ck_assert_double_eq_tol(out[1], 0.0, 1e-15);
  snprintf(text, sizeof text, fmt, ", initial_value: false");
  ck_assert_int_eq(run_text(text, times, 2, out), 1);
  ck_assert_double_eq_tol(out[1], 1.0, 1e-15); /* the row at t0 is after it */
  ck_assert_double_eq_tol(out[3], 1.0, 1e-15);
  ck_assert_double_eq_tol(out[2], exp(-1.0), 1e-8);
}
END_TEST

static const char *ZENO =
    "muskx: 1\nmodel: {id: zeno}\nspecies: {h: 0.5, v: 0}\n"
    "odes:\n  h: v\n  v: -1\n"
    "events:\n  - {id: bounce, when: \"h < 0\", set: {h: 0, v: -0.5*v}}\n";

/* Height of the Zeno ball: landings at 3 - 2^(2-k), leaving at 2^(1-k). */
static double zeno_h(double t) {
  if (t <= 1) return 0.5 - t * t / 2;
  double land = 1, v = 0.5;
  while (t > land + 2 * v) {
    land += 2 * v;
    v /= 2;
  }
  double s = t - land;
  return v * s - s * s / 2;
}

START_TEST(zeno_until_accumulation) {
  double times[30], out[30 * 2];
  for (int i = 0; i < 30; i++) times[i] = 0.1 * i; /* to 2.9 */
  long fired = run_text(ZENO, times, 30, out);
  ck_assert_int_eq(fired, 5); /* 1, 2, 2.5, 2.75, 2.875 */
  for (int i = 0; i < 30; i++)
    ck_assert_msg(fabs(out[2 * i] - zeno_h(times[i])) < 1e-6,
                  "t=%g: h %.10g vs %.10g", times[i], out[2 * i],
                  zeno_h(times[i]));
}
END_TEST

START_TEST(zeno_past_accumulation) {
  static const double tols[][2] = {{1e-6, 1e-9}, {1e-10, 1e-12}, {1e-4, 1e-4}};
  muskx_model *m = tu_load_text(ZENO, "ev.yaml");
  for (size_t k = 0; k < ARRAY_LEN(tols); k++) {
    muskx_sim *s = tu_sim(m);
    TU_OK(s, muskx_sim_set_tolerances(s, tols[k][0], tols[k][1]));
    double times[] = {0, 2.9, 4, 5}, out[4 * 2];
    size_t rows = 0;
    TU_OK(s, muskx_sim_run(s, times, 4, out, &rows));
    ck_assert_int_eq(rows, 4);
    /* the landings are finitely many at any tolerance: the solver stops
       separating them once a bounce is lower than about atol, leaving a
       speed of about sqrt(2 atol) (measured: 6-7 sqrt(atol) in v at t=5) */
    long fired = muskx_sim_stat(s, MUSKX_STAT_EVENTS_FIRED);
    ck_assert_msg(fired >= 5 && fired < 200, "rtol %g: %ld firings",
                  tols[k][0], fired);
    double tol = 10 * sqrt(tols[k][1]);
    for (int i = 2; i < 4; i++) {
      double d = times[i] - 3;
      ck_assert_msg(fabs(out[2 * i] + d * d / 2) < 2.5 * tol &&
                        fabs(out[2 * i + 1] + d) < tol,
                    "rtol %g, t=%g: h %.8g v %.8g vs %.8g %.8g", tols[k][0],
                    times[i], out[2 * i], out[2 * i + 1], -d * d / 2, -d);
    }
    muskx_sim_free(s);
  }
  muskx_model_free(m);
}
END_TEST

/* dA/dt = -A/10 kicked to 10 at t == 20 (issue 18's repro): the row at
   20 is the value after the kick, exactly at 20. */
START_TEST(equality_on_time) {
  const char *text = "muskx: 1\nmodel: {id: eq}\nspecies: {A: 1}\n"
                     "odes:\n  A: -0.1*A\n"
                     "events:\n  - {id: kick, when: \"t == 20\", set: {A: 10}}\n";
  double times[] = {0, 19.99, 20, 20.01, 40}, out[5];
  ck_assert_int_eq(run_text(text, times, 5, out), 1);
  ck_assert_double_eq_tol(out[1], exp(-1.999), 1e-8);
  ck_assert_double_eq_tol(out[2], 10.0, 1e-12);
  ck_assert_double_eq_tol(out[3], 10 * exp(-0.001), 1e-8);
  ck_assert_double_eq_tol(out[4], 10 * exp(-2.0), 1e-8);
}
END_TEST

/* A = exp(-k t) equals 0.5 at ln 2 / k (a continuous equality, root
   found); `t == 5 || t == 7` fires twice; `t >= 6 && t == 6` once; a time
   equality on a parameter the event moves on fires at 3.3, 5.3, 7.3, 9.3. */
START_TEST(equality_combined) {
  const char *text =
      "muskx: 1\nmodel: {id: eq2}\nparameters: {k: 0.8, tk: 3.3}\n"
      "species: {A: 1, B: 0, clock: 0, flag: 0, n: 0}\n"
      "odes:\n  A: -k*A\n  clock: flag\n"
      "events:\n"
      "  - {id: half, when: \"A == 0.5\", set: {B: B + 1, flag: 1}}\n"
      "  - {id: two, when: \"t == 5 || t == 7\", set: {B: B + 10}}\n"
      "  - {id: both, when: \"t >= 6 && t == 6\", set: {B: B + 100}}\n"
      "  - {id: again, when: \"t == tk\", set: {n: n + 1, tk: tk + 2}}\n";
  double times[] = {0, 4.99, 5, 6, 7, 10}, out[6 * 5];
  ck_assert_int_eq(run_text(text, times, 6, out), 1 + 2 + 1 + 4);
  ck_assert_double_eq_tol(out[5 * 1 + 1], 1, 0.5);  /* half only */
  ck_assert_double_eq_tol(out[5 * 2 + 1], 11, 0.5); /* + 10 at 5 */
  ck_assert_double_eq_tol(out[5 * 3 + 1], 111, 0.5);
  ck_assert_double_eq_tol(out[5 * 4 + 1], 121, 0.5);
  ck_assert_double_eq_tol(out[5 * 5 + 1], 121, 0.5);
  ck_assert_double_eq_tol(out[5 * 5 + 2], 10 - log(2.0) / 0.8, 1e-7);
  ck_assert_double_eq_tol(out[5 * 5 + 4], 4, 1e-12);
  ck_assert_double_eq_tol(out[5 * 1 + 4], 1, 1e-12); /* 3.3 */
}
END_TEST

/* count as an expression of parameters: fired n times at 1, 1 + dt, ...;
   a count that is not a whole number refuses the run by name. */
START_TEST(count_expression) {
  muskx_model *m = tu_load_text(
      "muskx: 1\nmodel: {id: cnt}\nparameters: {n: 3, dt: 2}\nspecies: {A: 0}\n"
      "odes:\n  A: 0\n"
      "events:\n  - {id: kick, at: 1, every: dt, count: 2*n - 1, set: {A: A + 1}}\n",
      "ev.yaml");
  muskx_sim *s = tu_sim(m);
  double times[] = {0, 8.5, 100}, out[3];
  size_t rows = 0;
  TU_OK(s, muskx_sim_run(s, times, 3, out, &rows));
  ck_assert_double_eq_tol(out[1], 4, 1e-15); /* 1, 3, 5, 7 */
  ck_assert_double_eq_tol(out[2], 5, 1e-15); /* and 9 */
  TU_OK(s, muskx_sim_set_param(s, "n", 2));
  TU_OK(s, muskx_sim_run(s, times, 3, out, &rows));
  ck_assert_double_eq_tol(out[2], 3, 1e-15);
  TU_OK(s, muskx_sim_set_param(s, "n", 2.25));
  ck_assert_int_eq(muskx_sim_run(s, times, 3, out, &rows), MUSKX_EINVAL);
  ck_assert_msg(strstr(muskx_sim_errmsg(s), "'count' of event 'kick' is 3.5") != NULL,
                "%s", muskx_sim_errmsg(s));
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* Firings before the run's start (times[0]) would be silently lost: an
   event or dose whose whole schedule lies there refuses the run, naming
   it; a repeating one that reaches into the run fires from there on. The
   state is constant between firings, so the species count them. */
static const char *PAST =
    "muskx: 1\nmodel: {id: past}\nspecies: {A: 0, B: 0, C: 0}\n"
    "odes: {A: 0, B: 0, C: 0}\n"
    "events:\n  - {id: bolus, at: 5, set: {A: A + 1}}\n"
    "  - {id: tick, at: 1, every: 2, count: 5, set: {B: B + 10}}\n"
    "  - {id: tock, at: 1, every: 2, until: 6, set: {C: C + 100}}\n";

/* Runs from t0 to 100; *a_end: the sum of the species at 100 (each event
   of PAST adds to its own species, so the sum counts every firing). */
static muskx_status run_from(muskx_sim *s, double t0, double *a_end) {
  double times[] = {t0, 100}, out[6];
  size_t rows = 0;
  int nc = muskx_sim_ncols(s);
  muskx_status st = muskx_sim_run(s, times, 2, out, &rows);
  *a_end = 0;
  for (int j = 0; j < nc; j++) *a_end += out[nc + j];
  if (st != MUSKX_OK) *a_end = NAN;
  return st;
}

START_TEST(event_before_start_is_refused) {
  muskx_model *m = tu_load_text(PAST, "ev.yaml");
  muskx_sim *s = tu_sim(m);
  double a;
  /* from 0: bolus once, tick at 1,3,5,7,9, tock at 1,3,5 */
  TU_OK(s, run_from(s, 0, &a));
  ck_assert_double_eq(a, 1 + 50 + 300);
  /* from 4: bolus at 5; tick at 5,7,9; tock at 5 */
  TU_OK(s, run_from(s, 4, &a));
  ck_assert_double_eq(a, 1 + 30 + 100);
  /* from 5 exactly: the same firings (a firing at the start is in it) */
  TU_OK(s, run_from(s, 5, &a));
  ck_assert_double_eq(a, 1 + 30 + 100);
  /* from 5.5: bolus lies wholly before the start */
  ck_assert_int_eq(run_from(s, 5.5, &a), MUSKX_EINVAL);
  const char *msg = muskx_sim_errmsg(s);
  ck_assert_msg(strstr(msg, "event 'bolus' (ev.yaml:6:5) fires at t=5, "
                            "before the run starts at t=5.5") != NULL,
                "%s", msg);
  /* a run that continues an earlier one: its state includes bolus */
  TU_OK(s, muskx_sim_set_continuing(s, 1));
  TU_OK(s, run_from(s, 5.5, &a));
  ck_assert_double_eq(a, 20); /* tick at 7 and 9 */
  TU_OK(s, muskx_sim_reset(s)); /* and no longer after a reset */
  ck_assert_int_eq(run_from(s, 5.5, &a), MUSKX_EINVAL);
  /* without bolus, tock (until 6) is wholly before 7; tick is not */
  muskx_sim_free(s);
  muskx_model_free(m);
  m = tu_load_text(
      "muskx: 1\nmodel: {id: past}\nspecies: {B: 0, C: 0}\n"
      "odes: {B: 0, C: 0}\n"
      "events:\n  - {id: tick, at: 1, every: 2, count: 5, set: {B: B + 10}}\n"
      "  - {id: tock, at: 1, every: 2, until: 6, set: {C: C + 100}}\n",
      "ev.yaml");
  s = tu_sim(m);
  ck_assert_int_eq(run_from(s, 7, &a), MUSKX_EINVAL);
  ck_assert_msg(strstr(muskx_sim_errmsg(s), "event 'tock'") != NULL &&
                    strstr(muskx_sim_errmsg(s), "only from t=1") != NULL,
                "%s", muskx_sim_errmsg(s));
  muskx_sim_free(s);
  muskx_model_free(m);
  /* until before at: it never fires, whatever the start */
  m = tu_load_text("muskx: 1\nmodel: {id: past}\nspecies: {B: 0}\n"
                   "odes: {B: 0}\nparameters: {u: 3}\n"
                   "events:\n  - {id: never, at: 5, every: 1, until: u, "
                   "set: {B: B + 1}}\n",
                   "ev.yaml");
  s = tu_sim(m);
  ck_assert_int_eq(run_from(s, 0, &a), MUSKX_EINVAL);
  ck_assert_msg(strstr(muskx_sim_errmsg(s), "event 'never' (ev.yaml:7:5) has "
                                            "until=3 before at=5") != NULL,
                "%s", muskx_sim_errmsg(s));
  TU_OK(s, muskx_sim_set_param(s, "u", 7)); /* 5, 6, 7 */
  TU_OK(s, run_from(s, 0, &a));
  ck_assert_double_eq(a, 3);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(dose_before_start_is_refused) {
  muskx_model *m = tu_load_text(
      "muskx: 1\nmodel: {id: d}\nspecies: {A: 0}\nodes:\n  A: 0\n", "ev.yaml");
  muskx_sim *s = tu_sim(m);
  double a;
  TU_OK(s, muskx_sim_add_dose(s, "A", 1, 10, 2, 5)); /* 1, 3, 5, 7, 9 */
  TU_OK(s, run_from(s, 0, &a));
  ck_assert_double_eq(a, 50);
  TU_OK(s, run_from(s, 4, &a)); /* 5, 7, 9 */
  ck_assert_double_eq(a, 30);
  ck_assert_int_eq(run_from(s, 9.5, &a), MUSKX_EINVAL);
  ck_assert_msg(strstr(muskx_sim_errmsg(s), "the 5 doses of 'A' every 2 from "
                                            "t=1 all fall before the run "
                                            "starts at t=9.5") != NULL,
                "%s", muskx_sim_errmsg(s));
  TU_OK(s, muskx_sim_clear_doses(s));
  /* every -1 or 0 with count 3 gave one dose without a word */
  ck_assert_int_eq(muskx_sim_add_dose(s, "A", 2, 1, -1, 3), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sim_add_dose(s, "A", 2, 1, 0, 3), MUSKX_EINVAL);
  ck_assert_msg(strstr(muskx_sim_errmsg(s), "every 0 with count 3") != NULL,
                "%s", muskx_sim_errmsg(s));
  TU_OK(s, muskx_sim_add_dose(s, "A", 2, 1, 0, 1));
  TU_OK(s, run_from(s, 2, &a));
  ck_assert_double_eq(a, 1);
  ck_assert_int_eq(run_from(s, 3, &a), MUSKX_EINVAL);
  ck_assert_msg(strstr(muskx_sim_errmsg(s), "the dose of 'A' at t=2 is before "
                                            "the run starts at t=3") != NULL,
                "%s", muskx_sim_errmsg(s));
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("events_corner");
  TCase *tc = tcase_create("corner");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, reset_to_threshold);
  tcase_add_test(tc, triangle_wave);
  tcase_add_test(tc, simultaneous_priorities);
  tcase_add_test(tc, true_at_start);
  tcase_add_test(tc, zeno_until_accumulation);
  tcase_add_test(tc, zeno_past_accumulation);
  tcase_add_test(tc, equality_on_time);
  tcase_add_test(tc, equality_combined);
  tcase_add_test(tc, count_expression);
  tcase_add_test(tc, event_before_start_is_refused);
  tcase_add_test(tc, dose_before_start_is_refused);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
