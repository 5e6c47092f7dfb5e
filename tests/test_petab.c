/*
 * test_petab.c -- the muskx_petab_* API on tests/petab/relax/, a PEtab
 * problem whose model relaxes to c (dA/dt = k (c - A)), so every
 * simulation, residual and log density has a closed form: normal and
 * Laplace noise, lin and log10 transformations, a noise placeholder, a
 * measurement at time inf, and pre-equilibration. The PEtab test suite
 * and the benchmark problems are run by tests/petab/test_petab.py.
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muskx.h"
#include "testutil.h"

#define RELAX "tests/petab/relax/problem.yaml"
#define LOG_2PI 1.8378770664093454835606594728112

static muskx_petab *load(void) { return tu_load_petab(RELAX); }
#define sim_of tu_petab_sim

/* The closed forms at k (linear) and sd: simulations, residuals, sigmas
   and the log-likelihood of the four measurements of measurements.tsv. */
static double expected(double k, double sd, double *sim, double *res,
                       double *sigma) {
  double A1 = 3 - 2 * exp(-k), A2 = 3 - 2 * exp(-2 * k);
  sim[0] = 2 * A1;                     /* c0, t = 1 */
  sim[1] = 6;                          /* c0, t = inf: A = c = 3 */
  sim[2] = 2 * (3 + 2 * exp(-2 * k));  /* pre (A = 5), then c1, t = 2 */
  sim[3] = A2;                         /* c0, t = 2, log10, Laplace */
  const double m[4] = {2.5, 6.6, 6.8, 2.2};
  sigma[0] = sigma[1] = sd;
  sigma[2] = 0.5;
  sigma[3] = 0.1;
  double llh = 0;
  for (int i = 0; i < 3; i++) {
    res[i] = (m[i] - sim[i]) / sigma[i];
    llh += -0.5 * LOG_2PI - log(sigma[i]) - 0.5 * res[i] * res[i];
  }
  res[3] = (log10(m[3]) - log10(sim[3])) / sigma[3];
  llh += -log(2 * sigma[3]) - fabs(res[3]) - log(m[3] * log(10.0));
  return llh;
}

START_TEST(the_parameters_are_the_estimated_ones_on_their_scales) {
  muskx_petab *pb = load();
  double lo, hi, nom;
  ck_assert_int_eq(muskx_petab_nparams(pb), 2);
  ck_assert_int_eq(muskx_petab_nmeasurements(pb), 4);
  ck_assert_str_eq(muskx_petab_param_id(pb, 0), "k");
  ck_assert_str_eq(muskx_petab_param_id(pb, 1), "sd");
  ck_assert_int_eq(muskx_petab_param_scale(pb, 0), MUSKX_PETAB_LOG10);
  ck_assert_int_eq(muskx_petab_param_scale(pb, 1), MUSKX_PETAB_LIN);
  ck_assert_int_eq(muskx_petab_param_info(pb, 0, &lo, &hi, &nom), MUSKX_OK);
  ck_assert_double_eq_tol(lo, -2.0, 1e-15);
  ck_assert_double_eq_tol(hi, 1.0, 1e-15);
  ck_assert_double_eq_tol(nom, log10(0.5), 1e-15);
  ck_assert_ptr_null(muskx_petab_param_id(pb, 2));
  ck_assert_int_eq(muskx_petab_param_scale(pb, -1), -1);
  ck_assert_int_eq(muskx_petab_param_info(pb, 2, NULL, NULL, NULL), MUSKX_EINVAL);
  muskx_petab_free(pb);
}
END_TEST

/* Loop index: 0 nominal values, 1 and 2 elsewhere. */
START_TEST(llh_residuals_and_sigmas_follow_the_closed_forms) {
  static const double thetas[3][2] = {{-0.30102999566398120, 0.4},
                                      {0.2, 1.3},
                                      {-1.5, 0.05}};
  muskx_petab *pb = load();
  muskx_sim *s = sim_of(pb);
  const double *th = thetas[_i];
  double sim[4], res[4], sigma[4], esim[4], eres[4], esig[4], llh, chi2;
  double ellh = expected(pow(10.0, th[0]), th[1], esim, eres, esig);
  muskx_status st = muskx_petab_evaluate(pb, s, th, sim, res, sigma, &llh, &chi2);
  ck_assert_msg(st == MUSKX_OK, "%s", muskx_sim_errmsg(s));
  double echi2 = 0;
  for (int i = 0; i < 4; i++) {
    ck_assert_double_eq_tol(sim[i], esim[i], 1e-7 * (1 + fabs(esim[i])));
    ck_assert_double_eq_tol(res[i], eres[i], 1e-6 * (1 + fabs(eres[i])));
    ck_assert_double_eq_tol(sigma[i], esig[i], 1e-14);
    echi2 += eres[i] * eres[i];
  }
  ck_assert_double_eq_tol(llh, ellh, 1e-6 * (1 + fabs(ellh)));
  ck_assert_double_eq_tol(chi2, echi2, 1e-6 * (1 + echi2));
  double llh2 = 0;
  ck_assert_int_eq(muskx_petab_llh(pb, s, th, &llh2, NULL), MUSKX_OK);
  ck_assert_double_eq(llh2, llh);
  muskx_sim_free(s);
  muskx_petab_free(pb);
}
END_TEST

/* llh of expected() at theta (log10 k, sd), and its central differences:
   an engine-independent reference for the gradient. */
static double expected_llh(const double *th) {
  double a[4], b[4], c[4];
  return expected(pow(10.0, th[0]), th[1], a, b, c);
}

START_TEST(the_gradient_and_jacobian_follow_the_closed_forms) {
  static const double thetas[3][2] = {{-0.30102999566398120, 0.4},
                                      {0.2, 1.3},
                                      {-1.5, 0.05}};
  muskx_petab *pb = load();
  muskx_sim *s = sim_of(pb);
  double th[2] = {thetas[_i][0], thetas[_i][1]}, grad[2], llh;
  muskx_status st = muskx_petab_gradient(pb, s, th, &llh, grad);
  ck_assert_msg(st == MUSKX_OK, "%s", muskx_sim_errmsg(s));
  ck_assert_double_eq_tol(llh, expected_llh(th), 1e-6 * (1 + fabs(llh)));
  double dres[8], dsig[8], res[4], sig[4];
  ck_assert_int_eq(muskx_petab_jacobian(pb, s, th, res, sig, dres, dsig),
                   MUSKX_OK);
  for (int k = 0; k < 2; k++) {
    const double h = 1e-6;
    double tp[2] = {th[0], th[1]}, tm[2] = {th[0], th[1]};
    tp[k] += h;
    tm[k] -= h;
    double fd = (expected_llh(tp) - expected_llh(tm)) / (2 * h);
    ck_assert_msg(fabs(grad[k] - fd) <= 1e-5 * (1 + fabs(fd)),
                  "d llh / d theta_%d: %.10g, central differences %.10g", k,
                  grad[k], fd);
    double e1[4], r1[4], s1[4], e2[4], r2[4], s2[4];
    expected(pow(10.0, tp[0]), tp[1], e1, r1, s1);
    expected(pow(10.0, tm[0]), tm[1], e2, r2, s2);
    for (int i = 0; i < 4; i++) {
      double fr = (r1[i] - r2[i]) / (2 * h), fs = (s1[i] - s2[i]) / (2 * h);
      ck_assert_msg(fabs(dres[i * 2 + k] - fr) <= 1e-5 * (1 + fabs(fr)),
                    "d res_%d / d theta_%d: %.10g vs %.10g", i, k,
                    dres[i * 2 + k], fr);
      ck_assert_double_eq_tol(dsig[i * 2 + k], fs, 1e-6);
    }
  }
  /* The sim is left without sensitivity parameters. */
  ck_assert_int_eq(muskx_sim_sens_count(s), 0);
  ck_assert_int_eq(muskx_petab_gradient(pb, s, th, &llh, NULL), MUSKX_EINVAL);
  muskx_sim_free(s);
  muskx_petab_free(pb);
}
END_TEST

START_TEST(the_simulations_table_is_the_measurement_table_with_simulations) {
  muskx_petab *pb = load();
  const double v[4] = {1.5, 2.25, 3, 0.125};
  char *text = NULL;
  ck_assert_int_eq(muskx_petab_simulations_table(pb, v, &text), MUSKX_OK);
  ck_assert_str_eq(text,
                   "observableId\tpreequilibrationConditionId\tsimulationConditionId\t"
                   "time\tsimulation\tnoiseParameters\n"
                   "twiceA\t\tc0\t1\t1.5\tsd\n"
                   "twiceA\t\tc0\tinf\t2.25\tsd\n"
                   "twiceA\tpre\tc1\t2\t3\t0.5\n"
                   "logA\t\tc0\t2\t0.125\t\n");
  muskx_free_string(text);
  ck_assert_int_eq(muskx_petab_simulations_table(pb, NULL, &text), MUSKX_EINVAL);
  ck_assert_ptr_null(text);
  muskx_petab_free(pb);
}
END_TEST

START_TEST(the_parameters_table_takes_the_values_of_theta) {
  muskx_petab *pb = load();
  const double th[2] = {-1.0, 0.25}; /* k = 10^-1 on its log10 scale */
  char *text = NULL;
  ck_assert_int_eq(muskx_petab_parameters_table(pb, th, &text), MUSKX_OK);
  ck_assert_str_eq(text,
                   "parameterId\tparameterScale\tlowerBound\tupperBound\t"
                   "nominalValue\testimate\n"
                   "k\tlog10\t0.01\t10\t0.10000000000000001\t1\n"
                   "sd\tlin\t0.01\t10\t0.25\t1\n"
                   "a0\tlin\t0\t10\t1\t0\n");
  muskx_free_string(text);
  ck_assert_int_eq(muskx_petab_parameters_table(pb, NULL, &text), MUSKX_EINVAL);
  muskx_petab_free(pb);
}
END_TEST

/* A copy of tests/petab/relax/ in a fresh folder with its own parameter
   table; dir receives the folder. */
static void relax_copy(char *dir, size_t size, const char *params) {
  tu_tmpdir(dir, size, "muskx_petab_bounds");
  const char *names[] = {"problem.yaml", "model.yaml", "observables.tsv",
                         "conditions.tsv", "measurements.tsv", "parameters.tsv"};
  for (int i = 0; i < 6; i++) {
    char from[512], to[600];
    snprintf(from, sizeof from, "tests/petab/relax/%s", names[i]);
    snprintf(to, sizeof to, "%s/%s", dir, names[i]);
    FILE *out = fopen(to, "w");
    ck_assert_ptr_nonnull(out);
    if (i == 5) {
      fputs(params, out);
    } else {
      FILE *in = fopen(from, "r");
      ck_assert_ptr_nonnull(in);
      int ch;
      while ((ch = fgetc(in)) != EOF) fputc(ch, out);
      fclose(in);
    }
    ck_assert_int_eq(fclose(out), 0);
  }
}

static void relax_remove(const char *dir) {
  const char *names[] = {"problem.yaml", "model.yaml", "observables.tsv",
                         "conditions.tsv", "measurements.tsv", "parameters.tsv"};
  for (int i = 0; i < 6; i++) {
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    remove(path);
  }
  rmdir(dir);
}

/* Writes text as dir's parameter table and loads the problem. */
static muskx_status reload(const char *dir, const char *text,
                           muskx_petab **pb, muskx_error *err) {
  char path[600];
  snprintf(path, sizeof path, "%s/parameters.tsv", dir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  ck_assert_int_eq(fclose(f), 0);
  snprintf(path, sizeof path, "%s/problem.yaml", dir);
  return muskx_petab_load(path, pb, err);
}

/* fuzz_petab: a fit ending on a bound of a log-scale parameter wrote, by
   pow(10, log10(0.02)) = 0.020000000000000004, a parameter table that the
   next load refused ("nominalValue 0.02 of 'k' is outside its bounds
   [0.01, 0.02]"); so did exp(log(0.01)) = 0.010000000000000004. On its
   bound theta writes the bound; beyond it, the value it is, which the
   load refuses, naming the number as written. */
START_TEST(the_parameters_table_at_a_log_scale_bound_loads_again) {
  static const char params[] =
      "parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate\n"
      "k\tlog10\t0.3\t10\t1\t1\n"
      "sd\tlin\t0.01\t10\t0.4\t1\n"
      "u\tlog\t0.005\t0.01\t0.007\t1\n"
      "a0\tlin\t0\t10\t1\t0\n";
  /* the rounding this is about (else the test would test nothing) */
  ck_assert(pow(10.0, log10(0.3)) < 0.3);
  ck_assert(exp(log(0.01)) > 0.01);
  char dir[512], buf[2048];
  relax_copy(dir, sizeof dir, params);
  muskx_petab *pb = NULL, *pb2 = NULL;
  muskx_error err;
  ck_assert_int_eq(reload(dir, params, &pb, &err), MUSKX_OK);
  ck_assert_int_eq(muskx_petab_nparams(pb), 3);
  /* k on its lower bound, u on its upper one */
  const double th[3] = {log10(0.3), 0.4, log(0.01)};
  char *text = NULL;
  ck_assert_int_eq(muskx_petab_parameters_table(pb, th, &text), MUSKX_OK);
  ck_assert_str_eq(text,
                   "parameterId\tparameterScale\tlowerBound\tupperBound\t"
                   "nominalValue\testimate\n"
                   "k\tlog10\t0.3\t10\t0.29999999999999999\t1\n"
                   "sd\tlin\t0.01\t10\t0.40000000000000002\t1\n"
                   "u\tlog\t0.005\t0.01\t0.01\t1\n"
                   "a0\tlin\t0\t10\t1\t0\n");
  muskx_status st = reload(dir, text, &pb2, &err);
  ck_assert_msg(st == MUSKX_OK, "%s", muskx_error_format(&err, buf, sizeof buf));
  double again[3];
  ck_assert_int_eq(muskx_petab_nominal(pb2, again, NULL), MUSKX_OK);
  for (int i = 0; i < 3; i++) ck_assert(again[i] == th[i]);
  muskx_petab_free(pb2);
  muskx_free_string(text);
  /* inside the bounds: the value itself, within rounding of theta */
  const double in[3] = {log10(0.7), 0.4, log(0.007)};
  ck_assert_int_eq(muskx_petab_parameters_table(pb, in, &text), MUSKX_OK);
  ck_assert_int_eq(reload(dir, text, &pb2, &err), MUSKX_OK);
  ck_assert_int_eq(muskx_petab_nominal(pb2, again, NULL), MUSKX_OK);
  for (int i = 0; i < 3; i++) ck_assert_double_eq_tol(again[i], in[i], 1e-15);
  muskx_petab_free(pb2);
  muskx_free_string(text);
  /* beyond the upper bound: written as it is, and refused with the
     number as the table has it */
  const double out[3] = {log10(0.3), 0.4, log(0.01) + 1e-3};
  ck_assert_int_eq(muskx_petab_parameters_table(pb, out, &text), MUSKX_OK);
  char want[200];
  snprintf(want, sizeof want, "nominalValue %.17g of 'u' is outside its bounds "
           "[0.005, 0.01]", exp(log(0.01) + 1e-3));
  char row[100];
  snprintf(row, sizeof row, "u\tlog\t0.005\t0.01\t%.17g\t1\n", exp(log(0.01) + 1e-3));
  ck_assert_ptr_nonnull(strstr(text, row));
  pb2 = (muskx_petab *)&err;
  ck_assert_int_eq(reload(dir, text, &pb2, &err), MUSKX_EMODEL);
  ck_assert_ptr_null(pb2);
  ck_assert_msg(strstr(err.message, want) != NULL, "%s", err.message);
  ck_assert_int_eq(err.line, 4);
  muskx_free_string(text);
  muskx_petab_free(pb);
  relax_remove(dir);
}
END_TEST

/* The problem file, then its five inputs as the problem file names them
   (tests/petab/relax/problem.yaml), each resolved against its folder. */
START_TEST(the_files_are_the_problem_and_the_ones_it_names) {
  muskx_petab *pb = load();
  const char *want[] = {RELAX,
                        "tests/petab/relax/parameters.tsv",
                        "tests/petab/relax/model.yaml",
                        "tests/petab/relax/observables.tsv",
                        "tests/petab/relax/conditions.tsv",
                        "tests/petab/relax/measurements.tsv"};
  for (int i = 0; i < 6; i++)
    ck_assert_str_eq(muskx_petab_file(pb, i), want[i]);
  ck_assert_ptr_null(muskx_petab_file(pb, 6));
  ck_assert_ptr_null(muskx_petab_file(pb, -1));
  ck_assert_ptr_null(muskx_petab_file(NULL, 0));
  muskx_petab_free(pb);
}
END_TEST

START_TEST(bad_arguments_are_refused_without_a_crash) {
  muskx_petab *pb = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_petab_load(NULL, &pb, &err), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_petab_load("tests/petab/relax/nope.yaml", &pb, &err),
                   MUSKX_EIO);
  ck_assert_ptr_null(pb);
  ck_assert_str_eq(err.file, "tests/petab/relax/nope.yaml");
  /* A model file is not a problem file. */
  ck_assert_int_ne(muskx_petab_load("tests/petab/relax/model.yaml", &pb, &err),
                   MUSKX_OK);
  ck_assert_ptr_null(pb);
  ck_assert_int_eq(muskx_petab_nparams(NULL), -1);
  ck_assert_ptr_null(muskx_petab_model(NULL));
  muskx_petab_free(NULL);

  pb = load();
  muskx_model *other = NULL;
  ck_assert_int_eq(muskx_model_load_file("tests/petab/relax/model.yaml", &other,
                                         &err), MUSKX_OK);
  muskx_sim *s = NULL;
  ck_assert_int_eq(muskx_sim_create(other, &s), MUSKX_OK);
  const double th[2] = {0, 1};
  double llh;
  ck_assert_int_eq(muskx_petab_llh(pb, s, th, &llh, NULL), MUSKX_EINVAL);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(s), "not of this problem's model"));
  ck_assert_int_eq(muskx_petab_llh(pb, s, NULL, &llh, NULL), MUSKX_EINVAL);
  muskx_sim_free(s);
  muskx_model_free(other);
  muskx_petab_free(pb);
}
END_TEST

/* One problem shared by threads, each with its own simulation. */
typedef struct job {
  const muskx_petab *pb;
  double theta[2], llh;
  muskx_status st;
} job;

static void *work(void *arg) {
  job *j = arg;
  muskx_sim *s = NULL;
  j->st = muskx_sim_create(muskx_petab_model(j->pb), &s);
  for (int r = 0; r < 5 && j->st == MUSKX_OK; r++)
    j->st = muskx_petab_llh(j->pb, s, j->theta, &j->llh, NULL);
  muskx_sim_free(s);
  return NULL;
}

START_TEST(threads_share_one_problem) {
  muskx_petab *pb = load();
  job jobs[4];
  pthread_t t[4];
  for (int i = 0; i < 4; i++) {
    jobs[i] = (job){pb, {-1.0 + 0.4 * i, 0.3 + 0.1 * i}, 0, MUSKX_EINVAL};
    ck_assert_int_eq(pthread_create(&t[i], NULL, work, &jobs[i]), 0);
  }
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  for (int i = 0; i < 4; i++) {
    double a[4], b[4], c[4];
    ck_assert_int_eq(jobs[i].st, MUSKX_OK);
    double e = expected(pow(10.0, jobs[i].theta[0]), jobs[i].theta[1], a, b, c);
    ck_assert_double_eq_tol(jobs[i].llh, e, 1e-4 * (1 + fabs(e)));
  }
  muskx_petab_free(pb);
}
END_TEST

int main(void) {
  Suite *s = suite_create("petab");
  TCase *tc = tcase_create("petab");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, the_parameters_are_the_estimated_ones_on_their_scales);
  tcase_add_loop_test(tc, llh_residuals_and_sigmas_follow_the_closed_forms, 0, 3);
  tcase_add_loop_test(tc, the_gradient_and_jacobian_follow_the_closed_forms, 0, 3);
  tcase_add_test(tc, the_simulations_table_is_the_measurement_table_with_simulations);
  tcase_add_test(tc, the_parameters_table_takes_the_values_of_theta);
  tcase_add_test(tc, the_parameters_table_at_a_log_scale_bound_loads_again);
  tcase_add_test(tc, the_files_are_the_problem_and_the_ones_it_names);
  tcase_add_test(tc, bad_arguments_are_refused_without_a_crash);
  tcase_add_test(tc, threads_share_one_problem);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
