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

static Suite *suite(void) {
  Suite *s = suite_create("scenario_params");
  TCase *tc = tcase_create("params");
  tcase_add_test(tc, phases_drive_a_parameter);
  tcase_add_test(tc, model_in_hours);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
