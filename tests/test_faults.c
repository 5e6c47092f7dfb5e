/*
 * test_faults.c -- runtime faults through the public API (issue 9, part 3).
 *
 * Each fault -- a division by zero, the log of a negative number, a
 * right-hand side that blows up, a stiff problem at too loose tolerances,
 * too many steps -- must give a clear status and a message that names the
 * time and the species or expression, keep the rows computed before the
 * fault (and those rows must be right), and leave the simulation reusable:
 * after muskx_sim_reset() a second run with sane settings succeeds.
 * The same faults through the CLI are in scripts/test-cli.sh.
 *
 * Models are written inline (tu_load_text) with their analytic solutions;
 * divzero uses the shared tests/models/divzero.yaml.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"
#include "sim.h" /* muskx__events_worst_species */

/* A million event firings take a second natively and a minute under
   valgrind, where that one check is skipped (the stuck-event check, which
   hits a limit at once, still runs). */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND() 0
#endif

/* The time a runtime message starts with ("t=12.5: ..."), or NAN. */
static double message_time(const char *msg) {
  double t;
  if (sscanf(msg, "t=%lf:", &t) != 1) return NAN;
  return t;
}

/* 1 when msg names species sp, as 'sp' or as d(sp)/dt. */
static int names_species(const char *msg, const char *sp) {
  char a[300], b[300];
  snprintf(a, sizeof a, "'%s'", sp);
  snprintf(b, sizeof b, "d(%s)/dt", sp);
  return strstr(msg, a) != NULL || strstr(msg, b) != NULL;
}

/* The checks every fault shares: a failure status among `allowed`, a
   message that starts with the time (equal to muskx_sim_fail_time) within
   [tlo, thi] and names the species `culprit`, and exactly `rows_want` rows
   kept. */
static void expect_fault(muskx_sim *s, muskx_status st, size_t rows,
                         muskx_status allowed1, muskx_status allowed2,
                         double tlo, double thi, const char *culprit,
                         size_t rows_want) {
  const char *msg = muskx_sim_errmsg(s);
  ck_assert_msg(st == allowed1 || st == allowed2, "status %s, message '%s'",
                muskx_status_name(st), msg);
  double tmsg = message_time(msg);
  double tfail = muskx_sim_fail_time(s);
  ck_assert_msg(tmsg >= tlo && tmsg <= thi,
                "message time %g not in [%g, %g]: '%s'", tmsg, tlo, thi, msg);
  ck_assert_msg(fabs(tfail - tmsg) <= 1e-5 * fabs(tfail) + 1e-9,
                "fail time %.17g vs message '%s'", tfail, msg);
  ck_assert_msg(names_species(msg, culprit), "message '%s' does not name %s",
                msg, culprit);
  ck_assert_msg(rows == rows_want, "kept %zu rows, want %zu ('%s')", rows,
                rows_want, msg);
}

/* ---------------------------------------------------------------------- */

START_TEST(a_division_by_zero_during_a_run_names_time_and_reaction) {
  /* dA/dt = -k A / u, u = 1 before t = 2 and 0 from t = 2: A = exp(-k t). */
  muskx_model *m = tu_load(TEST_MODEL("divzero.yaml"));
  muskx_sim *s = tu_sim(m);
  const double times[] = {0, 0.5, 1, 1.5, 3, 4};
  double out[6];
  size_t rows = 99;
  muskx_status st = muskx_sim_run(s, times, 6, out, &rows);
  expect_fault(s, st, rows, MUSKX_ENONFINITE, MUSKX_ENONFINITE, 2.0, 2.0,
               "A", 4);
  /* the reaction and where its rate is written */
  ck_assert_msg(strstr(muskx_sim_errmsg(s), "reaction 'decay'") &&
                    strstr(muskx_sim_errmsg(s), "divzero.yaml:"),
                "%s", muskx_sim_errmsg(s));
  for (size_t k = 0; k < rows; k++)
    TU_CLOSE(out[k], exp(-0.3 * times[k]), 1e-4, 1e-8, "A", times[k]);
  /* reusable: a reset and a sane input make the whole run succeed */
  TU_OK(s, muskx_sim_reset(s));
  ck_assert_str_eq(muskx_sim_errmsg(s), "");
  ck_assert(isnan(muskx_sim_fail_time(s)));
  TU_OK(s, muskx_sim_set_input(s, "u", 1.0));
  tu_run(s, times, 6, out);
  for (size_t k = 0; k < 6; k++)
    TU_CLOSE(out[k], exp(-0.3 * times[k]), 1e-4, 1e-8, "A", times[k]);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* B = 1 - t reaches 0 at t = 1; dC/dt = log(B) is -inf there and NaN after.
   C(t) = integral_0^t log(1 - s) ds = -(1 - t) log(1 - t) - t. */
static const char log_model[] =
    "muskx: 1\n"
    "model: {id: lognegative}\n"
    "parameters: {rate: 1}\n"
    "species: {B: 1, C: 0}\n"
    "odes:\n"
    "  B: -rate\n"
    "  C: log(B)\n";

static double log_C(double t) { return t == 0 ? 0 : -(1 - t) * log(1 - t) - t; }

START_TEST(the_log_of_a_negative_number_names_time_and_species) {
  muskx_model *m = tu_load_text(log_model, "fault.yaml");
  muskx_sim *s = tu_sim(m);
  const double times[] = {0, 0.25, 0.5, 0.75, 1.5, 2};
  double out[12];
  size_t rows = 99;
  muskx_status st = muskx_sim_run(s, times, 6, out, &rows);
  /* CVODE may give up just before t = 1 (the slope goes to -inf) or meet
     the NaN just after it. */
  expect_fault(s, st, rows, MUSKX_ENONFINITE, MUSKX_ESOLVER, 0.75, 1.5, "C", 4);
  for (size_t k = 0; k < rows; k++) {
    TU_CLOSE(out[2 * k], 1 - times[k], 1e-5, 1e-8, "B", times[k]);
    TU_CLOSE(out[2 * k + 1], log_C(times[k]), 1e-4, 1e-7, "C", times[k]);
  }
  /* a reset, then a slower decline keeps B > 0 over [0, 2] */
  TU_OK(s, muskx_sim_reset(s));
  TU_OK(s, muskx_sim_set_param(s, "rate", 0.25));
  tu_run(s, times, 6, out);
  for (size_t k = 0; k < 6; k++) {
    double t = times[k], b = 1 - 0.25 * t;
    TU_CLOSE(out[2 * k], b, 1e-5, 1e-8, "B", t);
    TU_CLOSE(out[2 * k + 1], -4 * (b * log(b) - b + 1), 1e-4, 1e-7, "C", t);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* y' = y^2, y(0) = y0: y = y0 / (1 - y0 t), infinite at t = 1/y0. */
static const char blowup_model[] =
    "muskx: 1\n"
    "model: {id: blowup}\n"
    "species: {y: 1}\n"
    "odes: {y: y^2}\n";

START_TEST(a_right_hand_side_that_blows_up_stops_at_the_singularity) {
  muskx_model *m = tu_load_text(blowup_model, "fault.yaml");
  muskx_sim *s = tu_sim(m);
  /* near a singularity errors grow like y: tight tolerances keep the rows
     close to the truth */
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-9, 1e-12));
  /* the approach to the singularity takes ever smaller steps: a budget
     keeps the test quick under valgrind */
  TU_OK(s, muskx_sim_set_max_steps(s, 1500));
  const double times[] = {0, 0.5, 0.9, 0.99, 1.5, 2};
  double out[6];
  size_t rows = 99;
  muskx_status st = muskx_sim_run(s, times, 6, out, &rows);
  expect_fault(s, st, rows, MUSKX_ESOLVER, MUSKX_ENONFINITE, 0.99, 1.0 + 1e-6,
               "y", 4);
  for (size_t k = 0; k < rows; k++)
    TU_CLOSE(out[k], 1 / (1 - times[k]), 1e-3, 1e-8, "y", times[k]);
  /* from y(0) = 0.25 the singularity is at t = 4, beyond the run */
  TU_OK(s, muskx_sim_reset(s));
  TU_OK(s, muskx_sim_set_initial(s, "y", 0.25));
  tu_run(s, times, 6, out);
  for (size_t k = 0; k < 6; k++)
    TU_CLOSE(out[k], 0.25 / (1 - 0.25 * times[k]), 1e-5, 1e-9, "y", times[k]);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* y' = y^2 (1 + y), y(0) = 1, behind a constant species listed first:
   t(y) = ln((1 + y)/y) - 1/y - ln 2 + 1, infinite at t = 1 - ln 2. CVODE
   spends its step budget on the approach with every local-error estimate
   0, and the message used to name the first species ('a', which never
   changes) as the "worst" one. */
static const char runaway_model[] =
    "muskx: 1\n"
    "model: {id: runaway}\n"
    "species: {a: {initial: 0, constant: true}, y: 1}\n"
    "odes: {y: y^2*(1 + y)}\n";

static double runaway_t(double y) { return log((1 + y) / y) - 1 / y - log(2.0) + 1; }

/* y at time t < 1 - ln 2, by bisection on t(y) (increasing in y). */
static double runaway_y(double t) {
  double lo = 1, hi = 2;
  while (runaway_t(hi) < t) hi *= 2;
  for (int i = 0; i < 200; i++) {
    double mid = 0.5 * (lo + hi);
    if (runaway_t(mid) < t) lo = mid; else hi = mid;
  }
  return 0.5 * (lo + hi);
}

START_TEST(a_runaway_species_is_named_not_the_first_species) {
  muskx_model *m = tu_load_text(runaway_model, "fault.yaml");
  muskx_sim *s = tu_sim(m);
  /* muskx simulate's defaults; with these output times the budget runs
     out with every estimate 0 (before the fix: "worst species 'a'") */
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-6, 1e-9));
  TU_OK(s, muskx_sim_set_max_steps(s, 100000));
  const double times[] = {0, 0.5, 1, 1.5, 2, 2.5, 3};
  const double tsing = 1 - log(2.0);
  double out[14];
  size_t rows = 99;
  muskx_status st = muskx_sim_run(s, times, 7, out, &rows);
  expect_fault(s, st, rows, MUSKX_ESOLVER, MUSKX_ENONFINITE, 0.3,
               tsing + 1e-6, "y", 1);
  const char *msg = muskx_sim_errmsg(s);
  ck_assert_msg(!names_species(msg, "a"), "names the constant 'a': %s", msg);
  ck_assert(out[0] == 0 && out[1] == 1);
  /* the ranking itself: all-zero estimates name nobody, a positive one
     names its species */
  const double zero[2] = {0, 0}, one[2] = {1, 1}, ely[2] = {0, 1e-3},
               nan2[2] = {NAN, 0};
  ck_assert_str_eq(muskx__events_worst_species(s, zero, one), "?");
  ck_assert_str_eq(muskx__events_worst_species(s, nan2, one), "?");
  ck_assert_str_eq(muskx__events_worst_species(s, ely, one), "y");
  ck_assert_str_eq(muskx__events_worst_species(s, NULL, one), "?");
  /* the other side: a slower rate (y' = 0.1 y^2 (1 + y), singular at
     t = 10 (1 - ln 2)) runs through, close to the same curve at t / 10 */
  muskx_sim_free(s);
  muskx_model_free(m);
  m = tu_load_text("muskx: 1\nmodel: {id: runaway}\n"
                   "species: {a: {initial: 0, constant: true}, y: 1}\n"
                   "odes: {y: 0.1*y^2*(1 + y)}\n", "fault.yaml");
  s = tu_sim(m);
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-9, 1e-12));
  tu_run(s, times, 6, out);
  for (size_t k = 0; k < 6; k++)
    TU_CLOSE(out[2 * k + 1], runaway_y(times[k] / 10), 1e-5, 1e-9, "y",
             times[k]);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* Robertson at t = 40 (Hairer & Wanner II, IV.1; tests/test_solver.c). */
static const double rob40[3] = {0.7158270687193148, 9.185534764557338e-06,
                                0.2841637457458950};

START_TEST(too_many_steps_names_time_and_worst_species_and_keeps_rows) {
  muskx_model *m = tu_load(TEST_MODEL("robertson.yaml"));
  muskx_sim *s = tu_sim(m);
  const double times[] = {0, 0.4, 40, 4e5, 4e10};
  const int nc = muskx_sim_ncols(s); /* A, B, C and the output total */
  ck_assert_int_eq(nc, 4);
  double out[20];
  size_t rows = 99;
  /* enough for t = 40 (about 100 steps at default tolerances), not for
     the decades after it */
  double ref[20];
  tu_run(s, times, 3, ref);
  TU_OK(s, muskx_sim_set_max_steps(s, 150));
  muskx_status st = muskx_sim_run(s, times, 5, out, &rows);
  expect_fault(s, st, rows, MUSKX_ESOLVER, MUSKX_ESOLVER, 40, 4e5, "A", 3);
  ck_assert_msg(strstr(muskx_sim_errmsg(s), "CV_TOO_MUCH_WORK") != NULL, "%s",
                muskx_sim_errmsg(s));
  for (size_t k = 0; k < 3 * (size_t)nc; k++) ck_assert_double_eq(out[k], ref[k]);
  for (int i = 0; i < 3; i++)
    TU_CLOSE(out[2 * nc + i], rob40[i], 1e-4, 1e-9, "robertson", 40.0);
  /* reset keeps tolerances and the step limit: put a sane one back */
  TU_OK(s, muskx_sim_reset(s));
  TU_OK(s, muskx_sim_set_max_steps(s, 100000));
  tu_run(s, times, 5, out);
  for (int i = 0; i < 3; i++)
    TU_CLOSE(out[2 * nc + i], rob40[i], 1e-4, 1e-9, "robertson", 40.0);
  ck_assert_double_eq_tol(out[4 * nc] + out[4 * nc + 1] + out[4 * nc + 2], 1.0, 1e-5);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* Robertson at loose tolerances (the CVODE guide advises rtol <= 1e-3 and
   Robertson needs atol ~1e-14 on B). The classic failure: B goes negative
   and feeds an exponential blow-up. With the plain model that is what
   happens, and the library cannot tell from the numbers alone (reported in
   issue 9): rtol 1e-3, atol 1e-6 returns A = -1.8e7 at t = 4e10 with
   status OK. What the library does guarantee, and this test checks: every
   run either succeeds or fails with a clear message naming time and
   species, the rows returned are finite, and the simulation works again
   with sane tolerances. The step budget is cut so the failing runs stay
   quick under valgrind. `nonnegative: true` is the model-side cure (next
   test). */
START_TEST(a_stiff_problem_at_too_loose_tolerances_fails_clearly_or_stays_finite) {
  muskx_model *m = tu_load(TEST_MODEL("robertson.yaml"));
  muskx_sim *s = tu_sim(m);
  const double times[] = {0, 4, 400, 4e4, 4e6, 4e10};
  enum { NT = 6, NC = 4 }; /* A, B, C, total */
  ck_assert_int_eq(muskx_sim_ncols(s), NC);
  double ref[NC * NT], out[NC * NT];
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-8, 1e-14));
  tu_run(s, times, NT, ref);
  /* rtol above 1e-2 is refused up front: a clear error, not a drift */
  const double refused[] = {1e-1, 0.5};
  for (size_t c = 0; c < ARRAY_LEN(refused); c++) {
    ck_assert_int_eq(muskx_sim_set_tolerances(s, refused[c], 1e-3), MUSKX_EINVAL);
    ck_assert_msg(strstr(muskx_sim_errmsg(s), "too loose") != NULL, "%s",
                  muskx_sim_errmsg(s));
  }
  const double loose[][2] = {{1e-2, 1e-3}, {1e-2, 1e-1}, {1e-2, 1.0}};
  TU_OK(s, muskx_sim_set_max_steps(s, 500));
  int failures = 0;
  for (size_t c = 0; c < ARRAY_LEN(loose); c++) {
    TU_OK(s, muskx_sim_set_tolerances(s, loose[c][0], loose[c][1]));
    size_t rows = 99;
    muskx_status st = muskx_sim_run(s, times, NT, out, &rows);
    const char *msg = muskx_sim_errmsg(s);
    if (st != MUSKX_OK) {
      failures++;
      ck_assert_msg(st == MUSKX_ESOLVER || st == MUSKX_ENONFINITE, "%s: %s",
                    muskx_status_name(st), msg);
      ck_assert_msg(!isnan(message_time(msg)), "no time in '%s'", msg);
      ck_assert_msg(names_species(msg, "A") || names_species(msg, "B") ||
                        names_species(msg, "C"),
                    "no species in '%s'", msg);
      ck_assert(rows < NT);
    } else {
      ck_assert_uint_eq(rows, NT);
    }
    for (size_t k = 0; k < rows * NC; k++)
      ck_assert_msg(isfinite(out[k]), "rtol %g: non-finite value at t=%g",
                    loose[c][0], times[k / NC]);
  }
  ck_assert_msg(failures > 0, "every loose run succeeded: is max_steps honoured?");
  /* reusable with sane tolerances */
  TU_OK(s, muskx_sim_reset(s));
  TU_OK(s, muskx_sim_set_max_steps(s, 100000));
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-8, 1e-14));
  tu_run(s, times, NT, out);
  for (size_t k = 0; k < NC * NT; k++)
    TU_CLOSE(out[k], ref[k], 1e-6, 1e-12, "robertson", times[k / NC]);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* The same problem with `nonnegative: true` species (CVODE constraints)
   at tolerances that make the plain model go negative. */
START_TEST(nonnegative_species_stay_nonnegative_at_loose_tolerances) {
  muskx_model *m = tu_load(TEST_MODEL("robertson_nonneg.yaml"));
  muskx_sim *s = tu_sim(m);
  const double times[] = {0, 4, 400, 4e4, 4e6, 4e10};
  enum { NT = 6 };
  const int nc = muskx_sim_ncols(s);
  ck_assert_int_le(nc, 8);
  double out[8 * NT];
  const double loose[][2] = {{1e-2, 1e-1}, {1e-2, 1.0}};
  TU_OK(s, muskx_sim_set_max_steps(s, 500));
  for (size_t c = 0; c < ARRAY_LEN(loose); c++) {
    TU_OK(s, muskx_sim_set_tolerances(s, loose[c][0], loose[c][1]));
    size_t rows = 0;
    muskx_status st = muskx_sim_run(s, times, NT, out, &rows);
    if (st != MUSKX_OK)
      ck_assert_msg(!isnan(message_time(muskx_sim_errmsg(s))), "%s",
                    muskx_sim_errmsg(s));
    /* Output rows are interpolated (CV_NORMAL) between accepted steps,
       which CVODE's constraints do not cover: A = -7.3e-5 at t = 4e6 here
       (reported in issue 9). Far from the -0.22 of the plain model. */
    for (size_t k = 0; k < rows; k++)
      for (int i = 0; i < 3; i++)
        ck_assert_msg(out[(size_t)nc * k + (size_t)i] >= -1e-3 * loose[c][1],
                      "rtol %g atol %g: species %d is %g at t=%g", loose[c][0],
                      loose[c][1], i, out[(size_t)nc * k + (size_t)i], times[k]);
    for (size_t k = 0; k < rows; k++) {
      const double *row = out + (size_t)nc * k;
      ck_assert_msg(fabs(row[0] + row[1] + row[2] - 1) <= loose[c][0] + loose[c][1],
                    "rtol %g: A+B+C = %.17g at t=%g", loose[c][0],
                    row[0] + row[1] + row[2], times[k]);
    }
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* An event whose assignment is not finite: x := 1/(x - x) at t = 1. */
static const char event_model[] =
    "muskx: 1\n"
    "model: {id: badset}\n"
    "species: {x: 1}\n"
    "odes: {x: -x}\n"
    "events:\n"
    "  - {id: kick, at: 1, set: {x: 1/(x - x)}}\n";

START_TEST(an_event_that_sets_a_non_finite_value_is_a_clear_error) {
  muskx_model *m = tu_load_text(event_model, "fault.yaml");
  muskx_sim *s = tu_sim(m);
  const double times[] = {0, 0.5, 2, 3};
  double out[4];
  size_t rows = 99;
  muskx_status st = muskx_sim_run(s, times, 4, out, &rows);
  ck_assert_msg(st != MUSKX_OK, "an infinite state was accepted: x(2) = %g",
                rows > 2 ? out[2] : NAN);
  ck_assert_msg(rows == 2, "kept %zu rows", rows);
  const char *msg = muskx_sim_errmsg(s);
  ck_assert_msg(message_time(msg) >= 1 && message_time(msg) <= 2, "%s", msg);
  ck_assert_msg(names_species(msg, "x") || strstr(msg, "'kick'"), "%s", msg);
  TU_CLOSE(out[1], exp(-0.5), 1e-5, 1e-9, "x", 0.5);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* Many faulting runs in a row on one simulation: no state leaks from one
   failure into the next run's numbers or statistics. */
START_TEST(a_simulation_survives_many_failures_in_a_row) {
  muskx_model *m = tu_load_text(blowup_model, "fault.yaml");
  muskx_sim *s = tu_sim(m);
  const double times[] = {0, 0.5, 2};
  double out[3];
  size_t rows;
  TU_OK(s, muskx_sim_set_max_steps(s, 500));
  for (int i = 0; i < 5; i++) {
    ck_assert_int_ne(muskx_sim_run(s, times, 3, out, &rows), MUSKX_OK);
    ck_assert_uint_eq(rows, 2);
    TU_CLOSE(out[1], 2.0, 1e-4, 1e-9, "y", 0.5);
  }
  TU_OK(s, muskx_sim_set_initial(s, "y", -1.0)); /* y = -1/(1 + t) */
  tu_run(s, times, 3, out);
  TU_CLOSE(out[2], -1.0 / 3.0, 1e-4, 1e-9, "y", 2.0);
  ck_assert_str_eq(muskx_sim_errmsg(s), "");
  ck_assert(isnan(muskx_sim_fail_time(s)));
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* An event that re-triggers itself forever at one time point hits the
   cascade limit (100000 firings, muskx-model(5) LIMITS), not a hang. */
static const char cascade_model[] =
    "muskx: 1\n"
    "model: {id: cascade}\n"
    "species: {x: 0, z: 0}\n"
    "odes: {x: 1, z: 0}\n"
    "events:\n"
    "  - {id: start, at: 0.5, set: {z: 1}}\n"
    "  - {id: flip, when: z < 0.5, set: {z: 1}}\n"
    "  - {id: flop, when: z > 0.5, set: {z: 0}}\n";

START_TEST(an_event_cascade_that_never_settles_hits_the_limit) {
  muskx_model *m = tu_load_text(cascade_model, "fault.yaml");
  muskx_sim *s = tu_sim(m);
  const double times[] = {0, 0.25, 1};
  double out[6];
  size_t rows = 99;
  muskx_status st = muskx_sim_run(s, times, 3, out, &rows);
  ck_assert_msg(st == MUSKX_ELIMIT, "%s: %s", muskx_status_name(st),
                muskx_sim_errmsg(s));
  const char *msg = muskx_sim_errmsg(s);
  ck_assert_msg(strstr(msg, "100000") && (strstr(msg, "'flip'") || strstr(msg, "'flop'")),
                "%s", msg);
  double t = message_time(msg);
  ck_assert_msg(fabs(t - 0.5) < 1e-4, "%s", msg);
  ck_assert_uint_eq(rows, 2);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* A timed event that repeats too often to ever finish the run: bounded by
   the events-per-run limit, not an endless loop. */
static const char flood_model[] =
    "muskx: 1\n"
    "model: {id: flood}\n"
    "parameters: {p: 0}\n"
    "events:\n"
    "  - {id: tick, at: 0, every: 1e-9, set: {p: p + 1}}\n"
    "outputs: {o: p}\n";

/* The same with an interval below the time resolution at t = 1e6: every
   firing would land on the same t again. */
static const char stuck_model[] =
    "muskx: 1\n"
    "model: {id: stuck}\n"
    "species: {x: 0}\n"
    "odes: {x: 1}\n"
    "events:\n"
    "  - {id: tick, at: 1e6, every: 1e-300, set: {x: x}}\n";

START_TEST(an_event_that_fires_too_often_is_stopped_by_a_limit) {
  const char *models[] = {flood_model, stuck_model};
  for (int i = UNDER_VALGRIND() ? 1 : 0; i < 2; i++) {
    muskx_model *m = tu_load_text(models[i], "fault.yaml");
    muskx_sim *s = tu_sim(m);
    const double times[] = {0, 2e6};
    double out[2];
    size_t rows = 99;
    muskx_status st = muskx_sim_run(s, times, 2, out, &rows);
    const char *msg = muskx_sim_errmsg(s);
    ck_assert_msg(st == MUSKX_ELIMIT, "%s: %s", muskx_status_name(st), msg);
    ck_assert_msg(strstr(msg, "'tick'") && strstr(msg, i == 0 ? "1000000 event firings"
                                                             : "too little to move time on"),
                  "%s", msg);
    ck_assert_msg(!isnan(message_time(msg)), "%s", msg);
    ck_assert_uint_eq(rows, 1);
    /* reusable: the same model over a short span is fine */
    TU_OK(s, muskx_sim_reset(s));
    const double short_times[] = {0, 1e-7};
    if (i == 0) tu_run(s, short_times, 2, out);
    muskx_sim_free(s);
    muskx_model_free(m);
  }
}
END_TEST

/* A repeating event whose first firing lies 1e300 time units in the past:
   the count of skipped firings does not fit in a long (found by fuzzing:
   a float-to-long overflow in schedule(), lib/solver.c). All five firings
   are in the past: the run is refused (it would silently never fire). */
static const char past_model[] =
    "muskx: 1\n"
    "model: {id: past}\n"
    "species: {x: 0}\n"
    "odes: {x: 0}\n"
    "events:\n"
    "  - {id: tick, at: -1e300, every: 1, count: 5, set: {x: x + 1}}\n";

START_TEST(an_event_scheduled_far_in_the_past_is_refused_not_lost) {
  muskx_model *m = tu_load_text(past_model, "fault.yaml");
  muskx_sim *s = tu_sim(m);
  const double times[] = {0, 10};
  double out[2];
  size_t rows = 0;
  /* every firing lies before t = 0: refused by name, without a hang or an
     overflow counting the skipped firings */
  ck_assert_int_eq(muskx_sim_run(s, times, 2, out, &rows), MUSKX_EINVAL);
  ck_assert_msg(strstr(muskx_sim_errmsg(s), "event 'tick'") != NULL, "%s",
                muskx_sim_errmsg(s));
  muskx_sim_free(s);
  muskx_model_free(m);
  /* a dose with the same shape, through the API */
  m = tu_load_text("muskx: 1\nmodel: {id: past}\nspecies: {x: 0}\n"
                   "odes: {x: 0}\n", "fault.yaml");
  s = tu_sim(m);
  TU_OK(s, muskx_sim_add_dose(s, "x", -1e300, 1.0, 1.0, 5));
  ck_assert_int_eq(muskx_sim_run(s, times, 2, out, &rows), MUSKX_EINVAL);
  ck_assert_msg(strstr(muskx_sim_errmsg(s), "doses of 'x'") != NULL, "%s",
                muskx_sim_errmsg(s));
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

int main(void) {
  Suite *su = suite_create("faults");
  TCase *tc = tcase_create("runtime");
  tcase_add_test(tc, a_division_by_zero_during_a_run_names_time_and_reaction);
  tcase_add_test(tc, the_log_of_a_negative_number_names_time_and_species);
  tcase_add_test(tc, a_right_hand_side_that_blows_up_stops_at_the_singularity);
  tcase_add_test(tc, a_runaway_species_is_named_not_the_first_species);
  tcase_add_test(tc, too_many_steps_names_time_and_worst_species_and_keeps_rows);
  tcase_add_test(tc, a_stiff_problem_at_too_loose_tolerances_fails_clearly_or_stays_finite);
  tcase_add_test(tc, nonnegative_species_stay_nonnegative_at_loose_tolerances);
  tcase_add_test(tc, an_event_that_sets_a_non_finite_value_is_a_clear_error);
  tcase_add_test(tc, a_simulation_survives_many_failures_in_a_row);
  tcase_add_test(tc, an_event_cascade_that_never_settles_hits_the_limit);
  tcase_add_test(tc, an_event_that_fires_too_often_is_stopped_by_a_limit);
  tcase_add_test(tc, an_event_scheduled_far_in_the_past_is_refused_not_lost);
  suite_add_tcase(su, tc);
  return tu_run_suite(su);
}
