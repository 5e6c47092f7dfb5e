/*
 * ens_plot.h -- `muskx ensemble --plot PNG`: quantile bands per reported
 * column (ens_plot.c), from the quantiles cli_ens_write() computes.
 */
#ifndef MUSKX_ENS_PLOT_H
#define MUSKX_ENS_PLOT_H

#include "cmd_ensemble.h"

/* Draws job->plot (if set) from q: the 5, 25, 50, 75 and 95 % blocks of
   ntimes x ncols values. 0, or -1 after printing why; a missing gnuplot
   is reported and is not an error. */
int cli_ens_plot(const cli_ens *job, const double *q);

#endif
