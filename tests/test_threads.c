/*
 * test_threads.c -- one loaded model shared by many threads (issue 9).
 *
 * The contract (muskx.h): a muskx_model is immutable once loaded and may
 * be shared by any number of threads; each thread has its own muskx_sim.
 * Here 8 threads share one model, each with its own simulation and its
 * own parameters, timed event and dose, and each checks its rows against
 * the analytic solution. Run under ThreadSanitizer by `make test-tsan`
 * (build-tsan/), where any data race in the library is a failure; in the
 * other builds it checks the numbers.
 *
 * Model: oral one-compartment PK with first-order absorption,
 *   depot' = -ka depot,  central' = ka depot - ke central,
 *   depot(0) = D:  depot = D e^{-ka t},
 *   central = D ka/(ka - ke) (e^{-ke t} - e^{-ka t}).
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

#define NTHREADS 8
#define ROUNDS 4
#define NT 41

static const char model_text[] =
    "muskx: 1\n"
    "model: {id: pk_threads, time_unit: h}\n"
    "parameters:\n"
    "  ka: 1.2\n"
    "  ke: 0.15\n"
    "  half_life: log(2)/ke\n"
    "species:\n"
    "  depot: 0\n"
    "  central: 0\n"
    "reactions:\n"
    "  - {id: absorption, equation: depot -> central, rate: ka*depot}\n"
    "  - {id: elimination, equation: central ->, rate: ke*central}\n"
    "outputs:\n"
    "  total: depot + central\n"
    "  hl: half_life\n";

typedef struct job {
  const muskx_model *m;
  int id;
  int failed;     /* 0 when every check passed */
  char why[512];  /* the first failed check */
} job;

/* Records the first failed check of a thread (Check's asserts must not be
   called from other threads). */
__attribute__((format(printf, 2, 3))) static void note_failure(job *j, const char *fmt,
                                                               ...) {
  if (!j->failed) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->why, sizeof j->why, fmt, ap);
    va_end(ap);
  }
  j->failed = 1;
}

static int close_to(double got, double ref) {
  return fabs(got - ref) <= 1e-5 * fabs(ref) + 1e-8;
}

static void *worker(void *arg) {
  job *j = arg;
  muskx_sim *s = NULL;
  if (muskx_sim_create(j->m, &s) != MUSKX_OK) {
    note_failure(j, "thread %d: muskx_sim_create failed", j->id);
    return NULL;
  }
  double times[NT], out[NT * 4];
  for (int k = 0; k < NT; k++) times[k] = 0.25 * k;
  for (int round = 0; round < ROUNDS && !j->failed; round++) {
    /* different parameters per thread and per round */
    double ka = 0.8 + 0.1 * j->id + 0.05 * round, ke = 0.1 + 0.02 * j->id;
    double dose = 10.0 * (j->id + 1);
    muskx_sim_reset(s);
    if (muskx_sim_set_param(s, "ka", ka) != MUSKX_OK ||
        muskx_sim_set_param(s, "ke", ke) != MUSKX_OK ||
        muskx_sim_set_initial(s, "depot", dose) != MUSKX_OK ||
        muskx_sim_set_tolerances(s, 1e-9, 1e-12) != MUSKX_OK) {
      note_failure(j, "thread %d: a setter failed (round %d)", j->id, round);
      break;
    }
    size_t rows = 0;
    if (muskx_sim_run(s, times, NT, out, &rows) != MUSKX_OK || rows != NT) {
      note_failure(j, "thread %d: run failed at round %d after %zu rows: %s", j->id,
                   round, rows, muskx_sim_errmsg(s));
      break;
    }
    for (int k = 0; k < NT; k++) {
      double t = times[k];
      double depot = dose * exp(-ka * t);
      double central = dose * ka / (ka - ke) * (exp(-ke * t) - exp(-ka * t));
      const double *row = out + 4 * k;
      if (!close_to(row[0], depot))
        note_failure(j, "depot at t=%g: got %.12g, want %.12g", t, row[0], depot);
      if (!close_to(row[1], central))
        note_failure(j, "central at t=%g: got %.12g, want %.12g", t, row[1], central);
      if (!close_to(row[2], depot + central))
        note_failure(j, "total at t=%g: got %.12g, want %.12g", t, row[2], depot + central);
      if (!close_to(row[3], log(2) / ke))
        note_failure(j, "half-life at t=%g: got %.12g, want %.12g", t, row[3], log(2) / ke);
    }
    /* read-only queries of the shared model meanwhile */
    if (muskx_model_find(j->m, MUSKX_SPECIES, "central") != 1 ||
        muskx_model_jacobian_nnz(j->m) < 2 ||
        strcmp(muskx_model_id(j->m), "pk_threads") != 0)
      note_failure(j, "thread %d: model query wrong in round %d", j->id, round);
    /* the steady state of this linear system is 0 */
    double y[2];
    if (muskx_sim_steady_state(s, y, 2) != MUSKX_OK || fabs(y[0]) > 1e-6 ||
        fabs(y[1]) > 1e-6)
      note_failure(j, "thread %d: steady state (%g, %g) is not 0", j->id, y[0], y[1]);
  }
  muskx_sim_free(s);
  return NULL;
}

START_TEST(eight_threads_share_one_model_each_with_its_own_simulation) {
  muskx_model *m = NULL;
  muskx_error err;
  char buf[2048];
  ck_assert_msg(muskx_model_load_string(model_text, strlen(model_text), "threads.yaml",
                                        &m, &err) == MUSKX_OK,
                "%s", muskx_error_format(&err, buf, sizeof buf));
  pthread_t th[NTHREADS];
  job jobs[NTHREADS];
  for (int i = 0; i < NTHREADS; i++) {
    memset(&jobs[i], 0, sizeof jobs[i]);
    jobs[i].m = m;
    jobs[i].id = i;
    ck_assert_int_eq(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
  }
  for (int i = 0; i < NTHREADS; i++) ck_assert_int_eq(pthread_join(th[i], NULL), 0);
  for (int i = 0; i < NTHREADS; i++)
    ck_assert_msg(!jobs[i].failed, "thread %d: %s", i, jobs[i].why);
  muskx_model_free(m);
}
END_TEST

/* Loading is reentrant too: threads load their own models at the same
   time (the loader keeps no state outside its context). */
static void *loader(void *arg) {
  job *j = arg;
  for (int r = 0; r < 5 && !j->failed; r++) {
    muskx_model *m = NULL;
    muskx_error err;
    if (muskx_model_load_string(model_text, strlen(model_text), "threads.yaml", &m,
                                &err) != MUSKX_OK) {
      note_failure(j, "thread %d: load failed in round %d", j->id, r);
      break;
    }
    /* a refused model, for the error path */
    muskx_model *bad = NULL;
    static const char bad_text[] = "muskx: 1\nmodel: {id: x}\nspecies: {A: B}\n";
    if (muskx_model_load_string(bad_text, strlen(bad_text), "bad.yaml", &bad, &err) ==
            MUSKX_OK ||
        bad != NULL)
      note_failure(j, "thread %d: a bad model loaded", j->id);
    muskx_model_free(m);
  }
  return NULL;
}

START_TEST(threads_load_models_concurrently) {
  pthread_t th[NTHREADS];
  job jobs[NTHREADS];
  for (int i = 0; i < NTHREADS; i++) {
    memset(&jobs[i], 0, sizeof jobs[i]);
    jobs[i].id = i;
    ck_assert_int_eq(pthread_create(&th[i], NULL, loader, &jobs[i]), 0);
  }
  for (int i = 0; i < NTHREADS; i++) ck_assert_int_eq(pthread_join(th[i], NULL), 0);
  for (int i = 0; i < NTHREADS; i++)
    ck_assert_msg(!jobs[i].failed, "thread %d: %s", i, jobs[i].why);
}
END_TEST

int main(void) {
  Suite *su = suite_create("threads");
  TCase *tc = tcase_create("shared model");
  tcase_add_test(tc, eight_threads_share_one_model_each_with_its_own_simulation);
  tcase_add_test(tc, threads_load_models_concurrently);
  suite_add_tcase(su, tc);
  return tu_run_suite(su);
}
