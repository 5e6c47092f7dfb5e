/*
 * test_solver_linsys.c -- the KLU linear system function of lib/solver.c
 * (linsys_klu: A = I - gamma J from the saved Jacobian's values in one
 * pass) against CVODE's own cvLsLinSys (SUNMatCopy of its saved Jacobian
 * matrix, then SUNMatScaleAddI), which a sim uses when klu_cvode_linsys
 * is set: the same trajectories bit for bit and the same solver
 * statistics (steps, right-hand sides, Jacobians, linear setups), through
 * timed doses and a parameter event (restarts inside a run) and reruns of
 * one sim with changed parameters.
 * The runs must reuse saved Jacobians (more setups than Jacobians), or
 * the path under test would not run.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "sim.h"
#include "testutil.h"

enum { NS = 60, NT = 41 };

/* A nonlinear chain X1 <-> X2 <-> ... -> X60 with saturable forward
   rates and a stiff fast pair, so that the Jacobian changes along the run
   and CVODE reuses it across several setups with different gamma. */
static muskx_model *chain_model(void) {
  size_t cap = 160 * NS + 512, len = 0;
  char *yaml = malloc(cap);
  ck_assert_ptr_nonnull(yaml);
  len += (size_t)snprintf(yaml + len, cap - len,
                          "muskx: 1\nmodel: {id: nlchain}\n"
                          "parameters: {k: 1.3, K: 0.2, b: 0.05, f: 400}\n"
                          "species:\n  X1: 1\n");
  for (int i = 2; i <= NS; i++)
    len += (size_t)snprintf(yaml + len, cap - len, "  X%d: 0\n", i);
  len += (size_t)snprintf(yaml + len, cap - len, "reactions:\n");
  for (int i = 1; i < NS; i++) {
    double scale = i % 7 == 3 ? 50.0 : 1.0; /* some fast links */
    len += (size_t)snprintf(yaml + len, cap - len,
                            "  - {equation: 'X%d -> X%d', rate: "
                            "'%g*k*X%d^2/(K + X%d)'}\n"
                            "  - {equation: 'X%d -> X%d', rate: 'b*X%d'}\n",
                            i, i + 1, scale, i, i, i + 1, i, i + 1);
  }
  len += (size_t)snprintf(yaml + len, cap - len,
                          "  - {equation: 'X%d ->', rate: 'f*X%d/(1 + X%d)'}\n",
                          NS, NS, NS);
  /* doses into X1 (each restarts CVODE) and a timed event on a parameter */
  len += (size_t)snprintf(yaml + len, cap - len,
                          "events:\n"
                          "  - {id: dose, at: 30, every: 150, "
                          "set: {X1: X1 + 0.5}}\n"
                          "  - {id: slow, at: 210, set: {b: b/4}}\n");
  ck_assert_uint_lt(len, cap);
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(yaml, len, "nlchain", &m, &err),
                   MUSKX_OK);
  free(yaml);
  return m;
}

static muskx_sim *klu_sim(const muskx_model *m, int cvode_own) {
  muskx_sim *s = tu_sim(m);
  s->klu_cvode_linsys = cvode_own;
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-7, 1e-10));
  TU_OK(s, muskx_sim_set_linear_solver(s, MUSKX_LS_KLU));
  return s;
}

static void same_stats(const muskx_sim *a, const muskx_sim *b) {
  const muskx_stat st[] = {MUSKX_STAT_STEPS, MUSKX_STAT_RHS_EVALS,
                           MUSKX_STAT_JAC_EVALS, MUSKX_STAT_LIN_SETUPS,
                           MUSKX_STAT_ERR_TEST_FAILS, MUSKX_STAT_NONLIN_ITERS,
                           MUSKX_STAT_CONV_FAILS, MUSKX_STAT_REINITS};
  for (size_t i = 0; i < sizeof st / sizeof *st; i++)
    ck_assert_msg(muskx_sim_stat(a, st[i]) == muskx_sim_stat(b, st[i]),
                  "statistic %d: %ld vs CVODE's own %ld", (int)st[i],
                  muskx_sim_stat(a, st[i]), muskx_sim_stat(b, st[i]));
  ck_assert_int_eq(muskx_sim_stat(a, MUSKX_STAT_LINEAR_SOLVER), MUSKX_LS_KLU);
  /* saved Jacobians were reused, so linsys_klu's one-pass path ran */
  ck_assert_int_gt(muskx_sim_stat(a, MUSKX_STAT_LIN_SETUPS),
                   2 * muskx_sim_stat(a, MUSKX_STAT_JAC_EVALS));
}

START_TEST(the_klu_linear_system_is_cvodes_own_bit_for_bit) {
  muskx_model *m = chain_model();
  muskx_sim *ours = klu_sim(m, 0), *ref = klu_sim(m, 1);
  double times[NT];
  for (int i = 0; i < NT; i++) times[i] = 0.5 * i * i;
  int nc = muskx_sim_ncols(ours);
  ck_assert_int_eq(nc, muskx_sim_ncols(ref));
  double *a = calloc((size_t)NT * (size_t)nc, sizeof *a);
  double *b = calloc((size_t)NT * (size_t)nc, sizeof *b);
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(b);
  /* three runs on each sim: the saved Jacobian of one run must not leak
     into the next (CVODE evaluates a new one at a run's first step) */
  const double ks[] = {1.3, 0.4, 7.0};
  for (int run = 0; run < 3; run++) {
    TU_OK(ours, muskx_sim_set_param(ours, "k", ks[run]));
    TU_OK(ref, muskx_sim_set_param(ref, "k", ks[run]));
    tu_run(ours, times, NT, a);
    tu_run(ref, times, NT, b);
    ck_assert_msg(memcmp(a, b, sizeof *a * (size_t)NT * (size_t)nc) == 0,
                  "run %d: trajectories differ", run);
    same_stats(ours, ref);
    /* and the answer moved: mass leaves the chain only at its end */
    ck_assert(a[(size_t)(NT - 1) * (size_t)nc + 1] < 1.0);
  }
  free(a);
  free(b);
  muskx_sim_free(ours);
  muskx_sim_free(ref);
  muskx_model_free(m);
}
END_TEST

int main(void) {
  Suite *s = suite_create("solver_linsys");
  TCase *tc = tcase_create("klu");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, the_klu_linear_system_is_cvodes_own_bit_for_bit);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
