/*
 * test_solver.c -- the solver against independent references, through the
 * public API only.
 *
 * References are analytic formulas evaluated here (decay, reversible
 * reaction, superposed Bateman functions for repeated doses, step and ramp
 * inputs, the crossing time of a threshold event, steady states and
 * eigenvalues of linear systems) or published values (Robertson's
 * problem), never the library's own earlier output. The constants of each
 * formula are written here and checked against the model's defaults, so
 * that an edit of a model file cannot silently change what is compared.
 *
 * Tolerances: a run at rtol R is compared with |err| <= atol + c R |ref|,
 * c of order 100, or in CVODE's weighted RMS norm with a bound of 20:
 * CVODE controls the local error, and the global error is a modest
 * multiple of the tolerance (on Robertson, hand-written CVODE with the
 * settings below reaches a WRMS of 3.3; see also check_ans in SUNDIALS'
 * examples/cvode/serial/cvRoberts_dns.c, which loosens atol tenfold).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muskx.h"
#include "testutil.h"

/* ------------------------------------------------------------ decay */

START_TEST(first_order_decay_follows_a0_exp_minus_kt) {
  const double k = 0.7, A0 = 1.5;
  double times[21], out[21 * 2];
  muskx_model *m = tu_load(TEST_MODEL("decay.yaml"));
  muskx_sim *s = tu_sim(m);
  int iA = tu_col(m, "A"), ihalf = tu_col(m, "half");
  size_t i;

  ck_assert_int_eq(muskx_sim_ncols(s), 2);
  ck_assert_double_eq(muskx_model_default(m, MUSKX_PARAMETER, 0), k);
  ck_assert_double_eq(muskx_model_default(m, MUSKX_SPECIES, iA), A0);
  for (i = 0; i < ARRAY_LEN(times); i++) times[i] = 0.5 * (double)i;
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-8, 1e-12));
  tu_run(s, times, ARRAY_LEN(times), out);
  for (i = 0; i < ARRAY_LEN(times); i++) {
    double ref = A0 * exp(-k * times[i]);
    TU_CLOSE(out[2 * i + iA], ref, 1e-6, 1e-11, "A", times[i]);
    TU_CLOSE(out[2 * i + ihalf], ref / 2, 1e-6, 1e-11, "output half",
             times[i]);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(solver_statistics_are_counted_after_a_run) {
  double times[2] = {0.0, 10.0}, out[2 * 2];
  muskx_model *m = tu_load(TEST_MODEL("decay.yaml"));
  muskx_sim *s = tu_sim(m);

  tu_run(s, times, 2, out);
  ck_assert_int_gt(muskx_sim_stat(s, MUSKX_STAT_STEPS), 0);
  ck_assert_int_gt(muskx_sim_stat(s, MUSKX_STAT_RHS_EVALS), 0);
  ck_assert_int_ge(muskx_sim_stat(s, MUSKX_STAT_JAC_EVALS), 0);
  ck_assert_int_ge(muskx_sim_stat(s, MUSKX_STAT_ERR_TEST_FAILS), 0);
  ck_assert_int_ge(muskx_sim_stat(s, MUSKX_STAT_NONLIN_ITERS),
                   muskx_sim_stat(s, MUSKX_STAT_STEPS));
  ck_assert_int_eq(muskx_sim_stat(s, MUSKX_STAT_EVENTS_FIRED), 0);
  ck_assert_int_eq(muskx_sim_stat(s, (muskx_stat)999), -1);
  ck_assert_int_eq(muskx_sim_stat(NULL, MUSKX_STAT_STEPS), -1);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* ------------------------------------------------------- reversible */

START_TEST(reversible_reaction_relaxes_exponentially_to_equilibrium) {
  const double kf = 2.0, kb = 0.5, A0 = 1.0, B0 = 0.25;
  const double T = A0 + B0, Aeq = kb * T / (kf + kb);
  double times[26], out[26 * 3];
  muskx_model *m = tu_load(TEST_MODEL("reversible.yaml"));
  muskx_sim *s = tu_sim(m);
  int iA = tu_col(m, "A"), iB = tu_col(m, "B"), itot = tu_col(m, "total");
  int n = muskx_sim_ncols(s);
  size_t i;

  ck_assert_int_eq(n, 3);
  ck_assert_double_eq(muskx_model_default(m, MUSKX_SPECIES, iB), B0);
  for (i = 0; i < ARRAY_LEN(times); i++) times[i] = 0.2 * (double)i;
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-8, 1e-12));
  tu_run(s, times, ARRAY_LEN(times), out);
  for (i = 0; i < ARRAY_LEN(times); i++) {
    double A = Aeq + (A0 - Aeq) * exp(-(kf + kb) * times[i]);
    TU_CLOSE(out[n * i + iA], A, 1e-6, 1e-11, "A", times[i]);
    TU_CLOSE(out[n * i + iB], T - A, 1e-6, 1e-11, "B", times[i]);
    TU_CLOSE(out[n * i + itot], T, 1e-9, 1e-12, "A + B", times[i]);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* ----------------------------------------------------------- dosing */

/* One oral dose D at tau, seen at t (Bateman function; 0 before tau). */
static void bateman(double D, double tau, double ka, double ke, double t,
                    double *depot, double *central) {
  double s = t - tau;
  if (s < 0) return;
  *depot += D * exp(-ka * s);
  *central += D * ka / (ka - ke) * (exp(-ke * s) - exp(-ka * s));
}

START_TEST(repeated_bolus_events_match_superposed_bateman_functions) {
  const double ka = 1.2, ke = 0.15, D = 100.0;
  const double dose_times[4] = {0.0, 12.0, 24.0, 36.0}; /* at 0 every 12 x4 */
  double times[241], out[241 * 2];
  muskx_model *m = tu_load(TEST_MODEL("pk_bolus.yaml"));
  muskx_sim *s = tu_sim(m);
  int idep = tu_col(m, "depot"), icen = tu_col(m, "central");
  size_t i, j;

  ck_assert_int_eq(muskx_sim_ncols(s), 2);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_EVENT), 1);
  for (i = 0; i < ARRAY_LEN(times); i++) times[i] = 0.25 * (double)i;
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-8, 1e-10));
  tu_run(s, times, ARRAY_LEN(times), out);
  for (i = 0; i < ARRAY_LEN(times); i++) {
    double dep = 0, cen = 0;
    /* At a dose time the row holds the value after the dose (muskx.h). */
    for (j = 0; j < ARRAY_LEN(dose_times); j++)
      bateman(D, dose_times[j], ka, ke, times[i], &dep, &cen);
    TU_CLOSE(out[2 * i + idep], dep, 1e-5, 1e-7, "depot", times[i]);
    TU_CLOSE(out[2 * i + icen], cen, 1e-5, 1e-7, "central", times[i]);
  }
  ck_assert_int_eq(muskx_sim_stat(s, MUSKX_STAT_EVENTS_FIRED), 4);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(doses_added_through_the_api_match_superposed_bateman_functions) {
  const double ka = 1.2, ke = 0.15;
  double times[201], out[201 * 2];
  muskx_model *m = tu_load(TEST_MODEL("pk_oral.yaml"));
  muskx_sim *s = tu_sim(m);
  int idep = tu_col(m, "depot"), icen = tu_col(m, "central");
  size_t i, j;
  int run;

  for (i = 0; i < ARRAY_LEN(times); i++) times[i] = 0.25 * (double)i;
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-8, 1e-10));
  /* 80 mg orally at 2, 10, 18; 50 mg once at 30 (every <= 0: once);
     20 mg straight into central at 40. */
  TU_OK(s, muskx_sim_add_dose(s, "depot", 2.0, 80.0, 8.0, 3));
  TU_OK(s, muskx_sim_add_dose(s, "depot", 30.0, 50.0, 0.0, 1));
  TU_OK(s, muskx_sim_add_dose(s, "central", 40.0, 20.0, 0.0, 1));
  /* Doses are kept between runs: the second run must give the same. */
  for (run = 0; run < 2; run++) {
    tu_run(s, times, ARRAY_LEN(times), out);
    for (i = 0; i < ARRAY_LEN(times); i++) {
      double t = times[i], dep = 0, cen = 0;
      for (j = 0; j < 3; j++) bateman(80.0, 2.0 + 8.0 * (double)j, ka, ke, t,
                                      &dep, &cen);
      bateman(50.0, 30.0, ka, ke, t, &dep, &cen);
      if (t >= 40.0) cen += 20.0 * exp(-ke * (t - 40.0));
      TU_CLOSE(out[2 * i + idep], dep, 1e-5, 1e-7, "depot", t);
      TU_CLOSE(out[2 * i + icen], cen, 1e-5, 1e-7, "central", t);
    }
  }
  ck_assert_int_eq(muskx_sim_add_dose(s, "no_such_species", 1.0, 1.0, 0, 1),
                   MUSKX_ENOTFOUND);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(s), "no_such_species"));
  ck_assert_int_eq(muskx_sim_add_dose(s, "depot", 1.0, NAN, 0, 1),
                   MUSKX_EINVAL);

  /* Without doses nothing ever enters the system. */
  TU_OK(s, muskx_sim_clear_doses(s));
  tu_run(s, times, ARRAY_LEN(times), out);
  for (i = 0; i < ARRAY_LEN(times); i++) {
    TU_CLOSE(out[2 * i + idep], 0.0, 0, 1e-12, "depot", times[i]);
    TU_CLOSE(out[2 * i + icen], 0.0, 0, 1e-12, "central", times[i]);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* ----------------------------------------------------------- inputs */

/* dx/dt = u - k x from x(t0) = x0 with u constant: */
static double relax(double x0, double u, double k, double dt) {
  return u / k + (x0 - u / k) * exp(-k * dt);
}

/* x for u = a t from x(0) = 0 (ramp_input.yaml). */
static double ramp_x(double a, double k, double t) {
  return a / k * t - a / (k * k) * (1.0 - exp(-k * t));
}

/* Compares x of a run with the ramp-then-flat solution (u = t/2 to t = 4). */
static void check_ramp(const double *times, const double *out, size_t n) {
  const double k = 0.5, a = 0.5, t1 = 4.0;
  size_t i;
  for (i = 0; i < n; i++) {
    double t = times[i];
    double ref = t <= t1 ? ramp_x(a, k, t)
                         : relax(ramp_x(a, k, t1), a * t1, k, t - t1);
    TU_CLOSE(out[i], ref, 1e-6, 1e-10, "x", t);
  }
}

START_TEST(a_step_input_gives_the_piecewise_analytic_solution) {
  const double k = 0.5;
  double times[25], out[25];
  muskx_model *m = tu_load(TEST_MODEL("step_input.yaml"));
  muskx_sim *s = tu_sim(m);
  size_t i;

  ck_assert_int_eq(muskx_sim_ncols(s), 1);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_INPUT), 1);
  for (i = 0; i < ARRAY_LEN(times); i++) times[i] = 0.5 * (double)i;
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-8, 1e-12));
  tu_run(s, times, ARRAY_LEN(times), out);
  for (i = 0; i < ARRAY_LEN(times); i++) {
    double t = times[i];
    /* u = 0 before t = 5, 2 from t = 5 on; x is continuous at 5. */
    double ref = t < 5.0 ? 0.0 : relax(0.0, 2.0, k, t - 5.0);
    TU_CLOSE(out[i], ref, 1e-6, 1e-10, "x", t);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(a_linearly_interpolated_input_gives_the_ramp_solution) {
  double times[41], out[41];
  muskx_model *m = tu_load(TEST_MODEL("ramp_input.yaml"));
  muskx_sim *s = tu_sim(m);
  size_t i;

  for (i = 0; i < ARRAY_LEN(times); i++) times[i] = 0.25 * (double)i;
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-8, 1e-12));
  tu_run(s, times, ARRAY_LEN(times), out);
  check_ramp(times, out, ARRAY_LEN(times));
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(an_input_table_set_through_the_api_replaces_the_models_table) {
  const double k = 0.5;
  const double tt[2] = {0.0, 4.0}, uu[2] = {0.0, 2.0}, bad_t[2] = {4.0, 0.0};
  double times[41], out[41];
  muskx_model *m = tu_load(TEST_MODEL("step_input.yaml"));
  muskx_sim *s = tu_sim(m);
  size_t i;

  for (i = 0; i < ARRAY_LEN(times); i++) times[i] = 0.25 * (double)i;
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-8, 1e-12));
  TU_OK(s, muskx_sim_set_input_table(s, "u", tt, uu, 2, MUSKX_INTERP_LINEAR));
  tu_run(s, times, ARRAY_LEN(times), out);
  check_ramp(times, out, ARRAY_LEN(times));

  /* A constant input: x relaxes from 0 towards 2/k from the start. */
  TU_OK(s, muskx_sim_set_input(s, "u", 2.0));
  tu_run(s, times, ARRAY_LEN(times), out);
  for (i = 0; i < ARRAY_LEN(times); i++)
    TU_CLOSE(out[i], relax(0.0, 2.0, k, times[i]), 1e-6, 1e-10, "x",
             times[i]);

  ck_assert_int_eq(muskx_sim_set_input_table(s, "u", bad_t, uu, 2,
                                             MUSKX_INTERP_STEP),
                   MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sim_set_input_table(s, "u", tt, uu, 0,
                                             MUSKX_INTERP_STEP),
                   MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sim_set_input_table(s, "nope", tt, uu, 2,
                                             MUSKX_INTERP_STEP),
                   MUSKX_ENOTFOUND);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* An input's declared min/max (muskx-model(5); review rev27c L4): its
   ends are taken, a value or a table value beyond them is refused with
   EINVAL and leaves the input as it was, and an input without a range
   takes any finite value. x' = u + v - x from x(0) = 1, so with u = 2 and
   v = 0, x(t) = 2 - exp(-t) (the refused table {1, 3} would change it). */
START_TEST(an_input_outside_its_declared_range_is_refused_and_kept) {
  const double tt[2] = {0.0, 1.0}, over[2] = {1.0, 3.0}, under[2] = {-1.0, 1.0};
  double times[11], out[11 * 2];
  muskx_model *m = tu_load(TEST_MODEL("input_range.yaml"));
  muskx_sim *s = tu_sim(m);
  size_t i;

  /* a row is x, then the output x_pct */
  ck_assert_int_eq(muskx_model_count(m, MUSKX_SPECIES) +
                       muskx_model_count(m, MUSKX_OUTPUT), 2);

  TU_OK(s, muskx_sim_set_input(s, "u", 0.0));
  TU_OK(s, muskx_sim_set_input(s, "v", -5.0));
  TU_OK(s, muskx_sim_set_input(s, "v", 0.0));
  TU_OK(s, muskx_sim_set_input(s, "u", 2.0));
  ck_assert_int_eq(muskx_sim_set_input(s, "u", -0.001), MUSKX_EINVAL);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(s), "outside the range [0, 2]"));
  ck_assert_int_eq(muskx_sim_set_input(s, "u", 2.001), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sim_set(s, "u", 5.0), MUSKX_EINVAL);
  const double *refused[2] = {over, under};
  for (i = 0; i < 2; i++)
    ck_assert_int_eq(
        muskx_sim_set_input_table(s, "u", tt, refused[i], 2,
                                  i ? MUSKX_INTERP_STEP : MUSKX_INTERP_LINEAR),
        MUSKX_EINVAL);
  for (i = 0; i < ARRAY_LEN(times); i++) times[i] = 0.5 * (double)i;
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-8, 1e-12));
  tu_run(s, times, ARRAY_LEN(times), out);
  for (i = 0; i < ARRAY_LEN(times); i++)
    TU_CLOSE(out[2 * i], 2.0 - exp(-times[i]), 1e-6, 1e-10, "x", times[i]);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* ------------------------------------------------------- Robertson */

/*
 * Published reference values of Robertson's problem, y = (A, B, C):
 *  t = 40:   Hairer & Wanner, Solving Ordinary Differential Equations II,
 *            2nd ed., Springer 1996, sec. IV.1 (10 digits);
 *  t = 4e10: SUNDIALS examples/cvode/serial/cvRoberts_dns.c, check_ans()
 *            (LLNL/sundials; computed with rtol 1e-8, atol 1e-14);
 *  t = 1e11: F. Mazzia, C. Magherini, Test Set for IVP Solvers, problem
 *            ROBER (rober.pdf, Univ. of Bari), reference solution.
 */
static const double rob_times[4] = {0.0, 40.0, 4.0e10, 1.0e11};
static const double rob_ref[3][3] = {
    {0.7158270687, 9.185534764e-6, 0.2841637457},
    {5.2083495894337328e-08, 2.0833399429795671e-13, 9.9999994791629776e-01},
    {0.2083340149701255e-7, 0.8333360770334713e-13, 0.9999999791665050}};
static const double rob_rtol = 1e-8;
static const double rob_atol[3] = {1e-10, 1e-14, 1e-10};

static void robertson_run(muskx_sim *s, muskx_linear_solver ls, double *out) {
  TU_OK(s, muskx_sim_set_tolerances(s, rob_rtol, 1e-10));
  TU_OK(s, muskx_sim_set_atol_species(s, "A", rob_atol[0]));
  TU_OK(s, muskx_sim_set_atol_species(s, "B", rob_atol[1]));
  TU_OK(s, muskx_sim_set_atol_species(s, "C", rob_atol[2]));
  TU_OK(s, muskx_sim_set_linear_solver(s, ls));
  tu_run(s, rob_times, ARRAY_LEN(rob_times), out);
  ck_assert_int_eq(muskx_sim_stat(s, MUSKX_STAT_LINEAR_SOLVER), (long)ls);
}

/* Rows 1..3 of out (4 rows of ncols) against the published table. */
static void robertson_check(const muskx_model *m, const double *out, int n,
                            const char *solver) {
  int iA = tu_col(m, "A"), iB = tu_col(m, "B"), iC = tu_col(m, "C");
  int r;
  for (r = 1; r < 4; r++) {
    const double *row = out + (size_t)r * (size_t)n;
    double got[3];
    double w;
    got[0] = row[iA];
    got[1] = row[iB];
    got[2] = row[iC];
    w = tu_wrms(got, rob_ref[r - 1], 3, rob_rtol, rob_atol);
    ck_assert_msg(w <= 20.0,
                  "%s: Robertson at t=%g: (%.10g, %.10g, %.10g), reference "
                  "(%.10g, %.10g, %.10g), WRMS error %.3g > 20",
                  solver, rob_times[r], got[0], got[1], got[2],
                  rob_ref[r - 1][0], rob_ref[r - 1][1], rob_ref[r - 1][2], w);
    if (r == 1) { /* Hairer & Wanner's 10 digits, per point */
      TU_CLOSE(got[0], rob_ref[0][0], 1e-6, 0, "A", 40.0);
      TU_CLOSE(got[1], rob_ref[0][1], 1e-5, 0, "B", 40.0);
      TU_CLOSE(got[2], rob_ref[0][2], 1e-6, 0, "C", 40.0);
    }
    TU_CLOSE(row[tu_col(m, "total")], 1.0, 1e-7, 0, "A + B + C",
             rob_times[r]);
  }
}

START_TEST(robertson_matches_published_reference_values) {
  muskx_model *m = tu_load(TEST_MODEL("robertson.yaml"));
  muskx_sim *s = tu_sim(m);
  int n = muskx_sim_ncols(s);
  double *out = calloc(4 * (size_t)n, sizeof *out);

  ck_assert_int_eq(n, 4);
  ck_assert_ptr_nonnull(out);
  robertson_run(s, MUSKX_LS_DENSE, out);
  robertson_check(m, out, n, "dense");
  free(out);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* A chain X1 -> X2 -> ... -> X200 -> (all rate 1, X1(0) = 1) has the
   Poisson answer X_i(t) = t^(i-1) e^-t / (i-1)!. SPGMR (GMRES, Jacobi
   preconditioner) and KLU both give it, and each other's, within the
   tolerances. */
START_TEST(spgmr_and_klu_solve_a_long_chain_to_its_exact_answer) {
  enum { NCH = 200 };
  size_t cap = 64 * NCH + 256, len = 0;
  char *yaml = malloc(cap);
  ck_assert_ptr_nonnull(yaml);
  len += (size_t)snprintf(yaml + len, cap - len,
                          "muskx: 1\nmodel: {id: chain}\n"
                          "parameters: {k: 1}\nspecies:\n  X1: 1\n");
  for (int i = 2; i <= NCH; i++)
    len += (size_t)snprintf(yaml + len, cap - len, "  X%d: 0\n", i);
  len += (size_t)snprintf(yaml + len, cap - len, "reactions:\n");
  for (int i = 1; i <= NCH; i++) {
    char next[16] = "";
    if (i < NCH) snprintf(next, sizeof next, " X%d", i + 1);
    len += (size_t)snprintf(yaml + len, cap - len,
                            "  - {equation: 'X%d ->%s', rate: k*X%d}\n", i,
                            next, i);
  }
  ck_assert_uint_lt(len, cap);
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(yaml, len, "chain", &m, &err),
                   MUSKX_OK);
  free(yaml);
  const double times[3] = {0, 5, 30};
  const double rtol = 1e-6, atol1 = 1e-9;
  double atol[NCH];
  for (int i = 0; i < NCH; i++) atol[i] = atol1;
  muskx_sim *s = tu_sim(m);
  int n = muskx_sim_ncols(s);
  double *klu = calloc(3 * (size_t)n, sizeof *klu);
  double *gm = calloc(3 * (size_t)n, sizeof *gm);
  double exact[NCH];
  ck_assert_ptr_nonnull(klu);
  ck_assert_ptr_nonnull(gm);
  TU_OK(s, muskx_sim_set_tolerances(s, rtol, atol1));
  TU_OK(s, muskx_sim_set_linear_solver(s, MUSKX_LS_KLU));
  tu_run(s, times, 3, klu);
  TU_OK(s, muskx_sim_set_linear_solver(s, MUSKX_LS_SPGMR));
  tu_run(s, times, 3, gm);
  ck_assert_int_eq(muskx_sim_stat(s, MUSKX_STAT_LINEAR_SOLVER),
                   MUSKX_LS_SPGMR);
  for (int r = 1; r < 3; r++) {
    double t = times[r];
    for (int i = 0; i < NCH; i++) /* t^i e^-t / i!, in logs */
      exact[i] = exp(i * log(t) - t - lgamma(i + 1.0));
    const double *k = klu + (size_t)r * (size_t)n;
    const double *g = gm + (size_t)r * (size_t)n;
    double wk = tu_wrms(k, exact, NCH, 10 * rtol, atol);
    double wg = tu_wrms(g, exact, NCH, 10 * rtol, atol);
    double wkg = tu_wrms(g, k, NCH, rtol, atol);
    ck_assert_msg(wk <= 10 && wg <= 10 && wkg <= 10,
                  "t=%g: WRMS vs exact klu %.3g spgmr %.3g; spgmr vs klu "
                  "%.3g", t, wk, wg, wkg);
  }
  free(klu);
  free(gm);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(every_linear_solver_gives_the_same_robertson_answer) {
  enum { NLS = 4 };
  const muskx_linear_solver solvers[NLS] = {MUSKX_LS_DENSE, MUSKX_LS_LAPACK,
                                            MUSKX_LS_KLU, MUSKX_LS_SPGMR};
  const char *names[NLS] = {"dense", "lapack", "klu", "spgmr"};
  muskx_model *m = tu_load(TEST_MODEL("robertson.yaml"));
  muskx_sim *s = tu_sim(m);
  int n = muskx_sim_ncols(s), iA = tu_col(m, "A"), iB = tu_col(m, "B"),
      iC = tu_col(m, "C");
  double *out = calloc(NLS * 4 * (size_t)n, sizeof *out);
  int k, r;

  ck_assert_ptr_nonnull(out);
  for (k = 0; k < NLS; k++) {
    double *o = out + (size_t)k * 4 * (size_t)n;
    robertson_run(s, solvers[k], o);
    robertson_check(m, o, n, names[k]);
  }
  /* Each against the dense solver's answer, in the run's WRMS norm. */
  for (k = 1; k < NLS; k++) {
    for (r = 1; r < 4; r++) {
      const double *d = out + (size_t)r * (size_t)n;
      const double *o = out + ((size_t)k * 4 + (size_t)r) * (size_t)n;
      double ref[3], got[3], w;
      ref[0] = d[iA], ref[1] = d[iB], ref[2] = d[iC];
      got[0] = o[iA], got[1] = o[iB], got[2] = o[iC];
      w = tu_wrms(got, ref, 3, rob_rtol, rob_atol);
      ck_assert_msg(w <= 20.0, "%s differs from dense at t=%g: WRMS %.3g",
                    names[k], rob_times[r], w);
    }
  }
  free(out);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(nonnegative_species_never_go_below_zero) {
  double times[13], out[13 * 3];
  muskx_model *m = tu_load(TEST_MODEL("robertson_nonneg.yaml"));
  muskx_sim *s = tu_sim(m);
  size_t i;
  int j;

  times[0] = 0.0;
  for (i = 1; i < ARRAY_LEN(times); i++)
    times[i] = 0.4 * pow(10.0, (double)(i - 1));
  /* Loose tolerances: with these, the same problem without the
     constraint (robertson.yaml) lets B go negative and A run away to about
     -1.7e7 by t = 4e10 (seen with CVODE 6.4.1 when this test was written). */
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-3, 1e-6));
  tu_run(s, times, ARRAY_LEN(times), out);
  for (i = 0; i < ARRAY_LEN(times); i++) {
    double sum = 0;
    for (j = 0; j < 3; j++) {
      double v = out[3 * i + (size_t)j];
      ck_assert_msg(isfinite(v) && v >= 0.0, "%s = %g < 0 at t=%g",
                    muskx_model_name_at(m, MUSKX_SPECIES, j), v, times[i]);
      sum += v;
    }
    TU_CLOSE(sum, 1.0, 0, 1e-2, "A + B + C", times[i]);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* ----------------------------------------------------------- events */

START_TEST(a_conditional_event_fires_when_the_condition_turns_true) {
  const double k = 0.8, tstar = log(2.0) / k; /* A = exp(-k t) = 1/2 */
  double times[6] = {0.0, 0.5, 0.8, 1.0, 2.0, 3.0}, out[6 * 3];
  muskx_model *m = tu_load(TEST_MODEL("threshold_event.yaml"));
  muskx_sim *s = tu_sim(m);
  int iA = tu_col(m, "A"), iflag = tu_col(m, "flag"),
      iclock = tu_col(m, "clock");
  size_t i;

  ck_assert_int_eq(muskx_sim_ncols(s), 3);
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-10, 1e-12));
  tu_run(s, times, ARRAY_LEN(times), out);
  for (i = 0; i < ARRAY_LEN(times); i++) {
    double t = times[i];
    int fired = t >= tstar;
    TU_CLOSE(out[3 * i + iA], exp(-k * t), 1e-7, 1e-12, "A", t);
    TU_CLOSE(out[3 * i + iflag], fired ? 1.0 : 0.0, 0, 1e-12, "flag", t);
    /* clock = integral of flag = t - t* after the event: the firing time */
    TU_CLOSE(out[3 * i + iclock], fired ? t - tstar : 0.0, 0, 1e-6,
             "clock (t - t*)", t);
  }
  ck_assert_int_eq(muskx_sim_stat(s, MUSKX_STAT_EVENTS_FIRED), 1);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* ----------------------------------------------------- steady state */

START_TEST(before_a_steady_state_there_is_nothing_to_report) {
  double re[2], im[2];
  muskx_model *m = tu_load(TEST_MODEL("synth_deg.yaml"));
  muskx_sim *s = tu_sim(m);
  ck_assert(isnan(muskx_sim_steady_residual(s)));
  ck_assert_int_eq(muskx_sim_eigenvalues(s, re, im, 2), -1);
  ck_assert_int_eq(muskx_sim_stability(s), MUSKX_UNKNOWN);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(synthesis_and_degradation_settle_at_k0_over_k1) {
  const double k0 = 2.0, k1 = 0.5;
  double y[1] = {0}, re[1], im[1], times[2] = {0.0, 10.0}, out[2];
  muskx_model *m = tu_load(TEST_MODEL("synth_deg.yaml"));
  muskx_sim *s = tu_sim(m);

  TU_OK(s, muskx_sim_steady_state(s, y, 1));
  TU_CLOSE(y[0], k0 / k1, 1e-10, 1e-12, "X*", 0.0);
  ck_assert_msg(muskx_sim_steady_residual(s) < 1e-10, "residual %g",
                muskx_sim_steady_residual(s));
  ck_assert_int_eq(muskx_sim_eigenvalues(s, re, im, 1), 1);
  TU_CLOSE(re[0], -k1, 1e-10, 1e-12, "eigenvalue", 0.0);
  TU_CLOSE(im[0], 0.0, 0, 1e-12, "eigenvalue (imaginary part)", 0.0);
  ck_assert_int_eq(muskx_sim_stability(s), MUSKX_STABLE);
  /* The steady state becomes the initial value of later runs. */
  tu_run(s, times, 2, out);
  TU_CLOSE(out[0], k0 / k1, 1e-10, 1e-12, "X", 0.0);
  TU_CLOSE(out[1], k0 / k1, 1e-6, 1e-10, "X", 10.0);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* A root where df/dy is NaN is no regular steady state: refused with the
   species named, and nothing printed (LAPACK's dgeev prints "illegal
   value" for NaN input, which a library must never reach). */
START_TEST(a_steady_state_with_a_nan_jacobian_is_refused_without_printing) {
  double y[2];
  muskx_model *m = tu_load(TEST_MODEL("steady_nonfinite_jac.yaml"));
  muskx_sim *s = tu_sim(m);
  FILE *err = tmpfile();
  ck_assert_ptr_nonnull(err);
  fflush(stderr);
  int saved = dup(fileno(stderr));
  ck_assert_int_ge(saved, 0);
  dup2(fileno(err), fileno(stderr));
  muskx_status st = muskx_sim_steady_state(s, y, 2);
  fflush(stderr);
  dup2(saved, fileno(stderr));
  close(saved);
  ck_assert_msg(st == MUSKX_ENOTCONV, "status %s, expected ENOTCONV (%s)",
                muskx_status_name(st), muskx_sim_errmsg(s));
  const char *msg = muskx_sim_errmsg(s);
  ck_assert_msg(strstr(msg, "dX/dt") != NULL && strstr(msg, "/dC") != NULL,
                "message '%s' does not name d(dX/dt)/dC", msg);
  ck_assert_int_eq(muskx_sim_stability(s), MUSKX_UNKNOWN);
  ck_assert_msg(ftell(err) == 0, "the library printed %ld bytes to stderr",
                ftell(err));
  fclose(err);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* Eigenvalues of [[a, b], [c, d]] sorted by real part, then imaginary. */
static void eig2(double a, double b, double c, double d, double re[2],
                 double im[2]) {
  double tr = a + d, det = a * d - b * c, disc = tr * tr / 4 - det;
  if (disc >= 0) {
    re[0] = tr / 2 - sqrt(disc), re[1] = tr / 2 + sqrt(disc);
    im[0] = im[1] = 0;
  } else {
    re[0] = re[1] = tr / 2;
    im[0] = -sqrt(-disc), im[1] = sqrt(-disc);
  }
}

static void sort2(double re[2], double im[2]) {
  if (re[0] > re[1] || (re[0] == re[1] && im[0] > im[1])) {
    double t = re[0];
    re[0] = re[1], re[1] = t;
    t = im[0], im[0] = im[1], im[1] = t;
  }
}

/* One linear2.yaml case: steady state, eigenvalues, classification. */
static void linear_case(double a11, double a12, double a21, double a22,
                        muskx_stability expect) {
  const double b1 = 1.0, b2 = 2.0;
  double det = a11 * a22 - a12 * a21;
  /* A s = -b by Cramer's rule */
  double xs = (-b1 * a22 + a12 * b2) / det, ys = (-a11 * b2 + a21 * b1) / det;
  double y[2], re[2], im[2], rre[2], rim[2];
  char what[96];
  muskx_model *m = tu_load(TEST_MODEL("linear2.yaml"));
  muskx_sim *s = tu_sim(m);
  int ix = tu_col(m, "x"), iy = tu_col(m, "y");
  int i;

  snprintf(what, sizeof what, "[[%g, %g], [%g, %g]]", a11, a12, a21, a22);
  TU_OK(s, muskx_sim_set_param(s, "a11", a11));
  TU_OK(s, muskx_sim_set_param(s, "a12", a12));
  TU_OK(s, muskx_sim_set_param(s, "a21", a21));
  TU_OK(s, muskx_sim_set_param(s, "a22", a22));
  TU_OK(s, muskx_sim_steady_state(s, y, 2));
  TU_CLOSE(y[ix], xs, 1e-9, 1e-12, "x*", 0.0);
  TU_CLOSE(y[iy], ys, 1e-9, 1e-12, "y*", 0.0);
  ck_assert_msg(muskx_sim_steady_residual(s) < 1e-10, "%s: residual %g",
                what, muskx_sim_steady_residual(s));
  ck_assert_int_eq(muskx_sim_eigenvalues(s, re, im, 2), 2);
  eig2(a11, a12, a21, a22, rre, rim);
  sort2(re, im);
  for (i = 0; i < 2; i++) {
    TU_CLOSE(re[i], rre[i], 1e-9, 1e-12, "eigenvalue (real part)", 0.0);
    TU_CLOSE(im[i], rim[i], 1e-9, 1e-12, "eigenvalue (imaginary part)", 0.0);
  }
  ck_assert_msg(muskx_sim_stability(s) == expect, "%s: stability %d, not %d",
                what, (int)muskx_sim_stability(s), (int)expect);
  muskx_sim_free(s);
  muskx_model_free(m);
}

START_TEST(a_stable_linear_system_has_its_analytic_eigenvalues) {
  /* (-5 +- sqrt 5)/2: both negative */
  linear_case(-2.0, 1.0, 1.0, -3.0, MUSKX_STABLE);
}
END_TEST

START_TEST(a_stable_spiral_is_classified_stable) {
  linear_case(-0.1, -1.0, 1.0, -0.1, MUSKX_STABLE); /* -0.1 +- i */
}
END_TEST

START_TEST(a_saddle_is_classified_unstable) {
  linear_case(1.0, 2.0, 0.0, -1.0, MUSKX_UNSTABLE); /* 1 and -1 */
}
END_TEST

START_TEST(an_unstable_spiral_is_classified_oscillatory) {
  linear_case(0.1, -1.0, 1.0, 0.1, MUSKX_OSCILLATORY); /* 0.1 +- i */
}
END_TEST

/* ---------------------------------------------------- failure path */

START_TEST(a_division_by_zero_fails_with_the_time_and_keeps_earlier_rows) {
  const double k = 0.3;
  double times[6] = {0.0, 0.5, 1.0, 1.5, 2.5, 3.0}, out[6];
  muskx_model *m = tu_load(TEST_MODEL("divzero.yaml"));
  muskx_sim *s = tu_sim(m);
  size_t rows = 99, i;
  muskx_status st;
  double tf;

  for (i = 0; i < ARRAY_LEN(out); i++) out[i] = -1.0;
  st = muskx_sim_run(s, times, ARRAY_LEN(times), out, &rows);
  ck_assert_msg(st == MUSKX_ESOLVER || st == MUSKX_ENONFINITE,
                "status %s, expected ESOLVER or ENONFINITE",
                muskx_status_name(st));
  ck_assert_msg(strstr(muskx_sim_errmsg(s), "t=") != NULL,
                "message '%s' does not name the time", muskx_sim_errmsg(s));
  /* u drops to 0 at t = 2: the four samples before it are computed. */
  ck_assert_uint_eq(rows, 4);
  for (i = 0; i < rows; i++)
    TU_CLOSE(out[i], exp(-k * times[i]), 1e-5, 1e-9, "A", times[i]);
  tf = muskx_sim_fail_time(s);
  ck_assert_msg(tf >= 2.0 - 1e-9 && tf < 2.5, "fail time %g, expected 2", tf);

  /* The simulation is usable again: after a reset up to t = 1.5 ... */
  TU_OK(s, muskx_sim_reset(s));
  ck_assert_str_eq(muskx_sim_errmsg(s), "");
  tu_run(s, times, 4, out);
  for (i = 0; i < 4; i++)
    TU_CLOSE(out[i], exp(-k * times[i]), 1e-5, 1e-9, "A", times[i]);
  ck_assert(isnan(muskx_sim_fail_time(s)));
  /* ... and all the way with a constant u = 1. */
  TU_OK(s, muskx_sim_set_input(s, "u", 1.0));
  tu_run(s, times, ARRAY_LEN(times), out);
  for (i = 0; i < ARRAY_LEN(times); i++)
    TU_CLOSE(out[i], exp(-k * times[i]), 1e-5, 1e-9, "A", times[i]);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(bad_output_times_are_refused) {
  double times[3] = {0.0, 2.0, 1.0}, out[3 * 2];
  muskx_model *m = tu_load(TEST_MODEL("decay.yaml"));
  muskx_sim *s = tu_sim(m);
  size_t rows = 99;
  ck_assert_int_eq(muskx_sim_run(s, times, 3, out, &rows), MUSKX_EINVAL);
  ck_assert_str_ne(muskx_sim_errmsg(s), "");
  times[1] = NAN;
  ck_assert_int_eq(muskx_sim_run(s, times, 3, out, NULL), MUSKX_EINVAL);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

static Suite *solver_suite(void) {
  Suite *s = suite_create("solver");
  TCase *tc;

  tc = tcase_create("analytic");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, first_order_decay_follows_a0_exp_minus_kt);
  tcase_add_test(tc, solver_statistics_are_counted_after_a_run);
  tcase_add_test(tc, reversible_reaction_relaxes_exponentially_to_equilibrium);
  tcase_add_test(tc, repeated_bolus_events_match_superposed_bateman_functions);
  tcase_add_test(tc,
                 doses_added_through_the_api_match_superposed_bateman_functions);
  tcase_add_test(tc, a_step_input_gives_the_piecewise_analytic_solution);
  tcase_add_test(tc, a_linearly_interpolated_input_gives_the_ramp_solution);
  tcase_add_test(tc,
                 an_input_table_set_through_the_api_replaces_the_models_table);
  tcase_add_test(tc, an_input_outside_its_declared_range_is_refused_and_kept);
  tcase_add_test(tc, a_conditional_event_fires_when_the_condition_turns_true);
  suite_add_tcase(s, tc);

  tc = tcase_create("stiff");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, robertson_matches_published_reference_values);
  tcase_add_test(tc, every_linear_solver_gives_the_same_robertson_answer);
  tcase_add_test(tc, spgmr_and_klu_solve_a_long_chain_to_its_exact_answer);
  tcase_add_test(tc, nonnegative_species_never_go_below_zero);
  suite_add_tcase(s, tc);

  tc = tcase_create("steady_state");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, before_a_steady_state_there_is_nothing_to_report);
  tcase_add_test(tc, synthesis_and_degradation_settle_at_k0_over_k1);
  tcase_add_test(tc, a_stable_linear_system_has_its_analytic_eigenvalues);
  tcase_add_test(tc, a_stable_spiral_is_classified_stable);
  tcase_add_test(tc, a_saddle_is_classified_unstable);
  tcase_add_test(tc, an_unstable_spiral_is_classified_oscillatory);
  tcase_add_test(tc,
                 a_steady_state_with_a_nan_jacobian_is_refused_without_printing);
  suite_add_tcase(s, tc);

  tc = tcase_create("failures");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc,
                 a_division_by_zero_fails_with_the_time_and_keeps_earlier_rows);
  tcase_add_test(tc, bad_output_times_are_refused);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(solver_suite());
}
