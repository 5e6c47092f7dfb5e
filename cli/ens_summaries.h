/*
 * ens_summaries.h -- `muskx ensemble --summaries FILE`: per-member
 * summaries (landing loss, trough, half-recovery) of a scenario ensemble
 * (ens_summaries.c). Shared by muskx and muskx-mpi via cli_ens_write().
 */
#ifndef MUSKX_ENS_SUMMARIES_H
#define MUSKX_ENS_SUMMARIES_H

#include "cmd_ensemble.h"

/* Checks before the run that the summaries can be written. -1 to go on,
   or an exit status after printing why. */
int cli_summaries_check(const cli_ens *job, const cli_command *self);
/* Writes the table for samples 0..count-1. 0, or -1 after printing why. */
int cli_summaries_write(const cli_ens *job, const double *traj,
                        const int *status, size_t count);

#endif
