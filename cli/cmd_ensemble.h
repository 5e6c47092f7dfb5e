/*
 * cmd_ensemble.h -- `muskx ensemble` split into the steps that muskx-mpi
 * (mpi/muskx_mpi.c) shares with it: parse and set up, run a range of
 * samples, write the results. Each member becomes a record (its values,
 * final values, summaries, threshold values: cli_ens_record()) where it
 * ran, and the records are written in sample order where the files are
 * (cli_ens_consume()); the quantiles come from the ensemble or from a
 * merged sketch (cli_ens_finish()). Both programs write through these,
 * so for one seed their files are byte for byte the same.
 */
#ifndef MUSKX_CMD_ENSEMBLE_H
#define MUSKX_CMD_ENSEMBLE_H

#include <stddef.h>

#include "cli.h"

extern const cli_command cli_cmd_ensemble;

/* A parsed and prepared ensemble. */
typedef struct cli_ens {
  const char *path;     /* SCENARIO_OR_MODEL as given */
  muskx_scenario *sc;   /* a scenario, or NULL for a plain model */
  muskx_model *own;     /* the model when loaded directly */
  const muskx_model *m; /* the model in use */
  muskx_ensemble *ens;
  double *times;
  size_t ntimes;
  size_t nsamples;
  size_t first; /* the first sample this process ran (muskx-mpi ranks) */
  unsigned long long seed;
  long threads; /* 0: one per processor */
  int quiet;
  const char *output;      /* quantiles CSV; NULL or "-": stdout */
  const char *samples_out; /* per-sample CSV, or NULL */
  const char *summaries_out; /* per-member summaries CSV, or NULL */
  const char *plot;          /* quantile-band PNG, or NULL */
  void *priv;              /* options kept for the setup hook */
  const char **threshold_args; /* --threshold, as given */
  size_t nthresholds;
  struct cli_threshold *thresholds; /* resolved (ens_threshold.h) */
  size_t budget;  /* --memory-budget: bytes of trajectories kept */
  int sketch_k;   /* --sketch-k */
  const char *native; /* --native as given, or NULL (auto) */
  /* the per-member files while they are written (ens_output.c) */
  cli_out samples_fp, summaries_fp;
  int samples_open, summaries_open;
  double *rec;    /* one record */
  size_t reclen;
  size_t nok, nfailed, shown;
} cli_ens;

/*
 * Parses argv (argv[0] is the command's name), loads the model or
 * scenario and configures job->ens. Returns -1 to go on, or an exit
 * status after printing why (or the help).
 */
int cli_ens_prepare(cli_ens *job, const cli_command *self, int argc,
                    char **argv);
/* The progress bar: ctx is the cli_ens; draws on stderr when it is a
   terminal and not --quiet. */
void cli_ens_progress(void *ctx, size_t done, size_t total);
/* ens_output.c. Doubles per member record. */
size_t cli_ens_reclen(const cli_ens *job);
/* Builds sample's record in rec (cli_ens_reclen() doubles) and prints
   the first few failures. The ensemble's member hook calls it. */
muskx_status cli_ens_record(cli_ens *job, size_t sample, muskx_status st,
                            const char *errmsg, const double *values,
                            const double *traj, double *rec);
/* Opens the per-member files (--samples-out, --summaries) and writes
   their headers. 0, or -1 after printing why. */
int cli_ens_open(cli_ens *job);
/* Writes one record's rows and counts its thresholds, in sample order.
   0, or -1 after printing why. */
int cli_ens_consume(cli_ens *job, const double *rec);
/* The member hook of a run in this process: record, then consume. */
muskx_status cli_ens_member(void *ctx, size_t sample, muskx_status st,
                            const char *errmsg, const double *values,
                            const double *traj);
/*
 * Ends the output: the thresholds' answers, the quantiles CSV (-o) and
 * plot from q (NPROBS blocks of ntimes x ncols, cli_ens_probs()), the
 * per-member files committed. sketch is where q came from, or NULL when
 * exact. 0, or -1 after printing why (every file then removed).
 */
int cli_ens_finish(cli_ens *job, const double *q, const muskx_qsketch *sketch);
/* The probabilities of the quantiles CSV, and how many. */
const double *cli_ens_probs(size_t *n);
/* Removes the partial per-member files. */
void cli_ens_abort(cli_ens *job);
void cli_ens_free(cli_ens *job);

#endif
