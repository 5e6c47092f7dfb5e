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
   in a second table, profile_ci.tsv: parameter, lower, upper,
   identifiable (yes: both sides crossed the threshold; no: a side reached
   its bound below it; unfinished: neither, a side ran out of
   --profile-points, failed or was stopped), lower_end, upper_end (each
   side's muskx_fit_side_end_name()). */
int cli_fit_write_profiles(const muskx_fit *f, const char *const *names,
                           const char *points_path, const char *ci_path);
/* profiles.partial.tsv (issue 17): the profile points as the library
   takes them (muskx_fit_set_profile_callback), in profiles.tsv's columns
   and format, one line per point, flushed after each, so a run that is
   killed keeps every point it finished. Each parameter's first line is
   its optimum (delta_nllh 0), then its two sides' points interleaved in
   the order they were taken. A crossing's bracket end may come twice,
   the later line with the lower nllh its closing re-check found: the
   later line counts (tests/calibration/calibrate.py reads it so). */
typedef struct cli_fit_partial {
  FILE *fp;
  const char *path;
  const char *const *names;
  double best;      /* the best start's nllh: delta_nllh's origin */
  long written;     /* points written */
  int err;          /* errno of a failed write (the run then stops) */
} cli_fit_partial;
/* Creates (truncates) path with the header line; 0, or -1 after saying
   why. */
int cli_fit_partial_open(cli_fit_partial *p, const char *path,
                         const char *const *names, double best);
/* A muskx_fit_profile_fn (ctx: the cli_fit_partial): writes and flushes
   the point's line; nonzero (stop the profiles) when the write fails. */
int cli_fit_partial_point(void *ctx, int param, int side, double value,
                          double nllh);
/* Closes it; 0, or -1 after saying why (a write failed). */
int cli_fit_partial_close(cli_fit_partial *p);
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
