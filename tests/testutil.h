/*
 * testutil.h -- small helpers shared by the Check tests: run a suite as
 * main(), load a model (from a file or from text) or a scenario or fail
 * with its file:line:col message, create a simulation, run a simulation or
 * a whole scenario and fail with the simulation's message, look up output
 * columns, and compare numbers in the |got - ref| <= atol + rtol |ref| and
 * weighted RMS styles.
 *
 * Everything is static inline so that a test file that does not use a
 * helper gets no unused-function warning. Tests run from the repository
 * root, so model paths are relative to it (tests/models/...).
 */
#ifndef MUSKX_TESTUTIL_H
#define MUSKX_TESTUTIL_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define TEST_MODEL(name) ("tests/models/" name)

/* ck_assert and ck_assert_msg for hot loops: these record a failure only.
   Check records every assertion that passes (its file and line, written
   to a file and read back when the case ends): about 50 microseconds each
   under valgrind, where 500,000 of them in one loop were most of
   test_nvector_arrays' 29 CPU-s. A failure reads the same as ck_assert's
   (file, line, message) and ends the case the same way. */
#define TU_CHECK(expr)                                                    \
  do {                                                                    \
    if (!(expr)) ck_abort_msg("Assertion '%s' failed", #expr);            \
  } while (0)
#define TU_CHECK_MSG(expr, ...)                                           \
  do {                                                                    \
    if (!(expr)) ck_abort_msg(__VA_ARGS__);                               \
  } while (0)

/* The end of every test program's main(): runs suite s with Check's
   defaults (CK_FORK, CK_RUN_CASE... from the environment) and gives main's
   exit status, EXIT_SUCCESS when no test failed. */
static inline int tu_run_suite(Suite *s) {
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* A test case tagged "long": a whole shipped model or a long horizon, run
   for its numbers. The plain and ASan stages run it; `make valgrind`
   leaves it out (CK_EXCLUDE_TAGS='slow long'), since ASan checks the same
   library paths for memory errors and the binary's other cases keep it
   under valgrind. */
static inline TCase *tu_long_tcase(const char *name) {
  TCase *tc = tcase_create(name);
  tcase_set_tags(tc, "long");
  return tc;
}

/* The folders the tests' loads may read: the repository (the tests run
   from its top), whose models and scenarios name files in sibling
   folders (../models, ../drugs; issue 16). Free with muskx_access_free. */
static inline muskx_access *tu_access(void) {
  muskx_access *a = muskx_access_new();
  ck_assert_ptr_nonnull(a);
  ck_assert_int_eq(muskx_access_allow(a, ".", NULL), MUSKX_OK);
  return a;
}

/* Makes a fresh folder $TMPDIR/<prefix>_XXXXXX (or under /tmp) into dir, or
   aborts the test. */
static inline void tu_tmpdir(char *dir, size_t size, const char *prefix) {
  const char *base = getenv("TMPDIR");
  snprintf(dir, size, "%s/%s_XXXXXX", base && *base ? base : "/tmp", prefix);
  ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Loads path or aborts the test with the loader's "file:line:col: msg". */
static inline muskx_model *tu_load(const char *path) {
  muskx_model *m = NULL;
  muskx_error err;
  char buf[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 64];
  muskx_status st;

  memset(&err, 0, sizeof err);
  muskx_access *a = tu_access();
  st = muskx_model_load_file_with(path, a, &m, &err);
  muskx_access_free(a);
  if (st != MUSKX_OK || m == NULL) {
    ck_abort_msg("loading %s failed (%s): %s", path, muskx_status_name(st),
                 muskx_error_format(&err, buf, sizeof buf));
  }
  return m;
}

/* Loads YAML (or SBML) text held in memory, reported as `name` in its
   messages (NULL: "<string>"), or aborts the test with the loader's
   "name:line:col: msg" and the test line that asked for it. Imports in the
   text resolve against the current folder, as muskx_model_load_string's. */
#define tu_load_text(text, name) \
  tu_load_text_at((text), (name), __FILE__, __LINE__)

static inline muskx_model *tu_load_text_at(const char *text, const char *name,
                                           const char *file, int line) {
  muskx_model *m = NULL;
  muskx_error err;
  char buf[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 64];

  memset(&err, 0, sizeof err);
  muskx_status st = muskx_model_load_string(text, strlen(text), name, &m, &err);
  if (st != MUSKX_OK || m == NULL) {
    ck_abort_msg("%s:%d: loading %s failed (%s): %s", file, line,
                 name ? name : "<string>", muskx_status_name(st),
                 muskx_error_format(&err, buf, sizeof buf));
  }
  return m;
}

static inline muskx_sim *tu_sim(const muskx_model *m) {
  muskx_sim *s = NULL;
  muskx_status st = muskx_sim_create(m, &s);
  ck_assert_msg(st == MUSKX_OK && s != NULL, "muskx_sim_create: %s",
                muskx_strerror(st));
  return s;
}

/* Loads the scenario at path, with the repository readable (scenarios
   name ../models/...), or aborts with the loader's "file:line:col: msg". */
static inline muskx_scenario *tu_load_scenario(const char *path) {
  muskx_scenario *sc = NULL;
  muskx_error err;
  char buf[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 64];

  memset(&err, 0, sizeof err);
  muskx_access *a = tu_access();
  muskx_status st = muskx_scenario_load_file_with(path, a, &sc, &err);
  muskx_access_free(a);
  if (st != MUSKX_OK || sc == NULL) {
    ck_abort_msg("loading %s failed (%s): %s", path, muskx_status_name(st),
                 muskx_error_format(&err, buf, sizeof buf));
  }
  return sc;
}

/* Loads the PEtab problem at path, or aborts with the loader's message. */
static inline muskx_petab *tu_load_petab(const char *path) {
  muskx_petab *pb = NULL;
  muskx_error err;
  char buf[MUSKX_ERROR_FILE_MAX + MUSKX_ERROR_MESSAGE_MAX + 32];
  muskx_status st = muskx_petab_load(path, &pb, &err);
  ck_assert_msg(st == MUSKX_OK, "%s", muskx_error_format(&err, buf, sizeof buf));
  return pb;
}

/* A simulation of a PEtab problem's model at rtol 1e-10, atol 1e-12. */
static inline muskx_sim *tu_petab_sim(const muskx_petab *pb) {
  muskx_sim *s = NULL;
  ck_assert_int_eq(muskx_sim_create(muskx_petab_model(pb), &s), MUSKX_OK);
  ck_assert_int_eq(muskx_sim_set_tolerances(s, 1e-10, 1e-12), MUSKX_OK);
  return s;
}

/* Aborts with the simulation's message when st is not MUSKX_OK. */
#define TU_OK(sim, call)                                                     \
  do {                                                                       \
    muskx_status st_ = (call);                                               \
    ck_assert_msg(st_ == MUSKX_OK, "%s -> %s: %s", #call,                    \
                  muskx_status_name(st_), muskx_sim_errmsg(sim));            \
  } while (0)

/* Aborts with the fit's message when st is not MUSKX_OK. */
#define TU_FIT_OK(f, call)                                                   \
  do {                                                                       \
    muskx_status st_ = (call);                                               \
    ck_assert_msg(st_ == MUSKX_OK, "%s -> %s: %s", #call,                    \
                  muskx_status_name(st_), muskx_fit_errmsg(f));              \
  } while (0)

/* A residual fixture for identifiability (test_fit, test_fit_profile_cb):
   4 residuals (i + 1)(theta[0] - 0.3) with their Jacobian; theta[1] does
   not enter them, so its profile is flat. */
static inline int tu_half_unused(void *ctx, int w, const double *p, double *r,
                                 double *J) {
  (void)ctx;
  (void)w;
  for (int i = 0; i < 4; i++) {
    r[i] = (double)(i + 1) * (p[0] - 0.3);
    if (J != NULL) {
      J[2 * i] = i + 1;
      J[2 * i + 1] = 0;
    }
  }
  return 0;
}

/* Runs and requires every row. */
static inline void tu_run(muskx_sim *s, const double *times, size_t n,
                          double *out) {
  size_t rows = 0;
  muskx_status st = muskx_sim_run(s, times, n, out, &rows);
  ck_assert_msg(st == MUSKX_OK, "muskx_sim_run -> %s: %s",
                muskx_status_name(st), muskx_sim_errmsg(s));
  ck_assert_msg(rows == n, "muskx_sim_run wrote %zu rows of %zu", rows, n);
}

/* A whole run of a scenario on a fresh simulation of its model: its n
   sample times t and the nc reported values of each, v (n x nc). Free
   with tu_scenario_run_free. */
typedef struct tu_scenario_run {
  size_t n;
  int nc;
  double *t, *v;
} tu_scenario_run;

static inline tu_scenario_run tu_run_scenario(const muskx_scenario *sc) {
  tu_scenario_run r;
  muskx_sim *sim = tu_sim(muskx_scenario_model(sc));
  size_t done = 0;
  r.n = muskx_scenario_sample_times(sc, NULL, 0);
  r.nc = muskx_scenario_report_count(sc);
  r.t = malloc(r.n * sizeof *r.t);
  r.v = malloc(r.n * (size_t)r.nc * sizeof *r.v);
  ck_assert(r.t != NULL && r.v != NULL);
  ck_assert_uint_eq(muskx_scenario_sample_times(sc, r.t, r.n), r.n);
  TU_OK(sim, muskx_scenario_run(sc, sim, r.v, r.n, &done));
  ck_assert_uint_eq(done, r.n);
  muskx_sim_free(sim);
  return r;
}

static inline void tu_scenario_run_free(tu_scenario_run *r) {
  free(r->t);
  free(r->v);
}

/* Column of a species or an output in a run's rows (species first). */
static inline int tu_col(const muskx_model *m, const char *name) {
  int i = muskx_model_find(m, MUSKX_SPECIES, name);
  if (i >= 0) return i;
  i = muskx_model_find(m, MUSKX_OUTPUT, name);
  ck_assert_msg(i >= 0, "no species or output '%s'", name);
  return muskx_model_count(m, MUSKX_SPECIES) + i;
}

/* Requires |got - ref| <= atol + rtol |ref|; what/t name the sample. */
#define TU_CLOSE(got, ref, rtol, atol, what, t)                              \
  do {                                                                       \
    double g_ = (got), r_ = (ref);                                           \
    double tol_ = (atol) + (rtol)*fabs(r_);                                  \
    ck_assert_msg(isfinite(g_) && fabs(g_ - r_) <= tol_,                     \
                  "%s at t=%g: got %.12g, expected %.12g (|err| %.3g > "     \
                  "tol %.3g)",                                               \
                  (what), (double)(t), g_, r_, fabs(g_ - r_), tol_);         \
  } while (0)

/*
 * Weighted RMS norm of got - ref with weights 1/(rtol |ref_i| + atol_i),
 * the norm CVODE controls the error in (CVODE manual, "Error control";
 * SUNDIALS cvRoberts_dns.c, check_ans).
 */
static inline double tu_wrms(const double *got, const double *ref, int n,
                             double rtol, const double *atol) {
  double sum = 0.0;
  int i;
  for (i = 0; i < n; i++) {
    double w = rtol * fabs(ref[i]) + atol[i];
    double e = (got[i] - ref[i]) / w;
    sum += e * e;
  }
  return n > 0 ? sqrt(sum / n) : 0.0;
}

/* qsort comparator for doubles, ascending. */
static inline int tu_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Number of sorted x[0..n-1] below v (strict) and at most v. */
static inline void tu_ranks(const double *x, size_t n, double v, size_t *below,
                            size_t *upto) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (x[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  *below = lo;
  hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (x[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  *upto = lo;
}

#endif
