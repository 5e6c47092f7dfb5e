/*
 * test_api.c -- the public API as a user meets it (include/muskx.h): what
 * a model reports about itself, how a simulation is configured by name or
 * index, what each mistake returns and says, the status map, error
 * formatting, the version, and a model shared by several threads.
 *
 * Read top to bottom, this file is a tour of the API; the numerical
 * accuracy of the solver is tested in test_solver.c.
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

/* ------------------------------------------------- basics and errors */

START_TEST(freeing_null_handles_does_nothing) {
  muskx_model_free(NULL);
  muskx_sim_free(NULL);
}
END_TEST

START_TEST(the_version_string_matches_the_header) {
  char expect[32];
  snprintf(expect, sizeof expect, "%d.%d.%d", MUSKX_VERSION_MAJOR,
           MUSKX_VERSION_MINOR, MUSKX_VERSION_PATCH);
  ck_assert_str_eq(muskx_version_string(), expect);
}
END_TEST

START_TEST(status_names_and_messages_come_from_the_status_map) {
  int n = 0;
#define CHECK_STATUS(name, code, text)                                       \
  ck_assert_int_eq(MUSKX_##name, code);                                      \
  ck_assert_str_eq(muskx_status_name(MUSKX_##name), #name);                  \
  ck_assert_str_eq(muskx_strerror(MUSKX_##name), text);                      \
  n++;
  MUSKX_STATUS_MAP(CHECK_STATUS)
#undef CHECK_STATUS
  ck_assert_int_ge(n, 13);
  ck_assert_int_eq(MUSKX_OK, 0);
  /* Never NULL, even for a code outside the map. */
  ck_assert_ptr_nonnull(muskx_status_name((muskx_status)12345));
  ck_assert_ptr_nonnull(muskx_strerror((muskx_status)12345));
  ck_assert_ptr_nonnull(muskx_strerror((muskx_status)-1));
}
END_TEST

START_TEST(error_format_renders_file_line_col_message) {
  muskx_error err;
  char buf[256], tiny[8];

  memset(&err, 0, sizeof err);
  err.status = MUSKX_EMODEL;
  err.line = 41;
  err.column = 11;
  snprintf(err.file, sizeof err.file, "models/bone.yaml");
  snprintf(err.message, sizeof err.message,
           "undefined name 'RANKLL' in rate of reaction 'r3'");
  ck_assert_ptr_eq(muskx_error_format(&err, buf, sizeof buf), buf);
  ck_assert_str_eq(buf, "models/bone.yaml:41:11: undefined name 'RANKLL' "
                        "in rate of reaction 'r3'");
  /* Without a position: "file: message". */
  err.line = err.column = 0;
  muskx_error_format(&err, buf, sizeof buf);
  ck_assert_str_eq(buf, "models/bone.yaml: undefined name 'RANKLL' in rate "
                        "of reaction 'r3'");
  /* Truncated to the buffer, always terminated. */
  ck_assert_ptr_eq(muskx_error_format(&err, tiny, sizeof tiny), tiny);
  ck_assert_uint_eq(strlen(tiny), sizeof tiny - 1);
  ck_assert(strncmp(tiny, "models/", 7) == 0);
}
END_TEST

START_TEST(loading_a_missing_file_fails_with_eio_and_no_handle) {
  muskx_model *m = (muskx_model *)&m; /* must be overwritten with NULL */
  muskx_error err;
  memset(&err, 0, sizeof err);
  ck_assert_int_eq(muskx_model_load_file("tests/models/no_such_file.yaml", &m,
                                         &err),
                   MUSKX_EIO);
  ck_assert_ptr_null(m);
  ck_assert_int_eq(err.status, MUSKX_EIO);
  ck_assert_int_eq(err.line, 0);
  ck_assert_int_eq(err.column, 0);
  ck_assert_str_ne(err.message, "");
  ck_assert_ptr_nonnull(strstr(err.file, "no_such_file.yaml"));
  /* err may be NULL */
  ck_assert_int_eq(muskx_model_load_file("tests/models/no_such_file.yaml", &m,
                                         NULL),
                   MUSKX_EIO);
  ck_assert_ptr_null(m);
}
END_TEST

START_TEST(a_model_loads_from_a_string_under_its_source_name) {
  static const char text[] = "muskx: 1\n"
                             "model:\n"
                             "  id: tiny\n"
                             "species:\n"
                             "  X: 2\n";
  static const char broken[] = "muskx: 1\n"
                               "model:\n"
                               "  id: tiny\n"
                               "reactions:\n"
                               "  - id: r1\n"
                               "    equation: X ->\n"
                               "    rate: k*X\n";
  muskx_model *m = NULL;
  muskx_error err;

  /* text need not be NUL-terminated: only len bytes are read. */
  ck_assert_int_eq(muskx_model_load_string(text, sizeof text - 1, "tiny.yaml",
                                           &m, &err),
                   MUSKX_OK);
  ck_assert_str_eq(muskx_model_source(m), "tiny.yaml");
  ck_assert_str_eq(muskx_model_id(m), "tiny");
  ck_assert_str_eq(muskx_model_name(m), "");
  ck_assert_str_eq(muskx_model_time_unit(m), "");
  ck_assert_int_eq(muskx_model_count(m, MUSKX_SPECIES), 1);
  ck_assert_int_eq(muskx_model_reference_count(m), 0);
  muskx_model_free(m);

  ck_assert_int_eq(muskx_model_load_string(text, sizeof text - 1, NULL, &m,
                                           NULL),
                   MUSKX_OK);
  ck_assert_str_eq(muskx_model_source(m), "<string>");
  muskx_model_free(m);

  /* Undefined names are refused with the source name and a position. */
  m = NULL;
  memset(&err, 0, sizeof err);
  ck_assert_int_eq(muskx_model_load_string(broken, strlen(broken), "b.yaml",
                                           &m, &err),
                   MUSKX_EMODEL);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(err.file, "b.yaml");
  ck_assert_int_gt(err.line, 0);
  ck_assert_int_gt(err.column, 0);
  ck_assert_msg(strstr(err.message, "'k'") != NULL || strstr(err.message,
                                                             "'X'") != NULL,
                "message '%s' names neither k nor X", err.message);
}
END_TEST

/* ----------------------------------------------- what a model says */

START_TEST(a_model_lists_its_names_units_and_docs_in_file_order) {
  muskx_model *m = tu_load(TEST_MODEL("api_small.yaml"));
  const char *src = muskx_model_source(m);
  int sp[4], r;
  double coef[4];

  ck_assert_str_eq(muskx_model_id(m), "api_small");
  ck_assert_str_eq(muskx_model_name(m), "Michaelis-Menten with extras");
  ck_assert_str_eq(muskx_model_time_unit(m), "min");
  ck_assert_ptr_nonnull(strstr(src, "api_small.yaml"));

  ck_assert_int_eq(muskx_model_count(m, MUSKX_SPECIES), 3);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_PARAMETER), 3);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_INPUT), 1);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_OUTPUT), 1);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_COMPARTMENT), 1);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_REACTION), 1);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_ASSIGNMENT), 1);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_EVENT), 1);
  ck_assert_int_eq(muskx_model_count(m, (muskx_kind)42), -1);
  ck_assert_int_eq(muskx_model_count(NULL, MUSKX_SPECIES), -1);

  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_SPECIES, 0), "S");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_SPECIES, 1), "P");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_SPECIES, 2), "E");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_PARAMETER, 0), "kcat");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_PARAMETER, 2), "Km2");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_INPUT, 0), "light");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_OUTPUT, 0), "total");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_COMPARTMENT, 0), "cell");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_REACTION, 0), "conversion");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_ASSIGNMENT, 0), "sat");
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_EVENT, 0), "refill");
  ck_assert_ptr_null(muskx_model_name_at(m, MUSKX_SPECIES, 3));
  ck_assert_ptr_null(muskx_model_name_at(m, MUSKX_SPECIES, -1));

  ck_assert_int_eq(muskx_model_find(m, MUSKX_SPECIES, "P"), 1);
  ck_assert_int_eq(muskx_model_find(m, MUSKX_PARAMETER, "Km"), 1);
  ck_assert_int_eq(muskx_model_find(m, MUSKX_PARAMETER, "S"), -1);
  ck_assert_int_eq(muskx_model_find(m, MUSKX_SPECIES, "nope"), -1);
  ck_assert_int_eq(muskx_model_find(m, MUSKX_SPECIES, NULL), -1);

  ck_assert_str_eq(muskx_model_unit(m, MUSKX_PARAMETER, 0), "1/min");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_PARAMETER, 0), "turnover number");
  ck_assert_str_eq(muskx_model_unit(m, MUSKX_SPECIES, 0), "mM");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_SPECIES, 0), "substrate");
  ck_assert_str_eq(muskx_model_unit(m, MUSKX_SPECIES, 1), "");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_SPECIES, 1), "");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_REACTION, 0),
                   "Michaelis-Menten conversion");
  ck_assert_ptr_null(muskx_model_unit(m, MUSKX_SPECIES, 7));
  ck_assert_ptr_null(muskx_model_doc(m, MUSKX_PARAMETER, -2));

  ck_assert_double_eq(muskx_model_default(m, MUSKX_PARAMETER, 0), 2.0);
  ck_assert_double_eq(muskx_model_default(m, MUSKX_PARAMETER, 2), 1.0);
  ck_assert_double_eq(muskx_model_default(m, MUSKX_SPECIES, 2), 0.1);
  ck_assert_double_eq(muskx_model_default(m, MUSKX_INPUT, 0), 1.0);
  ck_assert_double_eq(muskx_model_default(m, MUSKX_COMPARTMENT, 0), 1.0);
  ck_assert(isnan(muskx_model_default(m, MUSKX_REACTION, 0)));

  ck_assert_int_eq(muskx_model_reference_count(m), 2);
  ck_assert_str_eq(muskx_model_reference(m, 0), "Michaelis & Menten 1913");
  ck_assert_ptr_null(muskx_model_reference(m, 2));

  ck_assert_str_eq(muskx_model_reaction_equation(m, 0), "S -> P");
  ck_assert_str_eq(muskx_model_reaction_rate(m, 0), "kcat*E*sat*light");
  ck_assert_int_eq(muskx_model_reaction_stoich(m, 0, sp, coef, 4), 2);
  for (r = 0; r < 2; r++) {
    if (sp[r] == 0) ck_assert_double_eq(coef[r], -1.0); /* S consumed */
    else {
      ck_assert_int_eq(sp[r], 1);                       /* P produced */
      ck_assert_double_eq(coef[r], 1.0);
    }
  }
  ck_assert_int_eq(muskx_model_reaction_modifiers(m, 0, sp, 4), 1);
  ck_assert_int_eq(sp[0], 2); /* E: in the rate, not in the equation */
  ck_assert_int_eq(muskx_model_reaction_stoich(m, 5, sp, coef, 4), -1);
  muskx_model_free(m);
}
END_TEST

START_TEST(the_jacobian_pattern_lists_structural_nonzeros) {
  muskx_model *m = tu_load(TEST_MODEL("api_small.yaml"));
  int nnz = muskx_model_jacobian_nnz(m);
  int *rows = calloc((size_t)(nnz > 0 ? nnz : 1), sizeof *rows);
  int *cols = calloc((size_t)(nnz > 0 ? nnz : 1), sizeof *cols);
  int i, seen_SS = 0, seen_PS = 0;

  /* dS/dt and dP/dt depend on S (and on E); nothing changes E. */
  ck_assert_int_ge(nnz, 2);
  ck_assert_int_le(nnz, 9);
  ck_assert_int_eq(muskx_model_jacobian_pattern(m, rows, cols), nnz);
  for (i = 0; i < nnz; i++) {
    ck_assert(rows[i] >= 0 && rows[i] < 3 && cols[i] >= 0 && cols[i] < 3);
    ck_assert_msg(rows[i] != 2, "entry in row E, a constant species");
    if (i > 0) /* column-major order */
      ck_assert(cols[i] > cols[i - 1] ||
                (cols[i] == cols[i - 1] && rows[i] > rows[i - 1]));
    seen_SS |= rows[i] == 0 && cols[i] == 0;
    seen_PS |= rows[i] == 1 && cols[i] == 0;
  }
  ck_assert(seen_SS && seen_PS);
  free(rows);
  free(cols);
  muskx_model_free(m);
}
END_TEST

/* ------------------------------------------------- configuring a sim */

START_TEST(creating_a_simulation_needs_a_model_and_an_out_pointer) {
  muskx_model *m = tu_load(TEST_MODEL("decay.yaml"));
  muskx_sim *s = (muskx_sim *)&s;
  ck_assert_int_eq(muskx_sim_create(NULL, &s), MUSKX_EINVAL);
  ck_assert_ptr_null(s);
  ck_assert_int_eq(muskx_sim_create(m, NULL), MUSKX_EINVAL);
  s = tu_sim(m);
  ck_assert_str_eq(muskx_sim_errmsg(s), "");
  ck_assert(isnan(muskx_sim_fail_time(s)));
  ck_assert_int_eq(muskx_sim_ncols(s), 2); /* A, then output half */
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* Runs decay.yaml and requires A = A0 exp(-k t). */
static void expect_decay(muskx_sim *s, double A0, double k) {
  double times[5] = {0.0, 0.5, 1.0, 2.0, 4.0}, out[5 * 2];
  size_t i;
  tu_run(s, times, 5, out);
  for (i = 0; i < 5; i++)
    TU_CLOSE(out[2 * i], A0 * exp(-k * times[i]), 1e-4, 1e-8, "A", times[i]);
}

START_TEST(parameters_and_initial_values_are_set_by_name_or_index) {
  muskx_model *m = tu_load(TEST_MODEL("decay.yaml"));
  muskx_sim *s = tu_sim(m);
  int ik = muskx_model_find(m, MUSKX_PARAMETER, "k");
  int iA = muskx_model_find(m, MUSKX_SPECIES, "A");

  TU_OK(s, muskx_sim_set_tolerances(s, 1e-8, 1e-12));
  expect_decay(s, 1.5, 0.7);
  TU_OK(s, muskx_sim_set_param(s, "k", 0.2));
  TU_OK(s, muskx_sim_set_initial(s, "A", 3.0));
  expect_decay(s, 3.0, 0.2);
  TU_OK(s, muskx_sim_set_param_index(s, ik, 1.1));
  TU_OK(s, muskx_sim_set_initial_index(s, iA, 0.5));
  expect_decay(s, 0.5, 1.1);
  /* muskx_sim_set: the CLI's --set NAME=VALUE, any kind of name */
  TU_OK(s, muskx_sim_set(s, "k", 0.4));
  TU_OK(s, muskx_sim_set(s, "A", 2.0));
  expect_decay(s, 2.0, 0.4);
  /* reset: defaults again, tolerances kept */
  TU_OK(s, muskx_sim_reset(s));
  expect_decay(s, 1.5, 0.7);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(unknown_names_and_bad_values_are_refused_with_a_message) {
  muskx_model *m = tu_load(TEST_MODEL("api_small.yaml"));
  muskx_sim *s = tu_sim(m);

  ck_assert_int_eq(muskx_sim_set_param(s, "nope", 1.0), MUSKX_ENOTFOUND);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(s), "nope"));
  /* names of another kind are not found either */
  ck_assert_int_eq(muskx_sim_set_param(s, "S", 1.0), MUSKX_ENOTFOUND);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(s), "'S'"));
  ck_assert_int_eq(muskx_sim_set_initial(s, "kcat", 1.0), MUSKX_ENOTFOUND);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(s), "kcat"));
  ck_assert_int_eq(muskx_sim_set_input(s, "Km", 1.0), MUSKX_ENOTFOUND);
  ck_assert_int_eq(muskx_sim_set(s, "no_such_name", 1.0), MUSKX_ENOTFOUND);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(s), "no_such_name"));
  ck_assert_int_eq(muskx_sim_set_atol_species(s, "kcat", 1e-6),
                   MUSKX_ENOTFOUND);
  ck_assert_int_eq(muskx_sim_set_param(s, NULL, 1.0), MUSKX_EINVAL);

  ck_assert_int_eq(muskx_sim_set_param(s, "kcat", NAN), MUSKX_EINVAL);
  ck_assert_str_ne(muskx_sim_errmsg(s), "");
  ck_assert_int_eq(muskx_sim_set_initial(s, "S", INFINITY), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sim_set_input(s, "light", -INFINITY), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sim_set(s, "kcat", NAN), MUSKX_EINVAL);
  ck_assert_int_ne(muskx_sim_set_param_index(s, 99, 1.0), MUSKX_OK);
  ck_assert_int_ne(muskx_sim_set_initial_index(s, -1, 1.0), MUSKX_OK);

  ck_assert_int_eq(muskx_sim_set_tolerances(s, 0.0, 1e-8), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sim_set_tolerances(s, 1e-6, -1.0), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sim_set_tolerances(s, NAN, 1e-8), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sim_set_atol_species(s, "S", -1.0), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sim_set_linear_solver(s, (muskx_linear_solver)17),
                   MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sim_set_max_steps(s, -5), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_sim_set_max_step(s, -1.0), MUSKX_EINVAL);

  /* A success clears the message. */
  TU_OK(s, muskx_sim_set_param(s, "kcat", 3.0));
  ck_assert_str_eq(muskx_sim_errmsg(s), "");
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(an_input_set_to_zero_stops_the_reaction) {
  muskx_model *m = tu_load(TEST_MODEL("api_small.yaml"));
  muskx_sim *s = tu_sim(m);
  int n = muskx_sim_ncols(s);
  int iS = tu_col(m, "S"), iP = tu_col(m, "P"), itot = tu_col(m, "total");
  double times[3] = {0.0, 5.0, 50.0};
  double *out = calloc(3 * (size_t)n, sizeof *out);
  size_t i;

  ck_assert_int_eq(n, 4); /* S, P, E, total */
  TU_OK(s, muskx_sim_set(s, "light", 0.0));
  TU_OK(s, muskx_sim_set(s, "S", 2.0));
  tu_run(s, times, 3, out);
  for (i = 0; i < 3; i++) {
    TU_CLOSE(out[(size_t)n * i + (size_t)iS], 2.0, 1e-9, 1e-12, "S", times[i]);
    TU_CLOSE(out[(size_t)n * i + (size_t)iP], 0.0, 0, 1e-12, "P", times[i]);
    TU_CLOSE(out[(size_t)n * i + (size_t)itot], 2.0, 1e-9, 1e-12, "total",
             times[i]);
  }
  /* With light back on, S turns into P and S + P is conserved. */
  TU_OK(s, muskx_sim_set_input(s, "light", 1.0));
  tu_run(s, times, 3, out);
  ck_assert(out[(size_t)n * 2 + (size_t)iS] < 2.0);
  for (i = 0; i < 3; i++)
    TU_CLOSE(out[(size_t)n * i + (size_t)itot], 2.0, 1e-5, 1e-9, "total",
             times[i]);
  free(out);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* ------------------------------------------------------- threads */

/* What one thread does and finds; the thread never calls Check. */
typedef struct worker {
  const muskx_model *model;
  double k, A0;
  int runs;
  double worst; /* largest relative error seen */
  muskx_status status;
  char message[256];
} worker;

static void *worker_main(void *arg) {
  worker *w = arg;
  muskx_sim *s = NULL;
  double times[11], out[11 * 2];
  int r, i;

  w->worst = 0.0;
  w->status = muskx_sim_create(w->model, &s);
  if (w->status != MUSKX_OK) return NULL;
  for (i = 0; i < 11; i++) times[i] = 0.5 * i;
  w->status = muskx_sim_set_param(s, "k", w->k);
  if (w->status == MUSKX_OK) w->status = muskx_sim_set_initial(s, "A", w->A0);
  if (w->status == MUSKX_OK)
    w->status = muskx_sim_set_tolerances(s, 1e-8, 1e-12);
  for (r = 0; r < w->runs && w->status == MUSKX_OK; r++) {
    size_t rows = 0;
    w->status = muskx_sim_run(s, times, 11, out, &rows);
    for (i = 0; w->status == MUSKX_OK && i < 11; i++) {
      double ref = w->A0 * exp(-w->k * times[i]);
      double e = fabs(out[2 * i] - ref) / ref;
      if (!(e <= w->worst)) w->worst = e; /* NaN counts as worst */
    }
  }
  if (w->status != MUSKX_OK)
    snprintf(w->message, sizeof w->message, "%s", muskx_sim_errmsg(s));
  muskx_sim_free(s);
  return NULL;
}

START_TEST(one_model_serves_four_threads_with_their_own_parameters) {
  enum { NTHREADS = 4 };
  muskx_model *m = tu_load(TEST_MODEL("decay.yaml"));
  pthread_t th[NTHREADS];
  worker w[NTHREADS];
  int i;

  for (i = 0; i < NTHREADS; i++) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].model = m;
    w[i].k = 0.25 * (i + 1);
    w[i].A0 = 1.0 + i;
    w[i].runs = 25;
    ck_assert_int_eq(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
  }
  for (i = 0; i < NTHREADS; i++) ck_assert_int_eq(pthread_join(th[i], NULL), 0);
  for (i = 0; i < NTHREADS; i++) {
    ck_assert_msg(w[i].status == MUSKX_OK, "thread %d: %s: %s", i,
                  muskx_status_name(w[i].status), w[i].message);
    ck_assert_msg(w[i].worst <= 1e-5, "thread %d (k=%g): relative error %g", i,
                  w[i].k, w[i].worst);
  }
  muskx_model_free(m);
}
END_TEST

static Suite *api_suite(void) {
  Suite *s = suite_create("api");
  TCase *tc;

  tc = tcase_create("basics");
  tcase_add_test(tc, freeing_null_handles_does_nothing);
  tcase_add_test(tc, the_version_string_matches_the_header);
  tcase_add_test(tc, status_names_and_messages_come_from_the_status_map);
  tcase_add_test(tc, error_format_renders_file_line_col_message);
  tcase_add_test(tc, loading_a_missing_file_fails_with_eio_and_no_handle);
  tcase_add_test(tc, a_model_loads_from_a_string_under_its_source_name);
  suite_add_tcase(s, tc);

  tc = tcase_create("model");
  tcase_add_test(tc, a_model_lists_its_names_units_and_docs_in_file_order);
  tcase_add_test(tc, the_jacobian_pattern_lists_structural_nonzeros);
  suite_add_tcase(s, tc);

  tc = tcase_create("simulation");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, creating_a_simulation_needs_a_model_and_an_out_pointer);
  tcase_add_test(tc, parameters_and_initial_values_are_set_by_name_or_index);
  tcase_add_test(tc, unknown_names_and_bad_values_are_refused_with_a_message);
  tcase_add_test(tc, an_input_set_to_zero_stops_the_reaction);
  suite_add_tcase(s, tc);

  tc = tcase_create("threads");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, one_model_serves_four_threads_with_their_own_parameters);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(api_suite());
}
