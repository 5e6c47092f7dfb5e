/*
 * plot.c -- PNG plots of scenario runs with gnuplot (`muskx run --plot`,
 * `muskx compare --plot`).
 *
 * One panel per reported output (gnuplot multiplot), one line per run,
 * x in days (months for runs longer than 400 days), y in the output's
 * shown units (percent change from day 0 for most), the phases (when all
 * runs share them) shaded alternately, with dashed boundaries and their
 * names at the top of each panel, a legend and a title. gnuplot itself is
 * run by cli/gnuplot.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_cli.h"

#define DAYS_PER_MONTH 30.4375
static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c",
                                     "#ff7f0e", "#9467bd", "#8c564b",
                                     "#e377c2", "#7f7f7f"};
#define NCOLORS (sizeof colors / sizeof colors[0])

static int col_of(const cli_srun *r, const char *name) {
  int n = muskx_scenario_report_count(r->sc);
  for (int c = 0; c < n; c++)
    if (strcmp(muskx_scenario_report_name(r->sc, c), name) == 0) return c;
  return -1;
}

/* The y label of output name, column c of r (runs[0..nruns) all drawn in
   the panel): a *_pct value that is not ~0 at day 0 in any run is relative
   to the model's reference, not to day 0 (cli_srun_pct_offset). */
static const char *ylabel(const cli_srun *runs, int nruns, const cli_srun *r,
                          int c) {
  int show = muskx_scenario_report_show(r->sc, c);
  const char *name = muskx_scenario_report_name(r->sc, c);
  size_t n = strlen(name);
  if (show == MUSKX_SHOW_VALUE && n > 4 && strcmp(name + n - 4, "_pct") == 0)
    for (int i = 0; i < nruns; i++)
      if (cli_srun_pct_offset(&runs[i], col_of(&runs[i], name)))
        return "% vs the model's reference (not day 0)";
  if (show == MUSKX_SHOW_PCT_CHANGE ||
      (show == MUSKX_SHOW_VALUE && n > 4 && strcmp(name + n - 4, "_pct") == 0))
    return "change from day 0 (%)";
  if (show == MUSKX_SHOW_CHANGE) return "change from day 0";
  return "value";
}

static void write_script(FILE *g, const cli_srun *runs, int nruns,
                         const char *title) {
  const char **panels = NULL;
  int npanels = 0;
  double t_end = 0;
  for (int i = 0; i < nruns; i++) {
    double te = muskx_scenario_t_end(runs[i].sc);
    if (te > t_end) t_end = te;
    for (int c = 0; c < muskx_scenario_report_count(runs[i].sc); c++) {
      const char *nm = muskx_scenario_report_name(runs[i].sc, c);
      int seen = 0;
      for (int k = 0; k < npanels; k++)
        if (strcmp(panels[k], nm) == 0) seen = 1;
      if (seen) continue;
      const char **np = realloc(panels, (size_t)(npanels + 1) * sizeof *np);
      if (np == NULL) {
        free(panels);
        return; /* gnuplot then gets an empty script and fails: reported */
      }
      panels = np;
      panels[npanels++] = nm;
    }
  }
  int months = t_end > 400;
  double xs = months ? 1.0 / DAYS_PER_MONTH : 1.0;
  int cols = npanels > 1 ? 2 : 1, rows = (npanels + cols - 1) / cols;
  char num[CLI_NUMBUF];

  fprintf(g, "set terminal pngcairo size %d,%d font 'sans,11' noenhanced\n",
          cols == 1 ? 1000 : 1500, 110 + 380 * rows);
  fputs("set datafile missing '?'\n", g);
  /* Data: one block per run, x then the shown value of every column. */
  for (int i = 0; i < nruns; i++) {
    const cli_srun *r = &runs[i];
    int nc = muskx_scenario_report_count(r->sc);
    fprintf(g, "$run%d << EOD\n", i);
    for (size_t k = 0; k < r->nrows; k++) {
      fputs(cli_format_double(r->times[k] * xs, num), g);
      for (int c = 0; c < nc; c++) {
        double v = muskx_summary_shown(r->summary, c,
                                       r->values[k * (size_t)nc + (size_t)c]);
        fputc(' ', g);
        fputs(isfinite(v) ? cli_format_double(v, num) : "?", g);
      }
      fputc('\n', g);
    }
    fputs("EOD\n", g);
    if (r->band_lo == NULL) continue;
    /* compare --bands: x, then low and high of every column. */
    fprintf(g, "$band%d << EOD\n", i);
    for (size_t k = 0; k < r->nrows; k++) {
      fputs(cli_format_double(r->times[k] * xs, num), g);
      for (int c = 0; c < nc; c++) {
        size_t at = k * (size_t)nc + (size_t)c;
        double v[2] = {r->band_lo[at], r->band_hi[at]};
        for (int j = 0; j < 2; j++) {
          fputc(' ', g);
          fputs(isfinite(v[j]) ? cli_format_double(v[j], num) : "?", g);
        }
      }
      fputc('\n', g);
    }
    fputs("EOD\n", g);
  }
  fputs("set multiplot layout ", g);
  fprintf(g, "%d,%d title ", rows, cols);
  cli_gnuplot_quoted(g, title);
  fputs(" font 'sans,15'\n", g);
  fputs("set grid lc rgb '#e0e0e0'\nset border lc rgb '#404040'\n", g);
  fprintf(g, "set xlabel '%s'\n",
          months ? "time from start (months)" : "time from start (days)");
  fprintf(g, "set xrange [0:%s]\n", cli_format_double(t_end * xs, num));
  fputs("set offsets 0, 0, graph 0.12, graph 0.05\n", g);
  /* Phases are drawn only when every run has the same timeline; shading
     one run's phases under another's line would mislead. */
  int same = 1;
  for (int i = 1; i < nruns && same; i++) {
    int np = muskx_scenario_phase_count(runs[0].sc);
    if (muskx_scenario_phase_count(runs[i].sc) != np) same = 0;
    for (int p = 0; same && p < np; p++)
      if (strcmp(muskx_scenario_phase_name(runs[i].sc, p),
                 muskx_scenario_phase_name(runs[0].sc, p)) != 0 ||
          muskx_scenario_phase_end(runs[i].sc, p) !=
              muskx_scenario_phase_end(runs[0].sc, p))
        same = 0;
  }
  for (int k = 0; k < npanels; k++) {
    const cli_srun *r0 = &runs[0];
    fputs("unset object\nunset label\nunset arrow\n", g);
    /* Phases of the first run: odd ones shaded, boundaries dashed, names
       at the top. */
    for (int p = 0; same && p < muskx_scenario_phase_count(r0->sc); p++) {
      double a = muskx_scenario_phase_start(r0->sc, p) * xs;
      double b = muskx_scenario_phase_end(r0->sc, p) * xs;
      char as[CLI_NUMBUF], bs[CLI_NUMBUF];
      cli_format_double(a, as);
      cli_format_double(b, bs);
      if (p % 2 == 1)
        fprintf(g,
                "set object rect from %s, graph 0 to %s, graph 1 fc rgb "
                "'#dce8f5' fs solid 1.0 noborder behind\n", as, bs);
      if (p > 0)
        fprintf(g,
                "set arrow from %s, graph 0 to %s, graph 1 nohead lc rgb "
                "'#909090' dt 2\n", as, as);
      fputs("set label ", g);
      cli_gnuplot_quoted(g, muskx_scenario_phase_name(r0->sc, p));
      fprintf(g, " at %s, graph 0.95 center font 'sans,9' tc rgb '#505050'\n",
              cli_format_double((a + b) / 2, num));
    }
    fputs("set title ", g);
    cli_gnuplot_quoted(g, panels[k]);
    fputs(" font 'sans,12'\n", g);
    int c0 = -1;
    for (int i = 0; i < nruns && c0 < 0; i++)
      if ((c0 = col_of(&runs[i], panels[k])) >= 0) {
        fputs("set ylabel ", g);
        cli_gnuplot_quoted(g, ylabel(runs, nruns, &runs[i], c0));
        fputc('\n', g);
      }
    if (k == 0)
      fputs("set key bottom left opaque box lc rgb '#c0c0c0' font 'sans,9'"
            " samplen 2\n", g);
    else
      fputs("unset key\n", g);
    fputs("plot ", g);
    int first = 1;
    /* Bands first, so that every line is drawn over them. */
    for (int i = 0; i < nruns; i++) {
      int c = col_of(&runs[i], panels[k]);
      if (c < 0 || runs[i].band_lo == NULL) continue;
      fprintf(g, "%s$band%d using 1:%d:%d with filledcurves fc rgb '%s' "
                 "fs transparent solid 0.2 noborder notitle",
              first ? "" : ", ", i, 2 * c + 2, 2 * c + 3,
              colors[i % NCOLORS]);
      first = 0;
    }
    for (int i = 0; i < nruns; i++) {
      int c = col_of(&runs[i], panels[k]);
      if (c < 0) continue;
      fprintf(g, "%s$run%d using 1:%d with lines lw 2 lc rgb '%s' title ",
              first ? "" : ", ", i, c + 2, colors[i % NCOLORS]);
      cli_gnuplot_quoted(g, muskx_scenario_id(runs[i].sc));
      first = 0;
    }
    fputc('\n', g);
  }
  fputs("unset multiplot\n", g);
  free(panels);
}

typedef struct runs_plot {
  const cli_srun *runs;
  int nruns;
  const char *title;
} runs_plot;

static void runs_script(FILE *g, const void *ctx) {
  const runs_plot *p = ctx;
  write_script(g, p->runs, p->nruns, p->title);
}

int cli_plot_runs(const cli_srun *runs, int nruns, const char *png_path,
                  const char *title) {
  if (cli_out_not_srun_input(png_path, runs, nruns) != 0) return -1;
  runs_plot p = {runs, nruns, title};
  return cli_gnuplot_png(png_path, runs_script, &p);
}
