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

/* Writes time,<reported columns> as CSV (raw values), atomically with a
   path. 0, or -1 after printing why. */
int cli_srun_write_csv(const cli_srun *r, const char *path);

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
