/*
 * test_sbml_roundtrip.c -- export -> import without loss (issue 18 item 4),
 * on every shipped model (the .yaml and .xml files in the folders of
 * models/) and every YAML test model of tests/models that loads, through
 * the public API:
 *
 *   original --muskx_model_export_sbml--> SBML --muskx_sbml_to_yaml-->
 *   YAML --muskx_model_load_string--> copy
 *
 * The copy must have the original's id, name, description, time unit and
 * references; the same species, parameters, inputs, outputs, assignments,
 * compartments, reactions and events by name (a dotted name of an import,
 * "bone.OCa", comes back as "bone__OCa": SBML ids and muskx names of one
 * file hold no dots), with the same unit, doc and default value of each;
 * and the same time course (rtol 1e-9 runs agree to 1e-6 relative).
 * The SBML Test Suite side of the round trip (export -> import -> same
 * results as the suite's) is tests/sbml/run --roundtrip.
 */
#define _DEFAULT_SOURCE /* mkstemps */
#include <check.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muskx.h"
#include "testutil.h"

/* name with '.' as "__" (the export's SBML ids). */
static void undot(const char *name, char *out, size_t n) {
  size_t k = 0;
  for (; *name && k + 3 < n; name++) {
    if (*name == '.') {
      out[k++] = '_';
      out[k++] = '_';
    } else {
      out[k++] = *name;
    }
  }
  out[k] = '\0';
}

static muskx_model *round_trip(const muskx_model *m, const char *what) {
  char *xml = NULL, *yaml = NULL;
  muskx_error err;
  char buf[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 64];
  memset(&err, 0, sizeof err);
  ck_assert_msg(muskx_model_export_sbml(m, NULL, &xml, &err) == MUSKX_OK,
                "%s: export: %s", what, muskx_error_format(&err, buf, sizeof buf));
  char path[] = "/tmp/muskx_rt_XXXXXX.xml";
  int fd = mkstemps(path, 4);
  ck_assert_int_ge(fd, 0);
  FILE *f = fdopen(fd, "w");
  ck_assert_ptr_nonnull(f);
  fputs(xml, f);
  fclose(f);
  muskx_free_string(xml);
  muskx_status st = muskx_sbml_to_yaml(path, &yaml, &err);
  remove(path);
  ck_assert_msg(st == MUSKX_OK, "%s: import: %s", what,
                muskx_error_format(&err, buf, sizeof buf));
  muskx_model *copy = NULL;
  st = muskx_model_load_string(yaml, strlen(yaml), what, &copy, &err);
  ck_assert_msg(st == MUSKX_OK, "%s: the import does not load: %s\n%s", what,
                muskx_error_format(&err, buf, sizeof buf), yaml);
  muskx_free_string(yaml);
  return copy;
}

static void same_text(const char *what, const char *field, const char *a,
                      const char *b) {
  ck_assert_msg(strcmp(a ? a : "", b ? b : "") == 0, "%s: %s '%s' came back as '%s'",
                what, field, a ? a : "", b ? b : "");
}

static void same_things(const char *what, const muskx_model *a, const muskx_model *b) {
  static const char *const kinds[] = {"species", "parameter", "input", "output",
                                      "compartment", "reaction", "assignment", "event"};
  same_text(what, "id", muskx_model_id(a), muskx_model_id(b));
  same_text(what, "name", muskx_model_name(a), muskx_model_name(b));
  same_text(what, "description", muskx_model_description(a), muskx_model_description(b));
  same_text(what, "time_unit", muskx_model_time_unit(a), muskx_model_time_unit(b));
  ck_assert_int_eq(muskx_model_reference_count(a), muskx_model_reference_count(b));
  for (int i = 0; i < muskx_model_reference_count(a); i++)
    same_text(what, "reference", muskx_model_reference(a, i), muskx_model_reference(b, i));
  for (int k = MUSKX_SPECIES; k <= MUSKX_EVENT; k++) {
    int n = muskx_model_count(a, (muskx_kind)k);
    ck_assert_msg(n == muskx_model_count(b, (muskx_kind)k), "%s: %d %s(s) came back as %d",
                  what, n, kinds[k], muskx_model_count(b, (muskx_kind)k));
    for (int i = 0; i < n; i++) {
      char want[512];
      undot(muskx_model_name_at(a, (muskx_kind)k, i), want, sizeof want);
      int j = muskx_model_find(b, (muskx_kind)k, want);
      ck_assert_msg(j >= 0, "%s: %s '%s' is missing after the round trip", what,
                    kinds[k], want);
      if (k == MUSKX_REACTION || k == MUSKX_EVENT) {
        same_text(what, "doc", muskx_model_doc(a, (muskx_kind)k, i),
                  muskx_model_doc(b, (muskx_kind)k, j));
        continue;
      }
      char field[600];
      snprintf(field, sizeof field, "unit of %s '%s'", kinds[k], want);
      same_text(what, field, muskx_model_unit(a, (muskx_kind)k, i),
                muskx_model_unit(b, (muskx_kind)k, j));
      snprintf(field, sizeof field, "doc of %s '%s'", kinds[k], want);
      same_text(what, field, muskx_model_doc(a, (muskx_kind)k, i),
                muskx_model_doc(b, (muskx_kind)k, j));
      if (k == MUSKX_SPECIES || k == MUSKX_PARAMETER || k == MUSKX_INPUT ||
          k == MUSKX_COMPARTMENT) {
        double va = muskx_model_default(a, (muskx_kind)k, i);
        double vb = muskx_model_default(b, (muskx_kind)k, j);
        ck_assert_msg(va == vb || (isnan(va) && isnan(vb)) ||
                          fabs(va - vb) <= 1e-14 * fabs(va),
                      "%s: default of %s '%s' %.17g came back as %.17g", what,
                      kinds[k], want, va, vb);
      }
    }
  }
}

/* Both models over [0, t_end] at 20 times: the same rows. Columns are
   species then outputs, in file order in both. */
static void same_course(const char *what, const muskx_model *a, const muskx_model *b) {
  double times[21];
  for (int i = 0; i <= 20; i++) times[i] = 5.0 * i;
  muskx_sim *sa = tu_sim(a), *sb = tu_sim(b);
  int nc = muskx_sim_ncols(sa);
  ck_assert_int_eq(nc, muskx_sim_ncols(sb));
  double *ra = calloc((size_t)nc * 21, sizeof *ra), *rb = calloc((size_t)nc * 21, sizeof *rb);
  ck_assert(ra && rb);
  muskx_sim_set_tolerances(sa, 1e-9, 1e-12);
  muskx_sim_set_tolerances(sb, 1e-9, 1e-12);
  size_t na = 0, nb = 0;
  muskx_status st = muskx_sim_run(sa, times, 21, ra, &na);
  muskx_status st2 = muskx_sim_run(sb, times, 21, rb, &nb);
  ck_assert_msg(st == st2 && na == nb, "%s: runs differ: %s (%zu rows) vs %s (%zu rows): %s",
                what, muskx_status_name(st), na, muskx_status_name(st2), nb,
                muskx_sim_errmsg(sb));
  for (size_t r = 0; r < na; r++)
    for (int c = 0; c < nc; c++) {
      double x = ra[r * (size_t)nc + (size_t)c], y = rb[r * (size_t)nc + (size_t)c];
      ck_assert_msg(fabs(x - y) <= 1e-6 * fabs(x) + 1e-12 || (isnan(x) && isnan(y)),
                    "%s: t=%g column %d: %.12g vs %.12g", what, times[r], c, x, y);
    }
  free(ra);
  free(rb);
  muskx_sim_free(sa);
  muskx_sim_free(sb);
}

static int check_pattern(const char *pattern, int must_load) {
  glob_t g;
  int n = 0;
  if (glob(pattern, 0, NULL, &g) != 0) return 0;
  muskx_access *acc = tu_access(); /* shipped models import ../drugs/... */
  for (size_t i = 0; i < g.gl_pathc; i++) {
    const char *path = g.gl_pathv[i];
    muskx_model *m = NULL;
    muskx_error err;
    memset(&err, 0, sizeof err);
    if (muskx_model_load_file_with(path, acc, &m, &err) != MUSKX_OK) {
      ck_assert_msg(!must_load, "%s does not load: %s", path, err.message);
      continue;
    }
    muskx_model *copy = round_trip(m, path);
    same_things(path, m, copy);
    same_course(path, m, copy);
    muskx_model_free(copy);
    muskx_model_free(m);
    n++;
  }
  muskx_access_free(acc);
  globfree(&g);
  return n;
}

START_TEST(every_shipped_model) {
  int n = check_pattern("models/*/*.yaml", 1) + check_pattern("models/*/*.xml", 1);
  ck_assert_int_ge(n, 15);
}
END_TEST

START_TEST(every_test_model) {
  ck_assert_int_ge(check_pattern("tests/models/*.yaml", 0), 15);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("sbml_roundtrip");
  TCase *tc = tcase_create("roundtrip");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, every_test_model);
  suite_add_tcase(s, tc);
  /* the shipped models, the spaceflight ones among them */
  TCase *shipped = tu_long_tcase("shipped");
  tcase_set_timeout(shipped, 120);
  tcase_add_test(shipped, every_shipped_model);
  suite_add_tcase(s, shipped);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
