/*
 * embed_minimal.c -- the smallest embedding of libmuskx: load a model,
 * simulate it, print the result.
 *
 * Shows: muskx_model_load_file (errors as "file:line:col: message"),
 * muskx_sim_create, muskx_sim_steady_state (start from the Earth baseline),
 * muskx_sim_set_input (switch gravity off), muskx_sim_run and reading an
 * output column (species come first, then outputs, in file order).
 *
 * Model: models/crosstalk/spaceflight.yaml (time in days). Protocol: the
 * steady state at loading = 1 (Earth), then 180 days at loading = 0
 * (microgravity, no countermeasure). Prints weight-bearing BMD and muscle
 * mass change every 30 days.
 *
 *   build/examples/embed_minimal [MODEL]
 */
#include <stdio.h>
#include <stdlib.h>

#include "muskx.h"

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "models/crosstalk/spaceflight.yaml";
  muskx_model *model = NULL;
  muskx_sim *sim = NULL;
  muskx_error err;
  char msg[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 32];
  double times[7], *rows = NULL;
  int status = 1;

  printf("embed_minimal: load %s, start at the Earth steady state, "
         "simulate 180 days of microgravity\n\n", path);
  /* The model imports its modules from sibling folders (../drugs), so
     the load may read all of models/ (muskx(3), File access). */
  muskx_access *access = muskx_access_new();
  muskx_status st = access == NULL ? MUSKX_ENOMEM
                    : muskx_access_allow(access, "models", &err);
  if (st == MUSKX_OK) st = muskx_model_load_file_with(path, access, &model, &err);
  muskx_access_free(access);
  if (st != MUSKX_OK) {
    fprintf(stderr, "%s\n", muskx_error_format(&err, msg, sizeof msg));
    return 1;
  }
  if (muskx_sim_create(model, &sim) != MUSKX_OK) goto done;
  if (muskx_sim_steady_state(sim, NULL, 0) != MUSKX_OK ||
      muskx_sim_set_input(sim, "loading", 0.0) != MUSKX_OK) {
    fprintf(stderr, "%s\n", muskx_sim_errmsg(sim));
    goto done;
  }
  for (int i = 0; i < 7; i++) times[i] = 30.0 * i;
  int ncols = muskx_sim_ncols(sim);
  rows = malloc(7 * (size_t)ncols * sizeof *rows);
  if (rows == NULL) goto done;
  if (muskx_sim_run(sim, times, 7, rows, NULL) != MUSKX_OK) {
    fprintf(stderr, "%s\n", muskx_sim_errmsg(sim));
    goto done;
  }
  int nsp = muskx_model_count(model, MUSKX_SPECIES);
  int bmd = nsp + muskx_model_find(model, MUSKX_OUTPUT, "BMD_wb_pct");
  int mus = nsp + muskx_model_find(model, MUSKX_OUTPUT, "muscle_pct");
  if (bmd < nsp || mus < nsp) {
    fprintf(stderr, "%s: no outputs BMD_wb_pct and muscle_pct\n", path);
    goto done;
  }
  printf("%6s %22s %14s\n", "day", "weight-bearing BMD %", "muscle %");
  for (int i = 0; i < 7; i++)
    printf("%6.0f %22.2f %14.2f\n", times[i], rows[i * ncols + bmd],
           rows[i * ncols + mus]);
  status = 0;
done:
  free(rows);
  muskx_sim_free(sim);
  muskx_model_free(model);
  return status;
}
