/*
 * param_draws.h -- parameter uncertainty as the command line gives it,
 * shared by `muskx ensemble` (cmd_ensemble.c) and `muskx compare --bands`
 * (compare_bands.c): a distribution per name (--vary NAME=DIST(A,B)) or a
 * table of parameter sets, one per row (--params-csv FILE, e.g. draws
 * from a fit's posterior or from its estimate and covariance).
 */
#ifndef MUSKX_PARAM_DRAWS_H
#define MUSKX_PARAM_DRAWS_H

#include <stddef.h>

#include "cli.h"

/* One --vary NAME=DIST(A,B). */
typedef struct cli_vary {
  const char *arg; /* as given */
  char *name;      /* owned */
  muskx_distribution dist;
  double p1, p2;
} cli_vary;

/* Parses NAME=DIST(A,B) (lognormal, normal or uniform) into v; 0, or an
   exit status after a usage error (v->name may be set: free it). */
int cli_vary_parse(const cli_command *self, const char *arg, cli_vary *v);

/* A --params-csv table: a header of names, rows of finite numbers. */
typedef struct cli_param_table {
  char **names;
  size_t nnames, rows;
  double *values; /* rows x nnames, row-major */
} cli_param_table;

/* Reads path ('#' lines and blank lines skipped); 0, or an exit status
   after printing "path:line: why". */
int cli_param_table_read(const char *path, cli_param_table *out);
void cli_param_table_free(cli_param_table *t);

#endif
