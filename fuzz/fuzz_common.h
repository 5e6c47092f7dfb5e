/*
 * fuzz_common.h -- what every libmuskx fuzz harness checks and runs.
 *
 * fuzz_check_failed_load() states the load contract on a refused input (no
 * handle, a status, a NUL-terminated non-empty message, a sane position);
 * fuzz_exercise() drives a loaded model through the query API, a short
 * simulation (few steps, so no input can make it slow) and the right-hand
 * side and Jacobian at the initial point, so the compiler, the VM, the
 * Jacobian and CVODE's callbacks all see fuzzed models. A broken contract
 * calls __builtin_trap(), which libFuzzer reports as a crash.
 *
 * The harnesses are also #included by tests/test_fuzz_regressions.c, which
 * replays tests/fuzz-regressions/ in the ordinary, ASan and valgrind test
 * builds; so nothing here depends on libFuzzer.
 */
#ifndef MUSKX_FUZZ_COMMON_H
#define MUSKX_FUZZ_COMMON_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muskx.h"

#define FUZZ_REQUIRE(cond) \
  do {                     \
    if (!(cond)) __builtin_trap(); \
  } while (0)

/* Removes a harness's temporary directory dir: its n entries parts
   (paths relative to dir; a subdirectory after the files in it), then dir
   itself. For the harnesses that write their input to files (scenario,
   petab), at exit. */
static inline void fuzz_remove_dir(const char *dir, const char *const *parts,
                                   size_t n) {
  char path[512];
  for (size_t i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, parts[i]);
    remove(path);
  }
  rmdir(dir);
}

/* Steps per output interval: enough to integrate an easy model to t = 2,
   few enough that a fuzzed model cannot make one input slow. */
#define FUZZ_MAX_STEPS 300
/* Largest model the harnesses simulate (bigger ones are only loaded). */
#define FUZZ_MAX_SPECIES 64

static inline void fuzz_check_failed_load(muskx_status st, const muskx_model *m,
                                   const muskx_error *err) {
  FUZZ_REQUIRE(st != MUSKX_OK);
  FUZZ_REQUIRE(m == NULL);
  FUZZ_REQUIRE(err->status == st);
  FUZZ_REQUIRE(memchr(err->message, '\0', sizeof err->message) != NULL);
  FUZZ_REQUIRE(memchr(err->file, '\0', sizeof err->file) != NULL);
  FUZZ_REQUIRE(err->message[0] != '\0');
  FUZZ_REQUIRE(err->line >= 0 && err->column >= 0);
  FUZZ_REQUIRE(strcmp(muskx_status_name(st), "UNKNOWN") != 0);
  char buf[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 64];
  muskx_error_format(err, buf, sizeof buf);
}

/* Walks every name and query of the model (reads each string whole, so
   ASan sees a missing terminator). */
static inline void fuzz_query(const muskx_model *m) {
  volatile size_t sink = 0;
  sink += strlen(muskx_model_id(m)) + strlen(muskx_model_name(m)) +
          strlen(muskx_model_time_unit(m)) + strlen(muskx_model_source(m));
  for (int k = MUSKX_SPECIES; k <= MUSKX_EVENT; k++) {
    int n = muskx_model_count(m, (muskx_kind)k);
    FUZZ_REQUIRE(n >= 0);
    for (int i = 0; i < n; i++) {
      const char *name = muskx_model_name_at(m, (muskx_kind)k, i);
      FUZZ_REQUIRE(name != NULL);
      sink += strlen(name);
      const char *u = muskx_model_unit(m, (muskx_kind)k, i);
      const char *d = muskx_model_doc(m, (muskx_kind)k, i);
      if (u) sink += strlen(u);
      if (d) sink += strlen(d);
      (void)muskx_model_default(m, (muskx_kind)k, i);
    }
    FUZZ_REQUIRE(muskx_model_name_at(m, (muskx_kind)k, n) == NULL);
  }
  for (int i = 0; i < muskx_model_reference_count(m); i++)
    sink += strlen(muskx_model_reference(m, i));
  int nr = muskx_model_count(m, MUSKX_REACTION);
  for (int r = 0; r < nr; r++) {
    int n = muskx_model_reaction_stoich(m, r, NULL, NULL, 0);
    FUZZ_REQUIRE(n >= 0);
    int *sp = calloc((size_t)n + 1, sizeof *sp);
    double *coef = calloc((size_t)n + 1, sizeof *coef);
    if (sp && coef) FUZZ_REQUIRE(muskx_model_reaction_stoich(m, r, sp, coef, n) == n);
    free(sp);
    free(coef);
    n = muskx_model_reaction_modifiers(m, r, NULL, 0);
    FUZZ_REQUIRE(n >= 0);
    sink += strlen(muskx_model_reaction_equation(m, r)) +
            strlen(muskx_model_reaction_rate(m, r));
  }
  int nnz = muskx_model_jacobian_nnz(m);
  FUZZ_REQUIRE(nnz >= 0);
  int *rows = calloc((size_t)nnz + 1, sizeof *rows);
  int *cols = calloc((size_t)nnz + 1, sizeof *cols);
  int ns = muskx_model_count(m, MUSKX_SPECIES);
  if (rows && cols) {
    muskx_model_jacobian_pattern(m, rows, cols);
    for (int k = 0; k < nnz; k++)
      FUZZ_REQUIRE(rows[k] >= 0 && rows[k] < ns && cols[k] >= 0 && cols[k] < ns);
  }
  free(rows);
  free(cols);
  (void)sink;
}

/* A short run, the RHS and Jacobian, a reset and a second run. */
static inline void fuzz_simulate(const muskx_model *m) {
  int ns = muskx_model_count(m, MUSKX_SPECIES);
  if (ns > FUZZ_MAX_SPECIES) return;
  muskx_sim *s = NULL;
  if (muskx_sim_create(m, &s) != MUSKX_OK) {
    FUZZ_REQUIRE(s == NULL);
    return;
  }
  muskx_sim_set_max_steps(s, FUZZ_MAX_STEPS);
  int nc = muskx_sim_ncols(s);
  FUZZ_REQUIRE(nc == ns + muskx_model_count(m, MUSKX_OUTPUT));
  enum { NT = 4 };
  static const double times[NT] = {0.0, 0.5, 1.0, 2.0};
  double *out = calloc((size_t)NT * (size_t)nc + 1, sizeof *out);
  double *y = calloc((size_t)ns + 1, sizeof *y);
  double *f = calloc((size_t)ns + 1, sizeof *f);
  double *jac = calloc((size_t)ns * (size_t)ns + 1, sizeof *jac);
  if (out && y && f && jac) {
    size_t rows = 99;
    muskx_status st = muskx_sim_run(s, times, NT, out, &rows);
    FUZZ_REQUIRE(rows <= NT);
    if (st == MUSKX_OK) {
      FUZZ_REQUIRE(rows == NT);
    } else {
      FUZZ_REQUIRE(muskx_sim_errmsg(s)[0] != '\0');
      FUZZ_REQUIRE(!isnan(muskx_sim_fail_time(s)));
    }
    for (int i = 0; i < ns; i++) y[i] = muskx_model_default(m, MUSKX_SPECIES, i);
    (void)muskx_sim_eval_rhs(s, 0.0, y, f, jac);
    FUZZ_REQUIRE(muskx_sim_reset(s) == MUSKX_OK);
    (void)muskx_sim_run(s, times, 2, out, &rows);
    for (int k = 0; k <= MUSKX_STAT_LINEAR_SOLVER; k++)
      FUZZ_REQUIRE(muskx_sim_stat(s, (muskx_stat)k) >= 0);
  }
  free(out);
  free(y);
  free(f);
  free(jac);
  muskx_sim_free(s);
}

static inline void fuzz_exercise(const muskx_model *m) {
  fuzz_query(m);
  fuzz_simulate(m);
}

#endif
