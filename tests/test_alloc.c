/*
 * test_alloc.c -- allocation failures (issue 9; the SQLite malloc tests
 * are the model, see /work/shared/style.md).
 *
 * Built only by `make test-alloc`, in build-asan/: linked with lib/alloc.c
 * compiled with -DMUSKX_ALLOC_TESTING, which gives it a per-thread hook
 * that fails the Nth allocation. Every operation below is run with the
 * 1st, 2nd, 3rd... allocation failing, until it completes without
 * reaching N; each failure must return MUSKX_ENOMEM, no handle, leave its
 * handle (if any) usable, and leak nothing: the build uses ASan, and after
 * each sweep over N LeakSanitizer is asked for a leak check, so a leak is
 * pinned to the operation (MUSKX_ALLOC_LEAK_EACH=1: to the N too).
 *
 * Each injected failure is also run in "persistent" mode (every allocation
 * from the Nth on fails), the harder case for cleanup code.
 *
 * Not covered (they bypass muskx__alloc): libyaml's own buffers and
 * SUNDIALS' objects (CVodeCreate, N_VNew_Serial, SUNDenseMatrix, KLU).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "compile.h"
#include "fileaccess.h"
#include "load.h"
#include "model.h"
#include "muskx.h"
#include "testutil.h"

#ifndef MUSKX_ALLOC_TESTING
#error "tests/test_alloc.c needs the library's fault-injection hook: make test-alloc"
#endif

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LEAK_CHECK() __lsan_do_recoverable_leak_check()
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/lsan_interface.h>
#define LEAK_CHECK() __lsan_do_recoverable_leak_check()
#endif
#endif
#ifndef LEAK_CHECK
#define LEAK_CHECK() 0
#endif

/* Above any operation's allocation count: a loop that reaches it is stuck. */
#define MAX_N 100000

/* A model that uses every section, so load and compile take every path
   that allocates: functions, derived parameters, inputs with tables,
   assignments, reactions with stoichiometry, ODEs, outputs and events. */
static const char model_text[] =
    "muskx: 1\n"
    "model:\n"
    "  id: alloc_all\n"
    "  name: every section\n"
    "  time_unit: d\n"
    "  references: [\"a\", \"b\"]\n"
    "functions:\n"
    "  mm(x, v, k): v*x/(k + x)\n"
    "parameters:\n"
    "  kcat: {value: 2.0, unit: 1/d, doc: turnover, min: 0, max: 10}\n"
    "  Km: 0.5\n"
    "  Km2: Km*2\n"
    "compartments: {cell: 1.5}\n"
    "species:\n"
    "  S: {initial: 1.0, compartment: cell}\n"
    "  P: 0.0\n"
    "  E: {initial: 0.1, constant: true}\n"
    "  Q: {initial: 0.2, nonnegative: true}\n"
    "inputs:\n"
    "  light: {times: [0, 1, 2], values: [1, 0.5, 1], interp: linear}\n"
    "  u: {default: 2}\n"
    "assignments:\n"
    "  sat: S/(Km + S)\n"
    "reactions:\n"
    "  - {id: conv, equation: 2 S -> P, rate: kcat*E*sat*light}\n"
    "  - id: back\n"
    "    equation: P <-> S\n"
    "    rate: mm(P, 0.1, Km2) - 0.01*S\n"
    "odes:\n"
    "  Q: -0.1*Q*u + hill(P, 0.5, 2)\n"
    "outputs:\n"
    "  total: S + 2*P\n"
    "events:\n"
    "  - {id: refill, at: 0.5, every: 0.5, count: 3, set: {S: S + 1}}\n"
    "  - {id: low, when: S < 0.2, delay: 0.1, set: {Q: Q + 1, kcat: kcat*1.1}}\n";

/* n > 0: right after allocation n failed; n == 0: after a whole sweep. */
static void require_no_leak(const char *what, long n, int persistent) {
  if (n > 0)
    ck_assert_msg(LEAK_CHECK() == 0, "%s leaks when allocation %ld fails%s", what,
                  n, persistent ? " (and every one after it)" : "");
  else
    ck_assert_msg(LEAK_CHECK() == 0,
                  "%s leaks when an allocation fails%s (LeakSanitizer's report above "
                  "says what; MUSKX_ALLOC_LEAK_EACH=1 finds which allocation)",
                  what, persistent ? " (and every one after it)" : "");
}

/* LeakSanitizer's check scans the whole process (tens of milliseconds)
   and a sweep has thousands of steps: a check after each step was 97 % of
   this binary's time (150 of 154 CPU-s). A leaked block stays unreachable,
   so the check after each sweep finds any leak a check per step would; a
   run with MUSKX_ALLOC_LEAK_EACH=1 checks after every step again, which
   pins a leak to the allocation whose failure caused it. */
static int leak_check_each_step(void) {
  const char *e = getenv("MUSKX_ALLOC_LEAK_EACH");
  return e != NULL && e[0] != '\0' && strcmp(e, "0") != 0;
}

static void require_no_leak_at_step(const char *what, long n, int persistent) {
  if (leak_check_each_step()) require_no_leak(what, n, persistent);
}

/* Runs op(ctx) with allocation n failing for n = 1, 2, ... until op
   completes without reaching n. op returns its status; it must be OK only
   when no failure was injected before it finished, ENOMEM otherwise. op
   cleans up after itself (frees what it created). Returns how many
   allocations op makes when nothing fails. */
typedef muskx_status (*op_fn)(void *ctx, int *created);

static long fail_each_allocation(const char *what, op_fn op, void *ctx) {
  long clean_calls = -1;
  for (int persistent = 0; persistent <= 1; persistent++) {
    long n;
    for (n = 1; n < MAX_N; n++) {
      int created = 0;
      muskx__alloc_test_fail(n, persistent);
      muskx_status st = op(ctx, &created);
      long calls = muskx__alloc_test_calls();
      muskx__alloc_test_fail(0, 0);
      if (calls < n) {
        /* nothing was failed: op must have succeeded */
        ck_assert_msg(st == MUSKX_OK, "%s: %s with no failure injected", what,
                      muskx_status_name(st));
        clean_calls = calls;
        break;
      }
      ck_assert_msg(st == MUSKX_ENOMEM,
                    "%s: allocation %ld of %ld failed, got %s, want ENOMEM", what,
                    n, calls, muskx_status_name(st));
      ck_assert_msg(!created, "%s: a handle came back although allocation %ld failed",
                    what, n);
      require_no_leak_at_step(what, n, persistent);
    }
    ck_assert_msg(n < MAX_N, "%s: still allocating after %d calls", what, MAX_N);
    require_no_leak(what, 0, persistent);
  }
  return clean_calls;
}

/* ---- operations -------------------------------------------------------- */

static muskx_status op_load_string(void *ctx, int *created) {
  (void)ctx;
  muskx_model *m = (muskx_model *)&created; /* must be set to NULL */
  muskx_error err;
  muskx_status st = muskx_model_load_string(model_text, strlen(model_text),
                                            "alloc.yaml", &m, &err);
  if (st != MUSKX_OK) {
    ck_assert_int_eq(err.status, st);
    ck_assert_msg(err.message[0] != '\0', "empty message for %s",
                  muskx_status_name(st));
  }
  *created = m != NULL;
  muskx_model_free(m);
  return st;
}

static muskx_status op_load_file(void *ctx, int *created) {
  muskx_model *m = NULL;
  muskx_error err;
  muskx_status st = muskx_model_load_file((const char *)ctx, &m, &err);
  *created = m != NULL;
  muskx_model_free(m);
  return st;
}

/* muskx__load with the folders of a text held in memory (the current
   directory): what muskx_model_load_string does before compiling. */
static muskx_status load_text_only(muskx_model **m, muskx_error *err) {
  muskx__folders scope;
  muskx_status st = muskx__folders_open(&scope, NULL, NULL, err);
  if (st != MUSKX_OK) return st;
  st = muskx__load(model_text, strlen(model_text), "alloc.yaml", &scope, m, err);
  muskx__folders_close(&scope);
  return st;
}

/* Parse and check only (lib/load.c), without the compiler. */
static muskx_status op_parse_only(void *ctx, int *created) {
  (void)ctx;
  muskx_model *m = NULL;
  muskx_error err;
  muskx_status st = load_text_only(&m, &err);
  *created = m != NULL;
  if (m) muskx__model_destroy(m);
  return st;
}

/* The compiler alone, on a freshly parsed model: the model is parsed with
   no failure injected, then the hook is armed with arg's N for
   muskx__compile only. */
typedef struct compile_arg {
  long nth;
  int persistent;
} compile_arg;

static muskx_status compile_with_failure(const compile_arg *arg) {
  muskx__alloc_test_fail(0, 0);
  muskx_model *m = NULL;
  muskx_error err;
  muskx_status st = load_text_only(&m, &err);
  ck_assert_int_eq(st, MUSKX_OK);
  muskx__alloc_test_fail(arg->nth, arg->persistent);
  st = muskx__compile(m, &err);
  if (st != MUSKX_OK) ck_assert_int_eq(err.status, st);
  muskx__model_destroy(m);
  return st;
}

static muskx_status op_sim_create(void *ctx, int *created) {
  muskx_sim *s = (muskx_sim *)ctx; /* must be set to NULL */
  muskx_status st = muskx_sim_create((const muskx_model *)ctx, &s);
  *created = s != NULL;
  muskx_sim_free(s);
  return st;
}

typedef struct run_ctx {
  muskx_sim *s;
  const muskx_model *m;
} run_ctx;

static const double run_times[] = {0, 0.25, 0.5, 1, 1.5, 2, 3};
#define NRUN (sizeof run_times / sizeof run_times[0])

static muskx_status op_run(void *ctx, int *created) {
  run_ctx *rc = ctx;
  double out[NRUN * 8];
  size_t rows = 0;
  *created = 0;
  return muskx_sim_run(rc->s, run_times, NRUN, out, &rows);
}

static muskx_status op_settings(void *ctx, int *created) {
  run_ctx *rc = ctx;
  const double t[] = {0, 1, 2, 3}, v[] = {1, 2, 1, 2};
  muskx_status st;
  *created = 0;
  if ((st = muskx_sim_set_input_table(rc->s, "light", t, v, 4,
                                      MUSKX_INTERP_STEP)) != MUSKX_OK)
    return st;
  if ((st = muskx_sim_add_dose(rc->s, "P", 0.5, 0.1, 0.5, 3)) != MUSKX_OK)
    return st;
  if ((st = muskx_sim_reset(rc->s)) != MUSKX_OK) return st;
  return MUSKX_OK;
}

static muskx_status op_steady(void *ctx, int *created) {
  run_ctx *rc = ctx;
  double y[8];
  *created = 0;
  muskx_status st = muskx_sim_steady_state(rc->s, y, 8);
  /* without a failure this model has no steady state (a timed event and an
     input), but the failure to converge must not be confused with ENOMEM */
  return st == MUSKX_ENOTCONV ? MUSKX_OK : st;
}

/* Sensitivities (issue 15) need a model without event delays. */
static const char sens_text[] =
    "muskx: 1\n"
    "model: {id: sens}\n"
    "parameters: {k: 0.5, A0: 2, thr: 0.5, k2: k}\n"
    "species: {A: A0, B: 0}\n"
    "reactions:\n"
    "  - {equation: A -> B, rate: k2*A}\n"
    "outputs: {total: A + B}\n"
    "events:\n"
    "  - {id: kick, when: A < thr, set: {A: A + 1, k: k*2}}\n";

static muskx_status op_sens(void *ctx, int *created) {
  run_ctx *rc = ctx;
  const char *names[] = {"k", "A0", "B"};
  double out[NRUN * 3], sens[NRUN * 3 * 3];
  muskx_status st;
  *created = 0;
  if ((st = muskx_sim_set_sens_params(rc->s, names, 3)) != MUSKX_OK) return st;
  return muskx_sim_run_sens(rc->s, run_times, (int)NRUN, out, sens);
}

/* A PEtab problem (tests/petab/relax/): loading, and evaluating with and
   without sensitivities (issue 15). */
#define PETAB_RELAX "tests/petab/relax/problem.yaml"

static muskx_status op_petab_load(void *ctx, int *created) {
  (void)ctx;
  muskx_petab *pb = NULL;
  muskx_error err;
  muskx_status st = muskx_petab_load(PETAB_RELAX, &pb, &err);
  if (st != MUSKX_OK) {
    ck_assert_int_eq(err.status, st);
    ck_assert_msg(err.message[0] != '\0', "empty message for %s",
                  muskx_status_name(st));
  }
  *created = pb != NULL;
  muskx_petab_free(pb);
  return st;
}

typedef struct petab_ctx {
  muskx_petab *pb;
  muskx_sim *s;
} petab_ctx;

static muskx_status op_petab_eval(void *ctx, int *created) {
  petab_ctx *pc = ctx;
  const double th[2] = {-0.3, 0.4};
  double llh, grad[2], res[4], dres[8];
  muskx_status st;
  *created = 0;
  if ((st = muskx_petab_llh(pc->pb, pc->s, th, &llh, NULL)) != MUSKX_OK) return st;
  if ((st = muskx_petab_gradient(pc->pb, pc->s, th, &llh, grad)) != MUSKX_OK)
    return st;
  return muskx_petab_jacobian(pc->pb, pc->s, th, res, NULL, dres, NULL);
}

/* A scenario whose numbers are longer than the decimal reader's stack
   buffer (tests/scenarios/long_decimal.yaml: two durations and a drug's
   every:), so their heap copies are among the failed allocations: each
   must give ENOMEM, not "must be a number/time" (session 24: every:
   worded a failed copy as a bad interval). */
static muskx_status op_scenario_load(void *ctx, int *created) {
  muskx_scenario *sc = (muskx_scenario *)ctx; /* must be set to NULL */
  muskx_error err;
  muskx_access *a = muskx_access_new();
  if (a == NULL) return MUSKX_ENOMEM;
  muskx_status st = muskx_access_allow(a, ".", NULL);
  if (st == MUSKX_OK) {
    st = muskx_scenario_load_file_with((const char *)ctx, a, &sc, &err);
    if (st != MUSKX_OK) {
      ck_assert_int_eq(err.status, st);
      ck_assert_msg(st == MUSKX_ENOMEM, "scenario load: %s: %s",
                    muskx_status_name(st), err.message);
    }
    *created = st != MUSKX_OK && sc != NULL;
    if (st == MUSKX_OK) muskx_scenario_free(sc);
  }
  muskx_access_free(a);
  return st;
}

/* ---- tests ------------------------------------------------------------- */

START_TEST(a_petab_problem_fails_cleanly_at_every_allocation) {
  fail_each_allocation("loading a PEtab problem", op_petab_load, NULL);
  petab_ctx pc = {NULL, NULL};
  muskx_error err;
  ck_assert_int_eq(muskx_petab_load(PETAB_RELAX, &pc.pb, &err), MUSKX_OK);
  ck_assert_int_eq(muskx_sim_create(muskx_petab_model(pc.pb), &pc.s), MUSKX_OK);
  fail_each_allocation("evaluating a PEtab problem", op_petab_eval, &pc);
  double llh;
  const double th[2] = {-0.3, 0.4};
  ck_assert_int_eq(muskx_petab_llh(pc.pb, pc.s, th, &llh, NULL), MUSKX_OK);
  muskx_sim_free(pc.s);
  muskx_petab_free(pc.pb);
  require_no_leak("PEtab", 0, 0);
}
END_TEST

START_TEST(sensitivities_fail_cleanly_at_every_allocation) {
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(sens_text, strlen(sens_text),
                                           "sens.yaml", &m, &err),
                   MUSKX_OK);
  run_ctx rc = {NULL, m};
  ck_assert_int_eq(muskx_sim_create(m, &rc.s), MUSKX_OK);
  fail_each_allocation("sensitivity parameters and run", op_sens, &rc);
  double out[NRUN * 3], sens[NRUN * 3 * 3];
  ck_assert_int_eq(muskx_sim_run_sens(rc.s, run_times, (int)NRUN, out, sens),
                   MUSKX_OK);
  muskx_sim_free(rc.s);
  muskx_model_free(m);
  require_no_leak("sensitivities", 0, 0);
}
END_TEST

/* A streamed ensemble (issue 19): 20 members beyond a zero memory budget
   into a sketch of k = 8, which compacts, then its quantiles; on one
   thread, the calling one, where the hook counts. A member that ran out
   of memory is a failed member, not a failed run, so it counts as ENOMEM
   here too. */
static muskx_status op_streamed(void *ctx, int *created) {
  const muskx_model *m = ctx;
  muskx_ensemble *e = NULL;
  const char *cols[1] = {"A"};
  double q[3 * NRUN];
  static const double probs[3] = {0.1, 0.5, 0.9};
  muskx_status st = muskx_ensemble_create(m, &e);
  if (st == MUSKX_OK)
    st = muskx_ensemble_vary(e, "k", MUSKX_DIST_LOGNORMAL, 0.5, 0.3);
  if (st == MUSKX_OK) st = muskx_ensemble_set_columns(e, cols, 1);
  if (st == MUSKX_OK) st = muskx_ensemble_set_memory_budget(e, 0, 8);
  if (st == MUSKX_OK)
    st = muskx_ensemble_run(e, 0, 20, 5, 1, run_times, NRUN, NULL, NULL);
  if (st == MUSKX_OK && muskx_ensemble_nfailed(e) > 0) st = MUSKX_ENOMEM;
  if (st == MUSKX_OK)
    st = muskx_ensemble_quantiles(e, probs, 3, q, 3 * NRUN);
  *created = 0;
  muskx_ensemble_free(e);
  return st;
}

START_TEST(a_streamed_ensemble_fails_cleanly_at_every_allocation) {
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(sens_text, strlen(sens_text),
                                           "sens.yaml", &m, &err),
                   MUSKX_OK);
  fail_each_allocation("streamed ensemble", op_streamed, m);
  muskx_model_free(m);
  require_no_leak("streamed ensemble", 0, 0);
}
END_TEST

START_TEST(the_hook_counts_and_fails_exactly_the_nth_allocation) {
  muskx__alloc_test_fail(3, 0);
  void *a = muskx__alloc(8), *b = muskx__calloc(2, 8), *c = muskx__alloc(8);
  void *d = muskx__realloc(NULL, 8);
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(b);
  ck_assert_ptr_null(c);
  ck_assert_ptr_nonnull(d);
  ck_assert_int_eq(muskx__alloc_test_calls(), 4);
  muskx__alloc_test_fail(2, 1);
  void *e = muskx__alloc(8), *f = muskx__alloc(8), *g = muskx__strdup("x");
  ck_assert_ptr_nonnull(e);
  ck_assert_ptr_null(f);
  ck_assert_ptr_null(g);
  muskx__alloc_test_fail(0, 0);
  muskx__free(a);
  muskx__free(b);
  muskx__free(d);
  muskx__free(e);
}
END_TEST

START_TEST(loading_a_model_fails_cleanly_at_every_allocation) {
  long n = fail_each_allocation("muskx_model_load_string", op_load_string, NULL);
  ck_assert_msg(n > 50, "load made only %ld allocations", n);
}
END_TEST

START_TEST(loading_a_file_fails_cleanly_at_every_allocation) {
  const char *path = "tests/models/api_small.yaml";
  fail_each_allocation("muskx_model_load_file", op_load_file, (void *)path);
}
END_TEST

START_TEST(loading_a_scenario_with_long_numbers_fails_cleanly_at_every_allocation) {
  const char *path = "tests/scenarios/long_decimal.yaml";
  fail_each_allocation("muskx_scenario_load_file_with (long decimals)",
                       op_scenario_load, (void *)path);
}
END_TEST

START_TEST(loading_a_model_with_agents_fails_cleanly_at_every_allocation) {
  const char *path = "tests/models/agents_pk.yaml"; /* agents: (issue 17) */
  fail_each_allocation("muskx_model_load_file (agents)", op_load_file,
                       (void *)path);
}
END_TEST

START_TEST(parsing_without_compiling_fails_cleanly_at_every_allocation) {
  fail_each_allocation("muskx__load", op_parse_only, NULL);
}
END_TEST

START_TEST(compiling_fails_cleanly_at_every_allocation) {
  for (int persistent = 0; persistent <= 1; persistent++) {
    long n;
    for (n = 1; n < MAX_N; n++) {
      compile_arg arg = {n, persistent};
      muskx_status st = compile_with_failure(&arg);
      long calls = muskx__alloc_test_calls();
      muskx__alloc_test_fail(0, 0);
      if (calls < n) {
        ck_assert_msg(st == MUSKX_OK, "compile: %s with no failure",
                      muskx_status_name(st));
        break;
      }
      ck_assert_msg(st == MUSKX_ENOMEM,
                    "compile: allocation %ld failed, got %s, want ENOMEM", n,
                    muskx_status_name(st));
      require_no_leak_at_step("muskx__compile", n, persistent);
    }
    ck_assert(n < MAX_N);
    require_no_leak("muskx__compile", 0, persistent);
  }
}
END_TEST

START_TEST(creating_a_simulation_fails_cleanly_at_every_allocation) {
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(model_text, strlen(model_text),
                                           "alloc.yaml", &m, &err),
                   MUSKX_OK);
  fail_each_allocation("muskx_sim_create", op_sim_create, m);
  muskx_model_free(m);
  require_no_leak("muskx_sim_create", 0, 0);
}
END_TEST

/* After every failed run the same simulation must give the exact numbers
   of a run on a fresh simulation. */
START_TEST(a_run_fails_cleanly_at_every_allocation_and_the_sim_stays_usable) {
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(model_text, strlen(model_text),
                                           "alloc.yaml", &m, &err),
                   MUSKX_OK);
  muskx_sim *ref = NULL;
  ck_assert_int_eq(muskx_sim_create(m, &ref), MUSKX_OK);
  int nc = muskx_sim_ncols(ref);
  ck_assert_int_le(nc, 8);
  double want[NRUN * 8], got[NRUN * 8];
  size_t rows;
  ck_assert_int_eq(muskx_sim_run(ref, run_times, NRUN, want, &rows), MUSKX_OK);
  muskx_sim_free(ref);

  run_ctx rc = {NULL, m};
  ck_assert_int_eq(muskx_sim_create(m, &rc.s), MUSKX_OK);
  for (int persistent = 0; persistent <= 1; persistent++) {
    for (long n = 1; n < MAX_N; n++) {
      int created;
      muskx__alloc_test_fail(n, persistent);
      muskx_status st = op_run(&rc, &created);
      long calls = muskx__alloc_test_calls();
      muskx__alloc_test_fail(0, 0);
      if (calls < n) {
        ck_assert_int_eq(st, MUSKX_OK);
        break;
      }
      ck_assert_msg(st == MUSKX_ENOMEM, "run: allocation %ld failed, got %s: %s",
                    n, muskx_status_name(st), muskx_sim_errmsg(rc.s));
      ck_assert_msg(muskx_sim_errmsg(rc.s)[0] != '\0', "no message");
      /* the same sim, with nothing failing, gives the reference numbers */
      ck_assert_int_eq(muskx_sim_run(rc.s, run_times, NRUN, got, &rows), MUSKX_OK);
      ck_assert_uint_eq(rows, NRUN);
      for (size_t k = 0; k < NRUN * (size_t)nc; k++)
        ck_assert_msg(got[k] == want[k] || fabs(got[k] - want[k]) <= 1e-12 * fabs(want[k]),
                      "after failing allocation %ld: value %zu is %.17g, want %.17g",
                      n, k, got[k], want[k]);
      require_no_leak_at_step("muskx_sim_run", n, persistent);
    }
    require_no_leak("muskx_sim_run", 0, persistent);
  }
  muskx_sim_free(rc.s);
  muskx_model_free(m);
  require_no_leak("muskx_sim_run", 0, 0);
}
END_TEST

START_TEST(settings_that_allocate_fail_cleanly_at_every_allocation) {
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(model_text, strlen(model_text),
                                           "alloc.yaml", &m, &err),
                   MUSKX_OK);
  run_ctx rc = {NULL, m};
  ck_assert_int_eq(muskx_sim_create(m, &rc.s), MUSKX_OK);
  fail_each_allocation("input table, dose and reset", op_settings, &rc);
  fail_each_allocation("muskx_sim_steady_state", op_steady, &rc);
  /* still a working simulation */
  double out[NRUN * 8];
  size_t rows;
  ck_assert_int_eq(muskx_sim_reset(rc.s), MUSKX_OK);
  ck_assert_int_eq(muskx_sim_run(rc.s, run_times, NRUN, out, &rows), MUSKX_OK);
  muskx_sim_free(rc.s);
  muskx_model_free(m);
  require_no_leak("settings", 0, 0);
}
END_TEST

int main(void) {
  Suite *su = suite_create("alloc");
  TCase *tc = tcase_create("fail the nth allocation");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, the_hook_counts_and_fails_exactly_the_nth_allocation);
  tcase_add_test(tc, loading_a_model_fails_cleanly_at_every_allocation);
  tcase_add_test(tc, loading_a_file_fails_cleanly_at_every_allocation);
  tcase_add_test(tc, loading_a_model_with_agents_fails_cleanly_at_every_allocation);
  tcase_add_test(tc, loading_a_scenario_with_long_numbers_fails_cleanly_at_every_allocation);
  tcase_add_test(tc, parsing_without_compiling_fails_cleanly_at_every_allocation);
  tcase_add_test(tc, compiling_fails_cleanly_at_every_allocation);
  tcase_add_test(tc, creating_a_simulation_fails_cleanly_at_every_allocation);
  tcase_add_test(tc, a_run_fails_cleanly_at_every_allocation_and_the_sim_stays_usable);
  tcase_add_test(tc, settings_that_allocate_fail_cleanly_at_every_allocation);
  tcase_add_test(tc, a_streamed_ensemble_fails_cleanly_at_every_allocation);
  tcase_add_test(tc, sensitivities_fail_cleanly_at_every_allocation);
  tcase_add_test(tc, a_petab_problem_fails_cleanly_at_every_allocation);
  suite_add_tcase(su, tc);
  return tu_run_suite(su);
}
