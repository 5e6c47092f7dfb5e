/*
 * cmd_gsa.h -- `muskx gsa` split into the steps muskx-mpi shares with it
 * (as cmd_ensemble.h does for ensembles): prepare (parse, load, design,
 * ensemble), run a range of the design's rows, write the indices from all
 * rows. The rows of a range depend only on their indices, so any split
 * over ranks gathered in order gives the single process's bytes.
 */
#ifndef MUSKX_CMD_GSA_H
#define MUSKX_CMD_GSA_H

#include <stddef.h>

#include "cli.h"
#include "param_draws.h"
#include "phase_point.h"

extern const cli_command cli_cmd_gsa;

typedef struct cli_gsa {
  const char *path, *file;
  cli_vary *vary;
  size_t nvary;
  const char **out_args;
  size_t nout;
  cli_phase_point *points;
  cli_settings settings;
  long samples, boot, threads;
  double level;
  unsigned long long seed;
  int quiet;
  const char *native; /* --native as given, or NULL (auto) */
  muskx_scenario *sc;
  muskx_ensemble *ens;
  double *design;       /* rows x nvary: the Saltelli design */
  size_t rows;          /* samples * (nvary + 2) */
  const char **names;   /* nvary varied names, then ncols columns */
  size_t ncols;
  double *times;        /* 0 and the outputs' days, sorted */
  size_t ntimes;
} cli_gsa;

/* Parses argv (argv[0] is the command's name), loads the scenario and sets
   up the design's ensemble. -1 to go on, or an exit status after printing
   why (or the help). Free with cli_gsa_free() either way. */
int cli_gsa_prepare(cli_gsa *job, const cli_command *self, int argc,
                    char **argv);
/* Runs rows first .. first + count - 1; y receives count rows of nout
   results (NaN for a failed run). progress: draw the bar (when not -q).
   0, or an exit status after printing why. */
int cli_gsa_run(cli_gsa *job, size_t first, size_t count, int progress,
                double *y);
/* Writes the indices CSV from y, all rows x nout. An exit status. */
int cli_gsa_write(const cli_gsa *job, const double *y);
void cli_gsa_free(cli_gsa *job);

#endif
