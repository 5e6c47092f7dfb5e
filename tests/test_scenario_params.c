/*
 * test_scenario_params.c -- scenario phases that drive a parameter of a
 * model without inputs (issue 18 item 3; lib/scenario_params.c,
 * lib/param_steps.c), against the analytic answer, through the public API.
 *
 * tests/scenarios/param_phases.yaml on tests/models/param_drive.yaml:
 * dA/dt = -2 k A, A(0) = 1, k = 0.1 (the scenario's `set`) on [0, 10] and
 * [20, 30], 0.2 on [10, 20]: A = exp(-2 (integral of k)), so
 * A(10) = e^-2, A(15) = e^-4, A(20) = e^-6, A(30) = e^-8. The same run
 * again gives the same rows (the steps are per run), muskx_scenario_set()
 * moves the baseline of the phases without a value, and a plain
 * simulation of the model afterwards knows nothing of the steps.
 *
 * Time units: param_phases_hours.yaml runs the same on a model in hours
 * (the scenario's days become 24 model hours; the rows stay in days), and
 * doses_hours.yaml gives 2 mg at 10, 17 and 24 d to a depot in hours that
 * decays at 0.2 per day: sum 2 exp(-0.2 (t - t_i)).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

static double integral_k(double t, double base) {
  /* base on [0, 10] and [20, 30], 0.2 on [10, 20] */
  double a = t < 10 ? t : 10, b = t < 10 ? 0 : (t < 20 ? t - 10 : 10),
         c = t < 20 ? 0 : t - 20;
  return base * (a + c) + 0.2 * b;
}

static void check_run(muskx_scenario *sc, muskx_sim *sim, double base) {
  size_t n = muskx_scenario_sample_times(sc, NULL, 0);
  ck_assert_uint_eq(n, 31);
  double times[31], out[31];
  muskx_scenario_sample_times(sc, times, n);
  size_t rows = 0;
  TU_OK(sim, muskx_scenario_run(sc, sim, out, n, &rows));
  ck_assert_uint_eq(rows, n);
  for (size_t i = 0; i < n; i++) {
    double want = exp(-2 * integral_k(times[i], base));
    ck_assert_msg(fabs(out[i] - want) <= 1e-6 * want + 1e-13, "t=%g: A %.12g vs %.12g",
                  times[i], out[i], want);
  }
}

static muskx_scenario *load(void) {
  return tu_load_scenario("tests/scenarios/param_phases.yaml");
}

START_TEST(phases_drive_a_parameter) {
  muskx_scenario *sc = load();
  muskx_sim *sim = tu_sim(muskx_scenario_model(sc));
  check_run(sc, sim, 0.1);
  check_run(sc, sim, 0.1); /* again: same rows */
  ck_assert_int_eq(muskx_scenario_set(sc, "k", 0.3), MUSKX_OK);
  check_run(sc, sim, 0.3); /* the baseline phases follow the set value */
  /* a plain run after the scenario: reset, no steps, k = 0.05 */
  TU_OK(sim, muskx_sim_reset(sim));
  double t[] = {0, 30}, y[2];
  size_t rows = 0;
  TU_OK(sim, muskx_sim_run(sim, t, 2, y, &rows));
  ck_assert_double_eq_tol(y[1], exp(-2 * 0.05 * 30), 1e-7);
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(model_in_hours) {
  muskx_scenario *sc =
      tu_load_scenario("tests/scenarios/param_phases_hours.yaml");
  muskx_sim *sim = tu_sim(muskx_scenario_model(sc));
  check_run(sc, sim, 0.1);
  muskx_sim_free(sim);
  muskx_scenario_free(sc);

  sc = tu_load_scenario("tests/scenarios/doses_hours.yaml");
  sim = tu_sim(muskx_scenario_model(sc));
  size_t n = muskx_scenario_sample_times(sc, NULL, 0);
  ck_assert_uint_eq(n, 31);
  double times[31], out[31];
  muskx_scenario_sample_times(sc, times, n);
  ck_assert_double_eq(times[30], 30.0); /* days, whatever the model's unit */
  size_t rows = 0;
  TU_OK(sim, muskx_scenario_run(sc, sim, out, n, &rows));
  for (size_t i = 0; i < n; i++) {
    double want = 0;
    for (double ti = 10; ti <= 24; ti += 7)
      if (times[i] >= ti) want += 2 * exp(-0.2 * (times[i] - ti));
    ck_assert_msg(fabs(out[i] - want) <= 1e-7 * want + 1e-12, "t=%g d: %.12g vs %.12g",
                  times[i], out[i], want);
  }
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
}
END_TEST

/* A run with its own values for a name the file's set: gives AND a phase
   steps (session 25 review 2, HIGH): the phases' baseline is the LAST
   set: entry of the name, the appended one. Before, the step table took
   the file's first entry, so run_with k = 0.2 gave A(10) = e^-2 (k stayed
   0.1) instead of e^-4, and an ensemble's samples all ran with the file's
   value. Reference: the closed form of check_run() with the new base. */
START_TEST(run_with_moves_the_baseline_of_a_stepped_parameter) {
  muskx_scenario *sc = load();
  muskx_sim *sim = tu_sim(muskx_scenario_model(sc));
  size_t n = muskx_scenario_sample_times(sc, NULL, 0);
  ck_assert_uint_eq(n, 31);
  double times[31], out[31];
  muskx_scenario_sample_times(sc, times, n);
  const char *names[2] = {"k", "k"};
  double values[2] = {0.2, 0.05};
  /* one entry (k = 0.2: A(10) = e^-4, not the file's e^-2), then the same
     name twice: the later (0.05) wins, A(10) = e^-1 */
  for (int cnt = 1; cnt <= 2; cnt++) {
    double base = values[cnt - 1];
    TU_OK(sim, muskx_scenario_run_with(sc, sim, cnt, names, values, out, n,
                                       NULL));
    for (size_t i = 0; i < n; i++) {
      double want = exp(-2 * integral_k(times[i], base));
      ck_assert_msg(fabs(out[i] - want) <= 1e-6 * want + 1e-13,
                    "%d entries, t=%g: A %.12g vs %.12g", cnt, times[i],
                    out[i], want);
    }
  }
  check_run(sc, sim, 0.1); /* the scenario itself unchanged */
  /* the same through muskx_scenario_set() (also the last entry) */
  ck_assert_int_eq(muskx_scenario_set(sc, "k", 0.2), MUSKX_OK);
  check_run(sc, sim, 0.2);
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
}
END_TEST

/* The same for an input (input_phases_set.yaml: loading 1.1 in the file,
   1 on p2): run_with loading 1.2 gives B_pct(10) = 100 x 0.2 (1 - e^-0.5)
   = 7.869 (before: the file's 1.1, 3.935), B_pct(20) = that x e^-0.5. */
START_TEST(run_with_moves_the_baseline_of_a_stepped_input) {
  muskx_scenario *sc = tu_load_scenario("tests/scenarios/input_phases_set.yaml");
  muskx_sim *sim = tu_sim(muskx_scenario_model(sc));
  size_t n = muskx_scenario_sample_times(sc, NULL, 0);
  ck_assert_uint_eq(n, 21);
  double out[21], e = 1 - exp(-0.5);
  const char *names[1] = {"loading"};
  double values[1] = {1.2};
  double lv[2] = {1.2, 1.1};
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 0)
      TU_OK(sim, muskx_scenario_run_with(sc, sim, 1, names, values, out, n,
                                         NULL));
    else
      TU_OK(sim, muskx_scenario_run(sc, sim, out, n, NULL));
    double w10 = 100 * (lv[pass] - 1) * e, w20 = w10 * exp(-0.5);
    ck_assert_msg(fabs(out[10] - w10) <= 1e-6 * w10, "pass %d: B_pct(10) %.10g vs %.10g",
                  pass, out[10], w10);
    ck_assert_msg(fabs(out[20] - w20) <= 1e-6 * w20, "pass %d: B_pct(20) %.10g vs %.10g",
                  pass, out[20], w20);
  }
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
}
END_TEST

/* An ensemble whose samples give the stepped k that the file's set: gives
   (ensemble_scenario.c appends each sample's values; the same bug made
   every sample run with the file's 0.1). A table column with one value
   overrides the file's as muskx_scenario_set() would: each sample's A
   equals the closed form with base k_i and, bit for bit, a lone run after
   muskx_scenario_set(k, k_i). Varying it is refused (review rev28u H1: the
   samples would not be the scenario as written). */
START_TEST(ensemble_samples_move_the_baseline_of_a_stepped_parameter) {
  muskx_scenario *sc = load();
  const muskx_model *m = muskx_scenario_model(sc);
  size_t nt = muskx_scenario_sample_times(sc, NULL, 0);
  ck_assert_uint_eq(nt, 31);
  double times[31], traj[2 * 31], alone[31];
  muskx_scenario_sample_times(sc, times, nt);
  const char *nm[1] = {"k"};
  const char *col[1] = {"A"};
  double ks[2] = {0.2, 0.05};
  muskx_sim *sim = tu_sim(m);
  for (size_t s = 0; s < 2; s++) {
    muskx_ensemble *e = NULL;
    ck_assert_int_eq(muskx_ensemble_create(m, &e), MUSKX_OK);
    double tab[2] = {ks[s], ks[s]};
    ck_assert_int_eq(muskx_ensemble_set_samples(e, tab, 2, 1, nm), MUSKX_OK);
    ck_assert_int_eq(muskx_ensemble_set_scenario(e, sc), MUSKX_OK);
    ck_assert_int_eq(muskx_ensemble_set_columns(e, col, 1), MUSKX_OK);
    ck_assert_int_eq(muskx_ensemble_run(e, 0, 2, 1, 1, times, nt, NULL, NULL),
                     MUSKX_OK);
    ck_assert_int_eq(muskx_ensemble_trajectories(e, traj, 2 * nt), MUSKX_OK);
    for (size_t i = 0; i < nt; i++) {
      double want = exp(-2 * integral_k(times[i], ks[s]));
      ck_assert_msg(fabs(traj[i] - want) <= 1e-6 * want + 1e-13,
                    "k %g, t=%g: A %.12g vs %.12g", ks[s], times[i], traj[i],
                    want);
    }
    ck_assert_int_eq(muskx_scenario_set(sc, "k", ks[s]), MUSKX_OK);
    TU_OK(sim, muskx_scenario_run(sc, sim, alone, nt, NULL));
    ck_assert_msg(memcmp(alone, traj, sizeof alone) == 0,
                  "k %g: the samples differ from a lone run", ks[s]);
    if (s == 1) { /* the two values in one table: varied, refused */
      ck_assert_int_eq(muskx_ensemble_set_samples(e, ks, 2, 1, nm), MUSKX_OK);
      ck_assert_int_eq(muskx_ensemble_run(e, 0, 2, 1, 1, times, nt, NULL,
                                          NULL),
                       MUSKX_EINVAL);
      ck_assert_msg(strstr(muskx_ensemble_errmsg(e),
                           "'k' is varied, but scenario 'param_phases' sets "
                           "it to 0.05 (its set:") != NULL,
                    "%s", muskx_ensemble_errmsg(e));
    }
    muskx_ensemble_free(e);
  }
  muskx_sim_free(sim);
  muskx_scenario_free(sc);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("scenario_params");
  TCase *tc = tcase_create("params");
  tcase_add_test(tc, phases_drive_a_parameter);
  tcase_add_test(tc, model_in_hours);
  tcase_add_test(tc, run_with_moves_the_baseline_of_a_stepped_parameter);
  tcase_add_test(tc, run_with_moves_the_baseline_of_a_stepped_input);
  tcase_add_test(tc, ensemble_samples_move_the_baseline_of_a_stepped_parameter);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
