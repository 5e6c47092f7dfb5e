/*
 * test_compile_limits.c -- bounded work when functions are inlined
 * (issue 16, High 3 and 4; lib/compile.c, lib/callmemo.c).
 *
 * The reproducers: a chain of 50,000 function definitions, each within
 * the documented limits, overflowed the C stack in compile.c; 40
 * functions each calling the previous one twice (1.6 KB of YAML or SBML)
 * never finished. Now the chain is refused by the limit on inlining depth,
 * the doubling compiles in linear time (a call with the same arguments is
 * inlined once) and gives the value worked out by hand, and a doubling
 * with different arguments (2^40 distinct terms) is refused by the limit
 * on inlined size.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

/* A growing text buffer for generated models. */
typedef struct text {
  char *s;
  size_t n, cap;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char line[512];
  int k = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  TU_CHECK(k >= 0 && (size_t)k < sizeof line); /* a hot loop's */
  if (t->n + (size_t)k + 1 > t->cap) {
    t->cap = (t->n + (size_t)k + 1) * 2;
    t->s = realloc(t->s, t->cap);
    ck_assert_ptr_nonnull(t->s);
  }
  memcpy(t->s + t->n, line, (size_t)k + 1);
  t->n += (size_t)k;
}

static muskx_status load(const text *t, muskx_model **m, muskx_error *err) {
  *m = NULL;
  return muskx_model_load_string(t->s, t->n, "gen.yaml", m, err);
}

/* The value of output `out` at t = 0 with A = 1. */
static double out_at_start(const muskx_model *m) {
  muskx_sim *s = tu_sim(m);
  double times[] = {0};
  int nc = muskx_sim_ncols(s);
  double *row = calloc((size_t)nc, sizeof *row);
  ck_assert_ptr_nonnull(row);
  tu_run(s, times, 1, row);
  double v = row[tu_col(m, "out")];
  free(row);
  muskx_sim_free(s);
  return v;
}

/* f0(x) = x, f_i(x) = f_{i-1}(x) + 1: f_{n-1}(x) = x + n - 1. */
static void chain(text *t, int n) {
  add(t, "muskx: 1\nmodel: {id: chain}\nfunctions:\n  f0(x): x\n");
  for (int i = 1; i < n; i++) add(t, "  f%d(x): f%d(x) + 1\n", i, i - 1);
  add(t, "species: {A: 1}\nodes: {A: -A}\noutputs: {out: f%d(A)}\n", n - 1);
}

START_TEST(a_chain_of_50000_functions_is_refused_by_the_depth_limit) {
  text t = {0};
  chain(&t, 50000);
  muskx_model *m;
  muskx_error err;
  ck_assert_int_eq(load(&t, &m, &err), MUSKX_ELIMIT);
  ck_assert_ptr_null(m);
  ck_assert_ptr_nonnull(strstr(err.message, "the limit on inlining depth"));
  ck_assert_int_gt(err.line, 0);
  free(t.s);
  /* 1000 functions (2 levels each) stay inside and give x + 999. */
  text u = {0};
  chain(&u, 1000);
  ck_assert_int_eq(load(&u, &m, &err), MUSKX_OK);
  ck_assert_double_eq(out_at_start(m), 1 + 999);
  muskx_model_free(m);
  free(u.s);
}
END_TEST

START_TEST(functions_calling_the_previous_one_twice_compile_in_linear_time) {
  /* g0(x) = x + 1, g_k(x) = g_{k-1}(x)/2 + g_{k-1}(x)/2 = g_{k-1}(x):
     g39(1) = 2, reached through 2^39 call paths. */
  text t = {0};
  add(&t, "muskx: 1\nmodel: {id: dbl}\nfunctions:\n  g0(x): x + 1\n");
  for (int i = 1; i < 40; i++)
    add(&t, "  g%d(x): g%d(x) / 2 + g%d(x) / 2\n", i, i - 1, i - 1);
  add(&t, "species: {A: 1}\nodes: {A: -g39(A)}\noutputs: {out: g39(A)}\n");
  muskx_model *m;
  muskx_error err;
  ck_assert_int_eq(load(&t, &m, &err), MUSKX_OK);
  ck_assert_double_eq_tol(out_at_start(m), 2, 1e-12);
  muskx_model_free(m);
  free(t.s);
}
END_TEST

START_TEST(an_exponential_number_of_distinct_calls_is_refused_by_the_size_limit) {
  /* g_k(x) = g_{k-1}(x) + g_{k-1}(x + k): 2^40 different terms. */
  text t = {0};
  add(&t, "muskx: 1\nmodel: {id: dbl2}\nfunctions:\n  g0(x): x + 1\n");
  for (int i = 1; i < 40; i++)
    add(&t, "  g%d(x): g%d(x) * g%d(x + %d)\n", i, i - 1, i - 1, i);
  add(&t, "species: {A: 1}\nodes: {A: -g39(A)}\n");
  muskx_model *m;
  muskx_error err;
  ck_assert_int_eq(load(&t, &m, &err), MUSKX_ELIMIT);
  ck_assert_ptr_nonnull(strstr(err.message, "the limit on inlined size"));
  free(t.s);
}
END_TEST

#ifdef MUSKX_HAVE_SBML
START_TEST(the_sbml_doubling_compiles_too) {
  /* The SBML form: 40 function definitions, each calling the
     previous one twice, in an assignment rule. */
  text t = {0};
  add(&t, "<?xml version='1.0' encoding='UTF-8'?>\n<sbml xmlns='http://www.sbml.org/"
          "sbml/level3/version2/core' level='3' version='2'><model id='m'>"
          "<listOfFunctionDefinitions>");
  add(&t, "<functionDefinition id='g0'><math xmlns='http://www.w3.org/1998/Math/"
          "MathML'><lambda><bvar><ci>x</ci></bvar><apply><plus/><ci>x</ci><cn>1</cn>"
          "</apply></lambda></math></functionDefinition>");
  for (int i = 1; i < 40; i++)
    add(&t, "<functionDefinition id='g%d'><math xmlns='http://www.w3.org/1998/"
            "Math/MathML'><lambda><bvar><ci>x</ci></bvar><apply><times/><cn>0.5"
            "</cn><apply><plus/><apply><ci>g%d</ci><ci>x</ci></apply><apply><ci>"
            "g%d</ci><ci>x</ci></apply></apply></apply></lambda></math>"
            "</functionDefinition>", i, i - 1, i - 1);
  add(&t, "</listOfFunctionDefinitions><listOfParameters><parameter id='out' "
          "constant='false'/></listOfParameters><listOfRules><assignmentRule "
          "variable='out'><math xmlns='http://www.w3.org/1998/Math/MathML'>"
          "<apply><ci>g39</ci><cn>1</cn></apply></math></assignmentRule>"
          "</listOfRules></model></sbml>\n");
  muskx_model *m;
  muskx_error err;
  char buf[2048];
  ck_assert_msg(load(&t, &m, &err) == MUSKX_OK, "%s",
                muskx_error_format(&err, buf, sizeof buf));
  ck_assert_int_ge(muskx_model_find(m, MUSKX_ASSIGNMENT, "out"), 0);
  muskx_model_free(m);
  free(t.s);
}
END_TEST
#endif

int main(void) {
  Suite *s = suite_create("compile_limits");
  TCase *tc = tcase_create("compile_limits");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, a_chain_of_50000_functions_is_refused_by_the_depth_limit);
  tcase_add_test(tc, functions_calling_the_previous_one_twice_compile_in_linear_time);
  tcase_add_test(tc, an_exponential_number_of_distinct_calls_is_refused_by_the_size_limit);
#ifdef MUSKX_HAVE_SBML
  tcase_add_test(tc, the_sbml_doubling_compiles_too);
#endif
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
