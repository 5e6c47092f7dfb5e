/*
 * test_unit_kinds.c -- a model's `time_unit` and a drug's dose and depot
 * units are read by the unit parser when they are not in the short
 * tables (lib/scenario_units.c, lib/dose_units.c): msec, hrs, 12*h, kg,
 * fmol. Equal spellings import and convert; different units are refused
 * with both units and the factor. Expected factors are SI's and the
 * calendar's (1000 ms a second, 7 d a week, 1000 g a kg, 500 g/mol: 1 mg
 * is 2 umol), not the code's output.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dose_units.h"
#include "muskx.h"
#include "scenario.h"
#include "testutil.h"

static void close_to(double got, double want) {
  ck_assert_msg(fabs(got - want) <= 1e-12 * fabs(want), "got %.17g, want %.17g",
                got, want);
}

START_TEST(time_units_outside_the_table_are_read) {
  close_to(muskx__sc_model_unit_days("msec"), 1.0 / 86400000);
  close_to(muskx__sc_model_unit_days("ms"), 1.0 / 86400000);
  close_to(muskx__sc_model_unit_days("milliseconds"), 1.0 / 86400000);
  close_to(muskx__sc_model_unit_days("hrs"), 1.0 / 24);
  close_to(muskx__sc_model_unit_days("12*h"), 0.5);
  close_to(muskx__sc_model_unit_days("mins"), 1.0 / 1440);
  close_to(muskx__sc_model_unit_days("month"), 365.25 / 12);
  close_to(muskx__sc_model_unit_days("wks"), 7);
  /* not a time: refused (0), whatever else they are */
  ck_assert(muskx__sc_model_unit_days("1/d") == 0);
  ck_assert(muskx__sc_model_unit_days("mg") == 0);
  ck_assert(muskx__sc_model_unit_days("heartbeat") == 0);
  ck_assert(muskx__sc_model_unit_days("d*cell") == 0);
  ck_assert(muskx__sc_model_unit_days("d^2") == 0);
  ck_assert(muskx__sc_model_unit_days("") == 0);
  ck_assert(muskx__sc_model_unit_days(NULL) == 0);
}
END_TEST

START_TEST(dose_units_outside_the_table_are_read) {
  muskx__dose_family f;
  close_to(muskx__dose_unit("kg", 2, &f), 1000);
  ck_assert_int_eq(f, MUSKX__DOSE_MASS);
  close_to(muskx__dose_unit("fmol", 4, &f), 1e-15);
  ck_assert_int_eq(f, MUSKX__DOSE_AMOUNT);
  close_to(muskx__dose_unit("gram", 4, &f), 1);
  ck_assert_int_eq(f, MUSKX__DOSE_MASS);
  /* len bounds the text: "mgX" read as its first two bytes */
  close_to(muskx__dose_unit("mgX", 2, &f), 1e-3);
  close_to(muskx__dose_convert("kg", "mg", 0), 1e6);
  close_to(muskx__dose_convert("fmol", "pmol", 0), 1e-3);
  close_to(muskx__dose_convert("mole", "nmol", 0), 1e9);
  close_to(muskx__dose_convert("\xc2\xb5g", "ng", 0), 1000);
  /* the Greek mu (U+03BC) too, as muskx-scenario(5) lists it: 20 μg of
     teriparatide is 0.02 mg, and 3 μmol is 3000 nmol */
  close_to(muskx__dose_convert("\xce\xbcg", "mg", 0), 1e-3);
  close_to(muskx__dose_convert("\xce\xbcg", "ug", 0), 1);
  close_to(muskx__dose_convert("\xce\xbcmol", "nmol", 0), 1000);
  ck_assert(muskx__dose_unit("\xce\xbcg", 3, &f) == 1e-6 &&
            f == MUSKX__DOSE_MASS);
  ck_assert(muskx__dose_unit("\xce\xbcmol", 5, &f) == 1e-6 &&
            f == MUSKX__DOSE_AMOUNT);
  /* and no other Greek letter: nu-g is not a dose */
  ck_assert(muskx__dose_unit("\xce\xbdg", 3, &f) == 0 &&
            f == MUSKX__DOSE_NONE);
  /* 500 g/mol: 1 mg is 2 umol, 1 kg is 2 mol */
  close_to(muskx__dose_convert("mg", "umol", 500), 2);
  close_to(muskx__dose_convert("kg", "mol", 500), 2);
  close_to(muskx__dose_convert("fmol", "pg", 500), 0.5); /* 5e-13 g */
  /* not a dose: a volume, a concentration, a count, a time */
  ck_assert(muskx__dose_unit("mL", 2, &f) == 0 && f == MUSKX__DOSE_NONE);
  ck_assert(muskx__dose_unit("mg/L", 4, &f) == 0 && f == MUSKX__DOSE_NONE);
  ck_assert(muskx__dose_unit("cells", 5, &f) == 0 && f == MUSKX__DOSE_NONE);
  ck_assert(muskx__dose_convert("kg", "h", 0) == 0);
  ck_assert(muskx__dose_convert("mg", "nM", 500) == 0);
  /* mass to amount needs the molar mass */
  ck_assert(muskx__dose_convert("kg", "mol", 0) == 0);
}
END_TEST

typedef struct files {
  char dir[256], module[320], top[320];
} files;

/* A module in time unit `inner` imported by a top file in `outer`. */
static void write_pair(files *f, const char *inner, const char *outer) {
  tu_tmpdir(f->dir, sizeof f->dir, "muskx_unit_kinds");
  snprintf(f->module, sizeof f->module, "%s/module.yaml", f->dir);
  snprintf(f->top, sizeof f->top, "%s/top.yaml", f->dir);
  FILE *fp = fopen(f->module, "w");
  ck_assert_ptr_nonnull(fp);
  fprintf(fp,
          "muskx: 1\n"
          "model: {id: module, time_unit: \"%s\"}\n"
          "species: {X: 1}\n"
          "odes: {X: -X}\n",
          inner);
  fclose(fp);
  fp = fopen(f->top, "w");
  ck_assert_ptr_nonnull(fp);
  fprintf(fp,
          "muskx: 1\n"
          "model: {id: top, time_unit: \"%s\"}\n"
          "imports:\n"
          "  - {file: module.yaml, as: m}\n",
          outer);
  fclose(fp);
}

static void remove_pair(files *f) {
  remove(f->module);
  remove(f->top);
  rmdir(f->dir);
}

static void expect_imports(const char *inner, const char *outer) {
  files f;
  write_pair(&f, inner, outer);
  muskx_model *m = NULL;
  muskx_error err;
  muskx_status st = muskx_model_load_file(f.top, &m, &err);
  ck_assert_msg(st == MUSKX_OK, "module in %s, model in %s: %s", inner, outer,
                err.message);
  muskx_model_free(m);
  remove_pair(&f);
}

/* Refused at top.yaml:4:12 (the import's file), naming the module's
   time_unit at module.yaml:2:32, both units, and why. */
static void expect_refused(const char *inner, const char *outer,
                           const char *why) {
  files f;
  write_pair(&f, inner, outer);
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_file(f.top, &m, &err), MUSKX_EMODEL);
  ck_assert_ptr_null(m);
  char want[1024];
  snprintf(want, sizeof want,
           "module 'module.yaml' counts time in '%s' (%s:2:32), the model in "
           "'%s'%s: its rates and times would be read per %s; write the "
           "module in %s, or import it into a model in %s",
           inner, f.module, outer, why, outer, outer, inner);
  ck_assert_str_eq(err.message, want);
  ck_assert_str_eq(err.file, f.top);
  ck_assert_int_eq(err.line, 4);
  ck_assert_int_eq(err.column, 12);
  remove_pair(&f);
}

START_TEST(a_module_in_another_spelling_of_the_time_unit_imports) {
  expect_imports("msec", "ms");
  expect_imports("hrs", "h");
  expect_imports("60*s", "min");
  expect_imports("days", "d");
  expect_imports("wk", "7*d");
  expect_imports("milliseconds", "s/1000");
}
END_TEST

START_TEST(a_module_in_another_time_unit_is_refused_with_the_factor) {
  expect_refused("msec", "s", " (one msec is 0.001 s)");
  expect_refused("wk", "days", " (one wk is 7 days)");
  expect_refused("hrs", "min", " (one hrs is 60 min)");
  expect_refused("heartbeat", "d",
                 " ('heartbeat' is not a time unit muskx reads: man 5 "
                 "muskx-model, Units)");
  expect_refused("d", "1/d",
                 " ('1/d' is not a time unit muskx reads: man 5 muskx-model, "
                 "Units)");
}
END_TEST

/* An agent dosed in kg into a depot in g: the units fix the factor at
   1000, so unit_factor 1000 loads and unit_factor 1 is refused with it. */
static muskx_status load_agent(const char *dose_unit, const char *depot_unit,
                               const char *unit_factor, muskx_error *err) {
  char text[512];
  snprintf(text, sizeof text,
           "muskx: 1\n"
           "model: {id: m}\n"
           "species: {A: {initial: 0, unit: \"%s\"}}\n"
           "odes: {A: -A}\n"
           "agents:\n"
           "  d:\n"
           "    dose_unit: \"%s\"\n"
           "    routes: {sc: {depot: A%s%s}}\n",
           depot_unit, dose_unit, unit_factor ? ", unit_factor: " : "",
           unit_factor ? unit_factor : "");
  muskx_model *m = NULL;
  muskx_status st = muskx_model_load_string(text, strlen(text), "agent.yaml", &m, err);
  muskx_model_free(m);
  return st;
}

START_TEST(an_agent_dosed_in_a_unit_outside_the_table_converts_exactly) {
  muskx_error err;
  ck_assert_int_eq(load_agent("kg", "g", "1000", &err), MUSKX_OK);
  ck_assert_int_eq(load_agent("fmol", "pmol", "0.001", &err), MUSKX_OK);
  ck_assert_int_eq(load_agent("kg", "g", NULL, &err), MUSKX_OK);
  ck_assert_int_eq(load_agent("kg", "g", "1", &err), MUSKX_EMODEL);
  ck_assert_str_eq(err.message,
                   "'unit_factor' 1 of route 'sc' of agent 'd' contradicts the "
                   "units: one kg is 1000 g of depot 'A' (leave 'unit_factor' "
                   "out, or fix the depot's unit)");
  ck_assert_int_eq(err.line, 8);
  ck_assert_int_eq(load_agent("mL", "g", NULL, &err), MUSKX_EMODEL);
  ck_assert_ptr_nonnull(strstr(err.message, "unknown dose unit 'mL' for agent 'd'"));
  ck_assert_int_eq(err.line, 7);
  ck_assert_int_eq(err.column, 16);
  ck_assert_int_eq(load_agent("kg", "nM", NULL, &err), MUSKX_EMODEL);
  ck_assert_ptr_nonnull(strstr(err.message, "cannot convert its dose unit 'kg' to "
                                            "the unit 'nM' of depot 'A'"));
}
END_TEST

int main(void) {
  Suite *s = suite_create("unit_kinds");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, time_units_outside_the_table_are_read);
  tcase_add_test(tc, dose_units_outside_the_table_are_read);
  tcase_add_test(tc, a_module_in_another_spelling_of_the_time_unit_imports);
  tcase_add_test(tc, a_module_in_another_time_unit_is_refused_with_the_factor);
  tcase_add_test(tc, an_agent_dosed_in_a_unit_outside_the_table_converts_exactly);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
