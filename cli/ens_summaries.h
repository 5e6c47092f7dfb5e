/*
 * ens_summaries.h -- `muskx ensemble --summaries FILE`: per-member
 * summaries (landing loss, trough, half-recovery) of a scenario ensemble
 * (ens_summaries.c). Shared by muskx and muskx-mpi via the member records of ens_output.c.
 */
#ifndef MUSKX_ENS_SUMMARIES_H
#define MUSKX_ENS_SUMMARIES_H

#include "cmd_ensemble.h"

/* Checks before the run that the summaries can be written. -1 to go on,
   or an exit status after printing why. */
int cli_summaries_check(const cli_ens *job, const cli_command *self);
/* Values per member row: 4 per column, or 0 without --summaries. */
size_t cli_summaries_nstats(const cli_ens *job);
/* The header line of the table. */
int cli_summaries_header(const cli_ens *job, FILE *fp);
/* One member's statistics into out (cli_summaries_nstats() values; NaN
   when !ok). 0, or -1 out of memory. */
int cli_summaries_compute(const cli_ens *job, int ok, const double *traj,
                          double *out);
/* One row of the table. */
void cli_summaries_row(const cli_ens *job, FILE *fp, size_t sample,
                       int status, const double *stats_of);

#endif
