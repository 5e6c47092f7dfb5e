/*
 * test_imports.c -- module composition (`imports`, lib/load_imports.c),
 * through the public API only: what an imported module's names become,
 * what bindings turn inner parameters and inputs into, and that the
 * composed model simulates to the analytic solution.
 *
 * The models are tests/models/imports/: decay.yaml (dX/dt = influx - k X),
 * imported twice by two_decays.yaml and chained by a binding and a
 * coupling reaction, and nested.yaml, which imports two_decays.yaml. Cases
 * that need files of their own (bindings that become assignments, the
 * depth limit) write them into a fresh temporary directory. Bad imports
 * are in tests/bad (test_bad_models.c).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muskx.h"
#include "testutil.h"

#define RTOL 1e-8
#define ATOL 1e-10

/* two_decays.yaml: alpha = ka + kc, beta = kb = 2 kx (its banner). */
static double a_x(double alpha, double t) { return exp(-alpha * t); }
static double b_x(double alpha, double beta, double t) {
  return exp(-beta * t) + alpha / (beta - alpha) * (exp(-alpha * t) - exp(-beta * t));
}

static void expect_names(const muskx_model *m, muskx_kind kind,
                         const char *const *names, int n) {
  ck_assert_int_eq(muskx_model_count(m, kind), n);
  for (int i = 0; i < n; i++) {
    ck_assert_str_eq(muskx_model_name_at(m, kind, i), names[i]);
    ck_assert_int_eq(muskx_model_find(m, kind, names[i]), i);
  }
}

static double param(const muskx_model *m, const char *name) {
  int i = muskx_model_find(m, MUSKX_PARAMETER, name);
  ck_assert_msg(i >= 0, "no parameter '%s'", name);
  return muskx_model_default(m, MUSKX_PARAMETER, i);
}

/* Runs s and compares species ax and bx with a.X and b.X of the solution. */
static void expect_chain(const muskx_model *m, muskx_sim *s, const char *ax,
                         const char *bx, double alpha, double beta) {
  double times[] = {0, 0.5, 1, 2, 4, 8};
  size_t nt = ARRAY_LEN(times);
  int nc = muskx_sim_ncols(s), ca = tu_col(m, ax), cb = tu_col(m, bx);
  double *out = calloc(nt * (size_t)nc, sizeof *out);
  ck_assert_ptr_nonnull(out);
  TU_OK(s, muskx_sim_set_tolerances(s, RTOL, ATOL));
  tu_run(s, times, nt, out);
  for (size_t k = 0; k < nt; k++) {
    double got[2] = {out[k * (size_t)nc + (size_t)ca], out[k * (size_t)nc + (size_t)cb]};
    double ref[2] = {a_x(alpha, times[k]), b_x(alpha, beta, times[k])};
    double atol[2] = {ATOL, ATOL};
    /* The global error is a multiple of the local tolerance: about 12
       at worst here (t = 2), so 50 leaves room across platforms. */
    ck_assert_msg(tu_wrms(got, ref, 2, RTOL, atol) < 50,
                  "t=%g: a.X %.12g (want %.12g), b.X %.12g (want %.12g)", times[k],
                  got[0], ref[0], got[1], ref[1]);
  }
  free(out);
}

/* ------------------------------------------------------------------ */

START_TEST(imported_names_carry_their_prefix_in_every_section) {
  muskx_model *m = tu_load(TEST_MODEL("imports/two_decays.yaml"));
  static const char *const params[] = {"ka", "kx", "kc", "a.k", "a.k2", "a.X0",
                                       "b.k", "b.k2", "b.X0"};
  static const char *const species[] = {"a.X", "b.X"};
  static const char *const reactions[] = {"couple", "a.loss", "a.gain", "b.loss",
                                          "b.gain"};
  static const char *const outputs[] = {"total", "a.half", "b.half"};
  static const char *const inputs[] = {"a.influx"};
  static const char *const assignments[] = {"b.influx"};
  expect_names(m, MUSKX_PARAMETER, params, (int)ARRAY_LEN(params));
  expect_names(m, MUSKX_SPECIES, species, (int)ARRAY_LEN(species));
  expect_names(m, MUSKX_REACTION, reactions, (int)ARRAY_LEN(reactions));
  expect_names(m, MUSKX_OUTPUT, outputs, (int)ARRAY_LEN(outputs));
  expect_names(m, MUSKX_INPUT, inputs, (int)ARRAY_LEN(inputs));
  expect_names(m, MUSKX_ASSIGNMENT, assignments, (int)ARRAY_LEN(assignments));
  ck_assert_int_eq(muskx_model_count(m, MUSKX_EVENT), 0);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_COMPARTMENT), 0);
  /* The top file's identity, the module's units and docs. */
  ck_assert_str_eq(muskx_model_id(m), "two_decays");
  ck_assert_str_eq(muskx_model_unit(m, MUSKX_PARAMETER, 3), "1/day");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_SPECIES, 1), "the decaying amount");
  ck_assert_str_eq(muskx_model_doc(m, MUSKX_ASSIGNMENT, 0), "zero-order inflow");
  /* Unprefixed inner names do not exist outside. */
  ck_assert_int_eq(muskx_model_find(m, MUSKX_SPECIES, "X"), -1);
  ck_assert_int_eq(muskx_model_find(m, MUSKX_INPUT, "b.influx"), -1);
  /* The coupling reaction moves a.X to b.X. */
  int sp[4];
  double coef[4];
  ck_assert_int_eq(muskx_model_reaction_stoich(m, 0, sp, coef, 4), 2);
  ck_assert_int_eq(sp[0], 0);
  ck_assert_int_eq(sp[1], 1);
  muskx_model_free(m);
}
END_TEST

START_TEST(a_parameter_bound_to_parameters_stays_a_parameter_that_follows_them) {
  muskx_model *m = tu_load(TEST_MODEL("imports/two_decays.yaml"));
  /* a.k := ka, b.k := 2 kx; the module's k2 = 2 k follows its bound k. */
  ck_assert_double_eq_tol(param(m, "a.k"), 0.3, 1e-15);
  ck_assert_double_eq_tol(param(m, "a.k2"), 0.6, 1e-15);
  ck_assert_double_eq_tol(param(m, "b.k"), 1.5, 1e-15);
  ck_assert_double_eq_tol(param(m, "b.k2"), 3.0, 1e-15);
  muskx_sim *s = tu_sim(m);
  TU_OK(s, muskx_sim_set_param(s, "ka", 0.6)); /* a.k follows: alpha 0.8 */
  expect_chain(m, s, "a.X", "b.X", 0.8, 1.5);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(two_imports_and_a_coupling_reaction_match_the_analytic_solution) {
  muskx_model *m = tu_load(TEST_MODEL("imports/two_decays.yaml"));
  muskx_sim *s = tu_sim(m);
  expect_chain(m, s, "a.X", "b.X", 0.5, 1.5);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(an_unbound_inner_input_stays_an_input_of_the_whole_model) {
  muskx_model *m = tu_load(TEST_MODEL("imports/two_decays.yaml"));
  muskx_sim *s = tu_sim(m);
  /* a.X' = u - alpha a.X: a.X = u/alpha + (1 - u/alpha) exp(-alpha t). */
  const double u = 0.25, alpha = 0.5;
  TU_OK(s, muskx_sim_set_input(s, "a.influx", u));
  double times[] = {0, 1, 3}, out[3 * 5];
  tu_run(s, times, 3, out);
  int nc = muskx_sim_ncols(s), ca = tu_col(m, "a.X");
  for (int k = 0; k < 3; k++)
    TU_CLOSE(out[k * nc + ca], u / alpha + (1 - u / alpha) * exp(-alpha * times[k]),
             1e-5, 1e-8, "a.X", times[k]);
  /* A bound input is gone: it cannot be driven any more. */
  ck_assert_int_eq(muskx_sim_set_input(s, "b.influx", u), MUSKX_ENOTFOUND);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(nested_imports_compose_their_prefixes) {
  muskx_model *m = tu_load(TEST_MODEL("imports/nested.yaml"));
  ck_assert_int_eq(muskx_model_count(m, MUSKX_PARAMETER), 10);
  ck_assert_int_eq(muskx_model_find(m, MUSKX_PARAMETER, "kouter"), 0);
  ck_assert_int_eq(muskx_model_find(m, MUSKX_PARAMETER, "pair.ka"), 1);
  ck_assert_int_ge(muskx_model_find(m, MUSKX_REACTION, "pair.b.loss"), 0);
  ck_assert_int_ge(muskx_model_find(m, MUSKX_INPUT, "pair.a.influx"), 0);
  ck_assert_int_ge(muskx_model_find(m, MUSKX_ASSIGNMENT, "pair.b.influx"), 0);
  ck_assert_double_eq_tol(param(m, "pair.ka"), 0.3, 1e-15);
  ck_assert_double_eq_tol(param(m, "pair.a.k"), 0.3, 1e-15);
  muskx_sim *s = tu_sim(m);
  expect_chain(m, s, "pair.a.X", "pair.b.X", 0.5, 1.5);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* ------------------------------------------------- files of our own */

/* A fresh directory under TMPDIR (or /tmp) and the files written there. */
typedef struct tmpdir {
  char path[256];
  char files[32][320];
  int n;
} tmpdir;

static void tmp_open(tmpdir *d) {
  const char *base = getenv("TMPDIR");
  snprintf(d->path, sizeof d->path, "%s/muskx_imports_XXXXXX",
           base && *base ? base : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(d->path));
  d->n = 0;
}

static const char *tmp_write(tmpdir *d, const char *name, const char *text) {
  ck_assert_int_lt(d->n, 32);
  char *p = d->files[d->n++];
  size_t dl = strlen(d->path), nl = strlen(name);
  ck_assert_uint_lt(dl + 1 + nl, sizeof d->files[0]);
  memcpy(p, d->path, dl);
  p[dl] = '/';
  memcpy(p + dl + 1, name, nl + 1);
  FILE *f = fopen(p, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
  return p;
}

static void tmp_close(tmpdir *d) {
  for (int i = 0; i < d->n; i++) remove(d->files[i]);
  rmdir(d->path);
}

static const char module_text[] =
    "muskx: 1\n"
    "model: {id: module}\n"
    "parameters: {k: 1}\n"
    "inputs: {u: 0}\n"
    "species: {X: 1}\n"
    "reactions:\n"
    "  - {id: loss, equation: X ->, rate: k * X - u}\n";

START_TEST(a_parameter_bound_to_a_species_or_the_time_becomes_an_assignment) {
  tmpdir d;
  tmp_open(&d);
  tmp_write(&d, "module.yaml", module_text);
  /* m.k := 0.5 A with A constant 2: X' = -X, X = exp(-t). n.k := t is an
     assignment too, and n.u := 1 (a number) still makes an input one. */
  const char *top = tmp_write(&d, "top.yaml",
                              "muskx: 1\n"
                              "model: {id: top}\n"
                              "species: {A: {initial: 2, constant: true}}\n"
                              "imports:\n"
                              "  - {file: module.yaml, as: m, bind: {k: 0.5 * A}}\n"
                              "  - {file: module.yaml, as: n, bind: {k: t, u: 1}}\n");
  muskx_model *m = tu_load(top);
  static const char *const assignments[] = {"m.k", "n.k", "n.u"};
  static const char *const inputs[] = {"m.u"};
  expect_names(m, MUSKX_ASSIGNMENT, assignments, 3);
  expect_names(m, MUSKX_INPUT, inputs, 1);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_PARAMETER), 0);
  muskx_sim *s = tu_sim(m);
  /* Only m.X has a closed form here. */
  double times[] = {0, 1, 2}, out[3 * 3];
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-9, 1e-12));
  tu_run(s, times, 3, out);
  int nc = muskx_sim_ncols(s), c = tu_col(m, "m.X");
  for (int k = 0; k < 3; k++) TU_CLOSE(out[k * nc + c], exp(-times[k]), 1e-6, 1e-9, "m.X", times[k]);
  muskx_sim_free(s);
  muskx_model_free(m);
  tmp_close(&d);
}
END_TEST

START_TEST(a_model_from_a_string_imports_relative_to_the_current_directory) {
  static const char text[] =
      "muskx: 1\n"
      "model: {id: from_string}\n"
      "parameters: {kk: 0.5}\n"
      "imports:\n"
      "  - file: tests/models/imports/decay.yaml\n"
      "    as: d\n"
      "    bind: {k: kk}\n";
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(text, strlen(text), "inline", &m, &err),
                   MUSKX_OK);
  ck_assert_int_ge(muskx_model_find(m, MUSKX_SPECIES, "d.X"), 0);
  ck_assert_double_eq_tol(param(m, "d.k2"), 1.0, 1e-15);
  muskx_model_free(m);

  /* An error inside the imported file names that file. */
  static const char bad[] =
      "muskx: 1\n"
      "model: {id: from_string}\n"
      "imports:\n"
      "  - {file: tests/bad/105_undefined_name_in_module.yaml, as: d}\n";
  m = (muskx_model *)bad;
  ck_assert_int_eq(muskx_model_load_string(bad, strlen(bad), NULL, &m, &err),
                   MUSKX_EMODEL);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(err.file, "tests/bad/105_undefined_name_in_module.yaml");
  ck_assert_int_eq(err.line, 7);
  ck_assert_int_eq(err.column, 28);
}
END_TEST

START_TEST(an_import_cycle_is_reported_with_its_chain_of_files) {
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_file("tests/bad/098_import_cycle_a.yaml", &m, &err),
                   MUSKX_EMODEL);
  ck_assert_str_eq(err.message,
                   "import cycle: tests/bad/098_import_cycle_a.yaml -> "
                   "tests/bad/099_import_cycle_b.yaml -> "
                   "tests/bad/098_import_cycle_a.yaml");
  /* A file that imports itself. */
  tmpdir d;
  tmp_open(&d);
  const char *self = tmp_write(&d, "self.yaml",
                               "muskx: 1\nmodel: {id: self}\n"
                               "imports: [{file: self.yaml, as: again}]\n");
  ck_assert_int_eq(muskx_model_load_file(self, &m, &err), MUSKX_EMODEL);
  ck_assert_ptr_nonnull(strstr(err.message, "import cycle: "));
  ck_assert_int_eq(err.line, 3);
  ck_assert_int_eq(err.column, 18);
  tmp_close(&d);
}
END_TEST

START_TEST(imports_nest_at_most_16_deep) {
  tmpdir d;
  tmp_open(&d);
  /* f0 imports f1 ... imports f17: f16, at depth 16, may not import. */
  char text[256], name[32];
  for (int i = 0; i <= 17; i++) {
    snprintf(name, sizeof name, "f%d.yaml", i);
    if (i < 17)
      snprintf(text, sizeof text,
               "muskx: 1\nmodel: {id: f%d}\nspecies: {X: 1}\n"
               "imports: [{file: f%d.yaml, as: n}]\n",
               i, i + 1);
    else
      snprintf(text, sizeof text, "muskx: 1\nmodel: {id: f17}\nspecies: {X: 1}\n");
    tmp_write(&d, name, text);
  }
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_file(d.files[0], &m, &err), MUSKX_ELIMIT);
  ck_assert_str_eq(err.file, d.files[16]);
  ck_assert_int_eq(err.line, 4);
  ck_assert_ptr_nonnull(strstr(err.message, "nested more than 16 deep"));
  /* From f1, the chain is 16 deep: it loads, with 17 species. */
  m = tu_load(d.files[1]);
  ck_assert_int_eq(muskx_model_count(m, MUSKX_SPECIES), 17);
  ck_assert_str_eq(muskx_model_name_at(m, MUSKX_SPECIES, 16),
                   "n.n.n.n.n.n.n.n.n.n.n.n.n.n.n.n.X");
  muskx_model_free(m);
  tmp_close(&d);
}
END_TEST

START_TEST(the_same_module_twice_gives_independent_copies) {
  muskx_model *m = tu_load(TEST_MODEL("imports/two_decays.yaml"));
  muskx_sim *s = tu_sim(m);
  /* Setting a's parameter leaves b alone. */
  TU_OK(s, muskx_sim_set_param(s, "a.X0", 3));
  double times[] = {0}, out[5];
  tu_run(s, times, 1, out);
  ck_assert_double_eq_tol(out[tu_col(m, "a.X")], 3, 1e-15);
  ck_assert_double_eq_tol(out[tu_col(m, "b.X")], 1, 1e-15);
  ck_assert_double_eq_tol(out[tu_col(m, "total")], 4, 1e-15);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* aka:/opposite: names are checked within one file instance: a module
   imported twice, or bound to a top-level input that lists the same name,
   still loads (refused in session 23's first cut: review rev23c). */
START_TEST(a_module_with_aka_names_imports_twice_and_bound) {
  muskx_model *m = tu_load(TEST_MODEL("imports/aka_twice.yaml"));
  ck_assert_int_ge(tu_col(m, "a.X"), 0);
  ck_assert_int_ge(tu_col(m, "b.X"), 0);
  muskx_model_free(m);
  m = tu_load(TEST_MODEL("imports/aka_bound.yaml"));
  ck_assert_int_ge(tu_col(m, "a.X"), 0);
  muskx_model_free(m);
}
END_TEST

int main(void) {
  Suite *s = suite_create("imports");
  TCase *tc = tcase_create("imports");
  tcase_add_test(tc, imported_names_carry_their_prefix_in_every_section);
  tcase_add_test(tc, a_parameter_bound_to_parameters_stays_a_parameter_that_follows_them);
  tcase_add_test(tc, two_imports_and_a_coupling_reaction_match_the_analytic_solution);
  tcase_add_test(tc, an_unbound_inner_input_stays_an_input_of_the_whole_model);
  tcase_add_test(tc, nested_imports_compose_their_prefixes);
  tcase_add_test(tc, a_parameter_bound_to_a_species_or_the_time_becomes_an_assignment);
  tcase_add_test(tc, a_model_from_a_string_imports_relative_to_the_current_directory);
  tcase_add_test(tc, an_import_cycle_is_reported_with_its_chain_of_files);
  tcase_add_test(tc, imports_nest_at_most_16_deep);
  tcase_add_test(tc, the_same_module_twice_gives_independent_copies);
  tcase_add_test(tc, a_module_with_aka_names_imports_twice_and_bound);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
