/*
 * test_petab_native.c -- a PEtab problem's simulations on native code
 * (muskx_petab_set_native, lib/petab_native.c): the llh, the per-
 * measurement values, the gradient and the residual Jacobian are the VM's
 * bit for bit (tests/petab/prune: events, a derived parameter, a
 * pre-equilibration, several experiments), the closed form of
 * tests/petab/relax holds, the native code really runs (its right-hand
 * side is counted), a missing compiler leaves the VM with the reason and
 * the same numbers, code dropped after use is never run again (ASan), and
 * threads share one problem's code (ThreadSanitizer: make test-tsan).
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "petab.h"
#include "sim.h"
#include "testutil.h"
#include "vm_native.h"

#define PRUNE "tests/petab/prune/problem.yaml"
#define RELAX "tests/petab/relax/problem.yaml"
#define NMAX 16 /* parameters and measurements of the two problems, at most */

#define load tu_load_petab
#define sim_of tu_petab_sim

static void set_native(muskx_petab *pb, const char *cc) {
  muskx_error err;
  muskx_status st = muskx_petab_set_native(pb, cc, NULL, &err);
  ck_assert_msg(st == MUSKX_OK, "native code with %s: %s", cc, err.message);
  ck_assert_int_eq(muskx_petab_native(pb), 1);
}

/* Everything one evaluation gives, at theta. */
typedef struct results {
  double llh, chi2, sim[NMAX], res[NMAX], sigma[NMAX];
  double gllh, grad[NMAX], dres[NMAX * NMAX], dsigma[NMAX * NMAX];
} results;

static void evaluate(const muskx_petab *pb, muskx_sim *s, const double *th,
                     results *r) {
  memset(r, 0, sizeof *r);
  ck_assert_int_le(muskx_petab_nparams(pb), NMAX);
  ck_assert_int_le(muskx_petab_nmeasurements(pb), NMAX);
  muskx_status st = muskx_petab_evaluate(pb, s, th, r->sim, r->res, r->sigma,
                                         &r->llh, &r->chi2);
  ck_assert_msg(st == MUSKX_OK, "%s", muskx_sim_errmsg(s));
  st = muskx_petab_gradient(pb, s, th, &r->gllh, r->grad);
  ck_assert_msg(st == MUSKX_OK, "%s", muskx_sim_errmsg(s));
  st = muskx_petab_jacobian(pb, s, th, NULL, NULL, r->dres, r->dsigma);
  ck_assert_msg(st == MUSKX_OK, "%s", muskx_sim_errmsg(s));
  ck_assert(isfinite(r->llh));
}

/* Bit for bit, with the first difference named. */
static void same(const results *a, const results *b, int n, int m) {
  struct { const char *name; const double *x, *y; int len; } f[] = {
      {"llh", &a->llh, &b->llh, 1},       {"chi2", &a->chi2, &b->chi2, 1},
      {"sim", a->sim, b->sim, m},         {"res", a->res, b->res, m},
      {"sigma", a->sigma, b->sigma, m},   {"gradient's llh", &a->gllh, &b->gllh, 1},
      {"grad", a->grad, b->grad, n},      {"dres", a->dres, b->dres, n * m},
      {"dsigma", a->dsigma, b->dsigma, n * m}};
  for (size_t k = 0; k < ARRAY_LEN(f); k++)
    for (int i = 0; i < f[k].len; i++)
      ck_assert_msg(memcmp(&f[k].x[i], &f[k].y[i], sizeof(double)) == 0,
                    "%s[%d]: VM %.17g, native %.17g", f[k].name, i, f[k].x[i],
                    f[k].y[i]);
}

/* Calls of the native right-hand side, counted by a wrapper the tests put
   in place of the code's own (the code is the test's to change here). */
static atomic_long native_calls;
static muskx__native_rhs_fn real_rhs_dy, real_rhs_dy_cached;
static void counting_rhs_dy(double *R, double *C, double *dy) {
  atomic_fetch_add(&native_calls, 1);
  real_rhs_dy(R, C, dy);
}
static void counting_rhs_dy_cached(double *R, double *C, double *dy) {
  atomic_fetch_add(&native_calls, 1);
  real_rhs_dy_cached(R, C, dy);
}
static void count_calls(muskx_petab *pb) {
  real_rhs_dy = pb->native->rhs_dy;
  real_rhs_dy_cached = pb->native->rhs_dy_cached;
  pb->native->rhs_dy = counting_rhs_dy;
  pb->native->rhs_dy_cached = counting_rhs_dy_cached;
  atomic_store(&native_calls, 0);
}

/* The problem's nominal point moved, so that nothing sits at a default. */
static void theta_of(const muskx_petab *pb, double *th, double shift) {
  muskx_error err;
  ck_assert_int_eq(muskx_petab_nominal(pb, th, &err), MUSKX_OK);
  for (int k = 0; k < muskx_petab_nparams(pb); k++) th[k] += shift * (k + 1);
}

START_TEST(the_native_code_gives_the_vms_numbers_bit_for_bit) {
  muskx_petab *pb = load(PRUNE);
  int n = muskx_petab_nparams(pb), m = muskx_petab_nmeasurements(pb);
  double th[NMAX];
  theta_of(pb, th, 0.01 * _i);
  muskx_sim *s = sim_of(pb);
  results vm, nat;
  ck_assert_int_eq(muskx_petab_native(pb), 0);
  evaluate(pb, s, th, &vm);
  set_native(pb, "cc");
  count_calls(pb);
  evaluate(pb, s, th, &nat);
  same(&vm, &nat, n, m);
  /* it ran: the right-hand side of every experiment, with sensitivities
     too (its Jacobian is the native one then, sens.c) */
  long calls = atomic_load(&native_calls);
  ck_assert_int_gt(calls, 100);
  /* and was detached again: the sim keeps no pointer to the problem's
     code, which the problem may drop */
  ck_assert_ptr_null(s->native);
  muskx_sim_free(s);
  muskx_petab_free(pb);
}
END_TEST

/* An independent reference: relax's closed form (as tests/test_petab.c):
   A' = k (3 - A), A(0) = 1; the log-likelihood of its four measurements. */
static double expected(double k, double sd) {
  double A1 = 3 - 2 * exp(-k), A2 = 3 - 2 * exp(-2 * k);
  const double sim[4] = {2 * A1, 6, 2 * (3 + 2 * exp(-2 * k)), A2};
  const double m[4] = {2.5, 6.6, 6.8, 2.2}, sigma[4] = {sd, sd, 0.5, 0.1};
  const double log_2pi = 1.8378770664093454835606594728112;
  double llh = 0;
  for (int i = 0; i < 3; i++) {
    double r = (m[i] - sim[i]) / sigma[i];
    llh += -0.5 * log_2pi - log(sigma[i]) - 0.5 * r * r;
  }
  double r = (log10(m[3]) - log10(sim[3])) / sigma[3];
  return llh - log(2 * sigma[3]) - fabs(r) - log(m[3] * log(10.0));
}

START_TEST(the_native_code_follows_the_closed_form) {
  muskx_petab *pb = load(RELAX);
  set_native(pb, "cc");
  muskx_sim *s = sim_of(pb);
  double th[2] = {log10(0.7), 0.4}, llh;
  ck_assert_int_eq(muskx_petab_llh(pb, s, th, &llh, NULL), MUSKX_OK);
  double e = expected(0.7, 0.4);
  ck_assert_double_eq_tol(llh, e, 1e-6 * (1 + fabs(e)));
  muskx_sim_free(s);
  muskx_petab_free(pb);
}
END_TEST

START_TEST(a_missing_compiler_keeps_the_vm_and_says_why) {
  muskx_petab *pb = load(PRUNE);
  int n = muskx_petab_nparams(pb), m = muskx_petab_nmeasurements(pb);
  double th[NMAX];
  theta_of(pb, th, 0.0);
  muskx_sim *s = sim_of(pb);
  results vm, fallback;
  evaluate(pb, s, th, &vm);
  muskx_error err;
  ck_assert_int_eq(muskx_petab_set_native(pb, "/nonexistent/cc", NULL, &err),
                   MUSKX_EUNSUPPORTED);
  ck_assert_msg(strstr(err.message, "the VM runs the simulations") &&
                    strstr(err.message, "'/nonexistent/cc'"),
                "%s", err.message);
  ck_assert_int_eq(muskx_petab_native(pb), 0);
  evaluate(pb, s, th, &fallback);
  same(&vm, &fallback, n, m);
  /* native code, then dropped: the same sim runs the VM again (ASan: no
     read of the freed code) */
  set_native(pb, "cc");
  evaluate(pb, s, th, &fallback);
  ck_assert_int_eq(muskx_petab_set_native(pb, NULL, NULL, &err), MUSKX_OK);
  ck_assert_int_eq(muskx_petab_native(pb), 0);
  evaluate(pb, s, th, &fallback);
  same(&vm, &fallback, n, m);
  ck_assert_int_eq(muskx_petab_set_native(NULL, "cc", NULL, &err), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_petab_native(NULL), 0);
  muskx_sim_free(s);
  muskx_petab_free(pb);
}
END_TEST

/* Threads, each with its own sim, share one problem and its code. */
typedef struct job {
  const muskx_petab *pb;
  double theta[NMAX];
  results r;
} job;

static void *work(void *arg) {
  job *j = arg;
  muskx_sim *s = NULL;
  if (muskx_sim_create(muskx_petab_model(j->pb), &s) != MUSKX_OK ||
      muskx_sim_set_tolerances(s, 1e-10, 1e-12) != MUSKX_OK) {
    j->r.llh = NAN;
  } else {
    for (int r = 0; r < 2; r++) {
      if (muskx_petab_llh(j->pb, s, j->theta, &j->r.llh, &j->r.chi2) != MUSKX_OK ||
          muskx_petab_gradient(j->pb, s, j->theta, &j->r.gllh, j->r.grad) != MUSKX_OK)
        j->r.llh = NAN;
    }
  }
  muskx_sim_free(s);
  return NULL;
}

START_TEST(threads_share_the_native_code) {
  muskx_petab *pb = load(PRUNE);
  int n = muskx_petab_nparams(pb);
  enum { T = 4 };
  job jobs[T];
  results vm[T];
  muskx_sim *s = sim_of(pb);
  for (int i = 0; i < T; i++) {
    memset(&jobs[i], 0, sizeof jobs[i]);
    jobs[i].pb = pb;
    theta_of(pb, jobs[i].theta, 0.02 * i);
    memset(&vm[i], 0, sizeof vm[i]);
    ck_assert_int_eq(muskx_petab_llh(pb, s, jobs[i].theta, &vm[i].llh, &vm[i].chi2),
                     MUSKX_OK);
    ck_assert_int_eq(muskx_petab_gradient(pb, s, jobs[i].theta, &vm[i].gllh,
                                          vm[i].grad), MUSKX_OK);
  }
  muskx_sim_free(s);
  set_native(pb, "cc");
  count_calls(pb);
  pthread_t t[T];
  for (int i = 0; i < T; i++)
    ck_assert_int_eq(pthread_create(&t[i], NULL, work, &jobs[i]), 0);
  for (int i = 0; i < T; i++) pthread_join(t[i], NULL);
  long calls = atomic_load(&native_calls);
  ck_assert_int_gt(calls, 100 * T);
  for (int i = 0; i < T; i++) {
    ck_assert_msg(memcmp(&jobs[i].r.llh, &vm[i].llh, sizeof(double)) == 0 &&
                      memcmp(&jobs[i].r.chi2, &vm[i].chi2, sizeof(double)) == 0 &&
                      memcmp(&jobs[i].r.gllh, &vm[i].gllh, sizeof(double)) == 0,
                  "thread %d: llh %.17g vs VM %.17g", i, jobs[i].r.llh, vm[i].llh);
    for (int k = 0; k < n; k++)
      ck_assert_msg(memcmp(&jobs[i].r.grad[k], &vm[i].grad[k], sizeof(double)) == 0,
                    "thread %d, grad[%d]: %.17g vs VM %.17g", i, k,
                    jobs[i].r.grad[k], vm[i].grad[k]);
  }
  muskx_petab_free(pb);
}
END_TEST

int main(void) {
  Suite *s = suite_create("petab_native");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 240); /* the compiler runs under the sanitizers too */
  tcase_add_loop_test(tc, the_native_code_gives_the_vms_numbers_bit_for_bit, 0, 2);
  tcase_add_test(tc, the_native_code_follows_the_closed_form);
  tcase_add_test(tc, a_missing_compiler_keeps_the_vm_and_says_why);
  tcase_add_test(tc, threads_share_the_native_code);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
