/*
 * test_ensemble_hotpath.c -- an ensemble member does only the work that is
 * read (issue 19): its sims evaluate only the kept outputs at sample times
 * (a pruned copy of the outputs program, lib/sim_outputs.c) and skip the
 * eigenvalues of their steady states. Neither may change a number: each
 * member of an ensemble of the shipped ISS scenario must equal, bit for
 * bit, the same member run alone with muskx_scenario_run() -- which
 * evaluates every output and computes the eigenvalues -- and a run keeping
 * a few outputs must equal the same columns of a run keeping all.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "sim.h"
#include "testutil.h"

START_TEST(members_equal_the_same_runs_done_alone) {
  muskx_scenario *sc = tu_load_scenario("scenarios/iss_exercise.yaml");
  const muskx_model *m = muskx_scenario_model(sc);
  size_t nt = muskx_scenario_sample_times(sc, NULL, 0);
  double *times = malloc(nt * sizeof *times);
  muskx_scenario_sample_times(sc, times, nt);
  int nr = muskx_scenario_report_count(sc);
  const char *names[16];
  ck_assert_int_le(nr, 16);
  for (int c = 0; c < nr; c++) names[c] = muskx_scenario_report_name(sc, c);

  muskx_ensemble *e = NULL;
  ck_assert_int_eq(muskx_ensemble_create(m, &e), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_set_scenario(e, sc), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_vary(e, "kappa_R", MUSKX_DIST_LOGNORMAL,
                                       0.28, 0.3), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_set_columns(e, names, (size_t)nr), MUSKX_OK);
  const size_t N = 3;
  /* from a later first time the members started at day 30 from the day-0
     state, the preflight phase left out, without a word */
  ck_assert_int_eq(muskx_ensemble_run(e, 0, N, 11, 2, times + 30, nt - 30,
                                      NULL, NULL),
                   MUSKX_EINVAL);
  ck_assert_msg(strstr(muskx_ensemble_errmsg(e), "start at day 0") != NULL,
                "%s", muskx_ensemble_errmsg(e));
  ck_assert_int_eq(muskx_ensemble_run(e, 0, N, 11, 2, times, nt, NULL, NULL),
                   MUSKX_OK);
  double *traj = malloc(N * nt * (size_t)nr * sizeof *traj);
  double vals[3];
  ck_assert_int_eq(muskx_ensemble_trajectories(e, traj, N * nt * (size_t)nr),
                   MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_values(e, vals, N), MUSKX_OK);

  double *alone = malloc(nt * (size_t)nr * sizeof *alone);
  for (size_t i = 0; i < N; i++) {
    muskx_sim *sim = tu_sim(m);
    ck_assert_int_eq(muskx_scenario_set(sc, "kappa_R", vals[i]), MUSKX_OK);
    ck_assert_int_eq(muskx_scenario_run(sc, sim, alone, nt, NULL), MUSKX_OK);
    /* the lone run computed its stability; the members did not need to */
    ck_assert_int_ne(muskx_sim_stability(sim), MUSKX_UNKNOWN);
    ck_assert_msg(memcmp(alone, traj + i * nt * (size_t)nr,
                         nt * (size_t)nr * sizeof *alone) == 0,
                  "member %zu differs from its lone run", i);
    muskx_sim_free(sim);
  }
  free(alone);
  free(traj);
  free(times);
  muskx_ensemble_free(e);
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(a_few_kept_outputs_equal_those_columns_of_all) {
  muskx_model *m = tu_load("models/crosstalk/spaceflight.yaml");
  int ns = muskx_model_count(m, MUSKX_SPECIES);
  int no = muskx_model_count(m, MUSKX_OUTPUT);
  ck_assert_int_gt(no, 10);
  /* the last, the first, one in the middle, and a species */
  const char *few[4] = {muskx_model_name_at(m, MUSKX_OUTPUT, no - 1),
                        muskx_model_name_at(m, MUSKX_OUTPUT, 0),
                        muskx_model_name_at(m, MUSKX_OUTPUT, no / 2),
                        muskx_model_name_at(m, MUSKX_SPECIES, 0)};
  int at[4] = {ns + no - 1, ns, ns + no / 2, 0};
  double times[4] = {0, 10, 50, 200};
  muskx_ensemble *all = NULL, *some = NULL;
  ck_assert_int_eq(muskx_ensemble_create(m, &all), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_create(m, &some), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_vary(all, "kappa_R", MUSKX_DIST_LOGNORMAL,
                                       0.28, 0.3), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_vary(some, "kappa_R", MUSKX_DIST_LOGNORMAL,
                                       0.28, 0.3), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_set_columns(some, few, 4), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_run(all, 0, 4, 5, 1, times, 4, NULL, NULL),
                   MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_run(some, 0, 4, 5, 2, times, 4, NULL, NULL),
                   MUSKX_OK);
  size_t w = (size_t)(ns + no);
  double *ta = malloc(4 * 4 * w * sizeof *ta), ts[4 * 4 * 4];
  ck_assert_int_eq(muskx_ensemble_trajectories(all, ta, 4 * 4 * w), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_trajectories(some, ts, 64), MUSKX_OK);
  for (size_t i = 0; i < 4; i++)
    for (size_t r = 0; r < 4; r++)
      for (size_t c = 0; c < 4; c++) {
        double a = ta[(i * 4 + r) * w + (size_t)at[c]];
        double b = ts[(i * 4 + r) * 4 + c];
        ck_assert_msg(memcmp(&a, &b, sizeof a) == 0 && isfinite(b),
                      "sample %zu row %zu %s: %.17g vs %.17g", i, r, few[c],
                      b, a);
      }
  free(ta);
  muskx_ensemble_free(all);
  muskx_ensemble_free(some);
  muskx_model_free(m);
}
END_TEST

/* The finiteness check of a recorded row (lib/sim_finite.c) reads what a
   member evaluated: a kept output that turns NaN fails its member, naming
   it and the time; an output nobody keeps, NaN by design, fails none. */
START_TEST(a_kept_output_that_turns_nan_fails_its_member) {
  static const char text[] =
      "muskx: 1\nmodel: {id: f}\nparameters: {k: 0.5}\n"
      "species: {A: 1}\nodes: {A: -A}\n"
      "outputs:\n  z: log(A - k)\n  never: log(-1 - A)\n";
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(text, strlen(text), "f.yaml", &m,
                                           &err), MUSKX_OK);
  double times[4] = {0, 0.25, 0.5, 1};
  const char *cols[2] = {"z", "A"};
  muskx_ensemble *e = NULL;
  ck_assert_int_eq(muskx_ensemble_create(m, &e), MUSKX_OK);
  /* A = e^-t: below k before t = 1 where k > e^-1 = 0.37 */
  ck_assert_int_eq(muskx_ensemble_vary(e, "k", MUSKX_DIST_UNIFORM, 0.1, 0.7),
                   MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_set_columns(e, cols, 2), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_run(e, 0, 40, 3, 2, times, 4, NULL, NULL),
                   MUSKX_OK);
  double k[40];
  int st[40];
  ck_assert_int_eq(muskx_ensemble_values(e, k, 40), MUSKX_OK);
  ck_assert_int_eq(muskx_ensemble_status(e, st, 40), MUSKX_OK);
  size_t failed = 0;
  for (size_t i = 0; i < 40; i++) {
    const char *msg = muskx_ensemble_sample_errmsg(e, i);
    if (k[i] < 0.36) {
      ck_assert_msg(st[i] == MUSKX_OK, "k = %g: %s", k[i], msg);
    } else if (k[i] > 0.38) {
      failed++;
      ck_assert_int_eq(st[i], MUSKX_ENONFINITE);
      ck_assert_msg(strstr(msg, "output 'z' is NaN") != NULL &&
                        strstr(msg, "log(A - k)") != NULL,
                    "k = %g: %s", k[i], msg);
    }
  }
  ck_assert_uint_gt(failed, 10);
  muskx_ensemble_free(e);
  muskx_model_free(m);
}
END_TEST

/* Sample times interpolate only the states the kept columns read (here C,
   for the output lg and the species C; crewperf): the members' rows must
   still equal lone runs' bit for bit, across timed events between
   samples that read unsampled states (e1 sets A from A and C, and a
   parameter; e2 repeats), on 1 and 2 threads. */
static const char sampled_model[] =
    "muskx: 1\nmodel: {id: sampled}\n"
    "parameters: {k: 0.5, f: 0.5, kb: 0.3, V: 1.5}\n"
    "inputs:\n  u: {times: [0, 2, 4], values: [1, 2, 0.5], interp: linear}\n"
    "species: {A: 2, B: 0, C: 0.1}\n"
    "reactions:\n  - {id: A_to_B, equation: A -> B, rate: k*A*u}\n"
    "  - {equation: B -> C, rate: kb*B^2/(0.2 + B)}\n"
    "outputs: {ratio: B/(A + 1), lg: log(C + 1)*V}\n"
    "events:\n  - {id: e1, at: 1.3, set: {A: A*f + C, k: k*2}}\n"
    "  - {id: e2, at: 3.1, every: 1.7, set: {B: B - 0.05*C}}\n";

START_TEST(sampled_states_give_the_lone_runs_rows) {
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(sampled_model,
                                           strlen(sampled_model), "s.yaml",
                                           &m, &err), MUSKX_OK);
  int ns = muskx_model_count(m, MUSKX_SPECIES);
  int ilg = muskx_model_find(m, MUSKX_OUTPUT, "lg");
  int ic = muskx_model_find(m, MUSKX_SPECIES, "C");
  ck_assert_int_ge(ilg, 0);
  ck_assert_int_ge(ic, 0);
  enum { NT = 33, NS = 6 };
  double times[NT];
  for (int i = 0; i < NT; i++) times[i] = 0.25 * i;
  const char *cols[2] = {"lg", "C"};

  /* the sampling is on for these columns, and samples C alone */
  muskx_sim *probe = tu_sim(m);
  int w = muskx_sim_ncols(probe); /* all columns of a lone run */
  ck_assert_int_eq(w, ns + muskx_model_count(m, MUSKX_OUTPUT));
  ck_assert_int_eq(muskx_sim_select(probe, cols, 2), MUSKX_OK);
  /* all outputs evaluated (no kept outputs): ratio reads A and B too */
  ck_assert_int_eq(muskx__sim_sample_states(probe), MUSKX_OK);
  ck_assert_int_eq(probe->sample_on, 1);
  ck_assert_int_eq(probe->sample_n, 3);
  /* lg kept alone, as an ensemble's sims do: C only */
  ck_assert_int_eq(muskx__sim_keep_outputs(probe, &ilg, 1), MUSKX_OK);
  ck_assert_int_eq(probe->sample_on, 0); /* the old program's states */
  ck_assert_int_eq(muskx_sim_select(probe, cols, 2), MUSKX_OK);
  ck_assert_int_eq(muskx__sim_sample_states(probe), MUSKX_OK);
  ck_assert_int_eq(probe->sample_on, 1);
  ck_assert_int_eq(probe->sample_n, 1);
  ck_assert_int_eq(probe->sample_idx[0], ic);
  /* a selected rate needs every state its program reads: no sampling */
  const char *with_rate[2] = {"lg", "A_to_B"};
  ck_assert_int_eq(muskx_sim_select(probe, with_rate, 2), MUSKX_OK);
  ck_assert_int_eq(muskx__sim_sample_states(probe), MUSKX_OK);
  ck_assert_int_eq(probe->sample_on, 0);
  muskx_sim_free(probe);

  double *alone = malloc((size_t)NT * (size_t)w * sizeof *alone);
  for (int threads = 1; threads <= 2; threads++) {
    muskx_ensemble *e = NULL;
    ck_assert_int_eq(muskx_ensemble_create(m, &e), MUSKX_OK);
    ck_assert_int_eq(muskx_ensemble_vary(e, "k", MUSKX_DIST_UNIFORM, 0.3,
                                         1.2), MUSKX_OK);
    ck_assert_int_eq(muskx_ensemble_set_columns(e, cols, 2), MUSKX_OK);
    ck_assert_int_eq(muskx_ensemble_run(e, 0, NS, 9, threads, times, NT,
                                        NULL, NULL), MUSKX_OK);
    double traj[NS * NT * 2], k[NS];
    ck_assert_int_eq(muskx_ensemble_trajectories(e, traj, NS * NT * 2),
                     MUSKX_OK);
    ck_assert_int_eq(muskx_ensemble_values(e, k, NS), MUSKX_OK);
    for (int i = 0; i < NS; i++) {
      muskx_sim *sim = tu_sim(m);
      ck_assert_int_eq(muskx_sim_set(sim, "k", k[i]), MUSKX_OK);
      ck_assert_int_eq(muskx_sim_run(sim, times, NT, alone, NULL), MUSKX_OK);
      for (int r = 0; r < NT; r++) {
        double a[2] = {alone[(size_t)r * (size_t)w + (size_t)(ns + ilg)],
                       alone[(size_t)r * (size_t)w + (size_t)ic]};
        const double *b = &traj[((size_t)i * NT + (size_t)r) * 2];
        ck_assert_msg(memcmp(a, b, sizeof a) == 0,
                      "%d threads, member %d, t = %g: %.17g %.17g vs %.17g "
                      "%.17g", threads, i, times[r], b[0], b[1], a[0], a[1]);
      }
      muskx_sim_free(sim);
    }
    muskx_ensemble_free(e);
  }
  free(alone);
  muskx_model_free(m);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("ensemble_hotpath");
  TCase *tc = tcase_create("bit_identical");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, members_equal_the_same_runs_done_alone);
  tcase_add_test(tc, a_few_kept_outputs_equal_those_columns_of_all);
  tcase_add_test(tc, a_kept_output_that_turns_nan_fails_its_member);
  tcase_add_test(tc, sampled_states_give_the_lone_runs_rows);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
