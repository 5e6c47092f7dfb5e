/*
 * test_bind_units.c -- units on `bind:` are compared, not matched as text
 * (lib/unit_parse.c, lib/load_bind_units.c). Spellings of one unit bind;
 * a unit of another scale (1/h for 1/d: a day is 24 hours) or another
 * dimension is refused at the binding's file:line:col with both units and
 * where the module wrote its own. The expected factors are the calendar's
 * (24 h a day, 60 min an hour) and SI's (1 M = 1 mol/L, 1 % = 0.01), not
 * the code's output.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muskx.h"
#include "testutil.h"

typedef struct files {
  char dir[256], module[320], top[320];
} files;

/* A module whose parameter k and input u have the units given, imported
   by a top file with parameter kk and species S in their units, binding
   `k: <kbind>` and `u: S`, and ending with the text tail. */
static void write_pair_tail(files *f, const char *k_unit, const char *u_unit,
                            const char *kk_unit, const char *s_unit,
                            const char *kbind, const char *tail) {
  tu_tmpdir(f->dir, sizeof f->dir, "muskx_bind_units");
  snprintf(f->module, sizeof f->module, "%s/module.yaml", f->dir);
  snprintf(f->top, sizeof f->top, "%s/top.yaml", f->dir);
  FILE *fp = fopen(f->module, "w");
  ck_assert_ptr_nonnull(fp);
  fprintf(fp,
          "muskx: 1\n"
          "model: {id: module, time_unit: d}\n"
          "parameters:\n"
          "  k: {value: 1, unit: \"%s\"}\n"
          "inputs:\n"
          "  u: {default: 0, unit: \"%s\"}\n"
          "species: {X: 1}\n"
          "reactions:\n"
          "  - {id: loss, equation: X ->, rate: k * X + 0 * u}\n",
          k_unit, u_unit);
  fclose(fp);
  fp = fopen(f->top, "w");
  ck_assert_ptr_nonnull(fp);
  fprintf(fp,
          "muskx: 1\n"
          "model: {id: top, time_unit: d}\n"
          "parameters:\n"
          "  kk: {value: 0.5, unit: \"%s\"}\n"
          "species:\n"
          "  S: {initial: 2, unit: \"%s\", constant: true}\n"
          "imports:\n"
          "  - file: module.yaml\n"
          "    as: m\n"
          "    bind: {k: %s, u: S}\n"
          "%s",
          kk_unit, s_unit, kbind, tail);
  fclose(fp);
}

static void write_pair(files *f, const char *k_unit, const char *u_unit,
                       const char *kk_unit, const char *s_unit, const char *kbind) {
  write_pair_tail(f, k_unit, u_unit, kk_unit, s_unit, kbind, "");
}

static void remove_pair(files *f) {
  remove(f->module);
  remove(f->top);
  rmdir(f->dir);
}

static void expect_loads(const char *k_unit, const char *u_unit, const char *kk_unit,
                         const char *s_unit) {
  files f;
  write_pair(&f, k_unit, u_unit, kk_unit, s_unit, "kk");
  muskx_model *m = NULL;
  muskx_error err;
  muskx_status st = muskx_model_load_file(f.top, &m, &err);
  ck_assert_msg(st == MUSKX_OK, "%s/%s bound to %s/%s: %s", k_unit, u_unit, kk_unit,
                s_unit, err.message);
  muskx_model_free(m);
  remove_pair(&f);
}

START_TEST(spellings_of_one_unit_bind) {
  expect_loads("1/d", "pM", "1/day", "pM");
  expect_loads("1/d", "pM", "d^-1", "pmol/L");
  expect_loads("day^-1", "nM", "1/days", "nmol/L");
  expect_loads("1/(pM*day)", "mM", "pM^-1/d", "mmol/L");
  expect_loads("%/(cell*day)", "cells", "%/(cells*d)", "cell");
  expect_loads("1 / h", "mg/L", "1/hour", "ug/mL");
  expect_loads("1/wk", "M", "1/(7*d)", "mol/L");
  expect_loads("1/min", "%", "60/h", "percent");
  expect_loads("1/second", "mole/litre", "s^-1", "M"); /* SBML's kinds */
  expect_loads("gram/liter", "mmol/L", "mg/mL", "mole/m^3");
}
END_TEST

/* The load fails at top.yaml:10:<col> with exactly msg (where %s is the
   module's path). */
static void expect_refused(const char *k_unit, const char *u_unit,
                           const char *kk_unit, const char *s_unit, int col,
                           const char *msg_fmt) {
  files f;
  write_pair(&f, k_unit, u_unit, kk_unit, s_unit, "kk");
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_file(f.top, &m, &err), MUSKX_EMODEL);
  ck_assert_ptr_null(m);
  char want[1024];
  snprintf(want, sizeof want, msg_fmt, f.module);
  ck_assert_str_eq(err.message, want);
  ck_assert_str_eq(err.file, f.top);
  ck_assert_int_eq(err.line, 10);
  ck_assert_int_eq(err.column, col);
  remove_pair(&f);
}

START_TEST(a_unit_of_another_scale_is_refused_with_the_factor) {
  /* a day is 24 hours: 0.5/h is 12/d, not 0.5/d */
  expect_refused("1/d", "pM", "1/h", "pM", 15,
                 "binding of 'k' in import 'm': 'kk' is in '1/h' but its unit is "
                 "'1/d' (%s:4:23): one 1/h is 24 1/d, and bindings do not convert "
                 "(write 'k: 24*kk' to convert, or fix one of the units)");
  /* 1 nM = 1000 pM */
  expect_refused("1/d", "pM", "1/d", "nM", 22,
                 "binding of 'u' in import 'm': 'S' is in 'nM' but its unit is "
                 "'pM' (%s:6:25): one nM is 1000 pM, and bindings do not convert "
                 "(write 'u: 1000*S' to convert, or fix one of the units)");
  /* a percentage is a hundredth */
  expect_refused("1", "pM", "%", "pM", 15,
                 "binding of 'k' in import 'm': 'kk' is in '%%' but its unit is "
                 "'1' (%s:4:23): one %% is 0.01 1, and bindings do not convert "
                 "(write 'k: 0.01*kk' to convert, or fix one of the units)");
}
END_TEST

START_TEST(a_unit_of_another_dimension_is_refused) {
  expect_refused("1/d", "pM", "mg", "pM", 15,
                 "binding of 'k' in import 'm': 'kk' is in 'mg' (mass) but its "
                 "unit '1/d' (%s:4:23) is time^-1: the units have different "
                 "dimensions");
  expect_refused("1/d", "cells", "1/d", "pM", 22,
                 "binding of 'u' in import 'm': 'S' is in 'pM' (amount length^-3) "
                 "but its unit 'cells' (%s:6:25) is cell: the units have "
                 "different dimensions ('cell' is not a unit muskx knows, so it "
                 "only equals itself: man 5 muskx-model, Units)");
  /* an SBML unitDefinition id is such a word; SBML's base kinds are read */
  expect_refused("per_day", "pM", "1/d", "pM", 15,
                 "binding of 'k' in import 'm': 'kk' is in '1/d' (time^-1) but its "
                 "unit 'per_day' (%s:4:23) is per_day: the units have different "
                 "dimensions ('per_day' is not a unit muskx knows, so it only "
                 "equals itself: man 5 muskx-model, Units)");
}
END_TEST

START_TEST(a_unit_that_cannot_be_read_is_refused_unless_spelled_the_same) {
  expect_refused("d-1", "pM", "1/d", "pM", 15,
                 "binding of 'k' in import 'm': cannot compare its unit 'd-1' "
                 "(%s:4:23) with the unit '1/d' of 'kk': a power needs '^' (d^-1, "
                 "not d-1) at column 2 of unit 'd-1' (man 5 muskx-model, Units)");
  expect_loads("d-1", "pM", "d-1", "pM"); /* the same text is the same unit */
}
END_TEST

START_TEST(an_expression_converts_and_is_not_checked) {
  files f;
  write_pair(&f, "1/d", "pM", "1/h", "pM", "24*kk");
  muskx_model *m = tu_load(f.top);
  int i = muskx_model_find(m, MUSKX_PARAMETER, "m.k");
  ck_assert_int_ge(i, 0);
  ck_assert_double_eq_tol(muskx_model_default(m, MUSKX_PARAMETER, i), 12.0, 1e-12);
  muskx_model_free(m);
  remove_pair(&f);
}
END_TEST

/* An assignment that only renames kk has kk's unit (load_units.c), also
   when the binding is checked, before the model is complete. */
START_TEST(a_renaming_without_a_unit_has_the_unit_of_what_it_renames) {
  files f;
  write_pair_tail(&f, "1/d", "pM", "1/h", "pM", "kk_alias",
                  "assignments: {kk_alias: kk, kk_alias2: kk_alias}\n");
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_file(f.top, &m, &err), MUSKX_EMODEL);
  char want[1024];
  snprintf(want, sizeof want,
           "binding of 'k' in import 'm': 'kk_alias' is in '1/h' but its unit is "
           "'1/d' (%s:4:23): one 1/h is 24 1/d, and bindings do not convert "
           "(write 'k: 24*kk_alias' to convert, or fix one of the units)",
           f.module);
  ck_assert_str_eq(err.message, want);
  ck_assert_int_eq(err.line, 10);
  ck_assert_int_eq(err.column, 15);
  remove_pair(&f);
  /* two renamings deep, in the same unit: loads */
  write_pair_tail(&f, "1/d", "pM", "d^-1", "pM", "kk_alias2",
                  "assignments: {kk_alias: kk, kk_alias2: kk_alias}\n");
  muskx_model_free(tu_load(f.top));
  remove_pair(&f);
  /* and in another unit two renamings deep: refused */
  write_pair_tail(&f, "1/d", "pM", "1/min", "pM", "kk_alias2",
                  "assignments: {kk_alias: kk, kk_alias2: kk_alias}\n");
  ck_assert_int_eq(muskx_model_load_file(f.top, &m, &err), MUSKX_EMODEL);
  ck_assert_ptr_nonnull(strstr(err.message, "one 1/min is 1440 1/d"));
  remove_pair(&f);
}
END_TEST

int main(void) {
  Suite *s = suite_create("bind_units");
  TCase *tc = tcase_create("bind_units");
  tcase_add_test(tc, spellings_of_one_unit_bind);
  tcase_add_test(tc, a_unit_of_another_scale_is_refused_with_the_factor);
  tcase_add_test(tc, a_unit_of_another_dimension_is_refused);
  tcase_add_test(tc, a_unit_that_cannot_be_read_is_refused_unless_spelled_the_same);
  tcase_add_test(tc, an_expression_converts_and_is_not_checked);
  tcase_add_test(tc, a_renaming_without_a_unit_has_the_unit_of_what_it_renames);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
