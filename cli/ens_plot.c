/*
 * ens_plot.c -- `muskx ensemble --plot PNG`: one panel per reported column
 * with the population's quantile bands over time (issue 19): 5-95 % light,
 * 25-75 % darker, the median as a line, the scenario's phases shaded.
 * Values are plotted raw, as the quantiles CSV has them.
 */
#include <math.h>
#include <stdio.h>

#include "ens_plot.h"

typedef struct band_plot {
  const cli_ens *job;
  const double *q; /* 5 blocks (q05 q25 q50 q75 q95) of ntimes x ncols */
} band_plot;

static void script(FILE *g, const void *ctx) {
  const band_plot *bp = ctx;
  const cli_ens *job = bp->job;
  int nc = muskx_ensemble_ncols(job->ens);
  size_t width = job->ntimes * (size_t)nc;
  int cols = nc > 1 ? 2 : 1, rows = (nc + cols - 1) / cols;
  char num[CLI_NUMBUF];
  fprintf(g, "set terminal pngcairo size %d,%d font 'sans,11' noenhanced\n",
          cols == 1 ? 1000 : 1500, 110 + 380 * rows);
  fputs("set datafile missing '?'\n$q << EOD\n", g);
  for (size_t r = 0; r < job->ntimes; r++) {
    fputs(cli_format_double(job->times[r], num), g);
    for (int c = 0; c < nc; c++)
      for (int k = 0; k < 5; k++) {
        double v = bp->q[(size_t)k * width + r * (size_t)nc + (size_t)c];
        fputc(' ', g);
        fputs(isfinite(v) ? cli_format_double(v, num) : "?", g);
      }
    fputc('\n', g);
  }
  fputs("EOD\n", g);
  fprintf(g, "set multiplot layout %d,%d title ", rows, cols);
  cli_gnuplot_quoted(g, job->path);
  fputs(" font 'sans,15'\n", g);
  fputs("set grid lc rgb '#e0e0e0'\nset border lc rgb '#404040'\n", g);
  fprintf(g, "set xlabel '%s'\n", job->sc != NULL ? "time (days)" : "time");
  fputs("set offsets 0, 0, graph 0.08, graph 0.05\n", g);
  for (int c = 0; c < nc; c++) {
    fputs("unset object\nunset label\n", g);
    for (int p = 0; job->sc != NULL && p < muskx_scenario_phase_count(job->sc);
         p++) {
      double a = muskx_scenario_phase_start(job->sc, p);
      double b = muskx_scenario_phase_end(job->sc, p);
      char as[CLI_NUMBUF], bs[CLI_NUMBUF];
      if (p % 2 == 1)
        fprintf(g, "set object rect from %s, graph 0 to %s, graph 1 fc rgb "
                   "'#eeeeee' fs solid 1.0 noborder behind\n",
                cli_format_double(a, as), cli_format_double(b, bs));
      fputs("set label ", g);
      cli_gnuplot_quoted(g, muskx_scenario_phase_name(job->sc, p));
      fprintf(g, " at %s, graph 0.95 center font 'sans,9' tc rgb '#505050'\n",
              cli_format_double((a + b) / 2, num));
    }
    fputs("set title ", g);
    cli_gnuplot_quoted(g, muskx_ensemble_column_name(job->ens, c));
    fputs(" font 'sans,12'\n", g);
    if (c == 0)
      fputs("set key bottom left opaque box font 'sans,9' samplen 2\n", g);
    else
      fputs("unset key\n", g);
    int b = 2 + 5 * c; /* the column of q05 */
    fprintf(g,
            "plot $q using 1:%d:%d with filledcurves fc rgb '#1f77b4' fs "
            "transparent solid 0.18 noborder title '5-95 %%', "
            "$q using 1:%d:%d with filledcurves fc rgb '#1f77b4' fs "
            "transparent solid 0.35 noborder title '25-75 %%', "
            "$q using 1:%d with lines lw 2 lc rgb '#1f4e79' title 'median'\n",
            b, b + 4, b + 1, b + 3, b + 2);
  }
  fputs("unset multiplot\n", g);
}

int cli_ens_plot(const cli_ens *job, const double *q) {
  if (job->plot == NULL) return 0;
  band_plot bp = {job, q};
  int rc = cli_gnuplot_png(job->plot, script, &bp);
  return rc < 0 ? -1 : 0; /* no gnuplot: said so, the CSV stands */
}
