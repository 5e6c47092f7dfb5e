/*
 * ens_summaries.c -- `muskx ensemble --summaries FILE`: one row per member
 * of a scenario ensemble with what a flight surgeon reads off each
 * trajectory (issue 19): per reported column the loss at landing (shown
 * value at the end of the phase that starts recovery minus the baseline),
 * the trough and its day, and the days after landing until it is back
 * half way (muskx_summary_compute(), as `muskx run` summarises one run).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ens_summaries.h"

static const struct {
  muskx_summary_stat what;
  const char *suffix;
} stats[] = {
    {MUSKX_SUMMARY_LOSS, "landing_loss"},
    {MUSKX_SUMMARY_TROUGH, "trough"},
    {MUSKX_SUMMARY_TROUGH_TIME, "trough_day"},
    {MUSKX_SUMMARY_HALF_RECOVERY, "half_recovery_days"},
};
#define NSTATS (sizeof stats / sizeof stats[0])

int cli_summaries_check(const cli_ens *job, const cli_command *self) {
  if (job->summaries_out == NULL) return -1;
  if (job->sc == NULL)
    return cli_usage_error(self, "--summaries needs a scenario (its phases "
                           "say where landing is)");
  int nr = muskx_scenario_report_count(job->sc);
  int same = muskx_ensemble_ncols(job->ens) == nr;
  for (int c = 0; same && c < nr; c++)
    same = muskx_ensemble_column_name(job->ens, c) ==
               muskx_scenario_report_name(job->sc, c) ||
           strcmp(muskx_ensemble_column_name(job->ens, c),
                  muskx_scenario_report_name(job->sc, c)) == 0;
  if (!same)
    return cli_usage_error(self, "--summaries uses the scenario's reported "
                           "columns: leave out --columns");
  return cli_out_probe(job->summaries_out) != 0 ? CLI_EXIT_FAIL : -1;
}

size_t cli_summaries_nstats(const cli_ens *job) {
  return job->summaries_out == NULL
             ? 0
             : NSTATS * (size_t)muskx_ensemble_ncols(job->ens);
}

int cli_summaries_header(const cli_ens *job, FILE *fp) {
  int ncols = muskx_ensemble_ncols(job->ens);
  fputs("sample,status", fp);
  for (int c = 0; c < ncols; c++)
    for (size_t k = 0; k < NSTATS; k++) {
      char name[600];
      snprintf(name, sizeof name, "%s_%s",
               muskx_ensemble_column_name(job->ens, c), stats[k].suffix);
      fputc(',', fp);
      cli_csv_field(fp, name);
    }
  fputc('\n', fp);
  return 0;
}

int cli_summaries_compute(const cli_ens *job, int ok, const double *traj,
                          double *out) {
  int ncols = muskx_ensemble_ncols(job->ens);
  muskx_summary *sum = NULL;
  if (job->summaries_out == NULL) return 0;
  if (ok && muskx_summary_compute(job->sc, job->times, traj, job->ntimes,
                                  &sum) != MUSKX_OK)
    return -1;
  for (int c = 0; c < ncols; c++)
    for (size_t k = 0; k < NSTATS; k++)
      out[(size_t)c * NSTATS + k] =
          sum != NULL ? muskx_summary_get(sum, stats[k].what, c, -1) : NAN;
  muskx_summary_free(sum);
  return 0;
}

void cli_summaries_row(const cli_ens *job, FILE *fp, size_t sample,
                       int status, const double *stats_of) {
  char buf[CLI_NUMBUF];
  size_t n = cli_summaries_nstats(job);
  fprintf(fp, "%zu,%s", sample,
          status == MUSKX_OK ? "ok" : muskx_status_name((muskx_status)status));
  for (size_t i = 0; i < n; i++) {
    fputc(',', fp);
    fputs(cli_format_double(stats_of[i], buf), fp);
  }
  fputc('\n', fp);
}
