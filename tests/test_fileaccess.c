/*
 * test_fileaccess.c -- which files a load may read (issue 16, High 1 and
 * Medium 13; lib/fileaccess.c).
 *
 * The reproducers of the issue: an import or a scenario `model:` naming
 * an absolute path, a `../` path, a symbolic link out of the folder, a
 * FIFO. Each is refused before it is opened, at the line that names it,
 * and the message never quotes the refused file: the files outside hold
 * a marker that must not appear in any message. The same files load when
 * the caller allows their folder.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "muskx.h"
#include "testutil.h"

#define SECRET "SECRET_TOKEN_7731"

/* base/ holds the files outside; base/in/ the top files. */
typedef struct tree {
  char base[256], in[300];
} tree;

static char *path_in(const char *dir, const char *name) {
  static char buf[4][600];
  static int k;
  char *p = buf[k++ % 4];
  snprintf(p, sizeof buf[0], "%s/%s", dir, name);
  return p;
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

static const char module_text[] =
    "muskx: 1\n"
    "model: {id: " SECRET "}\n"
    "species: {X: 2}\n"
    "odes: {X: -X}\n";

static void tree_open(tree *t) {
  const char *tmp = getenv("TMPDIR");
  snprintf(t->base, sizeof t->base, "%s/muskx_access_XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(t->base));
  snprintf(t->in, sizeof t->in, "%s/in", t->base);
  ck_assert_int_eq(mkdir(t->in, 0700), 0);
  write_file(path_in(t->base, "module.yaml"), module_text);
  write_file(path_in(t->base, "secret.txt"), SECRET ": the first line\n");
  ck_assert_int_eq(symlink("../module.yaml", path_in(t->in, "link.yaml")), 0);
  ck_assert_int_eq(mkfifo(path_in(t->in, "fifo.yaml"), 0600), 0);
}

static void tree_close(tree *t) {
  const char *in_files[] = {"link.yaml", "fifo.yaml", "top.yaml", "s.yaml",
                            "inner.yaml"};
  for (size_t i = 0; i < ARRAY_LEN(in_files); i++)
    remove(path_in(t->in, in_files[i]));
  rmdir(t->in);
  remove(path_in(t->base, "module.yaml"));
  remove(path_in(t->base, "secret.txt"));
  rmdir(t->base);
}

/* A top model in base/in importing `file` as x. */
static const char *top_importing(tree *t, const char *file) {
  char text[1024];
  snprintf(text, sizeof text,
           "muskx: 1\n"
           "model: {id: top}\n"
           "imports:\n"
           "  - {file: '%s', as: x}\n"
           "species: {A: 1}\n"
           "odes: {A: -A}\n",
           file);
  const char *p = path_in(t->in, "top.yaml");
  write_file(p, text);
  return p;
}

/* Loading path must fail with EIO at line:col, naming why, quoting
   nothing of the refused file. */
static void expect_refused(const char *path, const muskx_access *a, int line,
                           int col, const char *why) {
  muskx_model *m = NULL;
  muskx_error err;
  char buf[2048];
  muskx_status st = muskx_model_load_file_with(path, a, &m, &err);
  muskx_error_format(&err, buf, sizeof buf);
  ck_assert_msg(st == MUSKX_EIO, "%s: want EIO, got %s: %s", path,
                muskx_status_name(st), buf);
  ck_assert_ptr_null(m);
  ck_assert_msg(err.line == line && err.column == col, "want %d:%d, got %s",
                line, col, buf);
  ck_assert_msg(strstr(err.message, why) != NULL, "want '%s', got %s", why, buf);
  ck_assert_msg(strstr(buf, SECRET) == NULL, "message quotes the file: %s", buf);
  ck_assert_msg(strstr(buf, "root:") == NULL, "message quotes /etc: %s", buf);
  ck_assert_msg(strstr(buf, "Linux version") == NULL, "quotes /proc: %s", buf);
}

static muskx_access *allow(const char *dir) {
  muskx_access *a = muskx_access_new();
  ck_assert_ptr_nonnull(a);
  ck_assert_int_eq(muskx_access_allow(a, dir, NULL), MUSKX_OK);
  return a;
}

/* The model loads and its import is the module (x.X starts at 2). */
static void expect_loads(const char *path, const muskx_access *a) {
  muskx_model *m = NULL;
  muskx_error err;
  char buf[2048];
  muskx_status st = muskx_model_load_file_with(path, a, &m, &err);
  ck_assert_msg(st == MUSKX_OK, "%s", muskx_error_format(&err, buf, sizeof buf));
  int i = muskx_model_find(m, MUSKX_SPECIES, "x.X");
  ck_assert_int_ge(i, 0);
  ck_assert_double_eq(muskx_model_default(m, MUSKX_SPECIES, i), 2);
  muskx_model_free(m);
}

START_TEST(imports_of_absolute_paths_outside_the_folder_are_refused_unread) {
  tree t;
  tree_open(&t);
  char secret[600], module[600];
  snprintf(secret, sizeof secret, "%s", path_in(t.base, "secret.txt"));
  snprintf(module, sizeof module, "%s", path_in(t.base, "module.yaml"));
  const char *targets[] = {"/etc/passwd", "/etc/shadow", "/proc/version",
                           secret, module};
  for (size_t i = 0; i < ARRAY_LEN(targets); i++)
    expect_refused(top_importing(&t, targets[i]), NULL, 4, 12,
                   "outside the folder");
  /* Allowing the folder lets the module in. */
  muskx_access *a = allow(t.base);
  expect_loads(top_importing(&t, module), a);
  muskx_access_free(a);
  tree_close(&t);
}
END_TEST

START_TEST(dot_dot_and_symbolic_links_out_of_the_folder_are_refused) {
  tree t;
  tree_open(&t);
  expect_refused(top_importing(&t, "../secret.txt"), NULL, 4, 12,
                 "outside the folder");
  expect_refused(top_importing(&t, "../../../../../../etc/passwd"), NULL, 4, 12,
                 "outside the folder");
  expect_refused(top_importing(&t, "../module.yaml"), NULL, 4, 12,
                 "outside the folder");
  /* in/link.yaml is inside by its name, outside by what it points to. */
  expect_refused(top_importing(&t, "link.yaml"), NULL, 4, 12,
                 "outside the folder");
  /* A file outside that does not exist is not told apart from one that
     does. */
  expect_refused(top_importing(&t, "../no_such.yaml"), NULL, 4, 12,
                 "outside the folder");
  /* Inside, a missing file says so. */
  expect_refused(top_importing(&t, "no_such.yaml"), NULL, 4, 12,
                 "No such file");
  muskx_access *a = allow(t.base);
  expect_loads(top_importing(&t, "../module.yaml"), a);
  expect_loads(top_importing(&t, "link.yaml"), a);
  muskx_access_free(a);
  tree_close(&t);
}
END_TEST

START_TEST(a_fifo_or_a_folder_import_is_refused_without_blocking) {
  tree t;
  tree_open(&t);
  expect_refused(top_importing(&t, "fifo.yaml"), NULL, 4, 12,
                 "not a regular file");
  expect_refused(top_importing(&t, "."), NULL, 4, 12, "not a regular file");
  tree_close(&t);
}
END_TEST

/* A scenario in base/in naming `model`. */
static void expect_scenario_refused(tree *t, const char *model,
                                    const char *why) {
  char text[1024];
  snprintf(text, sizeof text,
           "muskx_scenario: 1\n"
           "scenario: {id: s, name: S}\n"
           "model: '%s'\n"
           "phases:\n"
           "  - {name: a, duration: 1 d}\n",
           model);
  const char *p = path_in(t->in, "s.yaml");
  write_file(p, text);
  muskx_scenario *sc = NULL;
  muskx_error err;
  char buf[2048];
  muskx_status st = muskx_scenario_load_file(p, &sc, &err);
  muskx_error_format(&err, buf, sizeof buf);
  ck_assert_msg(st == MUSKX_EIO, "want EIO, got %s: %s", muskx_status_name(st),
                buf);
  ck_assert_ptr_null(sc);
  ck_assert_msg(err.line == 3 && err.column == 8, "want 3:8, got %s", buf);
  ck_assert_msg(strstr(err.message, why) != NULL, "want '%s', got %s", why, buf);
  ck_assert_msg(strstr(buf, SECRET) == NULL, "message quotes the file: %s", buf);
  ck_assert_msg(strstr(buf, "root:") == NULL, "message quotes /etc: %s", buf);
}

START_TEST(a_scenario_model_outside_its_folder_or_not_a_file_is_refused) {
  tree t;
  tree_open(&t);
  expect_scenario_refused(&t, "/etc/shadow", "outside the folder");
  expect_scenario_refused(&t, "/proc/version", "outside the folder");
  expect_scenario_refused(&t, "../secret.txt", "outside the folder");
  expect_scenario_refused(&t, "link.yaml", "outside the folder");
  expect_scenario_refused(&t, "fifo.yaml", "not a regular file");
  tree_close(&t);
}
END_TEST

START_TEST(a_scenario_model_may_import_only_inside_the_scenario_folders) {
  /* The scenario's folders, not the model's, bound the model's imports:
     in/inner.yaml imports ../module.yaml, refused unless base is allowed. */
  tree t;
  tree_open(&t);
  write_file(path_in(t.in, "inner.yaml"),
             "muskx: 1\nmodel: {id: inner, time_unit: day}\n"
             "imports: [{file: ../module.yaml, as: x}]\n");
  const char *p = path_in(t.in, "s.yaml");
  write_file(p, "muskx_scenario: 1\n"
                "scenario: {id: s, name: S}\n"
                "model: inner.yaml\n"
                "phases:\n"
                "  - {name: a, duration: 1 d}\n");
  muskx_scenario *sc = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_scenario_load_file(p, &sc, &err), MUSKX_EIO);
  ck_assert_ptr_nonnull(strstr(err.message, "outside the folder"));
  ck_assert_int_eq(err.line, 3);
  muskx_access *a = allow(t.base);
  char buf[2048];
  muskx_status st = muskx_scenario_load_file_with(p, a, &sc, &err);
  /* The module has no time unit of days, so the scenario refuses it: on
     the model's merits, after reading it. */
  ck_assert_msg(st != MUSKX_EIO, "%s", muskx_error_format(&err, buf, sizeof buf));
  muskx_scenario_free(sc);
  muskx_access_free(a);
  tree_close(&t);
}
END_TEST

START_TEST(a_model_from_a_string_imports_only_inside_the_current_folder) {
  char text[256];
  snprintf(text, sizeof text,
           "muskx: 1\nmodel: {id: s}\nimports: [{file: /etc/passwd, as: x}]\n");
  muskx_model *m = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_model_load_string(text, strlen(text), "upload", &m, &err),
                   MUSKX_EIO);
  ck_assert_ptr_nonnull(strstr(err.message, "outside the folder"));
  ck_assert_ptr_null(strstr(err.message, "root:"));
  ck_assert_int_eq(err.line, 3);
}
END_TEST

START_TEST(only_existing_folders_can_be_allowed) {
  tree t;
  tree_open(&t);
  muskx_access *a = muskx_access_new();
  ck_assert_ptr_nonnull(a);
  muskx_error err;
  ck_assert_int_eq(muskx_access_allow(a, path_in(t.base, "secret.txt"), &err),
                   MUSKX_EIO);
  ck_assert_ptr_nonnull(strstr(err.message, "not a folder"));
  ck_assert_int_eq(muskx_access_allow(a, path_in(t.base, "none"), &err),
                   MUSKX_EIO);
  ck_assert_int_eq(muskx_access_allow(NULL, ".", &err), MUSKX_EINVAL);
  ck_assert_int_eq(muskx_access_allow(a, NULL, &err), MUSKX_EINVAL);
  muskx_access_free(a);
  muskx_access_free(NULL);
  tree_close(&t);
}
END_TEST

int main(void) {
  Suite *s = suite_create("fileaccess");
  TCase *tc = tcase_create("fileaccess");
  tcase_add_test(tc, imports_of_absolute_paths_outside_the_folder_are_refused_unread);
  tcase_add_test(tc, dot_dot_and_symbolic_links_out_of_the_folder_are_refused);
  tcase_add_test(tc, a_fifo_or_a_folder_import_is_refused_without_blocking);
  tcase_add_test(tc, a_scenario_model_outside_its_folder_or_not_a_file_is_refused);
  tcase_add_test(tc, a_scenario_model_may_import_only_inside_the_scenario_folders);
  tcase_add_test(tc, a_model_from_a_string_imports_only_inside_the_current_folder);
  tcase_add_test(tc, only_existing_folders_can_be_allowed);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
