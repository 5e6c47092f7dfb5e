/*
 * dose_finding.c -- scan a drug's dose and dosing interval and report the
 * smallest regimen that keeps weight-bearing BMD loss under a threshold.
 *
 * Question: on a 6-month ISS increment WITHOUT exercise (say the exercise
 * device fails), which romosozumab regimen keeps the loss of
 * weight-bearing BMD at landing under 2 %? "Smallest" is the least drug
 * in total over the flight (dose x number of doses); ties go to the
 * longer interval (fewer injections).
 *
 * Shows: one simulation reused for many runs (muskx_sim_reset,
 * muskx_sim_clear_doses), a steady state computed once and reused
 * (muskx_sim_steady_state fills y; muskx_sim_set_initial_index puts it
 * back after each reset), input tables and repeated doses
 * (muskx_sim_add_dose with every/count).
 *
 * Doses: 70-280 mg SC into romo.Romo_depot (times F_romo) every 14, 28 or
 * 56 days from launch (day 30) while in flight (until day 212.6).
 *
 *   build/examples/dose_finding [MODEL [THRESHOLD_PCT]]
 */
#include <stdio.h>
#include <stdlib.h>

#include "muskx.h"

#define MONTH 30.4375
#define T_LAUNCH 30.0
#define T_LAND (T_LAUNCH + 6 * MONTH)

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "models/crosstalk/spaceflight.yaml";
  double threshold = argc > 2 ? atof(argv[2]) : 2.0;
  static const double doses[] = {70, 105, 140, 210, 280};
  static const double intervals[] = {56, 28, 14};
  const double tl[3] = {0, T_LAUNCH, T_LAND}, load[3] = {1, 0, 1};
  const double times[2] = {0, T_LAND};
  muskx_model *m = NULL;
  muskx_sim *sim = NULL;
  muskx_error err;
  char msg[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 32];
  double *rows = NULL, *y0 = NULL;
  int status = 1;

  printf("dose_finding: smallest romosozumab regimen keeping weight-bearing "
         "BMD loss\nat landing under %.1f %% on a 6-month flight without "
         "exercise\n\n", threshold);
  /* The model imports its modules from sibling folders (../drugs), so
     the load may read all of models/ (muskx(3), File access). */
  muskx_access *access = muskx_access_new();
  muskx_status st = access == NULL ? MUSKX_ENOMEM
                    : muskx_access_allow(access, "models", &err);
  if (st == MUSKX_OK) st = muskx_model_load_file_with(path, access, &m, &err);
  muskx_access_free(access);
  if (st != MUSKX_OK) {
    fprintf(stderr, "%s\n", muskx_error_format(&err, msg, sizeof msg));
    return 1;
  }
  int ns = muskx_model_count(m, MUSKX_SPECIES);
  int fi = muskx_model_find(m, MUSKX_PARAMETER, "F_romo");
  int bmd = muskx_model_find(m, MUSKX_OUTPUT, "BMD_wb_pct");
  if (fi < 0 || bmd < 0 || muskx_model_find(m, MUSKX_SPECIES, "romo.Romo_depot") < 0) {
    fprintf(stderr, "%s: needs F_romo, BMD_wb_pct and romo.Romo_depot\n", path);
    goto done;
  }
  bmd += ns;
  double F = muskx_model_default(m, MUSKX_PARAMETER, fi);
  if (muskx_sim_create(m, &sim) != MUSKX_OK) goto done;
  int nc = muskx_sim_ncols(sim);
  rows = malloc(2 * (size_t)nc * sizeof *rows);
  y0 = malloc((size_t)ns * sizeof *y0);
  if (rows == NULL || y0 == NULL) goto done;
  if (muskx_sim_steady_state(sim, y0, (size_t)ns) != MUSKX_OK) {
    fprintf(stderr, "%s\n", muskx_sim_errmsg(sim));
    goto done;
  }

  double best_total = 0, best_dose = 0, best_every = 0, best_bmd = 0;
  printf("%10s", "dose \\ every");
  for (size_t j = 0; j < sizeof intervals / sizeof intervals[0]; j++)
    printf(" %9.0f d", intervals[j]);
  printf("   (BMD change at landing, %%)\n");
  for (size_t i = 0; i < sizeof doses / sizeof doses[0]; i++) {
    printf("%9.0f mg", doses[i]);
    for (size_t j = 0; j < sizeof intervals / sizeof intervals[0]; j++) {
      /* Doses from launch while in flight (inclusive of landing day). */
      int count = (int)((T_LAND - T_LAUNCH) / intervals[j]) + 1;
      muskx_sim_reset(sim);
      for (int k = 0; k < ns; k++) muskx_sim_set_initial_index(sim, k, y0[k]);
      if (muskx_sim_set_input_table(sim, "loading", tl, load, 3,
                                    MUSKX_INTERP_STEP) != MUSKX_OK ||
          muskx_sim_add_dose(sim, "romo.Romo_depot", T_LAUNCH, doses[i] * F,
                             intervals[j], count) != MUSKX_OK ||
          muskx_sim_run(sim, times, 2, rows, NULL) != MUSKX_OK) {
        fprintf(stderr, "\n%s\n", muskx_sim_errmsg(sim));
        goto done;
      }
      double b = rows[nc + bmd], total = doses[i] * count;
      int ok = b > -threshold;
      printf(" %9.2f%s", b, ok ? "*" : " ");
      if (ok && (best_total == 0 || total < best_total ||
                 (total == best_total && intervals[j] > best_every))) {
        best_total = total;
        best_dose = doses[i];
        best_every = intervals[j];
        best_bmd = b;
      }
    }
    printf("\n");
  }
  printf("\n* loss under %.1f %%\n", threshold);
  if (best_total > 0)
    printf("smallest regimen: %.0f mg every %.0f days (%.0f mg in flight), "
           "BMD %.2f %% at landing\n", best_dose, best_every, best_total,
           best_bmd);
  else
    printf("no regimen in the scan keeps the loss under %.1f %%\n", threshold);
  status = 0;
done:
  free(rows);
  free(y0);
  muskx_sim_free(sim);
  muskx_model_free(m);
  return status;
}
