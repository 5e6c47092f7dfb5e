/*
 * test_limits.c -- the documented resource limits (muskx-model(5) LIMITS,
 * issue 9) and hostile files that cannot live in tests/bad/: each limit is
 * accepted exactly at its value and refused one past it with MUSKX_ELIMIT
 * and a message that names it; a 17 MiB file (generated here, never
 * committed), a directory, /dev/null and a missing file are refused
 * cleanly. Event limits at run time are in tests/test_faults.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muskx.h"
#include "testutil.h"

static muskx_status load(const char *text, size_t len, muskx_error *err) {
  muskx_model *m = (muskx_model *)err; /* must come back NULL on failure */
  muskx_status st = muskx_model_load_string(text, len, "limits.yaml", &m, err);
  if (st != MUSKX_OK) ck_assert_ptr_null(m);
  muskx_model_free(m);
  return st;
}

static muskx_status load_file(const char *path, muskx_error *err) {
  muskx_model *m = (muskx_model *)err;
  muskx_status st = muskx_model_load_file(path, &m, err);
  if (st != MUSKX_OK) ck_assert_ptr_null(m);
  muskx_model_free(m);
  return st;
}

/* A model whose output is `depth` nested parentheses around A. */
static char *nested_expression(int depth) {
  const char *head = "muskx: 1\nmodel: {id: m}\nspecies: {A: 1}\noutputs:\n  o: ";
  size_t n = strlen(head) + 2 * (size_t)depth + 8;
  char *t = malloc(n);
  ck_assert_ptr_nonnull(t);
  char *p = t + sprintf(t, "%s", head);
  for (int i = 0; i < depth; i++) *p++ = '(';
  *p++ = 'A';
  for (int i = 0; i < depth; i++) *p++ = ')';
  strcpy(p, "\n");
  return t;
}

START_TEST(expressions_nest_up_to_200_levels) {
  muskx_error err;
  /* the outermost parenthesis is one level below the output itself */
  char *ok = nested_expression(198), *bad = nested_expression(400);
  ck_assert_msg(load(ok, strlen(ok), &err) == MUSKX_OK, "%s", err.message);
  ck_assert_int_eq(load(bad, strlen(bad), &err), MUSKX_ELIMIT);
  ck_assert_ptr_nonnull(strstr(err.message, "nested deeper than 200 levels"));
  ck_assert_int_eq(err.line, 5);
  free(ok);
  free(bad);
}
END_TEST

/* species: A: {doc: [[[...]]]}: YAML depth = 3 (root, species, A) + lists. */
static char *nested_yaml(int lists) {
  const char *head = "muskx: 1\nmodel: {id: m}\nparameters:\n  k: ";
  size_t n = strlen(head) + 2 * (size_t)lists + 8;
  char *t = malloc(n);
  ck_assert_ptr_nonnull(t);
  char *p = t + sprintf(t, "%s", head);
  for (int i = 0; i < lists; i++) *p++ = '[';
  for (int i = 0; i < lists; i++) *p++ = ']';
  strcpy(p, "\n");
  return t;
}

START_TEST(yaml_nests_up_to_64_levels_then_is_refused) {
  muskx_error err;
  char *at = nested_yaml(62), *past = nested_yaml(63), *far = nested_yaml(100000);
  /* 62 lists + root + parameters = 64 levels: parsed, then refused as a
     value (not a number), never as too deep */
  ck_assert_int_ne(load(at, strlen(at), &err), MUSKX_OK);
  ck_assert_ptr_null(strstr(err.message, "deeper"));
  ck_assert_int_eq(load(past, strlen(past), &err), MUSKX_ELIMIT);
  ck_assert_ptr_nonnull(strstr(err.message, "yaml nested deeper than 64 levels"));
  /* 100000 levels: the same clear error, no stack overflow */
  ck_assert_int_eq(load(far, strlen(far), &err), MUSKX_ELIMIT);
  ck_assert_ptr_nonnull(strstr(err.message, "yaml nested deeper than 64 levels"));
  free(at);
  free(past);
  free(far);
}
END_TEST

START_TEST(names_are_at_most_255_characters) {
  muskx_error err;
  char text[1024];
  char name[300];
  memset(name, 'a', 255);
  name[255] = '\0';
  snprintf(text, sizeof text, "muskx: 1\nmodel: {id: m}\nspecies:\n  %s: 1\n", name);
  ck_assert_msg(load(text, strlen(text), &err) == MUSKX_OK, "%s", err.message);
  name[255] = 'a';
  name[256] = '\0';
  snprintf(text, sizeof text, "muskx: 1\nmodel: {id: m}\nspecies:\n  %s: 1\n", name);
  ck_assert_int_eq(load(text, strlen(text), &err), MUSKX_ELIMIT);
  ck_assert_ptr_nonnull(strstr(err.message, "longer than 255 characters"));
  ck_assert_int_eq(err.line, 4);
  ck_assert_int_eq(err.column, 3);
}
END_TEST

/* A 17 MiB model: a valid head and then comments. Refused before parsing,
   from memory and from a file (generated in the test, never committed). */
START_TEST(a_file_over_16_mib_is_refused) {
  const size_t size = (size_t)17 * 1024 * 1024;
  char *text = malloc(size);
  ck_assert_ptr_nonnull(text);
  const char *head = "muskx: 1\nmodel: {id: big}\nspecies: {A: 1}\n";
  size_t hl = strlen(head);
  memcpy(text, head, hl);
  for (size_t i = hl; i < size; i += 64) {
    size_t n = size - i < 64 ? size - i : 64;
    memset(text + i, '#', n);
    text[i + n - 1] = '\n';
  }
  muskx_error err;
  ck_assert_int_eq(load(text, size, &err), MUSKX_ELIMIT);
  ck_assert_ptr_nonnull(strstr(err.message, "16 MiB"));
  /* exactly 16 MiB of the same is fine */
  ck_assert_msg(load(text, (size_t)16 * 1024 * 1024, &err) == MUSKX_OK, "%s",
                err.message);

  char path[] = "/tmp/muskx-big-XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  FILE *f = fdopen(fd, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(text, 1, size, f), size);
  fclose(f);
  free(text);
  muskx_status st = load_file(path, &err);
  unlink(path);
  ck_assert_int_eq(st, MUSKX_ELIMIT);
  ck_assert_ptr_nonnull(strstr(err.message, "16 MiB"));
  ck_assert_str_eq(err.file, path);
  ck_assert_int_eq(err.line, 0);
}
END_TEST

START_TEST(a_directory_dev_null_and_a_missing_file_are_refused_cleanly) {
  muskx_error err;
  ck_assert_int_eq(load_file("tests", &err), MUSKX_EIO);
  ck_assert_msg(err.message[0] != '\0' && strstr(err.message, "tests"), "%s",
                err.message);
  ck_assert_int_eq(err.line, 0);
  muskx_status st = load_file("/dev/null", &err);
  ck_assert_int_ne(st, MUSKX_OK);
  ck_assert_msg(strstr(err.message, "empty file (no yaml document)"), "%s", err.message);
  ck_assert_int_eq(load_file("tests/no/such/model.yaml", &err), MUSKX_EIO);
  ck_assert_ptr_nonnull(strstr(err.message, "No such file"));
  /* empty text from memory, and NULL text of length 0 */
  ck_assert_int_ne(load("", 0, &err), MUSKX_OK);
  ck_assert_ptr_nonnull(strstr(err.message, "empty file (no yaml document)"));
  ck_assert_int_ne(load(NULL, 0, &err), MUSKX_OK);
  ck_assert_int_eq(load(NULL, 5, &err), MUSKX_EINVAL);
}
END_TEST

/* Text that is not NUL-terminated: the loader reads exactly len bytes. */
START_TEST(text_without_a_terminator_is_read_to_its_length_only) {
  static const char model[] = "muskx: 1\nmodel: {id: m}\nspecies: {A: 1}\n";
  size_t n = sizeof model - 1;
  char *t = malloc(n); /* no room for a terminator: ASan catches a read past */
  ck_assert_ptr_nonnull(t);
  memcpy(t, model, n);
  muskx_error err;
  ck_assert_msg(load(t, n, &err) == MUSKX_OK, "%s", err.message);
  /* cut in the middle of a token */
  (void)load(t, n - 3, &err);
  free(t);
}
END_TEST

int main(void) {
  Suite *su = suite_create("limits");
  TCase *tc = tcase_create("documented limits");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, expressions_nest_up_to_200_levels);
  tcase_add_test(tc, yaml_nests_up_to_64_levels_then_is_refused);
  tcase_add_test(tc, names_are_at_most_255_characters);
  tcase_add_test(tc, a_file_over_16_mib_is_refused);
  tcase_add_test(tc, a_directory_dev_null_and_a_missing_file_are_refused_cleanly);
  tcase_add_test(tc, text_without_a_terminator_is_read_to_its_length_only);
  suite_add_tcase(su, tc);
  return tu_run_suite(su);
}
