/*
 * bench_dose_events.c -- the solver's work per daily dose event (branch
 * dosecost): models/calibration/spaceflight/model.yaml under the pm_tptd20
 * condition (teriparatide 20 ug SC daily) from the pm_placebo steady state,
 * rtol = atol = 1e-8 as the PEtab problem, states only or with the
 * sensitivities of bench_dosing's 11 parameters.
 *
 *   bench_dose_events [--sens] DAYS [DAYS2]      (from the repository root)
 *
 * Prints CVODE's counters of a DAYS-day run (DAYS doses; the run's own
 * steady state included); with DAYS2 also the DAYS2-day run and the
 * difference per dose, (counter(DAYS2) - counter(DAYS)) / (DAYS2 - DAYS),
 * which leaves out loading, compiling and the steady state. Made for
 * callgrind: two runs `valgrind --tool=callgrind bench_dose_events 10` and
 * `... 30`, the difference of their instruction counts per function over
 * 20 is the cost of one dose (bench/NOTES.md, "What one dose event
 * costs"). Not part of `make bench`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "muskx.h"
#include "pm_tptd20.h"


static const muskx_stat STATS[] = {
    MUSKX_STAT_STEPS,      MUSKX_STAT_RHS_EVALS,      MUSKX_STAT_JAC_EVALS,
    MUSKX_STAT_LIN_SETUPS, MUSKX_STAT_NONLIN_ITERS,   MUSKX_STAT_ERR_TEST_FAILS,
    MUSKX_STAT_CONV_FAILS, MUSKX_STAT_REINITS,        MUSKX_STAT_EVENTS_FIRED};
static const char *const STAT_NAMES[] = {"steps", "rhs", "jac", "lsetups",
                                         "newton", "err_fails", "conv_fails",
                                         "restarts", "events"};
#define NSTAT ((int)(sizeof STATS / sizeof *STATS))

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One run of days days; counters into c, CPU seconds of the run into *cpu,
   BMD_spine_pct at the end into *spine. 0 or 1 (message printed). */
static int run(muskx_model *m, double days, int sens, double *c, double *cpu,
               double *spine) {
  muskx_sim *s = NULL;
  int rc = 1;
  double *out = NULL, *sv = NULL;
  if (muskx_sim_create(m, &s) != MUSKX_OK) {
    fprintf(stderr, "bench_dose_events: out of memory\n");
    return 1;
  }
  muskx_sim_set_tolerances(s, 1e-8, 1e-8);
  int np = sens ? PM_TPTD20_NSENS : 0;
  if (np > 0 && muskx_sim_set_sens_params(s, PM_TPTD20_SENS, np) != MUSKX_OK) goto done;
  for (size_t i = 0; i < (size_t)PM_TPTD20_NCOND; i += 2)
    if (muskx_sim_set(s, PM_TPTD20_COND[i], atof(PM_TPTD20_COND[i + 1])) != MUSKX_OK) goto done;
  if (muskx_sim_set(s, "tptd_dose", 0) != MUSKX_OK) goto done;
  if ((np > 0 ? muskx_sim_steady_state_sens(s, NULL, NULL)
              : muskx_sim_steady_state(s, NULL, 0)) != MUSKX_OK)
    goto done;
  if (muskx_sim_set(s, "tptd_dose", 20) != MUSKX_OK) goto done;
  int nc = muskx_sim_ncols(s), ispine = -1;
  for (int j = 0; j < nc; j++)
    if (strcmp(muskx_sim_column_name(s, j), "BMD_spine_pct") == 0) ispine = j;
  out = malloc(2 * (size_t)nc * sizeof *out);
  sv = malloc(2 * (size_t)nc * (size_t)(np + 1) * sizeof *sv);
  if (out == NULL || sv == NULL || ispine < 0) {
    fprintf(stderr, "bench_dose_events: out of memory or no BMD_spine_pct\n");
    goto done;
  }
  double times[2] = {0, days}, t0 = cpu_now();
  muskx_status st = np > 0 ? muskx_sim_run_sens(s, times, 2, out, sv)
                           : muskx_sim_run(s, times, 2, out, NULL);
  *cpu = cpu_now() - t0;
  if (st != MUSKX_OK) goto done;
  for (int k = 0; k < NSTAT; k++) c[k] = (double)muskx_sim_stat(s, STATS[k]);
  *spine = out[nc + ispine];
  rc = 0;
done:
  if (rc) fprintf(stderr, "bench_dose_events: %s\n", muskx_sim_errmsg(s));
  free(out);
  free(sv);
  muskx_sim_free(s);
  return rc;
}

static void row(const char *label, const double *c, double cpu, int per) {
  printf("%-10s cpu_s %-9.4g", label, cpu);
  for (int k = 0; k < NSTAT; k++)
    printf(per ? " %s %.1f" : " %s %.0f", STAT_NAMES[k], c[k]);
  printf("\n");
}

int main(int argc, char **argv) {
  int sens = 0, i = 1;
  if (i < argc && strcmp(argv[i], "--sens") == 0) sens = 1, i++;
  if (argc - i < 1 || argc - i > 2) {
    fprintf(stderr, "usage: bench_dose_events [--sens] DAYS [DAYS2]\n");
    return 2;
  }
  double d[2] = {atof(argv[i]), argc - i == 2 ? atof(argv[i + 1]) : -1};
  if (!(d[0] > 0) || (argc - i == 2 && !(d[1] > d[0]))) {
    fprintf(stderr, "bench_dose_events: DAYS > 0 and DAYS2 > DAYS\n");
    return 2;
  }
  muskx_model *m = pm_tptd20_load_model("bench_dose_events");
  if (m == NULL) return 1;
  double c[2][NSTAT], cpu[2], spine[2];
  int status = 0, nrun = d[1] > 0 ? 2 : 1;
  for (int r = 0; r < nrun && status == 0; r++) {
    status = run(m, d[r], sens, c[r], &cpu[r], &spine[r]);
    if (status == 0) {
      char label[32];
      snprintf(label, sizeof label, "%g_days", d[r]);
      row(label, c[r], cpu[r], 0);
      printf("%-10s BMD_spine_pct %.12g\n", "", spine[r]);
    }
  }
  if (status == 0 && nrun == 2) {
    double per[NSTAT], n = d[1] - d[0];
    for (int k = 0; k < NSTAT; k++) per[k] = (c[1][k] - c[0][k]) / n;
    row("per_dose", per, (cpu[1] - cpu[0]) / n, 1);
  }
  muskx_model_free(m);
  return status;
}
