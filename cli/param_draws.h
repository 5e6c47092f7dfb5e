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
  long *line, *col; /* rows x nnames: where each value is in the file */
  long name_line;   /* the header's line */
  long *name_col;   /* nnames: where each name is on it */
} cli_param_table;

/* Reads path ('#' lines and blank lines skipped); 0, or an exit status
   after printing "path:line: why". */
int cli_param_table_read(const char *path, cli_param_table *out);
void cli_param_table_free(cli_param_table *t);
/* Checks every value of t (read from path) as muskx_sim_set() would on
   model m -- a parameter's or an input's declared min and max, a
   compartment's volume > 0 -- so that a set outside fails up front with "path:line:col:", not
   as a quietly dropped parameter set (review rev27u M2). At most max_rows
   rows (those that run). 0, or an exit status after printing why. */
int cli_param_table_check(const cli_param_table *t, const char *path,
                          const muskx_model *m, size_t max_rows);

/* Checks t (read from path) against what it is used for, before the
   other checks, saying all it finds so that one edit fixes the file: each
   header name that is no parameter, compartment, species or input of
   model m (the ensemble ens's) at its path:line:col, with the nearest name the
   library finds (the shared 'did you mean'); and, when the run asks for
   more sets than the file has (rows < nsets, the -n/--samples given), the
   count at the last row, with what to change. 0, or an exit status
   (CLI_EXIT_FAIL for a name, else CLI_EXIT_USAGE). */
int cli_param_table_fits(const cli_param_table *t, const char *path,
                         const muskx_model *m, muskx_ensemble *ens,
                         size_t nsets);

/* A name given both by --set and by --vary or a --params-csv column: the
   sets would replace the --set value, so a run's line and its band or
   ensemble would describe two models (review rev27u M1). `by` says where
   the other comes from ("--vary 'k=lognormal(1,0.3)'", "the column of
   FILE"). 0 when name is not --set, else CLI_EXIT_USAGE after saying
   what to do. */
int cli_set_vary_clash(const cli_settings *s, const char *name,
                       const char *by);

#endif
