/*
 * mars_mission.c -- a ~30-month Mars mission through the scenario API:
 * load scenarios/mars_mission.yaml (transit at 0 g, 18 months on the
 * surface at 0.38 g, transit back, 12 months of recovery, exercise), run
 * it, and print the library's summary per phase.
 *
 * Shows: muskx_scenario_load_file (the scenario loads its model; every
 * name is checked against it), muskx_scenario_run (steady Earth baseline,
 * input tables and doses built from the phases and countermeasures),
 * muskx_summary_compute / muskx_summary_get (the numbers `muskx run`
 * prints), and muskx_scenario_set, the library side of `--set`: the same
 * mission again with w_res, the bone-loading worth of resistive exercise,
 * doubled (what a better exercise device would buy, if the model's
 * assumption that its effect scales with w_res holds).
 *
 *   build/examples/mars_mission [SCENARIO]
 */
#include <stdio.h>
#include <stdlib.h>

#include "muskx.h"

/* Runs sc and prints BMD and muscle at the end of every phase; 0 or -1. */
static int run_and_print(muskx_scenario *sc, const char *label) {
  muskx_sim *sim = NULL;
  muskx_summary *sum = NULL;
  size_t n = muskx_scenario_sample_times(sc, NULL, 0);
  int nc = muskx_scenario_report_count(sc), status = -1;
  double *t = malloc(n * sizeof *t), *v = malloc(n * (size_t)nc * sizeof *v);
  if (t == NULL || v == NULL) goto done;
  muskx_scenario_sample_times(sc, t, n);
  if (muskx_sim_create(muskx_scenario_model(sc), &sim) != MUSKX_OK) goto done;
  if (muskx_scenario_run(sc, sim, v, n, NULL) != MUSKX_OK) {
    fprintf(stderr, "%s\n", muskx_sim_errmsg(sim));
    goto done;
  }
  if (muskx_summary_compute(sc, t, v, n, &sum) != MUSKX_OK) goto done;
  printf("%s\n%-14s %8s", label, "phase", "ends day");
  for (int c = 0; c < nc && c < 3; c++)
    printf(" %18s", muskx_scenario_report_name(sc, c));
  printf("\n");
  for (int p = 0; p < muskx_scenario_phase_count(sc); p++) {
    printf("%-14s %8.0f", muskx_scenario_phase_name(sc, p),
           muskx_scenario_phase_end(sc, p));
    for (int c = 0; c < nc && c < 3; c++)
      printf(" %18.2f", muskx_summary_get(sum, MUSKX_SUMMARY_END, c, p));
    printf("\n");
  }
  int rp = muskx_scenario_recovery_phase(sc);
  printf("lowest weight-bearing BMD %.2f %% on day %.0f; half of the loss at "
         "the end of '%s' regained %.0f days later\n\n",
         muskx_summary_get(sum, MUSKX_SUMMARY_TROUGH, 0, -1),
         muskx_summary_get(sum, MUSKX_SUMMARY_TROUGH_TIME, 0, -1),
         muskx_scenario_phase_name(sc, rp),
         muskx_summary_get(sum, MUSKX_SUMMARY_HALF_RECOVERY, 0, -1));
  status = 0;
done:
  muskx_summary_free(sum);
  muskx_sim_free(sim);
  free(t);
  free(v);
  return status;
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "scenarios/mars_mission.yaml";
  muskx_scenario *sc = NULL;
  muskx_error err;
  char msg[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 32];
  int status = 1;

  printf("mars_mission: a conjunction-class Mars mission from %s,\n"
         "then the same mission with resistive exercise worth twice as "
         "much bone loading\n\n", path);
  /* The model imports its modules from sibling folders (../drugs), so
     the load may read all of models/ (muskx(3), File access). */
  muskx_access *access = muskx_access_new();
  muskx_status st = access == NULL ? MUSKX_ENOMEM
                    : muskx_access_allow(access, "models", &err);
  if (st == MUSKX_OK) st = muskx_scenario_load_file_with(path, access, &sc, &err);
  muskx_access_free(access);
  if (st != MUSKX_OK) {
    fprintf(stderr, "%s\n", muskx_error_format(&err, msg, sizeof msg));
    return 1;
  }
  printf("%s\n  %s\n", muskx_scenario_name(sc), muskx_scenario_description(sc));
  if (run_and_print(sc, "as written (change from day 0, %):") != 0) goto done;
  const muskx_model *m = muskx_scenario_model(sc);
  int w = muskx_model_find(m, MUSKX_PARAMETER, "w_res");
  if (w < 0) {
    status = 0; /* another model: nothing to double */
    goto done;
  }
  double w_res = muskx_model_default(m, MUSKX_PARAMETER, w);
  if (muskx_scenario_set(sc, "w_res", 2 * w_res) != MUSKX_OK) {
    fprintf(stderr, "%s\n", muskx_scenario_errmsg(sc));
    goto done;
  }
  char label[96];
  snprintf(label, sizeof label, "with w_res = %g instead of %g:", 2 * w_res,
           w_res);
  if (run_and_print(sc, label) != 0) goto done;
  status = 0;
done:
  muskx_scenario_free(sc);
  return status;
}
