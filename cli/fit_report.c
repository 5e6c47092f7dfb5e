/*
 * fit_report.c -- the files and lines `muskx fit` writes about a finished
 * fit (see fit_report.h). Tables are tab-separated with a header line and
 * %.17g numbers, so they read back exactly; plots go through
 * cli_gnuplot_png() with the data inline.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fit_report.h"

static const char *exit_name(int why) {
  return why < 0 ? "?" : muskx_fit_exit_name((muskx_fit_exit)why);
}

int cli_fit_write_starts(const muskx_fit *f, const char *const *names,
                         const double *thetas, const char *path) {
  int n = muskx_fit_nparams(f);
  size_t ns = muskx_fit_nstarts(f);
  double *x0 = calloc((size_t)n, sizeof *x0), *x = calloc((size_t)n, sizeof *x);
  cli_out o;
  if (x0 == NULL || x == NULL) {
    free(x0);
    free(x);
    cli_error("out of memory writing %s", path);
    return -1;
  }
  if (cli_out_open(&o, path) != 0) {
    free(x0);
    free(x);
    return -1;
  }
  fputs("start\tnllh\texit\titerations\tevaluations", o.fp);
  for (int j = 0; j < n; j++) fprintf(o.fp, "\t%s", names[j]);
  for (int j = 0; j < n; j++) fprintf(o.fp, "\tstart_%s", names[j]);
  fputc('\n', o.fp);
  for (size_t k = 0; k < ns; k++) {
    muskx_fit_result(f, k, x0, x);
    if (thetas != NULL) memcpy(x, thetas + k * (size_t)n, (size_t)n * sizeof *x);
    fprintf(o.fp, "%zu\t%.17g\t%s\t%d\t%d", k, muskx_fit_nllh(f, k),
            exit_name(muskx_fit_exit_reason(f, k)), muskx_fit_iterations(f, k),
            muskx_fit_evaluations(f, k));
    for (int j = 0; j < n; j++) fprintf(o.fp, "\t%.17g", x[j]);
    for (int j = 0; j < n; j++) fprintf(o.fp, "\t%.17g", x0[j]);
    fputc('\n', o.fp);
  }
  free(x0);
  free(x);
  return cli_out_commit(&o);
}

/* ------------------------------------------------------------ waterfall */

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

typedef struct waterfall {
  const double *sorted; /* finite nllh, ascending */
  size_t n, nfailed;
  double tol;
  const char *title;
} waterfall;

static void waterfall_script(FILE *g, const void *ctx) {
  const waterfall *w = ctx;
  double best = w->sorted[0];
  size_t reached = 0;
  fputs("set terminal pngcairo size 900,600 enhanced font 'sans,11'\n"
        "set output\n$d << EOD\n", g);
  for (size_t i = 0; i < w->n; i++) {
    int near = w->sorted[i] - best <= w->tol;
    reached += near;
    /* distance from the best, +1 so the log axis shows the best as 1 */
    fprintf(g, "%zu %.17g %d\n", i + 1, w->sorted[i] - best + 1, near);
  }
  fputs("EOD\n", g);
  fputs("set title ", g);
  cli_gnuplot_quoted(g, w->title);
  fprintf(g, " noenhanced\nset xlabel 'start (sorted by nllh)'\n"
             "set ylabel 'nllh - best nllh + 1'\nset logscale y\n"
             "set grid\nset key top left\n"
             "set xrange [0:%zu]\n"
             "plot $d using 1:($3 > 0.5 ? $2 : 1/0) with points pt 7 ps 1.2 "
             "lc rgb '#2ca02c' title '%zu within %g of the best', "
             "$d using 1:($3 > 0.5 ? 1/0 : $2) with points pt 7 ps 1.2 "
             "lc rgb '#1f77b4' title 'other starts%s'\n",
          w->n + 1, reached, w->tol,
          w->nfailed ? " (failed starts not shown)" : "");
}

int cli_fit_plot_waterfall(const muskx_fit *f, double tol, const char *path,
                           const char *title) {
  size_t ns = muskx_fit_nstarts(f), n = 0;
  double *v = calloc(ns ? ns : 1, sizeof *v);
  if (v == NULL) {
    cli_error("out of memory plotting %s", path);
    return -1;
  }
  for (size_t k = 0; k < ns; k++)
    if (isfinite(muskx_fit_nllh(f, k))) v[n++] = muskx_fit_nllh(f, k);
  if (n == 0) {
    free(v);
    cli_error("no successful start to plot in %s", path);
    return -1;
  }
  qsort(v, n, sizeof *v, by_value);
  waterfall w = {v, n, ns - n, tol, title};
  int rc = cli_gnuplot_png(path, waterfall_script, &w);
  free(v);
  return rc;
}

/* ------------------------------------------------------------ profiles */

int cli_fit_write_profiles(const muskx_fit *f, const char *const *names,
                           const char *points_path, const char *ci_path) {
  int n = muskx_fit_nparams(f);
  double best = muskx_fit_nllh(f, muskx_fit_best(f));
  cli_out o;
  if (cli_out_open(&o, points_path) != 0) return -1;
  fputs("parameter\tvalue\tnllh\tdelta_nllh\n", o.fp);
  for (int j = 0; j < n; j++) {
    size_t np = muskx_fit_profile_npoints(f, j);
    double *v = calloc(np ? np : 1, sizeof *v), *y = calloc(np ? np : 1, sizeof *y);
    if (v == NULL || y == NULL) {
      free(v);
      free(y);
      cli_out_abort(&o);
      cli_error("out of memory writing %s", points_path);
      return -1;
    }
    if (np > 0) muskx_fit_profile_points(f, j, v, y, np);
    for (size_t i = 0; i < np; i++)
      fprintf(o.fp, "%s\t%.17g\t%.17g\t%.17g\n", names[j], v[i], y[i],
              y[i] - best);
    free(v);
    free(y);
  }
  if (cli_out_commit(&o) != 0) return -1;
  if (cli_out_open(&o, ci_path) != 0) return -1;
  fputs("parameter\tlower\tupper\tidentifiable\tlower_end\tupper_end\n", o.fp);
  for (int j = 0; j < n; j++) {
    double lo, hi;
    int both = muskx_fit_profile_ci(f, j, &lo, &hi);
    if (both < 0) continue; /* not profiled (--profile-params) */
    int el = muskx_fit_profile_side_end(f, j, -1);
    int eu = muskx_fit_profile_side_end(f, j, 1);
    fprintf(o.fp, "%s\t%.17g\t%.17g\t%s\t%s\t%s\n", names[j], lo, hi,
            both == 1 ? "yes"
            : el == MUSKX_FIT_SIDE_BOUND || eu == MUSKX_FIT_SIDE_BOUND
                ? "no"
                : "unfinished",
            muskx_fit_side_end_name((muskx_fit_side_end)el),
            muskx_fit_side_end_name((muskx_fit_side_end)eu));
  }
  return cli_out_commit(&o);
}

int cli_fit_partial_open(cli_fit_partial *p, const char *path,
                         const char *const *names, double best) {
  memset(p, 0, sizeof *p);
  p->path = path;
  p->names = names;
  p->best = best;
  p->fp = fopen(path, "w");
  if (p->fp == NULL) {
    cli_error("cannot write %s: %s", path, strerror(errno));
    return -1;
  }
  if (fputs("parameter\tvalue\tnllh\tdelta_nllh\n", p->fp) == EOF ||
      fflush(p->fp) != 0) {
    cli_error("cannot write %s: %s", path, strerror(errno));
    fclose(p->fp);
    p->fp = NULL;
    return -1;
  }
  return 0;
}

int cli_fit_partial_point(void *ctx, int param, int side, double value,
                          double nllh) {
  cli_fit_partial *p = ctx;
  (void)side;
  errno = 0;
  if (fprintf(p->fp, "%s\t%.17g\t%.17g\t%.17g\n", p->names[param], value,
              nllh, nllh - p->best) < 0 ||
      fflush(p->fp) != 0) {
    p->err = errno ? errno : EIO;
    return 1; /* stop: the points could not be kept */
  }
  p->written++;
  return 0;
}

int cli_fit_partial_close(cli_fit_partial *p) {
  if (p->fp == NULL) return 0;
  int bad = fclose(p->fp) != 0;
  p->fp = NULL;
  if (bad && p->err == 0) p->err = errno ? errno : EIO;
  if (p->err != 0) {
    cli_error("cannot write %s: %s", p->path, strerror(p->err));
    return -1;
  }
  return 0;
}

typedef struct profiles_plot {
  const muskx_fit *f;
  const char *const *names;
  double thr;
  const char *title;
} profiles_plot;

static void profiles_script(FILE *g, const void *ctx) {
  const profiles_plot *p = ctx;
  int n = muskx_fit_nparams(p->f), shown = 0;
  for (int j = 0; j < n; j++) shown += muskx_fit_profile_npoints(p->f, j) > 0;
  if (shown == 0) shown = 1;
  int cols = shown < 3 ? shown : 3, rows = (shown + cols - 1) / cols;
  double best = muskx_fit_nllh(p->f, muskx_fit_best(p->f));
  fprintf(g, "set terminal pngcairo size %d,%d enhanced font 'sans,10'\n"
             "set output\n", 420 * cols, 340 * rows + 40);
  for (int j = 0; j < n; j++) {
    size_t np = muskx_fit_profile_npoints(p->f, j);
    double *v = calloc(np ? np : 1, sizeof *v), *y = calloc(np ? np : 1, sizeof *y);
    fprintf(g, "$p%d << EOD\n", j);
    if (v != NULL && y != NULL && np > 0 &&
        muskx_fit_profile_points(p->f, j, v, y, np) == MUSKX_OK)
      for (size_t i = 0; i < np; i++)
        if (isfinite(y[i])) fprintf(g, "%.17g %.17g\n", v[i], y[i] - best);
    fputs("EOD\n", g);
    free(v);
    free(y);
  }
  fprintf(g, "set multiplot layout %d,%d title ", rows, cols);
  cli_gnuplot_quoted(g, p->title);
  fputs(" noenhanced\nset grid\nunset key\n"
        "set ylabel 'nllh - best nllh'\n", g);
  for (int j = 0; j < n; j++) {
    double lo, hi;
    if (muskx_fit_profile_ci(p->f, j, &lo, &hi) < 0) continue; /* not profiled */
    fputs("unset arrow\nset xlabel ", g);
    cli_gnuplot_quoted(g, p->names[j]);
    fputs(" noenhanced\nset title ", g);
    char buf[256];
    int bl = muskx_fit_profile_side_end(p->f, j, -1) == MUSKX_FIT_SIDE_BOUND;
    int bu = muskx_fit_profile_side_end(p->f, j, 1) == MUSKX_FIT_SIDE_BOUND;
    if ((isnan(lo) || isnan(hi)) && !bl && !bu)
      snprintf(buf, sizeof buf, "profile unfinished (%s%s%s)",
               isnan(lo) ? "below" : "", isnan(lo) && isnan(hi) ? ", " : "",
               isnan(hi) ? "above" : "");
    else if (isnan(lo) || isnan(hi))
      snprintf(buf, sizeof buf, "not identifiable (%s%s%s)%s",
               bl ? "below" : "", bl && bu ? ", " : "", bu ? "above" : "",
               (isnan(lo) && !bl) || (isnan(hi) && !bu) ? ", unfinished" : "");
    else
      snprintf(buf, sizeof buf, "95%% CI [%.4g, %.4g]", lo, hi);
    cli_gnuplot_quoted(g, buf);
    fputs(" noenhanced\n", g);
    if (!isnan(lo))
      fprintf(g, "set arrow from %.17g, graph 0 to %.17g, graph 1 nohead "
                 "dt 2 lc rgb '#d62728'\n", lo, lo);
    if (!isnan(hi))
      fprintf(g, "set arrow from %.17g, graph 0 to %.17g, graph 1 nohead "
                 "dt 2 lc rgb '#d62728'\n", hi, hi);
    fprintf(g, "plot $p%d using 1:2 with linespoints pt 7 ps 0.6 "
               "lc rgb '#1f77b4', %.17g with lines dt 2 lc rgb '#7f7f7f'\n",
            j, p->thr);
  }
  fputs("unset multiplot\n", g);
}

int cli_fit_plot_profiles(const muskx_fit *f, const char *const *names,
                          double threshold, const char *path,
                          const char *title) {
  profiles_plot p = {f, names, threshold, title};
  return cli_gnuplot_png(path, profiles_script, &p);
}

void cli_fit_print_profiles(FILE *fp, const muskx_fit *f,
                            const char *const *names) {
  int n = muskx_fit_nparams(f);
  for (int j = 0; j < n; j++) {
    double lo, hi;
    int both = muskx_fit_profile_ci(f, j, &lo, &hi);
    if (both < 0) continue;
    int el = muskx_fit_profile_side_end(f, j, -1);
    int eu = muskx_fit_profile_side_end(f, j, 1);
    int bl = el == MUSKX_FIT_SIDE_BOUND, bu = eu == MUSKX_FIT_SIDE_BOUND;
    if (both == 1)
      fprintf(fp, "%s: 95%% CI [%.6g, %.6g]\n", names[j], lo, hi);
    else if (bl || bu) {
      /* the other side may be unfinished too: said, with how it ended */
      int ul = !bl && el != MUSKX_FIT_SIDE_CROSSED;
      int uu = !bu && eu != MUSKX_FIT_SIDE_CROSSED;
      fprintf(fp, "%s: not identifiable %s", names[j],
              bl && bu ? "on either side"
              : bl     ? "below the optimum"
                       : "above the optimum");
      if (ul || uu)
        fprintf(fp, ", profile unfinished %s (%s)", ul ? "below" : "above",
                muskx_fit_side_end_name(
                    (muskx_fit_side_end)(ul ? el : eu)));
      fprintf(fp, " (CI [%.6g, %.6g])\n", lo, hi);
    }
    else
      fprintf(fp, "%s: profile unfinished (below: %s, above: %s; CI [%.6g, "
                  "%.6g]): not an interval\n",
              names[j], muskx_fit_side_end_name((muskx_fit_side_end)el),
              muskx_fit_side_end_name((muskx_fit_side_end)eu), lo, hi);
  }
}

double cli_fit_aic(double nllh, int k) { return 2.0 * k + 2 * nllh; }

double cli_fit_bic(double nllh, int k, int n) {
  return k * log((double)n) + 2 * nllh;
}

void cli_fit_progress(void *ctx, size_t done, size_t total) {
  if (!isatty(STDERR_FILENO)) return;
  fprintf(stderr, "\r%zu/%zu %s", done, total, (const char *)ctx);
  if (done == total) fputc('\n', stderr);
  fflush(stderr);
}
