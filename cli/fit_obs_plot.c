/*
 * fit_obs_plot.c -- fit.png of `muskx fit`: one panel per observable, the
 * data as points and the fitted simulation as lines (one per simulation
 * condition, through the measurement times), from the PEtab simulations
 * table of the data and of the fit, so rows and ids are exactly PEtab's.
 * Measurements at time inf are left out.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fit_report.h"

typedef struct row {
  const char *obs, *cond;
  double t, data, sim;
} row;

typedef struct obs_plot {
  row *rows;
  int n;
  const char *title;
} obs_plot;

/* Splits text in place into lines and tab-separated cells; returns the
   column index of name in the header, or -1. */
static int column(char *header, const char *name) {
  int c = 0;
  for (char *s = header;; c++) {
    char *tab = strchr(s, '\t');
    size_t len = tab ? (size_t)(tab - s) : strlen(s);
    if (len == strlen(name) && strncmp(s, name, len) == 0) return c;
    if (!tab) return -1;
    s = tab + 1;
  }
}

static char *cell(char *line, int c) {
  char *s = line;
  for (int k = 0; k < c && s; k++) {
    s = strchr(s, '\t');
    if (s) s++;
  }
  return s;
}

static int by_obs_cond_time(const void *a, const void *b) {
  const row *x = a, *y = b;
  int d = strcmp(x->obs, y->obs);
  if (d == 0) d = strcmp(x->cond, y->cond);
  if (d == 0) d = (x->t > y->t) - (x->t < y->t);
  return d;
}

static void script(FILE *g, const void *ctx) {
  const obs_plot *p = ctx;
  int nobs = 0;
  for (int i = 0; i < p->n; i++)
    nobs += i == 0 || strcmp(p->rows[i].obs, p->rows[i - 1].obs) != 0;
  int cols = nobs < 3 ? nobs : 3, rows = (nobs + cols - 1) / cols;
  fprintf(g, "set terminal pngcairo size %d,%d enhanced font 'sans,10'\n"
             "set output\n", 450 * cols, 350 * rows + 40);
  int o = -1;
  for (int i = 0; i < p->n; i++) {
    const row *r = &p->rows[i];
    if (i == 0 || strcmp(r->obs, p->rows[i - 1].obs) != 0) {
      if (i > 0) fputs("EOD\n", g);
      fprintf(g, "$o%d << EOD\n", ++o);
    } else if (strcmp(r->cond, p->rows[i - 1].cond) != 0) {
      fputs("\n\n", g);
    }
    fprintf(g, "%.17g %.17g %.17g\n", r->t, r->data, r->sim);
  }
  if (o >= 0) fputs("EOD\n", g);
  fprintf(g, "set multiplot layout %d,%d title ", rows, cols);
  cli_gnuplot_quoted(g, p->title);
  fputs(" noenhanced\nset grid\nset xlabel 'time'\nunset key\n", g);
  o = -1;
  for (int i = 0; i < p->n; i++) {
    if (i > 0 && strcmp(p->rows[i].obs, p->rows[i - 1].obs) == 0) continue;
    o++;
    fputs("set title ", g);
    cli_gnuplot_quoted(g, p->rows[i].obs);
    fprintf(g, " noenhanced\nplot $o%d using 1:2 with points pt 7 ps 0.7 "
               "lc rgb '#1f77b4', $o%d using 1:3 with lines lw 2 "
               "lc rgb '#d62728'\n", o, o);
  }
  fputs("unset multiplot\n", g);
}

int cli_fit_plot_observables(const muskx_petab *pb, muskx_sim *sim,
                             const double *theta, const char *path,
                             const char *title) {
  int m = muskx_petab_nmeasurements(pb), rc = -1;
  double *simv = calloc((size_t)m + 1, sizeof *simv);
  double *data = calloc((size_t)m + 1, sizeof *data);
  row *rows = calloc((size_t)m + 1, sizeof *rows);
  char *text = NULL;
  if (simv == NULL || data == NULL || rows == NULL) {
    cli_error("out of memory plotting %s", path);
    goto done;
  }
  if (muskx_petab_evaluate(pb, sim, theta, simv, NULL, NULL, NULL, NULL) !=
      MUSKX_OK) {
    cli_sim_error(title, "simulating the fit", sim, MUSKX_ESOLVER);
    goto done;
  }
  if (muskx_petab_simulations_table(pb, simv, &text) != MUSKX_OK) {
    cli_error("out of memory plotting %s", path);
    goto done;
  }
  for (int i = 0; i < m; i++) data[i] = muskx_petab_measurement_value(pb, i);
  /* header, then one line per measurement in table order */
  char *line = text, *next = strchr(line, '\n');
  if (next == NULL) goto done;
  *next = '\0';
  int co = column(line, "observableId"), cc = column(line, "simulationConditionId"),
      ct = column(line, "time");
  int n = 0;
  for (int i = 0; i < m && next != NULL; i++) {
    line = next + 1;
    next = strchr(line, '\n');
    if (next) *next = '\0';
    char *so = cell(line, co), *sc = cell(line, cc), *st = cell(line, ct);
    if (!so || !sc || !st) continue;
    double t = strtod(st, NULL);
    if (!isfinite(t) || !isfinite(data[i]) || !isfinite(simv[i])) continue;
    rows[n++] = (row){so, sc, t, data[i], simv[i]};
  }
  /* cells end at the next tab: terminate them */
  for (int i = 0; i < n; i++) {
    char *tab = strchr(rows[i].obs, '\t');
    if (tab) *tab = '\0';
  }
  for (int i = 0; i < n; i++) {
    char *tab = strchr(rows[i].cond, '\t');
    if (tab) *tab = '\0';
  }
  if (n == 0) {
    rc = 0; /* nothing at finite times to plot */
    goto done;
  }
  qsort(rows, (size_t)n, sizeof *rows, by_obs_cond_time);
  obs_plot p = {rows, n, title};
  rc = cli_gnuplot_png(path, script, &p);
done:
  muskx_free_string(text);
  free(simv);
  free(data);
  free(rows);
  return rc;
}
