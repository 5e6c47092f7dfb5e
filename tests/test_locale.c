/*
 * test_locale.c -- numbers in model, scenario, SBML and PEtab text are
 * read and written with a '.' decimal point whatever locale the host
 * program set (lib/numlocale.c).
 *
 * A host that calls setlocale(LC_ALL, "") under de_DE (a ',' decimal
 * point) made strtod stop at the '.': decay.yaml's k: 0.7 loaded as k = 0
 * and A0 = 1.5 as 1, silently, and exported SBML said value="0,7". Each
 * test runs under de_DE.UTF-8, built by main() with localedef into a
 * temporary folder (Debian package `locales`), and checks values against
 * the files' own numbers and analytic solutions, then that the host's
 * locale is still in force.
 */
#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muskx.h"
#include "testutil.h"

#define COMMA_LOCALE "de_DE.UTF-8"

/* decay.yaml: A(t) = 1.5 exp(-0.7 t). */
static double decay_A(double t) { return 1.5 * exp(-0.7 * t); }

static void comma_locale(void) {
  ck_assert_msg(setlocale(LC_ALL, COMMA_LOCALE) != NULL,
                "cannot switch to %s (main() builds it with localedef from "
                "the Debian package locales; LOCPATH=%s)",
                COMMA_LOCALE, getenv("LOCPATH") ? getenv("LOCPATH") : "");
  char buf[16];
  snprintf(buf, sizeof buf, "%g", 0.5);
  ck_assert_str_eq(buf, "0,5"); /* the locale really has a ',' point */
}

static void c_locale(void) { setlocale(LC_ALL, "C"); }

/* The host's locale is untouched by the library call before. */
static void host_locale_kept(void) {
  char buf[16];
  snprintf(buf, sizeof buf, "%g", 0.5);
  ck_assert_str_eq(buf, "0,5");
}

/* Requires A(t) of the decay model at t = 0, 1, 2. */
static void check_decay(const muskx_model *m) {
  const double times[3] = {0, 1, 2};
  double out[3 * 2];
  muskx_sim *s = tu_sim(m);
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-10, 1e-12));
  tu_run(s, times, 3, out);
  int c = tu_col(m, "A"), nc = muskx_sim_ncols(s);
  for (int i = 0; i < 3; i++)
    TU_CLOSE(out[i * nc + c], decay_A(times[i]), 1e-7, 1e-10, "A", times[i]);
  muskx_sim_free(s);
}

START_TEST(a_yaml_model_reads_its_decimals) {
  muskx_model *m = tu_load(TEST_MODEL("decay.yaml"));
  host_locale_kept();
  check_decay(m);
  muskx_model_free(m);
  m = tu_load_text("muskx: 1\nmodel: {id: d}\nparameters: {k: 0.7}\n"
                   "species: {A: 1.5, B: 0}\nreactions:\n"
                   "  - {equation: 0.5 A -> 0.5 B, rate: 2*k*A}\n",
                   "d.yaml");
  check_decay(m);
  muskx_model_free(m);
}
END_TEST

START_TEST(sbml_export_and_import_write_and_read_decimal_points) {
  muskx_model *m = tu_load(TEST_MODEL("decay.yaml"));
  char *xml = NULL, *yaml = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_export_sbml(m, NULL, &xml, &err), MUSKX_OK);
  host_locale_kept();
  ck_assert_msg(strstr(xml, "0.7") != NULL && strstr(xml, "0,7") == NULL,
                "exported SBML lacks k = 0.7:\n%s", xml);
  muskx_model_free(m);
  /* The SBML loads back with its values. */
  m = tu_load_text(xml, "decay.xml");
  check_decay(m);
  muskx_model_free(m);
  /* And translates to YAML with decimal points. */
  char path[] = "/tmp/muskx_locale_XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, xml, strlen(xml)), (ssize_t)strlen(xml));
  close(fd);
  muskx_free_string(xml);
  muskx_status st = muskx_sbml_to_yaml(path, &yaml, &err);
  unlink(path);
  ck_assert_msg(st == MUSKX_OK, "%s", err.message);
  host_locale_kept();
  ck_assert_msg(strstr(yaml, "0.7") != NULL && strstr(yaml, "0,7") == NULL,
                "translated YAML lacks k = 0.7:\n%s", yaml);
  m = tu_load_text(yaml, "decay_from_sbml.yaml");
  check_decay(m);
  muskx_model_free(m);
  muskx_free_string(yaml);
}
END_TEST

START_TEST(bytecode_prints_constants_with_a_decimal_point) {
  muskx_model *m =
      tu_load_text("muskx: 1\nmodel: {id: b}\nspecies: {A: 1}\n"
                   "odes: {A: -0.25*A}\n", "b.yaml");
  int n = muskx_model_bytecode(m, NULL, 0);
  ck_assert_int_gt(n, 0);
  char *text = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(text);
  ck_assert_int_eq(muskx_model_bytecode(m, text, (size_t)n + 1), n);
  host_locale_kept();
  ck_assert_msg(strstr(text, "0.25") != NULL, "no constant 0.25 in\n%s", text);
  free(text);
  muskx_model_free(m);
}
END_TEST

/* tests/scenarios/unload.yaml: B = 1 to day 10, then 0.2 + 0.8
   exp(-0.05 (t - 10)) to day 50, then back toward 1 (test_scenario.c). */
static double unload_B(double t) {
  const double u = 0.2, k = 0.05;
  if (t <= 10) return 1;
  if (t <= 50) return u + (1 - u) * exp(-k * (t - 10));
  double b50 = u + (1 - u) * exp(-k * 40);
  return 1 + (b50 - 1) * exp(-k * (t - 50));
}

START_TEST(a_scenario_reads_its_decimals) {
  muskx_scenario *sc = tu_load_scenario("tests/scenarios/unload.yaml");
  host_locale_kept();
  tu_scenario_run r = tu_run_scenario(sc);
  ck_assert_uint_eq(r.n, 151);
  for (size_t i = 0; i < r.n; i++)
    TU_CLOSE(r.v[i * 2 + 1], unload_B(r.t[i]), 1e-6, 1e-9, "B", r.t[i]);
  tu_scenario_run_free(&r);
  muskx_scenario_free(sc);
}
END_TEST

START_TEST(petab_tables_read_and_write_decimal_points) {
  muskx_petab *pb = NULL;
  muskx_error err;
  char buf[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 64];
  ck_assert_msg(muskx_petab_load("tests/petab/relax/problem.yaml", &pb, &err) ==
                    MUSKX_OK,
                "%s", muskx_error_format(&err, buf, sizeof buf));
  host_locale_kept();
  /* measurements.tsv rows 1 and 3; parameters.tsv: sd nominal 0.4 */
  ck_assert_double_eq(muskx_petab_measurement_value(pb, 0), 2.5);
  ck_assert_double_eq(muskx_petab_measurement_value(pb, 2), 6.8);
  double nominal = 0;
  ck_assert_int_eq(muskx_petab_param_info(pb, 1, NULL, NULL, &nominal),
                   MUSKX_OK);
  ck_assert_double_eq(nominal, 0.4);
  const double theta[2] = {log10(0.5), 0.25};
  char *text = NULL;
  ck_assert_int_eq(muskx_petab_parameters_table(pb, theta, &text), MUSKX_OK);
  host_locale_kept();
  ck_assert_msg(strstr(text, "\t0.25\t") != NULL, "no sd 0.25 in\n%s", text);
  muskx_free_string(text);
  muskx_petab_free(pb);
}
END_TEST

/* Builds de_DE.UTF-8 into a fresh folder named by LOCPATH; returns the
   folder (to remove), or NULL when localedef is missing or fails (the
   tests then fail, saying so). */
static char *build_comma_locale(char *dir) {
  if (mkdtemp(dir) == NULL) return NULL;
  char cmd[512];
  snprintf(cmd, sizeof cmd,
           "localedef -i de_DE -f UTF-8 %s/" COMMA_LOCALE " >/dev/null 2>&1",
           dir);
  if (system(cmd) != 0) {
    rmdir(dir);
    return NULL;
  }
  setenv("LOCPATH", dir, 1);
  return dir;
}

int main(void) {
  char dir[] = "/tmp/muskx-locale-XXXXXX";
  char *built = build_comma_locale(dir);
  Suite *s = suite_create("locale");
  TCase *tc = tcase_create("comma decimal point");
  tcase_add_checked_fixture(tc, comma_locale, c_locale);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, a_yaml_model_reads_its_decimals);
  tcase_add_test(tc, sbml_export_and_import_write_and_read_decimal_points);
  tcase_add_test(tc, bytecode_prints_constants_with_a_decimal_point);
  tcase_add_test(tc, a_scenario_reads_its_decimals);
  tcase_add_test(tc, petab_tables_read_and_write_decimal_points);
  suite_add_tcase(s, tc);
  int status = tu_run_suite(s);
  if (built != NULL) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", built);
    if (system(cmd) != 0) fprintf(stderr, "test_locale: cannot remove %s\n", built);
  }
  return status;
}
