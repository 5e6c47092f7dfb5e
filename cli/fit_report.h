/*
 * fit_report.h -- what `muskx fit` writes about a finished muskx_fit
 * (cli/fit_report.c): every start's result (TSV), the waterfall plot, the
 * profiles (TSV and plot), the summary lines and the progress line. They
 * know the fit and the parameters' names only, not where the problem came
 * from.
 */
#ifndef MUSKX_CLI_FIT_REPORT_H
#define MUSKX_CLI_FIT_REPORT_H

#include <stdio.h>

#include "muskx.h"

/* Each returns 0, or -1 after printing why; plots return 1 when gnuplot
   is missing (after saying so). names: muskx_fit_nparams() ids. */

/* starts.tsv: start, nllh, exit, iterations, evaluations, the final
   parameters (from thetas, nstarts x n, when not NULL: what the fit's
   results become once closed-form parameters are filled in), then the
   starting point (start_<id>); by start index. */
int cli_fit_write_starts(const muskx_fit *f, const char *const *names,
                         const double *thetas, const char *path);
/* The waterfall plot: nllh of the starts sorted, best first, the starts
   within `tol` of the best marked. */
int cli_fit_plot_waterfall(const muskx_fit *f, double tol, const char *path,
                           const char *title);
/* profiles.tsv: parameter, value, nllh, delta_nllh; then the intervals
   in a second table, profile_ci.tsv. */
int cli_fit_write_profiles(const muskx_fit *f, const char *const *names,
                           const char *points_path, const char *ci_path);
/* One panel per parameter: delta nllh against the value, the threshold
   and the interval. */
int cli_fit_plot_profiles(const muskx_fit *f, const char *const *names,
                          double threshold, const char *path,
                          const char *title);
/* Prints, per parameter, its interval or "not identifiable" (which
   side). */
void cli_fit_print_profiles(FILE *fp, const muskx_fit *f,
                            const char *const *names);
/* AIC = 2 k + 2 nllh and BIC = k ln(n) + 2 nllh of the best start, for
   k estimated parameters and n data points. */
double cli_fit_aic(double nllh, int k);
double cli_fit_bic(double nllh, int k, int n);

/* fit.png: each observable's data (points) and the simulation at theta
   (lines, per condition) in one panel (cli/fit_obs_plot.c). */
int cli_fit_plot_observables(const muskx_petab *pb, muskx_sim *sim,
                             const double *theta, const char *path,
                             const char *title);

/* A muskx_progress_fn: a one-line progress on stderr when it is a
   terminal; ctx is the const char * noun ("starts", "profiles"). */
void cli_fit_progress(void *ctx, size_t done, size_t total);

#endif
