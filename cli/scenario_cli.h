/*
 * scenario_cli.h -- the scenario side of the muskx tool: `muskx run` and
 * `muskx compare` (cli/cmd_run.c, cli/cmd_compare.c), the loading, running
 * and summary tables they share (cli/scenario_run.c) and the gnuplot plots
 * (cli/plot.c). Everything scenario-specific is computed by the library
 * (muskx_scenario_*, muskx_summary_*); this side only prints.
 */
#ifndef MUSKX_SCENARIO_CLI_H
#define MUSKX_SCENARIO_CLI_H

#include "cli.h"
#include "param_draws.h"

extern const cli_command cli_cmd_run;
extern const cli_command cli_cmd_compare;

/* One scenario run: the scenario, its sample times and the raw values of
   its reported columns (nrows x muskx_scenario_report_count()), and the
   summary of them. */
typedef struct cli_srun {
  const char *path;
  muskx_scenario *sc;
  double *times;
  double *values;
  size_t nrows;
  muskx_summary *summary;
  /* compare --bands (compare_bands.c): the 5 % and 95 % quantiles over
     parameter sets of every reported column, in shown units (each set's
     own day 0 as baseline), nrows x ncols each; NULL without bands. */
  double *band_lo, *band_hi;
  /* ... and every set's shown values (band_nsets blocks of nrows x ncols,
     NaN where a set failed), for differences between scenarios set by
     set. */
  double *band_sets;
  size_t band_nsets;
  size_t band_table_rows; /* the rows of --params-csv; 0 without one */
} cli_srun;

/* cli_out_not_input() for every scenario of runs and its model's files. */
int cli_out_not_srun_input(const char *path, const cli_srun *runs, int nruns);

/*
 * Loads the scenario at path, applies the --set settings to it, runs it and
 * summarises it. On failure prints "file:line:col: message" (loading) or
 * "SCENARIO: what: message" (running) on stderr and returns -1; r is then
 * still safe to pass to cli_srun_free().
 */
int cli_srun_do(cli_srun *r, const char *path, const cli_settings *settings);
void cli_srun_free(cli_srun *r);

/* Where compare --bands takes parameter uncertainty from: --vary
   distributions and/or a --params-csv table of parameter sets. */
typedef struct cli_bands {
  cli_vary *vary;
  size_t nvary;
  const char *params_csv;
  size_t samples; /* 0: the table's rows, or 200 */
  unsigned long long seed;
  long threads;   /* 0: one per processor */
  const cli_settings *settings; /* --set: no name of theirs may vary */
} cli_bands;

/* Adds a --vary NAME=DIST(A,B); 0, or an exit status after saying why. */
int cli_bands_add_vary(cli_bands *b, const cli_command *self, const char *arg);
/*
 * Runs r's scenario (with its --set values) once per parameter set and
 * fills r->band_lo and r->band_hi. Every arm gets the same sets for the
 * same seed. 0, or -1 after printing why (every set failed, a name the
 * model lacks, a bad table).
 */
int cli_bands_compute(cli_srun *r, const cli_bands *b, size_t *nsets,
                      size_t *nfailed);
void cli_bands_free(cli_bands *b);

/* Writes time,<reported columns> as CSV (raw values), atomically with a
   path; units: header cells "name [unit]" (the model's units, muskx
   simulate --units). 0, or -1 after printing why. */
int cli_srun_write_csv(const cli_srun *r, const char *path, int units);

/* 1 when reported column c of r is a percentage shown as its value (its
   name ends in _pct) that is not ~0 at day 0 (|value| >= 0.005, so the
   2-decimal tables show it): it is then relative to the model's own
   reference (the healthy baseline of the shipped models), not a change
   from day 0, e.g. calcitriol_pct in a postmenopausal start. */
int cli_srun_pct_offset(const cli_srun *r, int c);
/* Prints one note per such column of r (see cli_srun_pct_offset) to fp,
   each line starting with prefix (e.g. "" or a scenario's id and ": ");
   returns how many. */
int cli_srun_pct_notes(FILE *fp, const cli_srun *r, const char *prefix);

/* The scenario's name, or the base name of its file when it has none
   (a scenario without 'name:' printed "t0a: " with nothing after). */
const char *cli_srun_title(const cli_srun *r);

/* The word for a muskx_show value: "value", "% change" or "change". */
const char *cli_show_unit(int show);

/*
 * Draws one panel per reported output (the union over runs, in order),
 * one line per run, phases of runs[0] shaded, into a PNG at png_path
 * (written atomically). Returns 0 when drawn, 1 when skipped because
 * gnuplot is not installed (after saying how to get it), -1 after
 * printing why it failed.
 */
int cli_plot_runs(const cli_srun *runs, int nruns, const char *png_path,
                  const char *title);

#endif
