/*
 * test_sbml_l2.c -- SBML Level 1-2 readings the issue 18 asked for, through
 * the public API:
 *
 *  - an event whose trigger is true at t0 (tests/models/l2_true_at_t0.xml:
 *    x1 > x1_bar with x1(0) = 2, x1_bar = 1, dx1/dt = -x1, y counts the
 *    firings): by default it does not fire (y = 0) and the model warns,
 *    naming the event; muskx_sbml_to_yaml_opt(..., 0) fires it at t0
 *    (y = 1) without a warning, (..., 1) keeps y = 0 without a warning;
 *  - the time unit: a Level 2 redefinition of `time` as 86400 s is "d";
 *    Level 3 timeUnits naming a unitDefinition of 3600 s is "h", naming
 *    `second` is "s"; Level 2 without a redefinition is the default "s";
 *    a unit that is no multiple of the second keeps its SBML id.
 */
#define _DEFAULT_SOURCE /* mkstemps */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muskx.h"
#include "testutil.h"

#define L2 "tests/models/l2_true_at_t0.xml"

/* y at t = 0 and t = 1 of the translation with the given reading. */
static muskx_model *translated(int reading) {
  char *yaml = NULL;
  muskx_error err;
  memset(&err, 0, sizeof err);
  ck_assert_int_eq(muskx_sbml_to_yaml_opt(L2, reading, &yaml, &err), MUSKX_OK);
  muskx_model *m = NULL;
  ck_assert_int_eq(muskx_model_load_string(yaml, strlen(yaml), L2, &m, &err), MUSKX_OK);
  muskx_free_string(yaml);
  return m;
}

static void y_at(const muskx_model *m, double want0, double want1) {
  muskx_sim *s = tu_sim(m);
  double t[] = {0, 1}, out[2 * 2];
  size_t rows = 0;
  TU_OK(s, muskx_sim_run(s, t, 2, out, &rows));
  int y = muskx_model_find(m, MUSKX_SPECIES, "y");
  ck_assert_int_ge(y, 0);
  ck_assert_double_eq_tol(out[y], want0, 1e-15);
  ck_assert_double_eq_tol(out[2 + y], want1, 1e-15);
  int x1 = muskx_model_find(m, MUSKX_SPECIES, "x1");
  ck_assert_double_eq_tol(out[2 + x1], 2 * exp(-1.0), 1e-5);
  muskx_sim_free(s);
}

START_TEST(true_at_t0_default_warns) {
  muskx_model *m = tu_load(L2); /* the load path: default reading */
  ck_assert_int_eq(muskx_model_warning_count(m), 1);
  const char *w = muskx_model_warning(m, 0);
  ck_assert_msg(strstr(w, "event 'switch_on' is true at the start") != NULL &&
                    strstr(w, "--l2-initial-trigger false") != NULL, "%s", w);
  ck_assert_str_eq(muskx_model_time_unit(m), "d");
  y_at(m, 0, 0);
  muskx_model_free(m);
  m = translated(-1);
  ck_assert_int_eq(muskx_model_warning_count(m), 1);
  y_at(m, 0, 0);
  muskx_model_free(m);
}
END_TEST

START_TEST(true_at_t0_readings) {
  muskx_model *m = translated(0);
  ck_assert_int_eq(muskx_model_warning_count(m), 0);
  y_at(m, 1, 1);
  muskx_model_free(m);
  m = translated(1);
  ck_assert_int_eq(muskx_model_warning_count(m), 0);
  y_at(m, 0, 0);
  muskx_model_free(m);
  char *yaml = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_sbml_to_yaml_opt(L2, 2, &yaml, &err), MUSKX_EINVAL);
  ck_assert_ptr_null(yaml);
}
END_TEST

/* The time unit of an SBML text with the given header and unit
   definitions (a model with one constant parameter). */
static void time_unit_is(const char *sbml_ns, const char *model_attr,
                         const char *units, const char *want) {
  char text[2048];
  snprintf(text, sizeof text,
           "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sbml %s>\n"
           "<model id=\"tu\" %s>%s<listOfParameters><parameter id=\"p\" "
           "value=\"1\" constant=\"true\"/></listOfParameters></model></sbml>\n",
           sbml_ns, model_attr, units);
  char path[] = "/tmp/muskx_tu_XXXXXX.xml";
  int fd = mkstemps(path, 4);
  ck_assert_int_ge(fd, 0);
  FILE *f = fdopen(fd, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
  muskx_model *m = NULL;
  muskx_error err;
  memset(&err, 0, sizeof err);
  char buf[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 64];
  muskx_status st = muskx_model_load_file(path, &m, &err);
  remove(path);
  ck_assert_msg(st == MUSKX_OK, "%s", muskx_error_format(&err, buf, sizeof buf));
  ck_assert_str_eq(muskx_model_time_unit(m), want);
  muskx_model_free(m);
}

#define NS_L2 "xmlns=\"http://www.sbml.org/sbml/level2/version4\" level=\"2\" version=\"4\""
#define NS_L3 "xmlns=\"http://www.sbml.org/sbml/level3/version2/core\" level=\"3\" version=\"2\""
#define UDEF(id, mult, scale, kind)                                            \
  "<listOfUnitDefinitions><unitDefinition id=\"" id "\"><listOfUnits><unit "   \
  "kind=\"" kind "\" exponent=\"1\" scale=\"" scale "\" multiplier=\"" mult    \
  "\"/></listOfUnits></unitDefinition></listOfUnitDefinitions>"

START_TEST(time_units) {
  time_unit_is(NS_L2, "", UDEF("time", "86400", "0", "second"), "d");
  time_unit_is(NS_L2, "", UDEF("time", "6", "1", "second"), "min");
  time_unit_is(NS_L2, "", "", "s");
  time_unit_is(NS_L3, "timeUnits=\"hour\"", UDEF("hour", "3600", "0", "second"), "h");
  time_unit_is(NS_L3, "timeUnits=\"wk\"", UDEF("wk", "6.048", "5", "second"), "week");
  time_unit_is(NS_L3, "timeUnits=\"yr\"", UDEF("yr", "31557600", "0", "second"), "year");
  time_unit_is(NS_L3, "timeUnits=\"second\"", "", "s");
  /* another multiple of the second as unit text a scenario reads; one
     the unit grammar cannot write (a half power) keeps its id */
  time_unit_is(NS_L3, "timeUnits=\"odd\"", UDEF("odd", "7", "0", "second"), "7*s");
  time_unit_is(NS_L3, "timeUnits=\"ms\"", UDEF("ms", "1", "-3", "second"), "ms");
  time_unit_is(NS_L3, "timeUnits=\"half\"",
               "<listOfUnitDefinitions><unitDefinition id=\"half\"><listOfUnits>"
               "<unit kind=\"second\" exponent=\"0.5\" scale=\"0\" "
               "multiplier=\"1\"/></listOfUnits></unitDefinition>"
               "</listOfUnitDefinitions>", "half");
  time_unit_is(NS_L3, "", "", "");
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("sbml_l2");
  TCase *tc = tcase_create("l2");
  tcase_add_test(tc, true_at_t0_default_warns);
  tcase_add_test(tc, true_at_t0_readings);
  tcase_add_test(tc, time_units);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
