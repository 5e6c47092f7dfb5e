/*
 * cmd_run.c -- `muskx run SCENARIO [-o results.csv] [--plot out.png]
 * [--set NAME=VALUE ...]`: run one scenario (muskx-scenario(5)), write its
 * time course as CSV, plot it, and print its summary: per phase the value
 * of each reported output at the end of the phase, the peak and trough of
 * each over the run, and the time to recover half of the loss after the
 * recovery phase (by default the one before the last) ends.
 *
 * Every number printed comes from muskx_summary_get(), so the table, the
 * Python bindings and the tests agree; and every one of them can be
 * recomputed from the CSV (see muskx-scenario(5), SUMMARY).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_cli.h"

enum { OPT_OUTPUT = 1, OPT_PLOT, OPT_SET, OPT_UNITS };

static const cli_option options[] = {
    {OPT_OUTPUT, "output", 'o', "FILE",
     "write the time course (time + reported outputs) as CSV to FILE"},
    {OPT_PLOT, "plot", 0, "PNG",
     "draw one panel per reported output into PNG (needs gnuplot)"},
    {OPT_SET, "set", 0, "NAME=VALUE",
     "override a parameter, initial value or input baseline "
     "(repeatable; no compartment)"},
    {OPT_UNITS, "units", 0, NULL,
     "write the CSV header cells as \"name [unit]\" (as simulate --units)"},
    {0, NULL, 0, NULL, NULL},
};

/* A number for a table cell: fixed 2 decimals, "-" for NAN. */
static const char *cell(double v, char *buf, size_t n) {
  if (isnan(v))
    snprintf(buf, n, "-");
  else
    snprintf(buf, n, "%.2f", v + 0.0); /* + 0.0: no "-0.00" */
  if (strcmp(buf, "-0.00") == 0) snprintf(buf, n, "0.00");
  return buf;
}

static const char *day(double t, char *buf, size_t n) {
  if (isnan(t))
    snprintf(buf, n, "-");
  else
    snprintf(buf, n, "%.4g", t);
  return buf;
}

/* The unit a column's numbers are in, for the table. */
static const char *unit_of(const muskx_scenario *sc, int c) {
  int show = muskx_scenario_report_show(sc, c);
  const char *name = muskx_scenario_report_name(sc, c);
  size_t n = strlen(name);
  if (show == MUSKX_SHOW_PCT_CHANGE) return "% chg";
  if (show == MUSKX_SHOW_VALUE) {
    /* the model's unit (an output, else a species), as describe() says */
    const muskx_model *m = muskx_scenario_model(sc);
    int i = muskx_model_find(m, MUSKX_OUTPUT, name);
    const char *u = i >= 0 ? muskx_model_unit(m, MUSKX_OUTPUT, i) : NULL;
    if (u == NULL && (i = muskx_model_find(m, MUSKX_SPECIES, name)) >= 0)
      u = muskx_model_unit(m, MUSKX_SPECIES, i);
    if (u != NULL && u[0] != '\0') return u;
    if (n > 4 && strcmp(name + n - 4, "_pct") == 0) return "%";
  }
  return show == MUSKX_SHOW_CHANGE ? "change" : "value";
}

/* Writes the summary of one run to fp. */
static void print_summary(FILE *fp, const cli_srun *r) {
  const muskx_scenario *sc = r->sc;
  const muskx_summary *s = r->summary;
  int np = muskx_scenario_phase_count(sc);
  int nc = muskx_scenario_report_count(sc);
  int rp = muskx_scenario_recovery_phase(sc);
  char a[32], b[32], d[32];

  fprintf(fp, "%s: %s\n", muskx_scenario_id(sc), cli_srun_title(r));
  fprintf(fp, "  model '%s', days 0 to %s, %zu samples every %s d\n\n",
          muskx_model_id(muskx_scenario_model(sc)),
          day(muskx_scenario_t_end(sc), a, sizeof a), r->nrows,
          day(muskx_scenario_dt(sc), b, sizeof b));

  fprintf(fp, "At the end of each phase (change from day 0):\n");
  fprintf(fp, "  %-20s %-6s", "output", "unit");
  for (int p = 0; p < np; p++)
    fprintf(fp, " %12.12s", muskx_scenario_phase_name(sc, p));
  fprintf(fp, "\n  %-20s %-6s", "", "");
  for (int p = 0; p < np; p++) {
    char span[40];
    snprintf(span, sizeof span, "day %s",
             day(muskx_scenario_phase_end(sc, p), a, sizeof a));
    fprintf(fp, " %12s", span);
  }
  fputc('\n', fp);
  for (int c = 0; c < nc; c++) {
    fprintf(fp, "  %-20s %-6s", muskx_scenario_report_name(sc, c),
            unit_of(sc, c));
    for (int p = 0; p < np; p++)
      fprintf(fp, " %12s",
              cell(muskx_summary_get(s, MUSKX_SUMMARY_END, c, p), a, sizeof a));
    fputc('\n', fp);
  }
  cli_srun_pct_notes(fp, r, "  ");

  fprintf(fp, "\nPeak and trough over the run (day in brackets):\n");
  fprintf(fp, "  %-20s %-6s %20s %20s\n", "output", "unit", "peak", "trough");
  for (int c = 0; c < nc; c++) {
    char pk[48], tr[48];
    snprintf(pk, sizeof pk, "%s (%s)",
             cell(muskx_summary_get(s, MUSKX_SUMMARY_PEAK, c, -1), a, sizeof a),
             day(muskx_summary_get(s, MUSKX_SUMMARY_PEAK_TIME, c, -1), b,
                 sizeof b));
    snprintf(tr, sizeof tr, "%s (%s)",
             cell(muskx_summary_get(s, MUSKX_SUMMARY_TROUGH, c, -1), a,
                  sizeof a),
             day(muskx_summary_get(s, MUSKX_SUMMARY_TROUGH_TIME, c, -1), d,
                 sizeof d));
    fprintf(fp, "  %-20s %-6s %20s %20s\n", muskx_scenario_report_name(sc, c),
            unit_of(sc, c), pk, tr);
  }

  if (rp >= 0) {
    fprintf(fp,
            "\nRecovery after '%s' (ends day %s): change at its end, and the\n"
            "days after it until half of that change is undone:\n",
            muskx_scenario_phase_name(sc, rp),
            day(muskx_scenario_phase_end(sc, rp), a, sizeof a));
    fprintf(fp, "  %-20s %-6s %12s %16s\n", "output", "unit", "change",
            "half recovery");
    for (int c = 0; c < nc; c++) {
      double h = muskx_summary_get(s, MUSKX_SUMMARY_HALF_RECOVERY, c, -1);
      char hr[48];
      if (isnan(h))
        snprintf(hr, sizeof hr, "not in run");
      else
        snprintf(hr, sizeof hr, "%.0f d", h);
      fprintf(fp, "  %-20s %-6s %12s %16s\n",
              muskx_scenario_report_name(sc, c), unit_of(sc, c),
              cell(muskx_summary_get(s, MUSKX_SUMMARY_LOSS, c, -1), a,
                   sizeof a),
              hr);
    }
  }
}

static int run(const cli_command *self, int argc, char **argv) {
  cli_parser p;
  cli_settings settings = {NULL, 0, 0};
  const char *scenario = NULL, *output = NULL, *plot = NULL;
  int units = 0;
  cli_srun r;
  int rc = CLI_EXIT_FAIL, k;

  memset(&r, 0, sizeof r);
  cli_parser_init(&p, self, argc, argv);
  while ((k = cli_next(&p)) != CLI_END) {
    switch (k) {
    case CLI_ERROR: rc = CLI_EXIT_USAGE; goto done;
    case CLI_HELP:
      cli_print_help(stdout, self);
      rc = CLI_EXIT_OK;
      goto done;
    case CLI_ARG:
      if (scenario != NULL) {
        rc = cli_usage_error(self, "one SCENARIO only (got '%s' and '%s'); "
                             "use 'muskx compare' for several", scenario,
                             p.value);
        goto done;
      }
      scenario = p.value;
      break;
    case OPT_OUTPUT: output = p.value; break;
    case OPT_UNITS: units = 1; break;
    case OPT_PLOT:
      if (p.value[0] == '\0' || strcmp(p.value, "-") == 0) {
        rc = cli_usage_error(self, "--plot needs a file name for the PNG");
        goto done;
      }
      plot = p.value;
      break;
    case OPT_SET: {
      int bad = cli_settings_add(&settings, self, p.value);
      if (bad != 0) {
        rc = bad > 0 ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
        goto done;
      }
      break;
    }
    default: break;
    }
  }
  if (scenario == NULL) {
    rc = cli_usage_error(self, "no SCENARIO given");
    goto done;
  }
  const char *const opts[] = {"-o", "--plot"}, *const outs[] = {output, plot};
  rc = cli_outs_distinct(self, 2, opts, outs);
  if (rc != 0) goto done;
  rc = CLI_EXIT_FAIL;
  /* Fail on an unwritable -o or --plot before the run, not after. */
  if ((output != NULL && strcmp(output, "-") != 0 && cli_out_probe(output) != 0) ||
      (plot != NULL && cli_out_probe(plot) != 0))
    goto done;
  if (cli_srun_do(&r, scenario, &settings) != 0) goto done;
  if (output != NULL && cli_srun_write_csv(&r, output, units) != 0) goto done;
  /* With the CSV on stdout, the summary goes to stderr. */
  print_summary(output != NULL && strcmp(output, "-") == 0 ? stderr : stdout,
                &r);
  if (plot != NULL) {
    char title[512];
    snprintf(title, sizeof title, "%s", cli_srun_title(&r));
    if (cli_plot_runs(&r, 1, plot, title) < 0) goto done;
  }
  rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
done:
  cli_srun_free(&r);
  cli_settings_free(&settings);
  return rc;
}

const cli_command cli_cmd_run = {
    "run",
    "SCENARIO [-o results.csv] [--plot out.png] [--set NAME=VALUE ...]",
    "run a scenario (phases, exercise, drugs) and summarise it",
    "Runs SCENARIO, a muskx-scenario(5) file that names a model, a timeline\n"
    "of phases with their inputs (loading ...), exercise protocols and drug\n"
    "regimens, and prints a summary: the change of each reported output at\n"
    "the end of each phase, its peak and trough over the run, and the days\n"
    "until half of the change at the end of the phase recovered from (by\n"
    "default the one before the last, e.g. the flight) is undone. Outputs\n"
    "named *_pct are shown as they are (percent changes already, from day 0\n"
    "or, where a note under the table says so, from the model's healthy\n"
    "baseline); the others as percent change from day 0. Each value is the\n"
    "sample at the phase's end, after the events and input steps of the\n"
    "next phase's start. -o writes the raw time course as CSV\n"
    "(time in days, then the reported outputs); --plot draws it.",
    options,
    "  muskx run scenarios/iss_exercise.yaml\n"
    "  muskx run scenarios/bedrest_60d.yaml -o bedrest.csv --plot bedrest.png\n"
    "  muskx run scenarios/iss_exercise.yaml --set w_res=0.5\n",
    run,
};
