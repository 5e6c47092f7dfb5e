/*
 * iss_countermeasures.c -- the ISS countermeasure what-if built with the C
 * API alone, without a scenario file: what exercise, and exercise plus a
 * bone drug, buy during a 6-month increment.
 *
 * Shows: input tables (muskx_sim_set_input_table, step interpolation) for
 * the mission timeline and the exercise protocol, doses
 * (muskx_sim_add_dose), reading a parameter's default
 * (muskx_model_default) for the bioavailability, and reusing one
 * simulation for several arms (muskx_sim_reset between them).
 *
 * Timeline (days): 0-30 preflight (loading 1), 30-212.6 flight (loading 0,
 * 6 months of 30.4375 d), 212.6-577.9 recovery (loading 1). Arms:
 *   none        no countermeasure
 *   exercise    resistive and aerobic exercise 6 days a week in flight:
 *               daily-averaged dose 6/7 on exercise_resistive and
 *               exercise_aerobic (the rule of muskx-scenario(5))
 *   + romo      exercise + romosozumab 210 mg SC every month, 6 doses
 *               (FRAME trial regimen) into romo.Romo_depot, times F_romo
 *   + dmab      exercise + denosumab 60 mg SC once at launch (FREEDOM:
 *               every 6 months) into dmab.Dmab_depot, times F_dmab
 * The same arms, as files, are scenarios/iss_*.yaml.
 *
 *   build/examples/iss_countermeasures [MODEL]
 */
#include <stdio.h>
#include <stdlib.h>

#include "muskx.h"

#define MONTH 30.4375
#define T_LAUNCH 30.0
#define T_LAND (T_LAUNCH + 6 * MONTH)
#define T_END (T_LAND + 12 * MONTH)

typedef struct arm {
  const char *name;
  int exercise;
  double romo_mg, dmab_mg;
} arm;

static double param(const muskx_model *m, const char *name) {
  return muskx_model_default(m, MUSKX_PARAMETER,
                             muskx_model_find(m, MUSKX_PARAMETER, name));
}

/* Configures sim for one arm; 0 or -1. */
static int setup(muskx_sim *sim, const muskx_model *m, const arm *a) {
  const double t[3] = {0, T_LAUNCH, T_LAND};
  const double loading[3] = {1, 0, 1};
  const double ex = a->exercise ? 6.0 / 7.0 : 0.0;
  const double exercise[3] = {0, ex, 0};
  if (muskx_sim_reset(sim) != MUSKX_OK ||
      muskx_sim_steady_state(sim, NULL, 0) != MUSKX_OK || /* Earth */
      muskx_sim_set_input_table(sim, "loading", t, loading, 3,
                                MUSKX_INTERP_STEP) != MUSKX_OK ||
      muskx_sim_set_input_table(sim, "exercise_resistive", t, exercise, 3,
                                MUSKX_INTERP_STEP) != MUSKX_OK ||
      muskx_sim_set_input_table(sim, "exercise_aerobic", t, exercise, 3,
                                MUSKX_INTERP_STEP) != MUSKX_OK)
    return -1;
  if (a->romo_mg > 0 &&
      muskx_sim_add_dose(sim, "romo.Romo_depot", T_LAUNCH,
                         a->romo_mg * param(m, "F_romo"), MONTH,
                         6) != MUSKX_OK)
    return -1;
  if (a->dmab_mg > 0 &&
      muskx_sim_add_dose(sim, "dmab.Dmab_depot", T_LAUNCH,
                         a->dmab_mg * param(m, "F_dmab"), 0, 1) != MUSKX_OK)
    return -1;
  return 0;
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "models/crosstalk/spaceflight.yaml";
  static const arm arms[] = {{"none", 0, 0, 0},
                             {"exercise", 1, 0, 0},
                             {"exercise + romosozumab", 1, 210, 0},
                             {"exercise + denosumab", 1, 0, 60}};
  const double times[3] = {0, T_LAND, T_END};
  muskx_model *m = NULL;
  muskx_sim *sim = NULL;
  muskx_error err;
  char msg[MUSKX_ERROR_MESSAGE_MAX + MUSKX_ERROR_FILE_MAX + 32];
  double *rows = NULL;
  int status = 1;

  printf("iss_countermeasures: a 6-month ISS increment and 12 months of "
         "recovery,\nfour countermeasure arms built with input tables and "
         "doses (no scenario file)\n\n");
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
  if (muskx_sim_create(m, &sim) != MUSKX_OK) goto done;
  int nc = muskx_sim_ncols(sim), ns = muskx_model_count(m, MUSKX_SPECIES);
  int bmd = ns + muskx_model_find(m, MUSKX_OUTPUT, "BMD_wb_pct");
  int wbd = ns + muskx_model_find(m, MUSKX_OUTPUT, "BMD_wholebody_pct");
  int mus = ns + muskx_model_find(m, MUSKX_OUTPUT, "muscle_pct");
  rows = malloc(3 * (size_t)nc * sizeof *rows);
  if (rows == NULL) goto done;
  printf("%-24s %-28s %-28s\n", "", "at landing (day 212.6)",
         "after 12 months recovery");
  printf("%-24s %9s %9s %8s %9s %9s %8s\n", "arm", "WB BMD%", "body BMD%",
         "muscle%", "WB BMD%", "body BMD%", "muscle%");
  for (size_t i = 0; i < sizeof arms / sizeof arms[0]; i++) {
    if (setup(sim, m, &arms[i]) != 0 ||
        muskx_sim_run(sim, times, 3, rows, NULL) != MUSKX_OK) {
      fprintf(stderr, "%s: %s\n", arms[i].name, muskx_sim_errmsg(sim));
      goto done;
    }
    const double *l = rows + nc, *e = rows + 2 * nc;
    printf("%-24s %9.2f %9.2f %8.2f %9.2f %9.2f %8.2f\n", arms[i].name,
           l[bmd], l[wbd], l[mus], e[bmd], e[wbd], e[mus]);
  }
  printf("\nWB = weight-bearing, trabecular-rich sites; body = whole body.\n");
  status = 0;
done:
  free(rows);
  muskx_sim_free(sim);
  muskx_model_free(m);
  return status;
}
