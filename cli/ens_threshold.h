/*
 * ens_threshold.h -- `muskx ensemble --threshold 'NAME@WHEN<VALUE'`: the
 * fraction of a population whose column crosses a value at a time of the
 * scenario, with a Wilson score interval (issue 19). Shared by muskx and
 * muskx-mpi through cli_ens_write().
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
} cli_threshold;

/* Resolves job->threshold_args against the scenario, the kept columns and
   the sample times into job->thresholds. -1 to go on, or an exit status
   after a usage error. */
int cli_thresholds_prepare(cli_ens *job, const cli_command *self);
/* Prints each threshold's answer on stderr for samples 0..count-1 (traj
   and status as cli_ens_write() gets them). */
void cli_thresholds_report(const cli_ens *job, const double *traj,
                           const int *status, size_t count);
void cli_thresholds_free(cli_ens *job);

#endif
