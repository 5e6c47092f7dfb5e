/*
 * test_scenario.c -- scenarios (muskx-scenario(5)): loading, expansion of
 * phases and countermeasures into input tables and doses, runs against an
 * analytic solution, the summary against the time course, and the catalog
 * of bad scenarios in tests/bad_scenarios/ (each file's first line is
 * "# expect: LINE:COL: message").
 *
 * The test model tests/models/scenario_bone.yaml is linear and decoupled,
 * so every number here can be written down by hand (see its banner).
 * Expansion is checked on the simulation's own tables and doses (sim.h),
 * because that is where a wrong phase time or unit factor would hide.
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "scenario.h"
#include "sim.h"
#include "testutil.h"
#include "testdoses.h"

#define SCN(name) ("tests/scenarios/" name)
#define MONTH 30.4375

/* The input table of `name` on sim. */
static const muskx__table *table_of(const muskx_sim *sim, const char *name) {
  int i = muskx_model_find(sim->m, MUSKX_INPUT, name);
  ck_assert_int_ge(i, 0);
  return &sim->inputs[i];
}

/* ---------------------------------------------------------------------- */

START_TEST(a_scenario_loads_with_its_header_phases_and_reports) {
  muskx_scenario *sc = tu_load_scenario(SCN("basic.yaml"));
  ck_assert_str_eq(muskx_scenario_id(sc), "basic");
  ck_assert_str_eq(muskx_scenario_name(sc), "Basic test scenario");
  ck_assert_str_eq(muskx_scenario_description(sc), "every feature once");
  ck_assert_int_eq(muskx_scenario_reference_count(sc), 1);
  ck_assert_str_eq(muskx_scenario_reference(sc, 0), "tests/test_scenario.c");
  ck_assert_ptr_null(muskx_scenario_reference(sc, 1));
  ck_assert_str_eq(muskx_model_id(muskx_scenario_model(sc)), "scenario_bone");

  /* 10 d, 2 weeks, 1 month (30.4375 d), back to back from 0. */
  const char *names[] = {"pre", "flight", "rec"};
  const double start[] = {0, 10, 24}, end[] = {10, 24, 24 + MONTH};
  ck_assert_int_eq(muskx_scenario_phase_count(sc), 3);
  for (int p = 0; p < 3; p++) {
    ck_assert_str_eq(muskx_scenario_phase_name(sc, p), names[p]);
    ck_assert_double_eq(muskx_scenario_phase_start(sc, p), start[p]);
    ck_assert_double_eq_tol(muskx_scenario_phase_end(sc, p), end[p], 1e-12);
  }
  ck_assert_ptr_null(muskx_scenario_phase_name(sc, 3));
  ck_assert(isnan(muskx_scenario_phase_start(sc, -1)));
  ck_assert_double_eq_tol(muskx_scenario_t_end(sc), 24 + MONTH, 1e-12);
  ck_assert_double_eq(muskx_scenario_dt(sc), 0.5);
  ck_assert_int_eq(muskx_scenario_recovery_phase(sc), 1); /* before last */

  /* *_pct as it is; `show: change` honoured; others percent change. */
  const char *rep[] = {"B_pct", "B", "D_out", "drugx_central"};
  const int show[] = {MUSKX_SHOW_VALUE, MUSKX_SHOW_CHANGE,
                      MUSKX_SHOW_PCT_CHANGE, MUSKX_SHOW_PCT_CHANGE};
  ck_assert_int_eq(muskx_scenario_report_count(sc), 4);
  for (int c = 0; c < 4; c++) {
    ck_assert_str_eq(muskx_scenario_report_name(sc, c), rep[c]);
    ck_assert_int_eq(muskx_scenario_report_show(sc, c), show[c]);
  }
  ck_assert_int_eq(muskx_scenario_report_show(sc, 4), -1);
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(applying_builds_one_step_table_per_input_from_phases_and_exercise) {
  muskx_scenario *sc = tu_load_scenario(SCN("basic.yaml"));
  muskx_sim *sim = tu_sim(muskx_scenario_model(sc));
  TU_OK(sim, muskx_scenario_apply(sc, sim));

  const muskx__table *ld = table_of(sim, "loading");
  ck_assert_uint_eq(ld->n, 3);
  ck_assert_int_eq(ld->interp, MUSKX_INTERP_STEP);
  const double t[] = {0, 10, 24}, lv[] = {1, 0, 1};
  /* 3.5 sessions a week at intensity 0.8: 0.8 * 3.5 / 7 = 0.4 a day in
     flight; the baseline (model default 0) in the other phases. */
  const double ev[] = {0, 0.4, 0};
  const muskx__table *ex = table_of(sim, "exercise_resistive");
  ck_assert_uint_eq(ex->n, 3);
  for (int i = 0; i < 3; i++) {
    ck_assert_double_eq(ld->times[i], t[i]);
    ck_assert_double_eq(ld->values[i], lv[i]);
    ck_assert_double_eq(ex->times[i], t[i]);
    ck_assert_double_eq_tol(ex->values[i], ev[i], 1e-15);
  }
  /* A run from day 12 started there from the day-0 state, preflight and
     the flight's first days left out, without a word. */
  const char *b = "B";
  TU_OK(sim, muskx_sim_select(sim, &b, 1));
  double late[] = {12, 20}, out[2];
  ck_assert_int_eq(muskx_sim_run(sim, late, 2, out, NULL), MUSKX_EINVAL);
  ck_assert_msg(strstr(muskx_sim_errmsg(sim), "first phase begins at time "
                                              "0: a run from t=12") != NULL,
                "%s", muskx_sim_errmsg(sim));
  double from0[] = {0, 20};
  TU_OK(sim, muskx_sim_run(sim, from0, 2, out, NULL));
  /* after a reset the simulation is no longer the scenario's */
  TU_OK(sim, muskx_sim_reset(sim));
  TU_OK(sim, muskx_sim_run(sim, late, 2, out, NULL));
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
}
END_TEST

/* A model that declares exercise_resistive_sessions and _cycles gets the
   session count (per day) and the repetitions in the exercise's phases and
   its own defaults elsewhere; the dose is unchanged by them. */
START_TEST(exercise_fills_the_sessions_and_cycles_inputs_a_model_declares) {
  muskx_scenario *sc = tu_load_scenario(SCN("sessions.yaml"));
  muskx_sim *sim = tu_sim(muskx_scenario_model(sc));
  TU_OK(sim, muskx_scenario_apply(sc, sim));
  /* 3.5 a week = 0.5 a day; dose 0.8 * 0.5 = 0.4; 42 repetitions. */
  const double dose[] = {0, 0.4, 0}, ses[] = {1, 0.5, 1}, cyc[] = {100, 42, 100};
  const muskx__table *d = table_of(sim, "exercise_resistive");
  const muskx__table *s = table_of(sim, "exercise_resistive_sessions");
  const muskx__table *c = table_of(sim, "exercise_resistive_cycles");
  ck_assert_uint_eq(s->n, 3);
  ck_assert_uint_eq(c->n, 3);
  for (int i = 0; i < 3; i++) {
    ck_assert_double_eq_tol(d->values[i], dose[i], 1e-15);
    ck_assert_double_eq_tol(s->values[i], ses[i], 1e-15);
    ck_assert_double_eq(c->values[i], cyc[i]);
  }
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(drug_regimens_become_doses_in_the_target_unit) {
  muskx_scenario *sc = tu_load_scenario(SCN("basic.yaml"));
  const muskx_model *m = muskx_scenario_model(sc);
  muskx_sim *sim = tu_sim(m);
  TU_OK(sim, muskx_scenario_apply(sc, sim));
  static const tu_dose_want want[] = {
      /* 2 mg sc every week x3 from the start of flight (day 10), into the
         default target drugx_depot (mg). */
      {"drugx_depot", 10, 2, 7, 3},
      /* 500 ug iv at day 5 into drugx_central, whose unit is ug: 500. */
      {"drugx_central", 5, 500, 0, 1},
      /* 0.001 g = 1 mg times F_x = 0.8, every 7 d from day 40 until the
         end of rec (54.4375, inclusive): days 40, 47, 54 -> count 3. */
      {"drugx_depot", 40, 0.8, 7, 3},
  };
  tu_check_doses(sim, m, want, 3, 0, 1e-12, "basic.yaml");

  /* `set: {k_a: 0.25}` reached the simulation: d(depot)/dt = -k_a depot. */
  int ns = muskx_model_count(m, MUSKX_SPECIES);
  double y[4] = {1, 1, 0, 0}, f[4];
  ck_assert_int_eq(ns, 4);
  TU_OK(sim, muskx_sim_eval_rhs(sim, 0, y, f, NULL));
  ck_assert_double_eq_tol(f[1], -0.25, 1e-15);
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(sample_times_are_the_grid_plus_every_phase_boundary) {
  muskx_scenario *sc = tu_load_scenario(SCN("basic.yaml"));
  size_t n = muskx_scenario_sample_times(sc, NULL, 0);
  /* 0, 0.5, ..., 54 (109 points), then the end 54.4375. */
  ck_assert_uint_eq(n, 110);
  double t[110];
  ck_assert_uint_eq(muskx_scenario_sample_times(sc, t, 110), 110);
  for (size_t i = 0; i < 109; i++) ck_assert_double_eq(t[i], 0.5 * (double)i);
  ck_assert_double_eq_tol(t[109], 24 + MONTH, 1e-12);
  /* Fewer slots: only those written, the count still in all. */
  double few[3];
  ck_assert_uint_eq(muskx_scenario_sample_times(sc, few, 3), 110);
  ck_assert_double_eq(few[2], 1.0);
  muskx_scenario_free(sc);
}
END_TEST

/* A first phase shorter than a millionth of the step: day 0 is still the
   first sample, then the boundary, then the grid; it runs and summarises
   (review rev27u M8: the boundary had replaced day 0). */
START_TEST(a_tiny_first_phase_keeps_day_0) {
  muskx_scenario *sc = tu_load_scenario(SCN("first_phase_tiny.yaml"));
  double t[8];
  ck_assert_uint_eq(muskx_scenario_sample_times(sc, t, 8), 5);
  ck_assert_double_eq(t[0], 0);
  ck_assert_double_eq_tol(t[1], 1e-9, 1e-24);
  ck_assert_double_eq(t[2], 1);
  ck_assert_double_eq(t[3], 2);
  ck_assert_double_eq_tol(t[4], 3 + 1e-9, 1e-15);
  tu_scenario_run r = tu_run_scenario(sc);
  muskx_summary *s = NULL;
  ck_assert_int_eq(muskx_summary_compute(sc, r.t, r.v, r.n, &s), MUSKX_OK);
  ck_assert_double_eq(muskx_summary_get(s, MUSKX_SUMMARY_END, 0, 0), 0);
  ck_assert(muskx_summary_get(s, MUSKX_SUMMARY_END, 0, 1) < -1e-3);
  muskx_summary_free(s);
  tu_scenario_run_free(&r);
  muskx_scenario_free(sc);
}
END_TEST

/* B of tests/scenarios/unload.yaml by hand: steady 1, then toward
   u = 0 + w_ex * 0.4 = 0.2 in flight [10, 50], then toward 1. */
static double unload_B(double t, double k) {
  const double u = 0.2;
  if (t <= 10) return 1;
  if (t <= 50) return u + (1 - u) * exp(-k * (t - 10));
  double b50 = u + (1 - u) * exp(-k * 40);
  return 1 + (b50 - 1) * exp(-k * (t - 50));
}

START_TEST(a_run_matches_the_analytic_solution) {
  muskx_scenario *sc = tu_load_scenario(SCN("unload.yaml"));
  tu_scenario_run r = tu_run_scenario(sc);
  ck_assert_uint_eq(r.n, 151);
  for (size_t i = 0; i < r.n; i++) {
    double b = unload_B(r.t[i], 0.05);
    TU_CLOSE(r.v[i * 2 + 1], b, 1e-6, 1e-9, "B", r.t[i]);
    TU_CLOSE(r.v[i * 2 + 0], 100 * (b - 1), 1e-6, 1e-7, "B_pct", r.t[i]);
  }
  tu_scenario_run_free(&r);
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(doses_in_a_run_match_their_superposed_exponentials) {
  muskx_scenario *sc = tu_load_scenario(SCN("basic.yaml"));
  tu_scenario_run r = tu_run_scenario(sc);
  for (size_t i = 0; i < r.n; i++) {
    double t = r.t[i], depot = 0, central = 0;
    /* A sample at a dose time is after the dose (muskx_sim_run). */
    for (int k = 0; k < 3; k++) {
      if (t >= 10 + 7 * k) depot += 2 * exp(-0.25 * (t - (10 + 7 * k)));
      if (t >= 40 + 7 * k) depot += 0.8 * exp(-0.25 * (t - (40 + 7 * k)));
    }
    if (t >= 5) central = 500 * exp(-0.5 * (t - 5));
    TU_CLOSE(r.v[i * 4 + 2], depot, 1e-6, 1e-9, "drugx_depot", t);
    TU_CLOSE(r.v[i * 4 + 3], central, 1e-6, 1e-9, "drugx_central", t);
    /* start: steady moved B from its initial 0.7 to 1 before day 0. */
    if (t <= 10) TU_CLOSE(r.v[i * 4 + 1], 1.0, 1e-8, 1e-9, "B", t);
  }
  tu_scenario_run_free(&r);
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(start_defaults_keeps_the_initial_values) {
  muskx_scenario *sc = tu_load_scenario(SCN("defaults_start.yaml"));
  tu_scenario_run r = tu_run_scenario(sc);
  ck_assert_uint_eq(r.n, 5);
  for (size_t i = 0; i < r.n; i++)
    TU_CLOSE(r.v[i], 1 - 0.3 * exp(-0.05 * r.t[i]), 1e-6, 1e-9, "B", r.t[i]);
  tu_scenario_run_free(&r);
  muskx_scenario_free(sc);
}
END_TEST

/*
 * The summary, recomputed here from the run's rows by its documented
 * rules (muskx-scenario(5), SUMMARY) -- what a reader of the CSV would do --
 * and checked against the analytic half-recovery time.
 */
START_TEST(the_summary_agrees_with_the_time_course) {
  muskx_scenario *sc = tu_load_scenario(SCN("unload.yaml"));
  tu_scenario_run r = tu_run_scenario(sc);
  muskx_summary *s = NULL;
  ck_assert_int_eq(muskx_summary_compute(sc, r.t, r.v, r.n, &s), MUSKX_OK);
  for (int c = 0; c < 2; c++) {
    double x0 = r.v[c];
    /* Column 0 (B_pct) is shown as is; column 1 (B) as % change. */
    double y[151];
    for (size_t i = 0; i < r.n; i++)
      y[i] = c == 0 ? r.v[i * 2] : 100 * (r.v[i * 2 + 1] - x0) / x0;
    ck_assert_double_eq(muskx_summary_get(s, MUSKX_SUMMARY_BASELINE, c, 0), x0);
    ck_assert_double_eq(muskx_summary_shown(s, c, r.v[100 * 2 + c]), y[100]);
    /* End of each phase: the boundary samples 10, 50, 150. */
    const size_t ends[] = {10, 50, 150};
    for (int p = 0; p < 3; p++) {
      ck_assert_double_eq(r.t[ends[p]], muskx_scenario_phase_end(sc, p));
      ck_assert_double_eq(muskx_summary_get(s, MUSKX_SUMMARY_END, c, p),
                          y[ends[p]]);
    }
    /* Peak and trough over the run and over the flight [10, 50]. */
    size_t lo = 0, hi = 0, flo = 10;
    for (size_t i = 1; i < r.n; i++) {
      if (y[i] < y[lo]) lo = i;
      if (y[i] > y[hi]) hi = i;
    }
    for (size_t i = 10; i <= 50; i++)
      if (y[i] < y[flo]) flo = i;
    ck_assert_double_eq(muskx_summary_get(s, MUSKX_SUMMARY_TROUGH, c, -1), y[lo]);
    ck_assert_double_eq(muskx_summary_get(s, MUSKX_SUMMARY_TROUGH_TIME, c, -1),
                        r.t[lo]);
    ck_assert_double_eq(muskx_summary_get(s, MUSKX_SUMMARY_PEAK, c, -1), y[hi]);
    ck_assert_double_eq(muskx_summary_get(s, MUSKX_SUMMARY_TROUGH, c, 1),
                        y[flo]);
    ck_assert_double_eq(r.t[lo], 50); /* lowest at landing */
    /* Loss at the end of flight and half recovery: first crossing of half
       the loss after day 50, linear between the samples around it. */
    double d = y[50] - y[0];
    ck_assert_double_eq(muskx_summary_get(s, MUSKX_SUMMARY_LOSS, c, -1), d);
    size_t k = 51;
    while (k < r.n && (y[k] - y[0]) / d > 0.5) k++;
    ck_assert_uint_lt(k, r.n);
    double q0 = (y[k - 1] - y[0]) / d, q1 = (y[k] - y[0]) / d;
    double th = r.t[k - 1] + (q0 - 0.5) / (q0 - q1) * (r.t[k] - r.t[k - 1]);
    double half = muskx_summary_get(s, MUSKX_SUMMARY_HALF_RECOVERY, c, -1);
    ck_assert_double_eq_tol(half, th - 50, 1e-9);
    /* Analytically B - 1 decays as exp(-0.05 t) after landing: half of
       the loss is back after ln 2 / 0.05 = 13.86 days. */
    ck_assert_double_eq_tol(half, log(2) / 0.05, 0.02);
  }
  /* Bad arguments give NAN, not a crash. */
  ck_assert(isnan(muskx_summary_get(s, MUSKX_SUMMARY_END, 2, 0)));
  ck_assert(isnan(muskx_summary_get(s, MUSKX_SUMMARY_END, 0, 3)));
  ck_assert(isnan(muskx_summary_get(NULL, MUSKX_SUMMARY_END, 0, 0)));
  muskx_summary_free(s);
  tu_scenario_run_free(&r);
  muskx_scenario_free(sc);
}
END_TEST

/*
 * A change within round-off of none has no half recovery (summary.c,
 * change_floor): after a steady baseline phase a *_pct output read 4e-14
 * and was "half recovered in 0 d". Rows made here, on unload.yaml's
 * columns (B_pct shown as it is, a percentage; B as its percent change)
 * and phases (recovery from the end of flight, day 50): B_pct is d at day
 * 50 and decays as d exp(-(t - 50)/10) after it, half back at 10 ln 2 d;
 * B is x0 (1 + d/100) likewise. The floor is 1e-9 of 100 %: 1e-7, for
 * B's percent change too whatever x0 is: with x0 = 2e9 a -1 % change
 * had no half recovery (the floor took 1e-9 |x0| = 2, in B's units, as
 * percent), nor -60 % with x0 = 2e11.
 */
static double synthetic_half(muskx_scenario *sc, double d, int col,
                             double x0) {
  enum { N = 151 };
  double t[N], v[2 * N];
  for (int i = 0; i < N; i++) {
    double y = i < 50 ? 0 : d * exp(-(i - 50) / 10.0);
    t[i] = i;
    v[2 * i] = y;                   /* B_pct */
    v[2 * i + 1] = x0 * (1 + y / 100); /* B */
  }
  muskx_summary *s = NULL;
  ck_assert_int_eq(muskx_summary_compute(sc, t, v, N, &s), MUSKX_OK);
  double half = muskx_summary_get(s, MUSKX_SUMMARY_HALF_RECOVERY, col, -1);
  double loss = muskx_summary_get(s, MUSKX_SUMMARY_LOSS, col, -1);
  ck_assert(isfinite(loss)); /* the change itself is always reported */
  muskx_summary_free(s);
  return half;
}

START_TEST(a_round_off_change_has_no_half_recovery) {
  muskx_scenario *sc = tu_load_scenario(SCN("unload.yaml"));
  /* linear interpolation between days: the crossing of 1/2 on
     exp(-x/10) between x = 6 and 7 */
  double q6 = exp(-0.6), q7 = exp(-0.7);
  double want = 6 + (q6 - 0.5) / (q6 - q7);
  ck_assert_double_eq_tol(want, 10 * log(2), 0.01);
  for (int col = 0; col < 2; col++) {
    /* round-off (the 4.4e-14 % of CTX_pct) and just under the floor */
    ck_assert(isnan(synthetic_half(sc, 4.4e-14, col, 2)));
    ck_assert(isnan(synthetic_half(sc, -5e-8, col, 2)));
    /* just over it, and real changes, are timed as before */
    ck_assert_double_eq_tol(synthetic_half(sc, -2e-7, col, 2), want, 1e-6);
    ck_assert_double_eq_tol(synthetic_half(sc, 3.5, col, 2), want, 1e-9);
    ck_assert_double_eq_tol(synthetic_half(sc, -60, col, 2), want, 1e-9);
  }
  /* B's percent change of a large x0: the floor is still 1e-7 % */
  const double big[] = {2e9, 2e11};
  for (int j = 0; j < 2; j++) {
    ck_assert(isnan(synthetic_half(sc, 4.4e-14, 1, big[j])));
    ck_assert(isnan(synthetic_half(sc, -5e-8, 1, big[j])));
    ck_assert_double_eq_tol(synthetic_half(sc, -1, 1, big[j]), want, 1e-6);
    ck_assert_double_eq_tol(synthetic_half(sc, -60, 1, big[j]), want, 1e-6);
  }
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(a_run_cut_short_gives_nan_for_the_phases_it_did_not_reach) {
  muskx_scenario *sc = tu_load_scenario(SCN("unload.yaml"));
  tu_scenario_run r = tu_run_scenario(sc);
  muskx_summary *s = NULL;
  ck_assert_int_eq(muskx_summary_compute(sc, r.t, r.v, 30, &s), MUSKX_OK);
  ck_assert(!isnan(muskx_summary_get(s, MUSKX_SUMMARY_END, 0, 0)));
  ck_assert(isnan(muskx_summary_get(s, MUSKX_SUMMARY_END, 0, 1)));
  ck_assert(isnan(muskx_summary_get(s, MUSKX_SUMMARY_HALF_RECOVERY, 0, -1)));
  muskx_summary_free(s);
  /* Times must start at 0 and not decrease. */
  ck_assert_int_eq(muskx_summary_compute(sc, r.t + 1, r.v, 10, &s), MUSKX_EINVAL);
  ck_assert_ptr_null(s);
  tu_scenario_run_free(&r);
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(scenario_set_overrides_a_value_before_the_steady_state) {
  muskx_scenario *sc = tu_load_scenario(SCN("unload.yaml"));
  ck_assert_int_eq(muskx_scenario_set(sc, "k_B", 0.1), MUSKX_OK);
  tu_scenario_run r = tu_run_scenario(sc);
  for (size_t i = 0; i < r.n; i++)
    TU_CLOSE(r.v[i * 2 + 1], unload_B(r.t[i], 0.1), 1e-6, 1e-9, "B", r.t[i]);
  tu_scenario_run_free(&r);
  /* An input's baseline: the steady state and phases without a value of
     their own use it. */
  ck_assert_int_eq(muskx_scenario_set(sc, "loading", 0.9), MUSKX_OK);
  r = tu_run_scenario(sc);
  TU_CLOSE(r.v[1], 0.9, 1e-8, 1e-9, "B", 0.0);
  tu_scenario_run_free(&r);
  ck_assert_int_eq(muskx_scenario_set(sc, "k_bone", 1), MUSKX_ENOTFOUND);
  ck_assert_ptr_nonnull(strstr(muskx_scenario_errmsg(sc),
                               "has no parameter, species or input 'k_bone'"));
  ck_assert_int_eq(muskx_scenario_set(sc, "k_B", NAN), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_scenario_set(sc, "k_B", 0.05), MUSKX_OK);
  ck_assert_str_eq(muskx_scenario_errmsg(sc), "");
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(apply_refuses_a_simulation_of_another_model) {
  muskx_scenario *sc = tu_load_scenario(SCN("unload.yaml"));
  muskx_model *other = tu_load(TEST_MODEL("scenario_bone.yaml"));
  muskx_sim *sim = tu_sim(other);
  ck_assert_int_eq(muskx_scenario_apply(sc, sim), MUSKX_EINVAL);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(sim), "muskx_scenario_model"));
  double out[4];
  ck_assert_int_eq(muskx_scenario_run(sc, sim, out, 1, NULL), MUSKX_EINVAL);
  muskx_sim_free(sim);
  muskx_model_free(other);
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(null_handles_are_harmless) {
  muskx_scenario_free(NULL);
  muskx_summary_free(NULL);
  ck_assert_ptr_null(muskx_scenario_id(NULL));
  ck_assert_int_eq(muskx_scenario_phase_count(NULL), -1);
  ck_assert_uint_eq(muskx_scenario_sample_times(NULL, NULL, 0), 0);
  muskx_scenario *sc = (muskx_scenario *)&sc;
  muskx_error err;
  ck_assert_int_eq(muskx_scenario_load_file("tests/scenarios/none.yaml", &sc, &err),
                   MUSKX_EIO);
  ck_assert_ptr_null(sc);
  ck_assert_int_eq(err.line, 0);
  ck_assert_int_eq(muskx_scenario_load_file(NULL, &sc, NULL), MUSKX_EINVAL);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* The catalog of bad scenarios and the shipped scenarios                  */

#define MAX_FILES 200
static char *bad[MAX_FILES], *shipped[MAX_FILES];
static int nbad, nshipped;

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_yaml(const char *dir, char **out, int *n) {
  DIR *d = opendir(dir);
  struct dirent *de;
  if (d == NULL) return -1;
  while ((de = readdir(d)) != NULL && *n < MAX_FILES) {
    size_t len = strlen(de->d_name);
    if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0) continue;
    out[*n] = malloc(strlen(dir) + len + 2);
    sprintf(out[*n], "%s/%s", dir, de->d_name);
    (*n)++;
  }
  closedir(d);
  qsort(out, (size_t)*n, sizeof *out, by_name);
  return 0;
}

/* A decimal longer than 126 characters is read whole (a heap copy, not a
   fixed buffer): phase ends 30 and 42.5 by hand, and the drug's every:
   7.000...0 d gives two doses 7 d apart of 1 mg x F_sc 0.6 into A_depot
   (tests/models/agents_pk.yaml's banner). */
START_TEST(a_long_decimal_is_read_whole) {
  muskx_scenario *sc = tu_load_scenario(SCN("long_decimal.yaml"));
  ck_assert_double_eq_tol(muskx_scenario_phase_end(sc, 0), 30, 1e-12);
  ck_assert_double_eq_tol(muskx_scenario_phase_end(sc, 1), 42.5, 1e-12);
  const muskx_model *m = muskx_scenario_model(sc);
  muskx_sim *sim = tu_sim(m);
  TU_OK(sim, muskx_scenario_apply(sc, sim));
  static const tu_dose_want want[] = {{"A_depot", 0, 0.6, 7, 2}};
  tu_check_doses(sim, m, want, 1, 1e-12, 1e-12, "long_decimal.yaml");
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
}
END_TEST

/* A species' set: value under start: steady is only the steady-state
   search's start (review rev28u M4: set: {muscle.M: 0.8} ran as the
   healthy crew member, muscle 0.00 after 3 months, without a word).
   steady_species.yaml: dA/dt = -2 k A from A = 5 has its steady state at
   0, by hand: warned at the set: entry (10:7), the run at 0; with start:
   defaults the run begins at 5 (A(10) = 5 exp(-1) by hand) and no
   warning; muskx_scenario_set() of A is warned without a position. */
START_TEST(a_species_set_under_a_steady_start_warns) {
  muskx_scenario *sc = tu_load_scenario(SCN("steady_species.yaml"));
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  const char *w = muskx_scenario_warning(sc, 0);
  ck_assert_msg(w != NULL && strstr(w, "steady_species.yaml:10:7: warning: "
                                       "set: A = 5 is only where the "
                                       "steady-state search starts") &&
                    strstr(w, "where A is 0. To begin at 5, write start: "
                              "defaults"),
                "%s", w ? w : "(none)");
  const muskx_model *m = muskx_scenario_model(sc);
  muskx_sim *sim = tu_sim(m);
  double out[11];
  TU_OK(sim, muskx_scenario_run(sc, sim, out, 11, NULL));
  ck_assert_msg(fabs(out[0]) < 1e-9 && fabs(out[10]) < 1e-9, "A %g, %g",
                out[0], out[10]);
  ck_assert_int_eq(muskx_scenario_set(sc, "A", 3), MUSKX_OK);
  w = muskx_scenario_warning(sc, 0);
  ck_assert_msg(w != NULL && strstr(w, "warning: A = 3 set over the "
                                       "scenario is only where"),
                "%s", w ? w : "(none)");
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
  /* a species of a conserved total: its value sets the total, so it
     counts (A = 1.05 by hand), no warning (review rev28a M1) */
  muskx_scenario *sk = tu_load_scenario(SCN("steady_conserved.yaml"));
  ck_assert_int_eq(muskx_scenario_warning_count(sk), 0);
  sim = tu_sim(muskx_scenario_model(sk));
  TU_OK(sim, muskx_scenario_run(sk, sim, out, 2, NULL));
  ck_assert_double_eq_tol(out[0], 1.05, 1e-8);
  muskx_sim_free(sim);
  muskx_scenario_free(sk);
  /* start: defaults: the value is the start asked for */
  muskx_scenario *sd = tu_load_scenario(SCN("steady_species_defaults.yaml"));
  ck_assert_int_eq(muskx_scenario_warning_count(sd), 0);
  sim = tu_sim(muskx_scenario_model(sd));
  TU_OK(sim, muskx_scenario_run(sd, sim, out, 11, NULL));
  ck_assert_double_eq_tol(out[0], 5, 1e-9);
  ck_assert_double_eq_tol(out[10], 5 * exp(-1), 1e-6);
  muskx_sim_free(sim);
  muskx_scenario_free(sd);
}
END_TEST

/* until: is inclusive; a last dose on the first day of a later phase is
   kept and warned about, once, at the until: (session 24: monthly
   romosozumab until: romo gave 13 doses, the 13th on the day denosumab
   began, without a word). Doses by hand: drug_a days 0, 10, 20, 30 of
   1 mg x F_sc 0.6 into A_depot; drug_b days 0, 10, 20 (until: 25 d, inside
   phase a: no warning) of 1 mg = 2000 nmol x 0.05 = 100 nmol into B_gut
   (tests/models/agents_pk.yaml's banner: D mg adds 100 D nmol). */
START_TEST(until_on_the_first_day_of_a_phase_warns) {
  muskx_scenario *sc = tu_load_scenario(SCN("until_phase_start.yaml"));
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  const char *w = muskx_scenario_warning(sc, 0);
  ck_assert_ptr_nonnull(w);
  ck_assert_msg(strstr(w, "until_phase_start.yaml:13:") != NULL &&
                    strstr(w, ": warning: drug 'until' is inclusive: the last "
                              "of its 4 doses falls on day 30, the first day "
                              "of phase 'b'; for a course that ends before "
                              "that phase write count: 3") != NULL,
                "%s", w);
  ck_assert_ptr_null(muskx_scenario_warning(sc, 1));
  ck_assert_ptr_null(muskx_scenario_warning(sc, -1));
  const muskx_model *m = muskx_scenario_model(sc);
  muskx_sim *sim = tu_sim(m);
  TU_OK(sim, muskx_scenario_apply(sc, sim));
  static const tu_dose_want want[] = {{"A_depot", 0, 0.6, 10, 4},
                                      {"B_gut", 0, 100, 10, 3}};
  tu_check_doses(sim, m, want, 2, 1e-12, 1e-12, "until_phase_start.yaml");
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
}
END_TEST

/* A repeated drug whose last dose falls on the scenario's last day: the
   dose is given as the run ends and acts on nothing, which is warned
   about, once, at the until: or count: that put it there (session 25;
   tests/userscen s33 and s35 had such a dose). Doses by hand (as above):
   drug_a 1 mg x F_sc 0.6 into A_depot, days 0, 10, .., 60; drug_b 1 mg =
   100 nmol into B_gut, every 7 d from 0 to 56 (9), or every 10 d from 5.
   An until: after the end means "to the end": the entry keeps all its
   doses up to until: (10, days 0 .. 90 and 5 .. 95), the run ends on day
   60, and the last one given there, day 60, is warned about. */
START_TEST(a_last_dose_on_the_last_day_warns) {
  static const struct {
    const char *file, *where, *tail;
    tu_dose_want want[2];
    int nwant;
  } cases[] = {
      {"until_scenario_end.yaml", "until_scenario_end.yaml:14:", "write count: 6 instead of until (or an until: a day earlier); to see it act, make the scenario a day longer",
       {{"B_gut", 0, 100, 7, 9}, {"A_depot", 0, 0.6, 10, 7}}, 2},
      {"count_scenario_end.yaml", "count_scenario_end.yaml:11:", "write count: 6 (one dose fewer); to see it act, make the scenario a day longer",
       {{"A_depot", 0, 0.6, 10, 7}}, 1},
      {"until_after_end.yaml", "until_after_end.yaml:14:", "write count: 6 instead of until (or an until: a day earlier); to see it act, make the scenario a day longer",
       {{"B_gut", 5, 100, 10, 10}, {"A_depot", 0, 0.6, 10, 10}}, 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s%s", SCN(""), cases[i].file);
    muskx_scenario *sc = tu_load_scenario(path);
    ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
    const char *w = muskx_scenario_warning(sc, 0);
    ck_assert_ptr_nonnull(w);
    ck_assert_msg(strstr(w, cases[i].where) != NULL &&
                      strstr(w, ": warning: drug 'drug_a': the last of its 7 "
                                "doses falls on day 60, the last day of the "
                                "scenario") != NULL &&
                      strstr(w, cases[i].tail) != NULL,
                  "%s: %s", cases[i].file, w);
    ck_assert_ptr_null(muskx_scenario_warning(sc, 1));
    const muskx_model *m = muskx_scenario_model(sc);
    muskx_sim *sim = tu_sim(m);
    TU_OK(sim, muskx_scenario_apply(sc, sim));
    tu_check_doses(sim, m, cases[i].want, cases[i].nwant, 1e-12, 1e-12,
                   cases[i].file);
    muskx_sim_free(sim);
    muskx_scenario_free(sc);
  }
}
END_TEST

/* Review rev27u L8: a last dose less than one output step before the end
   warns like one on the last day (only the last row can show it), unless
   a course's interval is shorter still (daily doses sampled weekly). */
START_TEST(a_dose_less_than_a_step_before_the_end_warns) {
  static const struct {
    const char *file, *want;
  } cases[] = {
      {"dose_near_end.yaml",
       "dose_near_end.yaml:11:57: warning: drug 'drug_a': its dose falls on "
       "day 59.995, 0.005 d before the end of the scenario (day 60), less "
       "than one output step (1 d): only the last output row can show it, "
       "after 0.005 d"},
      {"basic.yaml",
       "basic.yaml:26:60: warning: drug 'drugx': the last of its 3 doses "
       "falls on day 54, 0.4375 d before the end of the scenario (day "
       "54.4375), less than one output step (0.5 d)"},
      {"daily_sampled_weekly.yaml", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s%s", SCN(""), cases[i].file);
    muskx_scenario *sc = tu_load_scenario(path);
    if (cases[i].want == NULL) {
      ck_assert_msg(muskx_scenario_warning_count(sc) == 0, "%s: %s",
                    cases[i].file, muskx_scenario_warning(sc, 0));
    } else {
      ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
      const char *w = muskx_scenario_warning(sc, 0);
      ck_assert_msg(strstr(w, cases[i].want) != NULL, "%s: %s",
                    cases[i].file, w);
    }
    muskx_scenario_free(sc);
  }
}
END_TEST

/* Review rev27u H2: set: of a model's built-in dose parameter (bound
   through an import, as spaceflight.yaml's dmab_dose) warns at the set:
   entry; its bioavailability and an unrelated parameter do not (with a
   drug: entry of the same agent it is refused: bad scenario 165). L1: the
   long form of a declared agent warns that the route's bioavailability
   (F_sc 0.6) is not applied, and gives the whole 10 mg (hand: not 6);
   with bioavailability: given, no warning. */
START_TEST(builtin_doses_and_the_long_form_warn) {
  muskx_scenario *sc = tu_load_scenario(SCN("builtin_dose_set.yaml"));
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  const char *w = muskx_scenario_warning(sc, 0);
  ck_assert_msg(strstr(w, "builtin_dose_set.yaml:8:31: warning: set: "
                          "dose_c = 60 switches on the model's own drug_c "
                          "regimen (event 'c.c_dose_event' doses "
                          "'c.C_depot'") != NULL &&
                    strstr(w, "leaves dose_c at 0") != NULL,
                "%s", w);
  muskx_scenario_free(sc);

  sc = tu_load_scenario(SCN("long_form_bioavailability.yaml"));
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  w = muskx_scenario_warning(sc, 0);
  ck_assert_msg(strstr(w, "long_form_bioavailability.yaml:12:35: warning: "
                          "drug 'drug_a' with 'target:' is the long form, "
                          "which does not apply the bioavailability of the "
                          "model's sc route (F_sc, 0.6): the whole '10 mg' "
                          "goes into 'A_depot'") != NULL &&
                    strstr(w, "write 'bioavailability: F_sc'") != NULL &&
                    strstr(w, "replace 'target: A_depot' with 'route: sc' "
                              "(the rest of the entry unchanged)") != NULL,
                "%s", w);
  const muskx_model *m = muskx_scenario_model(sc);
  muskx_sim *sim = tu_sim(m);
  TU_OK(sim, muskx_scenario_apply(sc, sim));
  static const tu_dose_want want[] = {{"A_depot", 0, 10, 0, 1},
                                      {"A_depot", 10, 5, 0, 1}};
  tu_check_doses(sim, m, want, 2, 0, 1e-15, "long_form_bioavailability.yaml");
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
}
END_TEST

/* Session 28: a phase's inputs: of a built-in dose parameter switches on
   the model's own regimen as a set: does (its event doses whatever value
   is in force at its times): a warning at the phase's key, which a set of
   dose_c does not take away (the phase's value stays in force there); with
   a drug: entry of that agent it is refused (bad scenario 170). Fails
   before the fix: the phase's key loaded without a word. */
START_TEST(a_phase_giving_a_builtin_dose_warns) {
  muskx_scenario *sc = tu_load_scenario(SCN("builtin_dose_phase.yaml"));
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  const char *want = "builtin_dose_phase.yaml:11:40: warning: phase 'b' "
                     "inputs: dose_c = 60 switches on the model's own "
                     "drug_c regimen (event 'c.c_dose_event' doses "
                     "'c.C_depot'";
  ck_assert_msg(strstr(muskx_scenario_warning(sc, 0), want) != NULL, "%s",
                muskx_scenario_warning(sc, 0));
  ck_assert_int_eq(muskx_scenario_set(sc, "dose_c", 0), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  ck_assert_msg(strstr(muskx_scenario_warning(sc, 0), want) != NULL, "%s",
                muskx_scenario_warning(sc, 0));
  muskx_scenario_free(sc);
}
END_TEST

/* Session 28: every path that gives a loaded scenario a value applies the
   built-in dose rule of its set: (muskx__sc_builtin_rule): next to a drug
   entry of drug_c, a non-zero dose_c by muskx_scenario_set() (--set),
   muskx_scenario_run_with() / _start_warning_with() (Python
   run_scenario(sc, set=)) and an ensemble's sample (--vary,
   --params-csv) is refused, naming the drug entry at file:line:col; 0 runs
   the drug entry alone: 10 mg sc at F_c_top 0.5 is 5 mg into c.C_depot at
   day 0, decaying at kc = 0.1/d, C = 5 exp(-0.1 t) (by hand). Of repeated
   names in run_with's list only the last counts. Before the fix run_with
   and the ensemble ran dose_c = 60 on top of the entry (C(0) = 35). */
#define DRUG_C_ENTRY                                                         \
  "the drug entry at tests/scenarios/builtin_dose_drug.yaml:13:33 gives "  \
  "drug_c as well: the two would add up. Give the regimen once: leave "    \
  "dose_c at 0 there and keep the drug entry"
START_TEST(scenario_set_refuses_a_builtin_dose_next_to_a_drug_entry) {
  muskx_scenario *sc = tu_load_scenario(SCN("builtin_dose_drug.yaml"));
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 0);
  const char *entry = DRUG_C_ENTRY;
  ck_assert_int_eq(muskx_scenario_set(sc, "dose_c", 60), MUSKX_EINVAL);
  const char *msg = muskx_scenario_errmsg(sc);
  ck_assert_msg(strstr(msg, "set over the scenario: dose_c = 60 switches on "
                            "the model's own drug_c regimen") == msg &&
                    strstr(msg, entry) != NULL,
                "%s", msg);
  ck_assert_int_eq(muskx_scenario_set(sc, "dose_c", 0), MUSKX_OK);
  muskx_scenario_free(sc);
  /* without a drug entry: the warning follows the value in force (review
     rev27c M3), worded by the same rule */
  sc = tu_load_scenario(SCN("builtin_dose_set.yaml"));
  ck_assert_int_eq(muskx_scenario_set(sc, "dose_c", 30), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  ck_assert_msg(strstr(muskx_scenario_warning(sc, 0),
                       "builtin_dose_set.yaml: warning: set over the "
                       "scenario: dose_c = 30 switches on the model's own "
                       "drug_c regimen") != NULL,
                "%s", muskx_scenario_warning(sc, 0));
  ck_assert_int_eq(muskx_scenario_set(sc, "dose_c", 0), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 0);
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(run_with_refuses_a_builtin_dose_next_to_a_drug_entry) {
  muskx_scenario *sc = tu_load_scenario(SCN("builtin_dose_drug.yaml"));
  const char *msg, *entry = DRUG_C_ENTRY;
  const muskx_model *m = muskx_scenario_model(sc);
  muskx_sim *sim = tu_sim(m);
  size_t n = muskx_scenario_sample_times(sc, NULL, 0);
  double *t = calloc(n, sizeof *t), *out = calloc(n, sizeof *out);
  ck_assert_ptr_nonnull(t);
  ck_assert_ptr_nonnull(out);
  muskx_scenario_sample_times(sc, t, n);
  const char *names[2] = {"dose_c", "dose_c"};
  double v60_0[2] = {60, 0}, v0_60[2] = {0, 60};
  ck_assert_int_eq(muskx_scenario_run_with(sc, sim, 1, names, v60_0, out, n,
                                           NULL),
                   MUSKX_EINVAL);
  msg = muskx_sim_errmsg(sim);
  ck_assert_msg(strstr(msg, "set for the run: dose_c = 60 switches on") ==
                        msg && strstr(msg, entry) != NULL,
                "%s", msg);
  ck_assert_int_eq(muskx_scenario_run_with(sc, sim, 2, names, v0_60, out, n,
                                           NULL),
                   MUSKX_EINVAL);
  TU_OK(sim, muskx_scenario_run_with(sc, sim, 2, names, v60_0, out, n, NULL));
  for (size_t i = 0; i < n; i++)
    ck_assert_msg(fabs(out[i] - 5 * exp(-0.1 * t[i])) <=
                      1e-5 * 5 * exp(-0.1 * t[i]),
                  "t=%g: C %.9g vs %.9g", t[i], out[i], 5 * exp(-0.1 * t[i]));
  char w[2048];
  muskx_error err;
  ck_assert_int_eq(muskx_scenario_start_warning_with(sc, 1, names, v60_0, w,
                                                     sizeof w, &err),
                   MUSKX_EINVAL);
  ck_assert_msg(strstr(err.message, entry) != NULL, "%s", err.message);
  free(t);
  free(out);
  muskx_sim_free(sim);
  muskx_scenario_free(sc);

  /* without a drug entry: a warning for the run's value, none for 0 */
  sc = tu_load_scenario(SCN("builtin_dose_set.yaml"));
  const char *one[1] = {"dose_c"};
  double v30[1] = {30}, v0[1] = {0};
  ck_assert_int_eq(muskx_scenario_start_warning_with(sc, 1, one, v30, w,
                                                     sizeof w, &err),
                   MUSKX_OK);
  ck_assert_msg(strstr(w, "builtin_dose_set.yaml: warning: set for the run: "
                          "dose_c = 30 switches on the model's own drug_c "
                          "regimen") != NULL && strchr(w, '\n') == NULL,
                "%s", w);
  ck_assert_int_eq(muskx_scenario_start_warning_with(sc, 1, one, v0, w,
                                                     sizeof w, &err),
                   MUSKX_OK);
  ck_assert_str_eq(w, "");
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(ensemble_samples_refuse_a_builtin_dose_next_to_a_drug_entry) {
  muskx_scenario *sc = tu_load_scenario(SCN("builtin_dose_drug.yaml"));
  const char *msg, *entry = DRUG_C_ENTRY;
  const muskx_model *m = muskx_scenario_model(sc);
  size_t n = muskx_scenario_sample_times(sc, NULL, 0);
  double *t = calloc(n, sizeof *t);
  ck_assert_ptr_nonnull(t);
  muskx_scenario_sample_times(sc, t, n);
  const char *names[1] = {"dose_c"};
  /* an ensemble's samples: dose_c 0 runs as above, 60 fails with why */
  muskx_ensemble *e = NULL;
  ck_assert_int_eq(muskx_ensemble_create(m, &e), MUSKX_OK);
  double tab[2] = {0, 60};
  ck_assert_int_eq(muskx_ensemble_set_samples(e, tab, 2, 1, names), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_set_scenario(e, sc), MUSKX_OK);
  const char *col[1] = {"c.C_depot"};
  ck_assert_int_eq(muskx_ensemble_set_columns(e, col, 1), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_run(e, 0, 2, 1, 1, t, n, NULL, NULL),
                   MUSKX_OK);
  ck_assert_uint_eq(muskx_ensemble_nfailed(e), 1);
  msg = muskx_ensemble_sample_errmsg(e, 1);
  ck_assert_msg(strstr(msg, "an ensemble sample's dose_c = 60 switches on") !=
                        NULL && strstr(msg, entry) != NULL,
                "%s", msg);
  ck_assert_str_eq(muskx_ensemble_sample_errmsg(e, 0), "");
  double *traj = calloc(2 * n, sizeof *traj);
  ck_assert_ptr_nonnull(traj);
  ck_assert_int_eq(muskx_ensemble_trajectories(e, traj, 2 * n), MUSKX_OK);
  for (size_t i = 0; i < n; i++)
    ck_assert_msg(fabs(traj[i] - 5 * exp(-0.1 * t[i])) <=
                      1e-5 * 5 * exp(-0.1 * t[i]),
                  "sample 0, t=%g: C %.9g", t[i], traj[i]);
  free(traj);
  muskx_ensemble_free(e);
  free(t);
  muskx_scenario_free(sc);
}
END_TEST

/* Review rev27u M9: an input's declared range (min/max): its ends and an
   input without a range load and run (bad scenarios 166-167 refuse values
   outside it); muskx_scenario_set() (the CLI's --set) refuses one too. */
START_TEST(an_input_range_takes_its_ends_and_refuses_beyond) {
  muskx_scenario *sc = tu_load_scenario(SCN("input_range_ok.yaml"));
  tu_scenario_run r = tu_run_scenario(sc);
  /* dx/dt = u + v - x from x = 1: phase a (u + v = -5) falls toward -5 */
  ck_assert(r.v[10] < -90);
  tu_scenario_run_free(&r);
  ck_assert_int_eq(muskx_scenario_set(sc, "u", 2), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_set(sc, "v", -7), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_set(sc, "u", 2.5), MUSKX_EINVAL);
  ck_assert_str_eq(muskx_scenario_errmsg(sc),
                   "value 2.5 of 'u' lies outside the range [0, 2] that the "
                   "model declares for input 'u' (loading, 1 = Earth)");
  ck_assert_int_eq(muskx_scenario_set(sc, "u", -0.1), MUSKX_EINVAL);
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(the_catalog_holds_at_least_15_bad_scenarios) {
  ck_assert_msg(nbad >= 15, "only %d bad scenarios", nbad);
}
END_TEST

START_TEST(every_bad_scenario_is_refused_at_its_line_and_column) {
  const char *path = bad[_i];
  char first[1024], buf[2048];
  int line = 0, col = 0, used = 0;
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  ck_assert_ptr_nonnull(fgets(first, sizeof first, f));
  fclose(f);
  first[strcspn(first, "\r\n")] = '\0';
  ck_assert_msg(sscanf(first, "# expect: %d:%d: %n", &line, &col, &used) == 2 &&
                    used > 0,
                "%s: first line must be '# expect: LINE:COL: message'", path);
  muskx_scenario *sc = (muskx_scenario *)path;
  muskx_error err;
  muskx_access *a = tu_access();
  muskx_status st = muskx_scenario_load_file_with(path, a, &sc, &err);
  muskx_access_free(a);
  muskx_error_format(&err, buf, sizeof buf);
  ck_assert_msg(st != MUSKX_OK, "%s: loaded, but should fail", path);
  ck_assert_ptr_null(sc);
  ck_assert_int_eq(err.status, st);
  ck_assert_str_eq(err.file, path);
  ck_assert_msg(err.line == line && err.column == col, "%s: want %d:%d, got %s",
                path, line, col, buf);
  ck_assert_msg(strstr(err.message, first + used) != NULL,
                "%s: want '%s', got %s", path, first + used, buf);
}
END_TEST

/* Every shipped scenario loads, runs to its end with finite numbers, and
   its summary's end-of-phase values are rows of its time course. */
START_TEST(every_shipped_scenario_runs_and_summarises) {
  muskx_scenario *sc = tu_load_scenario(shipped[_i]);
  ck_assert_msg(muskx_scenario_reference_count(sc) > 0,
                "%s cites nothing", shipped[_i]);
  tu_scenario_run r = tu_run_scenario(sc);
  for (size_t i = 0; i < r.n * (size_t)r.nc; i++)
    ck_assert_msg(isfinite(r.v[i]), "%s: non-finite value", shipped[_i]);
  muskx_summary *s = NULL;
  ck_assert_int_eq(muskx_summary_compute(sc, r.t, r.v, r.n, &s), MUSKX_OK);
  for (int p = 0; p < muskx_scenario_phase_count(sc); p++) {
    size_t k = 0;
    while (r.t[k] < muskx_scenario_phase_end(sc, p)) k++;
    ck_assert_double_eq(r.t[k], muskx_scenario_phase_end(sc, p));
    for (int c = 0; c < r.nc; c++)
      ck_assert_double_eq(muskx_summary_get(s, MUSKX_SUMMARY_END, c, p),
                          muskx_summary_shown(s, c, r.v[k * (size_t)r.nc + (size_t)c]));
  }
  muskx_summary_free(s);
  tu_scenario_run_free(&r);
  muskx_scenario_free(sc);
}
END_TEST

/* muskx_scenario_run_with(): more set: entries for one run, after the
   file's, without changing the scenario (prof25fix: the Python binding's
   run_scenario(sc, set=) runs so, not its file re-read). start_shift:
   dB/dt = k_B (loading + shift - B), B(0) = 1, k_B = 0.05, so B_pct at
   day 10 = 100 (loading - 1 + shift) (1 - exp(-0.5)) by hand (to 1e-4
   of it: the solver's tolerances); the file sets shift 0.1. */
START_TEST(run_with_adds_sets_for_one_run) {
  muskx_scenario *sc = tu_load_scenario(SCN("start_defaults_set.yaml"));
  const muskx_model *m = muskx_scenario_model(sc);
  muskx_sim *sim = tu_sim(m);
  size_t n = muskx_scenario_sample_times(sc, NULL, 0);
  double *out = calloc(n, sizeof *out), e = 1 - exp(-0.5);
  ck_assert_ptr_nonnull(out);
  const char *names[3] = {"shift", "loading", "shift"};
  double values[3] = {0.3, 1.2, 0.4};
  /* shift 0.3 over the file's 0.1 */
  TU_OK(sim, muskx_scenario_run_with(sc, sim, 1, names, values, out, n, NULL));
  ck_assert_double_eq_tol(out[n - 1], 100 * 0.3 * e, 1e-4 * 100 * 0.3 * e);
  /* an input's baseline too, and the later of two entries wins */
  TU_OK(sim, muskx_scenario_run_with(sc, sim, 3, names, values, out, n, NULL));
  ck_assert_double_eq_tol(out[n - 1], 100 * (0.2 + 0.4) * e, 1e-4 * 100 * (0.2 + 0.4) * e);
  /* the scenario is unchanged: the file's shift 0.1, its one warning */
  TU_OK(sim, muskx_scenario_run(sc, sim, out, n, NULL));
  ck_assert_double_eq_tol(out[n - 1], 100 * 0.1 * e, 1e-4 * 100 * 0.1 * e);
  TU_OK(sim, muskx_scenario_run_with(sc, sim, 0, NULL, NULL, out, n, NULL));
  ck_assert_double_eq_tol(out[n - 1], 100 * 0.1 * e, 1e-4 * 100 * 0.1 * e);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  /* refused, on sim: no such name, a value not finite, a bad list */
  const char *bad[1] = {"shfit"};
  size_t rows = 7;
  ck_assert_int_eq(muskx_scenario_run_with(sc, sim, 1, bad, values, out, n,
                                           &rows),
                   MUSKX_ENOTFOUND);
  ck_assert_uint_eq(rows, 0);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(sim),
                               "no parameter, species or input 'shfit'"));
  double nan1[1] = {NAN};
  ck_assert_int_eq(muskx_scenario_run_with(sc, sim, 1, names, nan1, out, n,
                                           NULL),
                   MUSKX_EINVAL);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(sim),
                               "value of 'shift' is not finite"));
  /* one message per case (review 2 of prof25fix, LOW) */
  struct {
    const muskx_scenario *sc;
    int n;
    const char *const *names;
    const double *values;
    const char *says;
  } bad_list[] = {
      {NULL, 1, names, values, "no scenario (NULL)"},
      {sc, -1, names, values, "-1 settings: the count must not be negative"},
      {sc, 1, NULL, values, "1 settings but no list of names (NULL)"},
      {sc, 1, names, NULL, "1 settings but no list of values (NULL)"},
  };
  for (size_t i = 0; i < sizeof bad_list / sizeof bad_list[0]; i++) {
    ck_assert_int_eq(muskx_scenario_run_with(bad_list[i].sc, sim, bad_list[i].n,
                                             bad_list[i].names,
                                             bad_list[i].values, out, n, NULL),
                     MUSKX_EINVAL);
    ck_assert_str_eq(muskx_sim_errmsg(sim), bad_list[i].says);
  }
  const char *unnamed[2] = {"shift", NULL};
  ck_assert_int_eq(muskx_scenario_run_with(sc, sim, 2, unnamed, values, out,
                                           n, NULL),
                   MUSKX_EINVAL);
  ck_assert_str_eq(muskx_sim_errmsg(sim), "setting 1 has no name");
  free(out);
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
}
END_TEST

/* muskx_scenario_start_warning_with(): the start warning sc would have
   with run_with's extra entries, sc unchanged (review 2 of prof25fix,
   MEDIUM: Python's run_scenario(sc, set=) lost it). start_defaults_set.yaml
   sets shift 0.1 (0.5 % a day, its own warning); by hand 100 k_B |s| % a
   day: shift 0.3 -> 1.5 %, shift 0 (the later entry wins over the file's)
   -> the default, no warning; loading 1.2 with shift -0.2 -> 0 (steady). */
START_TEST(start_warning_with_checks_the_extra_values) {
  muskx_scenario *sc = tu_load_scenario(SCN("start_defaults_set.yaml"));
  char w[2048];
  muskx_error err;
  const char *names[2] = {"shift", "loading"};
  double v1[1] = {0.3}, v0[1] = {0}, v2[2] = {-0.2, 1.2};
  ck_assert_int_eq(muskx_scenario_start_warning_with(sc, 1, names, v1, w,
                                                     sizeof w, &err),
                   MUSKX_OK);
  ck_assert_ptr_nonnull(strstr(w, "start_defaults_set.yaml:7:8: warning: "));
  ck_assert_msg(strstr(w, "set: shift = 0.3 (") != NULL, "%s", w);
  ck_assert_msg(strstr(w, "species 'B' changes by 1.5 % a day") != NULL,
                "%s", w);
  ck_assert_int_eq(muskx_scenario_start_warning_with(sc, 1, names, v0, w,
                                                     sizeof w, &err),
                   MUSKX_OK);
  ck_assert_str_eq(w, "");
  ck_assert_int_eq(muskx_scenario_start_warning_with(sc, 2, names, v2, w,
                                                     sizeof w, &err),
                   MUSKX_OK);
  ck_assert_str_eq(w, "");
  /* no extra entries: the scenario's own warning; truncated to size */
  ck_assert_int_eq(muskx_scenario_start_warning_with(sc, 0, NULL, NULL, w,
                                                     sizeof w, NULL),
                   MUSKX_OK);
  ck_assert_str_eq(w, muskx_scenario_warning(sc, 0));
  char small[8];
  ck_assert_int_eq(muskx_scenario_start_warning_with(sc, 1, names, v1, small,
                                                     sizeof small, NULL),
                   MUSKX_OK);
  ck_assert_uint_eq(strlen(small), 7);
  ck_assert_int_eq(muskx_scenario_start_warning_with(sc, 1, names, v1, NULL,
                                                     0, &err),
                   MUSKX_OK);
  /* sc unchanged */
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  ck_assert_ptr_nonnull(strstr(muskx_scenario_warning(sc, 0),
                               "set: shift = 0.1 ("));
  /* refusals, in err */
  const char *bad[1] = {"shfit"};
  ck_assert_int_eq(muskx_scenario_start_warning_with(sc, 1, bad, v1, w,
                                                     sizeof w, &err),
                   MUSKX_ENOTFOUND);
  ck_assert_int_eq(err.status, MUSKX_ENOTFOUND);
  ck_assert_ptr_nonnull(strstr(err.message, "no parameter, species or input 'shfit'"));
  ck_assert_int_eq(muskx_scenario_start_warning_with(NULL, 1, names, v1, w,
                                                     sizeof w, &err),
                   MUSKX_EINVAL);
  ck_assert_str_eq(err.message, "no scenario (NULL)");
  ck_assert_int_eq(muskx_scenario_start_warning_with(sc, 1, names, v1, NULL,
                                                     8, &err),
                   MUSKX_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.message, "no buffer (NULL)"));
  double nan1[1] = {NAN};
  ck_assert_int_eq(muskx_scenario_start_warning_with(sc, 1, names, nan1, w,
                                                     sizeof w, &err),
                   MUSKX_EINVAL);
  ck_assert_str_eq(err.message, "value of 'shift' is not finite");
  muskx_scenario_free(sc);
}
END_TEST

/* start: defaults with a `set:` that moves the steady state loads, runs
   and warns (muskx-scenario(5), start): at the start key, naming the set
   value, the species and its rate at day 0 by hand from
   tests/models/start_shift.yaml (k_B shift = 0.05 x 0.1 = 0.5 % a day).
   Two-sided: no warning below the threshold (1e-6 a day: shift 1e-5
   gives 5e-7), at the default value, for a species' initial value set by
   name, for start: steady, or when the model's initial values are no
   steady state anyway (scenario_bone.yaml, B0 = 0.7: rate 2.1 % a day
   without the set value, 1.4 % with loading 0.9). */
START_TEST(start_defaults_off_the_steady_state_of_the_set_values_warns) {
  muskx_scenario *sc = tu_load_scenario(SCN("start_defaults_set.yaml"));
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  const char *w = muskx_scenario_warning(sc, 0);
  ck_assert_ptr_nonnull(w);
  ck_assert_ptr_nonnull(strstr(w, "start_defaults_set.yaml:7:8: warning: "));
  ck_assert_ptr_nonnull(strstr(w, "set: shift = 0.1 ("));
  ck_assert_ptr_nonnull(strstr(w, "species 'B' changes by 0.5 % a day"));
  ck_assert_ptr_null(muskx_scenario_warning(sc, 1));
  ck_assert_ptr_null(muskx_scenario_warning(sc, -1));
  /* it still runs from the initial value: B(10) = 1.1 - 0.1 exp(-0.5) */
  const muskx_model *m = muskx_scenario_model(sc);
  muskx_sim *sim = tu_sim(m);
  size_t n = muskx_scenario_sample_times(sc, NULL, 0);
  double *out = calloc(n, sizeof *out);
  ck_assert_ptr_nonnull(out);
  TU_OK(sim, muskx_scenario_run(sc, sim, out, n, NULL));
  ck_assert_double_eq_tol(out[0], 0, 1e-9);
  ck_assert_double_eq_tol(out[n - 1], 100 * (0.1 - 0.1 * exp(-0.5)), 1e-4);
  free(out);
  muskx_sim_free(sim);
  /* below the threshold, at the default, after --set: none; back: one */
  ck_assert_int_eq(muskx_scenario_set(sc, "shift", 1e-5), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 0);
  ck_assert_ptr_null(muskx_scenario_warning(sc, 0));
  ck_assert_int_eq(muskx_scenario_set(sc, "shift", 0), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 0);
  ck_assert_int_eq(muskx_scenario_set(sc, "B", 1.2), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 0);
  ck_assert_int_eq(muskx_scenario_set(sc, "B", 1), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_set(sc, "loading", 0.9), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  ck_assert_ptr_nonnull(strstr(muskx_scenario_warning(sc, 0),
                               "set: loading = 0.9 ("));
  /* an initial value set by name is the start asked for (review 22):
     with B = 1.2 set, shift = 1e-5 moves the rate at day 0 from
     0.05 (1 - 1.2) / 1.2 to 0.05 (1 + 1e-5 - 1.2) / 1.2, a factor
     0.99995 (hand): no warning; shift = 25 moves it to
     0.05 (24.8) / 1.2 = 1.033 a day, 124 times (> 100): one */
  ck_assert_int_eq(muskx_scenario_set(sc, "loading", 1), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_set(sc, "B", 1.2), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_set(sc, "shift", 1e-5), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 0);
  ck_assert_int_eq(muskx_scenario_set(sc, "shift", 25), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  ck_assert_ptr_nonnull(strstr(muskx_scenario_warning(sc, 0),
                               "set: shift = 25 ("));
  ck_assert_ptr_null(strstr(muskx_scenario_warning(sc, 0), "B = "));
  muskx_scenario_free(sc);
  ck_assert_int_eq(muskx_scenario_warning_count(NULL), 0);

  /* start: steady (basic.yaml, set k_a) and scenario_bone's own
     non-steady initial values: no start warning (basic.yaml's one
     warning is its last dose, day 54, 0.4375 d before the end, less
     than its 0.5 d output step: a_dose_less_than_a_step_before_the_end_warns) */
  sc = tu_load_scenario(SCN("basic.yaml"));
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  ck_assert_ptr_null(strstr(muskx_scenario_warning(sc, 0), "start"));
  muskx_scenario_free(sc);
  sc = tu_load_scenario(SCN("defaults_start.yaml"));
  ck_assert_int_eq(muskx_scenario_set(sc, "loading", 0.9), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 0);
  muskx_scenario_free(sc);
}
END_TEST

/* After set: name = v, sc has one warning and it holds want. */
static void warns_after_set(muskx_scenario *sc, const char *name, double v,
                            const char *want) {
  ck_assert_int_eq(muskx_scenario_set(sc, name, v), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  ck_assert_msg(strstr(muskx_scenario_warning(sc, 0), want) != NULL,
                "want '%s' in %s", want, muskx_scenario_warning(sc, 0));
}

/* The start warning's scale for a species at 0 (session 25 Low: the rate
   was divided by max(|value|, 1e-12), so a drift of 1e-14 mmol a day
   from 0 read "1 % a day" and a real one "2e+11 % a day"). By hand from
   tests/models/start_zero.yaml: Z's scale is atol / rtol = 1e-9 / 1e-6 =
   1e-3 mmol, W's (atol + rtol 0.1) / rtol = 0.101 (typical: 0.1); the
   threshold is 1e-6 of the scale a day. leak 1e-14: 1e-11 of Z's scale,
   no warning (old: one); leak 2e-9: 2e-6, a warning (two-sided, just
   above 1e-9 = the threshold); leak 0.002: "changes by 0.002 mmol a day
   from 0", its scale named; leak_W 5e-8: 5e-7 of W's scale, none (at
   atol's scale alone 5e-5: it would warn); leak_W 2e-7 > 1.01e-7: one.
   With the scenario's own rtol 1e-8 Z's scale is 0.1 mmol: leak 1e-8
   (1e-7 of it) none, leak 2e-7 (2e-6) one. */
START_TEST(start_warning_measures_a_species_at_0_against_its_scale) {
  muskx_scenario *sc = tu_load_scenario(SCN("start_defaults_zero.yaml"));
  ck_assert_msg(muskx_scenario_warning_count(sc) == 0, "warning: %s",
                muskx_scenario_warning(sc, 0));
  ck_assert_int_eq(muskx_scenario_set(sc, "leak", 2e-9), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  ck_assert_int_eq(muskx_scenario_set(sc, "leak", 0.5e-9), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 0);
  ck_assert_int_eq(muskx_scenario_set(sc, "leak", 0.002), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  const char *w = muskx_scenario_warning(sc, 0);
  ck_assert_ptr_nonnull(strstr(w, "start_defaults_zero.yaml:8:8: warning: "));
  ck_assert_msg(strstr(w, "species 'Z' changes by 0.002 mmol a day from 0 "
                          "there, against its scale of 0.001 mmol") != NULL,
                "%s", w);
  ck_assert_ptr_null(strstr(w, "%"));
  /* a fall is worded unsigned, as a relative rate is (review low26 L6:
     "changes by -0.002 mmol") */
  warns_after_set(sc, "leak", -0.002,
                  "species 'Z' changes by 0.002 mmol a day from 0 there");
  ck_assert_int_eq(muskx_scenario_set(sc, "leak", 0), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_set(sc, "leak_W", 5e-8), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 0);
  warns_after_set(sc, "leak_W", 2e-7,
                  "species 'W' changes by 2e-07 a day from 0 there, "
                  "against its scale of 0.101,");
  /* a species away from 0 keeps its relative rate: B 0.5 % a day */
  ck_assert_int_eq(muskx_scenario_set(sc, "leak_W", 0), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_set(sc, "shift", 0.1), MUSKX_OK);
  ck_assert_ptr_nonnull(strstr(muskx_scenario_warning(sc, 0),
                               "species 'B' changes by 0.5 % a day there"));
  muskx_scenario_free(sc);

  sc = tu_load_scenario(SCN("start_defaults_zero_tol.yaml"));
  ck_assert_msg(muskx_scenario_warning_count(sc) == 0, "warning: %s",
                muskx_scenario_warning(sc, 0));
  warns_after_set(sc, "leak", 2e-7, "against its scale of 0.1 mmol");
  muskx_scenario_free(sc);
}
END_TEST

/* A NaN rate at the set: values (eng22: the fastest rate keeps a NaN;
   lib/scenario_warn.c) gives no warning: the run reports the fault.
   tests/models/start_nan.yaml, by hand: at p = -1, dA/dt = 1 and
   dB/dt = -10 (relative, B's is the fastest: 1000 % a day): a warning
   naming B; at p = 1, dA/dt = sqrt(-1) = NaN comes before dB/dt = 10, and
   a NaN kept only until a finite rate replaced it would warn of B at
   1000 % a day: none, and no "nan" in any text. */
START_TEST(a_nan_rate_at_the_set_values_gives_no_start_warning) {
  muskx_scenario *sc = tu_load_scenario(SCN("start_defaults_nan.yaml"));
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  ck_assert_ptr_nonnull(strstr(muskx_scenario_warning(sc, 0),
                               "species 'B' changes by 1e+03 % a day"));
  ck_assert_int_eq(muskx_scenario_set(sc, "p", 1), MUSKX_OK);
  ck_assert_msg(muskx_scenario_warning_count(sc) == 0, "warning: %s",
                muskx_scenario_warning(sc, 0));
  /* the run itself refuses the NaN, at t = 0, naming A */
  const muskx_model *m = muskx_scenario_model(sc);
  muskx_sim *sim = tu_sim(m);
  size_t n = muskx_scenario_sample_times(sc, NULL, 0);
  double *out = calloc(n, sizeof *out);
  ck_assert_ptr_nonnull(out);
  ck_assert_int_ne(muskx_scenario_run(sc, sim, out, n, NULL), MUSKX_OK);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(sim), "d(A)/dt is not finite"));
  free(out);
  muskx_sim_free(sim);
  /* back to p = -1: the warning again */
  ck_assert_int_eq(muskx_scenario_set(sc, "p", -1), MUSKX_OK);
  ck_assert_int_eq(muskx_scenario_warning_count(sc), 1);
  muskx_scenario_free(sc);
}
END_TEST

/* A drug's every: in prescription words (muskx-scenario(5), Schedule):
   each against its interval worked out by hand (month 30.4375 d, year
   365.25 d); the spellings that read two ways are refused (-1, with both
   readings), and what is no such word is left to the quantity reader
   (0). */
START_TEST(every_in_prescription_words_gives_the_interval) {
  static const struct {
    const char *text;
    double days;
  } ok[] = {
      {"weekly", 7},           {"Weekly", 7},          {"once a week", 7},
      {"every week", 7},       {"every 2 weeks", 14},  {"every other week", 14},
      {"every other day", 2},  {"fortnightly", 14},    {"daily", 1},
      {"twice daily", 0.5},    {"BID", 0.5},           {"b.i.d.", 0.5},
      {"3 times a day", 1.0 / 3}, {"twice-weekly", 3.5}, {"monthly", 30.4375},
      {"QM", 30.4375},         {"Q6M", 182.625},       {"q.6.m.", 182.625},
      {"q6 months", 182.625},  {"Q4W", 28},            {"Q12H", 0.5},
      {"quarterly", 91.3125},  {"semi-annually", 182.625},
      {"yearly", 365.25},      {"annually", 365.25},   {"every 1.5 years", 547.875},
      {"6 mo", 182.625},       {"26 Wks", 182},        {"6 Months", 182.625},
      {"every 26 weeks", 182}, {"1e-3 d", 1e-3},
      /* a decimal point inside the number of a Q form stays (review 22:
         Q1.5D was read as 15 d); the dots around letters go */
      {"Q1.5D", 1.5},          {"Q0.5W", 3.5},         {"q.2.w.", 14},
      {"q2.5h", 2.5 / 24},     {"Q1.5 weeks", 10.5},
      /* Q<N>M is months for the prescription intervals 1, 2, 3, 4, 6,
         12 (12 x 30.4375 = 365.25) */
      {"Q1M", 30.4375},        {"Q3M", 91.3125},       {"q12m", 365.25},
      /* the other rows of the table, by hand: 24 h = 1 d, 365.25 / 2,
         7 / 3, 2 x 30.4375, 30.4375 / 2 */
      {"TID", 1.0 / 3},        {"QID", 0.25},          {"hourly", 1.0 / 24},
      {"half-yearly", 182.625}, {"semiannual", 182.625}, {"annual", 365.25},
      {"thrice weekly", 7.0 / 3}, {"2 x a week", 3.5}, {"4 times a day", 0.25},
      {"every other month", 60.875}, {"twice monthly", 15.21875},
      /* N weekly with N = 1 is once a week either way */
      {"1 weekly", 7},         {"1 daily", 1},
      {"semi-annual", 182.625}, {"Semi Annual", 182.625},
      /* a hyphen between a word and a number joins them (review 22b) */
      {"every-2-weeks", 14},
  };
  static const char *const refused[] = {
      "biweekly", "Bi-weekly", "bimonthly", "biannually", "biennial", "QD",
      "qd", "q.d.", "QOD", "q.o.d.", "2 weekly", "6-monthly", "6 m", "q30min",
      /* a minus sign inside (review 22: 'every -2 weeks' was 14 d) */
      "every -2 weeks", "every -1 day", "every 2 weeks -1",
      /* a range (review 22b: q4-6h was called a minus sign) */
      "q4-6h", "every 3-4 weeks", "1-2 weeks",
      /* nursing's q15m, q30m are minutes */
      "q15m", "Q30M", "q5m", "Q1.5M",
      /* a bare decimal point or a separator */
      "q.5w", "Q.5W", "bi-annual", "Bi Annual",
      /* a hexadecimal number or inf/nan after Q (session 24: Q0x10D got
         the generic message, not the hexadecimal refusal) */
      "Q0x10D", "q0X1P3W", "q.0x10.d.", "QinfD", "Qnan W",
      /* 0x and a unit, no number (review rev24a: Q0xD was '0xd' (13)) */
      "Q0xD", "Q0x.D", "q0x d", "Q0x W", "q0xm",
  };
  static const char *const other[] = {"often", "7", "-1 week",
                                      "every 0 d", "every other 2 weeks",
                                      "q", "qx", "weekly-ish",
                                      /* a '-' that joins no two words */
                                      "weekly -", "every 2 -weeks",
                                      "- weekly", "every +2 weeks",
                                      /* two dots in a row (review 22b:
                                         q1..5d was 15 d) */
                                      "q1..5d", "q..5w", "q..5.w", "Q-6M",
                                      /* 0x without a hexadecimal number,
                                         a blank before the unit (looped
                                         forever in session 24's first
                                         cut of the Q0x10D refusal) */
                                      "Q0xzz d"};
  char why[512];
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    double d = -1;
    why[0] = '\0';
    int r = muskx__sc_every_words(ok[i].text, &d, why, sizeof why);
    ck_assert_msg(r == 1, "'%s': %d (%s)", ok[i].text, r, why);
    ck_assert_msg(fabs(d - ok[i].days) <= 1e-12 * ok[i].days,
                  "'%s': %.17g d, want %.17g", ok[i].text, d, ok[i].days);
  }
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    double d = -1;
    why[0] = '\0';
    int r = muskx__sc_every_words(refused[i], &d, why, sizeof why);
    ck_assert_msg(r == -1 && d == -1, "'%s': %d", refused[i], r);
    ck_assert_msg(strstr(why, refused[i]) != NULL, "'%s': %s", refused[i],
                  why);
    ck_assert_ptr_nonnull(strstr(why, "write"));
  }
  /* 0x and a unit: no number, the unit not read as a digit (rev24a) */
  ck_assert_int_eq(muskx__sc_every_words("Q0x.D", &(double){0}, why,
                                         sizeof why), -1);
  ck_assert_msg(strstr(why, "'0x' has no number before the unit") != NULL &&
                    strstr(why, "13") == NULL,
                "%s", why);
  for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
    double d = -1;
    int r = muskx__sc_every_words(other[i], &d, why, sizeof why);
    ck_assert_msg(r == 0 && d == -1, "'%s': %d", other[i], r);
  }
  /* the refusal of N m suggests Q<N>M only where Q<N>M is accepted
     (review 22b: 15 m suggested the refused Q15M) */
  ck_assert_int_eq(muskx__sc_every_words("15 m", &(double){0}, why,
                                         sizeof why), -1);
  ck_assert_msg(strstr(why, "Q15M") == NULL && strstr(why, "0.25 h") != NULL,
                "%s", why);
  ck_assert_int_eq(muskx__sc_every_words("6 m", &(double){0}, why,
                                         sizeof why), -1);
  ck_assert_ptr_nonnull(strstr(why, "Q6M"));
  /* every time of a scenario takes the abbreviations, in any case; not
     m (minutes or months) or min (bad scenario 65) */
  ck_assert_double_eq(muskx__sc_time_word("wks"), 7);
  ck_assert_double_eq(muskx__sc_time_word("MO"), 30.4375);
  ck_assert_double_eq(muskx__sc_time_word("Months"), 30.4375);
  ck_assert_double_eq(muskx__sc_time_word("Yr"), 365.25);
  ck_assert_double_eq(muskx__sc_time_word("hrs"), 1.0 / 24);
  ck_assert_double_eq(muskx__sc_time_word("m"), 0);
  ck_assert_double_eq(muskx__sc_time_word("min"), 0);
  ck_assert_double_eq(muskx__sc_time_word(""), 0);
  ck_assert_double_eq(muskx__sc_time_word("fortnights"), 0);
}
END_TEST

/* The 'did you mean' of a model name (muskx__sc_near_name, the shared
   matcher) beyond edit distance (session 28): `set: {menopause: 1}` got
   no hint toward postmenopausal (7 edits away). The one name that
   contains a text of 6 characters or more within 1 edit (menopausal
   exactly, menopause with its e for a), and the one name equal to the
   text with separators left out (kB: k_B, too short for a typo). No hint
   where it would be a guess: a text in two names (exercise:
   exercise_aerobic, exercise_resistive, ...), a short text inside a name
   (pm: a_pm_rankl and three more), a 2-letter text equal to two names
   without separators. The earlier rules keep their answers (case,
   suffix, near typo). Bad scenarios 172 and 173 check the messages. */
START_TEST(a_model_name_hint_by_its_parts) {
  static const muskx_kind kinds[] = {MUSKX_PARAMETER, MUSKX_INPUT,
                                     MUSKX_SPECIES};
  static const struct {
    const char *text, *want; /* want NULL: no hint */
  } sf[] = {{"menopause", "postmenopausal"},
            {"menopausal", "postmenopausal"},
            {"Post_Meno_Pausal", "postmenopausal"},
            {"post_menopausal", "postmenopausal"},
            {"Postmenopausal", "postmenopausal"},
            {"postmenopause", "postmenopausal"},
            {"pm", NULL},
            {"exercise", NULL},
            {"menopauses_x", NULL},
            {"calcium", "calcium_intake"}},
    bone[] = {{"kB", "k_B"}, {"Fx", "F_x"}, {"k_B", NULL}, {"x", NULL}};
  muskx_model *m = tu_load("models/crosstalk/spaceflight.yaml");
  for (size_t i = 0; i < sizeof sf / sizeof sf[0]; i++) {
    const char *got = muskx__sc_near_name(m, kinds, 3, sf[i].text);
    ck_assert_msg(sf[i].want == NULL ? got == NULL
                                     : got != NULL && !strcmp(got, sf[i].want),
                  "spaceflight '%s': want %s, got %s", sf[i].text,
                  sf[i].want ? sf[i].want : "none", got ? got : "none");
  }
  muskx_model_free(m);
  m = tu_load(TEST_MODEL("scenario_bone.yaml"));
  for (size_t i = 0; i < sizeof bone / sizeof bone[0]; i++) {
    const char *got = muskx__sc_near_name(m, kinds, 3, bone[i].text);
    ck_assert_msg(bone[i].want == NULL
                      ? got == NULL
                      : got != NULL && !strcmp(got, bone[i].want),
                  "scenario_bone '%s': want %s, got %s", bone[i].text,
                  bone[i].want ? bone[i].want : "none", got ? got : "none");
  }
  muskx_model_free(m);
  /* two names equal without separators: none */
  m = tu_load_text("muskx: 1\n"
                   "model: {id: twins}\n"
                   "parameters: {k_B: 1, kb_: 2}\n"
                   "species: {x: 1}\n"
                   "odes: {x: -k_B*kb_*x}\n",
                   "twins.yaml");
  ck_assert_ptr_null(muskx__sc_near_name(m, kinds, 3, "kB"));
  muskx_model_free(m);
}
END_TEST

/* every: longer than 100 years is the time limit of get_days()
   (MUSKX_ELIMIT, "longer than 100 years") in words as in units (review
   22: the words gave MUSKX_EMODEL); bad scenario 69 checks the place */
START_TEST(every_past_100_years_is_the_time_limit) {
  muskx_scenario *sc = NULL;
  muskx_error err;
  muskx_access *a = tu_access();
  static const char *const path[] = {
      "tests/bad_scenarios/69_every_past_100_years.yaml",
      "tests/bad_scenarios/70_every_past_100_years_in_units.yaml"};
  for (int i = 0; i < 2; i++) {
    muskx_status st = muskx_scenario_load_file_with(path[i], a, &sc, &err);
    ck_assert_msg(st == MUSKX_ELIMIT, "%s: %d %s", path[i], st, err.message);
    ck_assert_ptr_nonnull(strstr(err.message, "is longer than 100 years"));
  }
  muskx_access_free(a);
}
END_TEST

int main(void) {
  if (list_yaml("tests/bad_scenarios", bad, &nbad) != 0 ||
      list_yaml("scenarios", shipped, &nshipped) != 0) {
    fprintf(stderr, "test_scenario: run from the repository root\n");
    return EXIT_FAILURE;
  }
  Suite *s = suite_create("scenario");
  TCase *tc = tcase_create("load and expand");
  tcase_add_test(tc, a_scenario_loads_with_its_header_phases_and_reports);
  tcase_add_test(tc, applying_builds_one_step_table_per_input_from_phases_and_exercise);
  tcase_add_test(tc, exercise_fills_the_sessions_and_cycles_inputs_a_model_declares);
  tcase_add_test(tc, drug_regimens_become_doses_in_the_target_unit);
  tcase_add_test(tc, sample_times_are_the_grid_plus_every_phase_boundary);
  tcase_add_test(tc, null_handles_are_harmless);
  suite_add_tcase(s, tc);
  tc = tcase_create("run and summary");
  tcase_add_test(tc, a_run_matches_the_analytic_solution);
  tcase_add_test(tc, doses_in_a_run_match_their_superposed_exponentials);
  tcase_add_test(tc, start_defaults_keeps_the_initial_values);
  tcase_add_test(tc, the_summary_agrees_with_the_time_course);
  tcase_add_test(tc, a_run_cut_short_gives_nan_for_the_phases_it_did_not_reach);
  tcase_add_test(tc, a_round_off_change_has_no_half_recovery);
  tcase_add_test(tc, scenario_set_overrides_a_value_before_the_steady_state);
  tcase_add_test(tc, apply_refuses_a_simulation_of_another_model);
  tcase_add_test(tc, start_defaults_off_the_steady_state_of_the_set_values_warns);
  tcase_add_test(tc, a_nan_rate_at_the_set_values_gives_no_start_warning);
  tcase_add_test(tc, start_warning_measures_a_species_at_0_against_its_scale);
  tcase_add_test(tc, a_species_set_under_a_steady_start_warns);
  tcase_add_test(tc, every_in_prescription_words_gives_the_interval);
  tcase_add_test(tc, every_past_100_years_is_the_time_limit);
  tcase_add_test(tc, a_model_name_hint_by_its_parts);
  suite_add_tcase(s, tc);
  tc = tcase_create("catalogs");
  tcase_add_test(tc, the_catalog_holds_at_least_15_bad_scenarios);
  tcase_add_test(tc, a_long_decimal_is_read_whole);
  tcase_add_test(tc, until_on_the_first_day_of_a_phase_warns);
  tcase_add_test(tc, a_last_dose_on_the_last_day_warns);
  tcase_add_test(tc, a_dose_less_than_a_step_before_the_end_warns);
  tcase_add_test(tc, a_tiny_first_phase_keeps_day_0);
  tcase_add_test(tc, builtin_doses_and_the_long_form_warn);
  tcase_add_test(tc, a_phase_giving_a_builtin_dose_warns);
  tcase_add_test(tc, scenario_set_refuses_a_builtin_dose_next_to_a_drug_entry);
  tcase_add_test(tc, run_with_refuses_a_builtin_dose_next_to_a_drug_entry);
  tcase_add_test(tc, ensemble_samples_refuse_a_builtin_dose_next_to_a_drug_entry);
  tcase_add_test(tc, an_input_range_takes_its_ends_and_refuses_beyond);
  tcase_add_test(tc, run_with_adds_sets_for_one_run);
  tcase_add_test(tc, start_warning_with_checks_the_extra_values);
  tcase_add_loop_test(tc, every_bad_scenario_is_refused_at_its_line_and_column,
                      0, nbad);
  suite_add_tcase(s, tc);
  /* every shipped scenario on the full spaceflight model */
  tc = tu_long_tcase("shipped");
  tcase_add_loop_test(tc, every_shipped_scenario_runs_and_summarises, 0,
                      nshipped);
  suite_add_tcase(s, tc);
  int status = tu_run_suite(s);
  for (int i = 0; i < nbad; i++) free(bad[i]);
  for (int i = 0; i < nshipped; i++) free(shipped[i]);
  return status;
}
