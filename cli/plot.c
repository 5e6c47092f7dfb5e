/*
 * plot.c -- PNG plots of scenario runs with gnuplot (`muskx run --plot`,
 * `muskx compare --plot`).
 *
 * One panel per reported output (gnuplot multiplot), one line per run,
 * x in days (months for runs longer than 400 days), y in the output's
 * shown units (percent change from day 0 for most), the phases (when all
 * runs share them) shaded alternately, with dashed boundaries and their
 * names at the top of each panel, a legend and a title. The script and the data (inline datablocks) go to gnuplot on a
 * pipe and the PNG comes back on gnuplot's standard output, which is the
 * temporary file of cli_out_open(): so no temporary files of our own, and
 * the target is replaced atomically or not at all. gnuplot is run with
 * execvp (no shell), so file names need no quoting; the strings written
 * into the script (titles, names) are single-quoted, where gnuplot only
 * interprets '' (as ').
 *
 * A missing gnuplot is not an error: the run has done its job, and the
 * message says how to get plots.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario_cli.h"

#define DAYS_PER_MONTH 30.4375
static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c",
                                     "#ff7f0e", "#9467bd", "#8c564b",
                                     "#e377c2", "#7f7f7f"};
#define NCOLORS (sizeof colors / sizeof colors[0])

/* Is there an executable `gnuplot` on PATH? */
static int have_gnuplot(void) {
  const char *path = getenv("PATH");
  char buf[4096];
  if (path == NULL) path = "/usr/bin:/bin";
  while (*path) {
    const char *colon = strchr(path, ':');
    size_t n = colon ? (size_t)(colon - path) : strlen(path);
    if (n > 0 && n + sizeof "/gnuplot" < sizeof buf) {
      struct stat sb;
      memcpy(buf, path, n);
      memcpy(buf + n, "/gnuplot", sizeof "/gnuplot");
      if (stat(buf, &sb) == 0 && S_ISREG(sb.st_mode) &&
          access(buf, X_OK) == 0)
        return 1;
    }
    path += n;
    if (*path == ':') path++;
  }
  return 0;
}

/* s as a gnuplot single-quoted string. */
static void quoted(FILE *g, const char *s) {
  fputc('\'', g);
  for (; *s; s++) {
    if (*s == '\'') fputc('\'', g);
    if (*s == '\n') {
      fputc(' ', g);
      continue;
    }
    fputc(*s, g);
  }
  fputc('\'', g);
}

static int col_of(const cli_srun *r, const char *name) {
  int n = muskx_scenario_report_count(r->sc);
  for (int c = 0; c < n; c++)
    if (strcmp(muskx_scenario_report_name(r->sc, c), name) == 0) return c;
  return -1;
}

static const char *ylabel(const cli_srun *r, int c) {
  int show = muskx_scenario_report_show(r->sc, c);
  const char *name = muskx_scenario_report_name(r->sc, c);
  size_t n = strlen(name);
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
  }
  fputs("set multiplot layout ", g);
  fprintf(g, "%d,%d title ", rows, cols);
  quoted(g, title);
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
      quoted(g, muskx_scenario_phase_name(r0->sc, p));
      fprintf(g, " at %s, graph 0.95 center font 'sans,9' tc rgb '#505050'\n",
              cli_format_double((a + b) / 2, num));
    }
    fputs("set title ", g);
    quoted(g, panels[k]);
    fputs(" font 'sans,12'\n", g);
    int c0 = -1;
    for (int i = 0; i < nruns && c0 < 0; i++)
      if ((c0 = col_of(&runs[i], panels[k])) >= 0) {
        fputs("set ylabel ", g);
        quoted(g, ylabel(&runs[i], c0));
        fputc('\n', g);
      }
    if (k == 0)
      fputs("set key bottom left opaque box lc rgb '#c0c0c0' font 'sans,9'"
            " samplen 2\n", g);
    else
      fputs("unset key\n", g);
    fputs("plot ", g);
    int first = 1;
    for (int i = 0; i < nruns; i++) {
      int c = col_of(&runs[i], panels[k]);
      if (c < 0) continue;
      fprintf(g, "%s$run%d using 1:%d with lines lw 2 lc rgb '%s' title ",
              first ? "" : ", ", i, c + 2, colors[i % NCOLORS]);
      quoted(g, muskx_scenario_id(runs[i].sc));
      first = 0;
    }
    fputc('\n', g);
  }
  fputs("unset multiplot\n", g);
  free(panels);
}

int cli_plot_runs(const cli_srun *runs, int nruns, const char *png_path,
                  const char *title) {
  cli_out o;
  int fds[2];
  pid_t pid;
  int status = 0;
  struct sigaction ign, old;

  if (!have_gnuplot()) {
    fprintf(stderr, "plot skipped: gnuplot not found "
                    "(apt-get install gnuplot-nox)\n");
    return 1;
  }
  if (cli_out_not_srun_input(png_path, runs, nruns) != 0 ||
      cli_out_open(&o, png_path) != 0)
    return -1;
  fflush(o.fp);
  fflush(stdout);
  if (pipe(fds) != 0) {
    cli_error("cannot start gnuplot: %s", strerror(errno));
    cli_out_abort(&o);
    return -1;
  }
  pid = fork();
  if (pid < 0) {
    cli_error("cannot start gnuplot: %s", strerror(errno));
    close(fds[0]);
    close(fds[1]);
    cli_out_abort(&o);
    return -1;
  }
  if (pid == 0) {
    char *argv[] = {"gnuplot", NULL};
    if (dup2(fds[0], 0) < 0 || dup2(fileno(o.fp), 1) < 0) _exit(127);
    close(fds[0]);
    close(fds[1]);
    execvp("gnuplot", argv);
    _exit(127);
  }
  close(fds[0]);
  /* A gnuplot that dies early must not kill us with SIGPIPE. */
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old);
  FILE *g = fdopen(fds[1], "w");
  if (g != NULL) {
    write_script(g, runs, nruns, title);
    fclose(g);
  } else {
    close(fds[1]);
  }
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  sigaction(SIGPIPE, &old, NULL);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    cli_error("plot failed: gnuplot %s %d", WIFEXITED(status)
                                                 ? "exited with status"
                                                 : "was killed by signal",
              WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    cli_out_abort(&o);
    return -1;
  }
  if (cli_out_commit(&o) != 0) return -1;
  if (o.path != NULL) {
    fflush(stdout);
    fprintf(stderr, "plot written to %s\n", png_path);
  }
  return 0;
}
