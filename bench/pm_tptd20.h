/*
 * pm_tptd20.h -- the pm_tptd20 condition of
 * models/calibration/spaceflight/conditions.tsv as (name, value) pairs of
 * the PEtab wrapper's parameters (pm_placebo is the same with tptd_dose =
 * 0), and the 11 parameters its forward sensitivities follow in the
 * benches (bench_dosing.c, bench_dose_events.c).
 */
#ifndef MUSKX_BENCH_PM_TPTD20_H
#define MUSKX_BENCH_PM_TPTD20_H

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

#endif
