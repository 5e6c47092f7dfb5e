/*
 * cmd_ensemble.h -- `muskx ensemble` split into the steps that muskx-mpi
 * (mpi/muskx_mpi.c) shares with it: parse and set up, run a range of
 * samples, write the results. Both programs write through
 * cli_ens_write() from the same arrays, so for one seed their files are
 * byte for byte the same.
 */
#ifndef MUSKX_CMD_ENSEMBLE_H
#define MUSKX_CMD_ENSEMBLE_H

#include <stddef.h>

#include "cli.h"

extern const cli_command cli_cmd_ensemble;

/* A parsed and prepared ensemble. */
typedef struct cli_ens {
  const char *path;     /* SCENARIO_OR_MODEL as given */
  muskx_scenario *sc;   /* a scenario, or NULL for a plain model */
  muskx_model *own;     /* the model when loaded directly */
  const muskx_model *m; /* the model in use */
  muskx_ensemble *ens;
  double *times;
  size_t ntimes;
  size_t nsamples;
  size_t first; /* the first sample this process ran (muskx-mpi ranks) */
  unsigned long long seed;
  long threads; /* 0: one per processor */
  int quiet;
  const char *output;      /* quantiles CSV; NULL or "-": stdout */
  const char *samples_out; /* per-sample CSV, or NULL */
  const char *summaries_out; /* per-member summaries CSV, or NULL */
  const char *plot;          /* quantile-band PNG, or NULL */
  void *priv;              /* options kept for the setup hook */
  const char **threshold_args; /* --threshold, as given */
  size_t nthresholds;
  struct cli_threshold *thresholds; /* resolved (ens_threshold.h) */
} cli_ens;

/*
 * Parses argv (argv[0] is the command's name), loads the model or
 * scenario and configures job->ens. Returns -1 to go on, or an exit
 * status after printing why (or the help).
 */
int cli_ens_prepare(cli_ens *job, const cli_command *self, int argc,
                    char **argv);
/* The progress bar: ctx is the cli_ens; draws on stderr when it is a
   terminal and not --quiet. */
void cli_ens_progress(void *ctx, size_t done, size_t total);
/* Prints up to a few failure messages of the samples job->ens ran. */
void cli_ens_report_failures(const cli_ens *job);
/*
 * Writes the quantiles CSV (-o) and the per-sample CSV (--samples-out)
 * of samples 0 .. count-1: traj is count blocks of ntimes x ncols values,
 * values count rows of nvaried values, status count codes. 0, or -1 after
 * printing why.
 */
int cli_ens_write(const cli_ens *job, const double *traj,
                  const double *values, const int *status, size_t count);
void cli_ens_free(cli_ens *job);

#endif
