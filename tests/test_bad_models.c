/*
 * test_bad_models.c -- the catalog of bad models in tests/bad. Each file's
 * first line is "# expect: LINE:COL: message substring"; loading the file
 * must fail at exactly that position with a message containing the
 * substring. When the error is in another file (an imported one), the line
 * is "# expect: FILE:LINE:COL: message substring", FILE relative to the bad
 * model's directory, as an import's `file:` is. The directory is
 * MUSKX_TEST_DIR "/bad" (MUSKX_TEST_DIR defaults to "tests", relative to
 * the repository root where make runs), or argv[1].
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

#ifndef MUSKX_TEST_DIR
#define MUSKX_TEST_DIR "tests"
#endif

#define MAX_FILES 1000

/* Test fixtures: the sorted list of catalog files (read-only in tests). */
static char *files[MAX_FILES];
static int nfiles;
static const char *bad_dir = MUSKX_TEST_DIR "/bad";

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_files(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL) return -1;
  struct dirent *de;
  while ((de = readdir(d)) != NULL && nfiles < MAX_FILES) {
    size_t n = strlen(de->d_name);
    if (n < 6 || strcmp(de->d_name + n - 5, ".yaml") != 0) continue;
    char *path = malloc(strlen(dir) + n + 2);
    sprintf(path, "%s/%s", dir, de->d_name);
    files[nfiles++] = path;
  }
  closedir(d);
  qsort(files, (size_t)nfiles, sizeof *files, by_name);
  return 0;
}

START_TEST(the_catalog_holds_at_least_45_bad_models) {
  ck_assert_msg(nfiles >= 45, "only %d files in %s", nfiles, bad_dir);
}
END_TEST

START_TEST(every_bad_model_is_refused_at_its_line_and_column_with_its_message) {
  const char *path = files[_i];
  FILE *f = fopen(path, "r");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  char first[2048];
  ck_assert_ptr_nonnull(fgets(first, sizeof first, f));
  fclose(f);
  first[strcspn(first, "\r\n")] = '\0';
  int line = 0, col = 0, used = 0;
  /* The file the error is in: the bad model itself, or FILE from an
     "# expect: FILE:LINE:COL:" line, joined to the model's directory. */
  char where[4096], rest[2048];
  const char *spec = first;
  snprintf(where, sizeof where, "%s", path);
  if (strncmp(first, "# expect: ", 10) == 0 &&
      sscanf(first, "# expect: %d:%d: %n", &line, &col, &used) != 2) {
    const char *colon = strchr(first + 10, ':');
    ck_assert_msg(colon != NULL, "%s: first line must be '# expect: [FILE:]LINE:COL: "
                  "message'", path);
    const char *slash = strrchr(path, '/');
    int dir = slash ? (int)(slash - path) + 1 : 0;
    snprintf(where, sizeof where, "%.*s%.*s", dir, path, (int)(colon - (first + 10)),
             first + 10);
    snprintf(rest, sizeof rest, "# expect: %s", colon + 1);
    spec = rest;
  }
  ck_assert_msg(sscanf(spec, "# expect: %d:%d: %n", &line, &col, &used) == 2 &&
                    used > 0,
                "%s: first line must be '# expect: [FILE:]LINE:COL: message'", path);
  const char *want = spec + used;
  ck_assert_msg(strlen(want) >= 8, "%s: the expected message is too vague", path);

  muskx_model *m = (muskx_model *)path; /* must be reset to NULL */
  muskx_error err;
  muskx_access *a = tu_access(); /* the catalog imports ../models/imports */
  muskx_status st = muskx_model_load_file_with(path, a, &m, &err);
  muskx_access_free(a);
  char buf[2048];
  muskx_error_format(&err, buf, sizeof buf);
  ck_assert_msg(st != MUSKX_OK, "%s: loaded, but should fail", path);
  ck_assert_ptr_null(m);
  ck_assert_int_eq(err.status, st);
  ck_assert_str_eq(err.file, where);
  ck_assert_msg(err.line == line && err.column == col,
                "%s: want %d:%d, got %s", path, line, col, buf);
  ck_assert_msg(strstr(err.message, want) != NULL, "%s: want '%s', got %s", path,
                want, buf);
}
END_TEST

int main(int argc, char **argv) {
  if (argc > 1) bad_dir = argv[1];
  if (list_files(bad_dir) != 0) {
    fprintf(stderr, "test_bad_models: cannot open directory %s\n", bad_dir);
    return EXIT_FAILURE;
  }
  Suite *s = suite_create("bad models");
  TCase *tc = tcase_create("catalog");
  tcase_add_test(tc, the_catalog_holds_at_least_45_bad_models);
  tcase_add_loop_test(tc, every_bad_model_is_refused_at_its_line_and_column_with_its_message,
                      0, nfiles);
  suite_add_tcase(s, tc);
  int status = tu_run_suite(s);
  for (int i = 0; i < nfiles; i++) free(files[i]);
  return status;
}
