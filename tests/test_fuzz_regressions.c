/*
 * test_fuzz_regressions.c -- replays every input in tests/fuzz-regressions/
 * through the fuzz harnesses' own code (fuzz/fuzz_*.c are #included, each
 * entry point renamed), so an input that once crashed, leaked, hung or hit
 * undefined behaviour is checked in every test build: plain, ASan+UBSan
 * (make test-asan) and valgrind. The harnesses check the API contracts
 * themselves (__builtin_trap() on a broken one, which Check reports as a
 * crash of the test). Each directory NAME holds inputs for fuzz_NAME.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LLVMFuzzerTestOneInput fuzz_load_one
#include "../fuzz/fuzz_load.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_expr_one
#include "../fuzz/fuzz_expr.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_scenario_one
#include "../fuzz/fuzz_scenario.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_sbml_one
#include "../fuzz/fuzz_sbml.c"
#include "testutil.h"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_units_one
#include "../fuzz/fuzz_units.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_petab_one
#include "../fuzz/fuzz_petab.c"
#undef LLVMFuzzerTestOneInput

#define MAX_FILES 2000

typedef int (*harness_fn)(const uint8_t *, size_t);
static const struct {
  const char *dir;
  harness_fn run;
} harnesses[] = {
    {"tests/fuzz-regressions/load", fuzz_load_one},
    {"tests/fuzz-regressions/expr", fuzz_expr_one},
    {"tests/fuzz-regressions/scenario", fuzz_scenario_one},
    {"tests/fuzz-regressions/sbml", fuzz_sbml_one},
    {"tests/fuzz-regressions/units", fuzz_units_one},
    {"tests/fuzz-regressions/petab", fuzz_petab_one},
};
#define NHARNESS (sizeof harnesses / sizeof harnesses[0])

/* Test fixtures: the inputs found at start-up (read-only in tests). */
static char *paths[MAX_FILES];
static int which[MAX_FILES];
static int nfiles;

static int by_path(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(int h) {
  DIR *d = opendir(harnesses[h].dir);
  if (d == NULL) return;
  int first = nfiles;
  struct dirent *de;
  while ((de = readdir(d)) != NULL && nfiles < MAX_FILES) {
    if (de->d_name[0] == '.') continue;
    size_t n = strlen(harnesses[h].dir) + strlen(de->d_name) + 2;
    paths[nfiles] = malloc(n);
    snprintf(paths[nfiles], n, "%s/%s", harnesses[h].dir, de->d_name);
    which[nfiles++] = h;
  }
  closedir(d);
  qsort(paths + first, (size_t)(nfiles - first), sizeof *paths, by_path);
}

START_TEST(every_fuzz_regression_input_passes_its_harness) {
  FILE *f = fopen(paths[_i], "rb");
  ck_assert_msg(f != NULL, "cannot open %s", paths[_i]);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *data = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(data);
  ck_assert_uint_eq(fread(data, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  harnesses[which[_i]].run(data, (size_t)n);
  free(data);
}
END_TEST

START_TEST(the_regression_directories_are_not_empty) {
  ck_assert_msg(nfiles >= 2, "only %d inputs under tests/fuzz-regressions", nfiles);
}
END_TEST

int main(void) {
  for (size_t h = 0; h < NHARNESS; h++) list((int)h);
  Suite *su = suite_create("fuzz regressions");
  TCase *tc = tcase_create("replay");
  tcase_add_test(tc, the_regression_directories_are_not_empty);
  tcase_add_loop_test(tc, every_fuzz_regression_input_passes_its_harness, 0, nfiles);
  suite_add_tcase(su, tc);
  int status = tu_run_suite(su);
  for (int i = 0; i < nfiles; i++) free(paths[i]);
  return status;
}
