/*
 * pm_tptd20.h -- the pm_tptd20 condition of
 * models/calibration/spaceflight/conditions.tsv as (name, value) pairs of
 * the PEtab wrapper's parameters (pm_placebo is the same with tptd_dose =
 * 0), and the 11 parameters its forward sensitivities follow in the
 * benches (bench_dosing.c, bench_dose_events.c).
 */
#ifndef MUSKX_BENCH_PM_TPTD20_H
#define MUSKX_BENCH_PM_TPTD20_H

#include <stdio.h>

#include "muskx.h"

static const char *const PM_TPTD20_COND[] = {
    "loading_c", "1", "bedrest_c", "0", "exercise_resistive_c", "0",
    "exercise_aerobic_c", "0", "postmenopausal", "1", "dmab_dose", "0",
    "romo_dose", "0", "aln_dose", "0", "t_land_c", "1e9", "dmab_n", "20",
    "calcium_intake_c", "1700", "exercise_sessions_c", "0.857142857142857",
    "exercise_cycles_c", "100"};
#define PM_TPTD20_NCOND ((int)(sizeof PM_TPTD20_COND / sizeof *PM_TPTD20_COND))

static const char *const PM_TPTD20_SENS[] = {
    "h_aoc", "f_wb_c", "turnover_t", "f_wb_spine", "g_syn_M", "kappa_R",
    "g_ocp", "kappa_B", "phi_hip_e", "g_wnt_rankl", "g_tptd"};
#define PM_TPTD20_NSENS ((int)(sizeof PM_TPTD20_SENS / sizeof *PM_TPTD20_SENS))

/* The PEtab wrapper model these conditions set (run from the repository
   root); NULL after printing why, prefixed by prog. */
static inline muskx_model *pm_tptd20_load_model(const char *prog) {
  muskx_model *m = NULL;
  muskx_error err;
  char msg[512];
  muskx_access *acc = muskx_access_new();
  if (acc == NULL || muskx_access_allow(acc, "models", &err) != MUSKX_OK ||
      muskx_model_load_file_with("models/calibration/spaceflight/model.yaml",
                                 acc, &m, &err) != MUSKX_OK) {
    fprintf(stderr, "%s: %s (run from the repository root)\n", prog,
            acc ? muskx_error_format(&err, msg, sizeof msg) : "out of memory");
    m = NULL;
  }
  muskx_access_free(acc);
  return m;
}

#endif
