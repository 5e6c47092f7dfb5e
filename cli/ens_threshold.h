/*
 * ens_threshold.h -- `muskx ensemble --threshold 'NAME@WHEN<VALUE'`: the
 * fraction of a population whose column crosses a value at a time of the
 * scenario, with a Wilson score interval (issue 19). Shared by muskx and
 * muskx-mpi through the member records of ens_output.c.
 */
#ifndef MUSKX_ENS_THRESHOLD_H
#define MUSKX_ENS_THRESHOLD_H

#include "cmd_ensemble.h"
#include "phase_point.h"

typedef struct cli_threshold {
  cli_phase_point at;
  int op;       /* '<', '>', 'l' (<=), 'g' (>=) */
  double value;
  int col;      /* kept column */
  size_t row;   /* sample time */
  size_t n, x;  /* members counted, and those crossing */
} cli_threshold;

/* Resolves job->threshold_args against the scenario, the kept columns and
   the sample times into job->thresholds. -1 to go on, or an exit status
   after a usage error. */
int cli_thresholds_prepare(cli_ens *job, const cli_command *self);
/* Threshold i's value in one member's trajectory (ntimes x ncols). */
double cli_threshold_value(const cli_ens *job, size_t i, const double *traj);
/* Counts one member's value v for threshold i (NaN: it failed). */
void cli_thresholds_count(cli_ens *job, size_t i, double v);
/* Prints each threshold's answer on stderr from the counts. */
void cli_thresholds_report(const cli_ens *job);
void cli_thresholds_free(cli_ens *job);

#endif
