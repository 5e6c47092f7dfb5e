/*
 * fuzz_scenario.c -- libFuzzer harness for the scenario loader
 * (muskx-scenario(5)). Scenarios load from files only, so each input is
 * written to DIR/sub/scenario.yaml in a private temporary directory that
 * also holds a small model (DIR/small.yaml, "model: ../small.yaml") and a
 * link DIR/models to the repository's models/ (so the shipped scenarios,
 * "model: ../models/...", work as seeds). A refused scenario must honour
 * the load contract; an accepted one is queried and, when its model is
 * small and its samples few, applied (which must not fail with EINVAL,
 * the status of a simulation of another model) and run on a simulation
 * with a small step budget. Run from the repository root (make fuzz does). The loads
 * may read DIR and the repository's models/ (issue 16, file access).
 *
 * A crash found here becomes a file in tests/fuzz-regressions/scenario/.
 */
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char small_model[] =
    "muskx: 1\n"
    "model: {id: small, time_unit: d}\n"
    "parameters: {k: 0.1, dose_k: 0.5}\n"
    "inputs:\n"
    "  loading: {default: 1}\n"
    "  exercise: {default: 0}\n"
    "species: {bone: 1, drug: 0}\n"
    "odes:\n"
    "  bone: k*(loading + exercise - bone)\n"
    "  drug: -dose_k*drug\n"
    "outputs:\n"
    "  bone_pct: 100*(bone - 1)\n";

/* The directory of this process (made once; the harness has no other
   state). */
static char fuzz_dir[256];
static muskx_access *fuzz_access;

/* Removes the directory at exit (libFuzzer and the test replay both
   return from main or call exit). */
static void remove_dir(void) {
  static const char *const parts[] = {"sub/scenario.yaml", "sub",
                                      "small.yaml", "models"};
  fuzz_remove_dir(fuzz_dir, parts, sizeof parts / sizeof parts[0]);
  muskx_access_free(fuzz_access);
  fuzz_access = NULL;
}

static int setup_dir(void) {
  if (fuzz_dir[0]) return 0;
  char cwd[200];
  if (getcwd(cwd, sizeof cwd) == NULL) return -1;
  snprintf(fuzz_dir, sizeof fuzz_dir, "/tmp/muskx-fuzz-scenario-XXXXXX");
  if (mkdtemp(fuzz_dir) == NULL) return -1;
  atexit(remove_dir);
  char path[512], target[512];
  snprintf(path, sizeof path, "%s/sub", fuzz_dir);
  if (mkdir(path, 0700) != 0) return -1;
  snprintf(path, sizeof path, "%s/small.yaml", fuzz_dir);
  FILE *f = fopen(path, "w");
  if (f == NULL) return -1;
  fputs(small_model, f);
  fclose(f);
  snprintf(path, sizeof path, "%s/models", fuzz_dir);
  snprintf(target, sizeof target, "%s/models", cwd);
  if (symlink(target, path) != 0) return -1;
  fuzz_access = muskx_access_new();
  if (fuzz_access == NULL || muskx_access_allow(fuzz_access, fuzz_dir, NULL) != MUSKX_OK)
    return -1;
  muskx_access_allow(fuzz_access, target, NULL); /* absent outside a checkout */
  return 0;
}

static void exercise(muskx_scenario *sc) {
  volatile size_t sink = strlen(muskx_scenario_id(sc)) + strlen(muskx_scenario_name(sc)) +
                         strlen(muskx_scenario_description(sc)) +
                         strlen(muskx_scenario_source(sc));
  for (int i = 0; i < muskx_scenario_reference_count(sc); i++)
    sink += strlen(muskx_scenario_reference(sc, i));
  int np = muskx_scenario_phase_count(sc);
  for (int i = 0; i < np; i++) {
    FUZZ_REQUIRE(muskx_scenario_phase_name(sc, i) != NULL);
    FUZZ_REQUIRE(muskx_scenario_phase_start(sc, i) <= muskx_scenario_phase_end(sc, i));
  }
  int nr = muskx_scenario_report_count(sc);
  for (int i = 0; i < nr; i++) sink += strlen(muskx_scenario_report_name(sc, i));
  (void)sink;
  const muskx_model *m = muskx_scenario_model(sc);
  FUZZ_REQUIRE(m != NULL);
  size_t n = muskx_scenario_sample_times(sc, NULL, 0);
  if (n == 0 || n > 2000 || muskx_model_count(m, MUSKX_SPECIES) > 8) return;
  double *times = calloc(n, sizeof *times);
  double *out = calloc(n * (size_t)(nr + 1), sizeof *out);
  muskx_sim *s = NULL;
  if (times && out && muskx_sim_create(m, &s) == MUSKX_OK) {
    FUZZ_REQUIRE(muskx_scenario_sample_times(sc, times, n) == n);
    for (size_t k = 1; k < n; k++) FUZZ_REQUIRE(times[k] >= times[k - 1]);
    muskx_sim_set_max_steps(s, FUZZ_MAX_STEPS);
    /* muskx_scenario_apply() refuses with EINVAL only a simulation of
       another model: what the loader accepted must apply (a dose that
       overflowed in its species' unit was refused only here) */
    FUZZ_REQUIRE(muskx_scenario_apply(sc, s) != MUSKX_EINVAL);
    size_t rows = 0;
    if (muskx_scenario_run(sc, s, out, n, &rows) != MUSKX_OK)
      FUZZ_REQUIRE(muskx_sim_errmsg(s)[0] != '\0');
    FUZZ_REQUIRE(rows <= n);
  }
  muskx_sim_free(s);
  free(times);
  free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536 || setup_dir() != 0) return 0;
  char path[512];
  snprintf(path, sizeof path, "%s/sub/scenario.yaml", fuzz_dir);
  FILE *f = fopen(path, "wb");
  if (f == NULL) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  muskx_scenario *sc = (muskx_scenario *)&size;
  muskx_error err;
  muskx_status st = muskx_scenario_load_file_with(path, fuzz_access, &sc, &err);
  if (st != MUSKX_OK) {
    FUZZ_REQUIRE(sc == NULL);
    FUZZ_REQUIRE(err.status == st && err.message[0] != '\0');
    FUZZ_REQUIRE(memchr(err.message, '\0', sizeof err.message) != NULL);
    return 0;
  }
  FUZZ_REQUIRE(sc != NULL);
  exercise(sc);
  muskx_scenario_free(sc);
  return 0;
}
