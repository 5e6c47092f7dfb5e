/*
 * ensemble.h -- the ensemble object (include/muskx.h, "Ensembles"): what
 * is varied and how, the per-sample hooks, and the results of the last
 * run. Shared by ensemble.c (set-up, the thread pool, results),
 * ensemble_quantile.c (muskx_quantiles) and ensemble_scenario.c (running
 * each sample as a scenario).
 *
 * Invariants: every vars[j] names something muskx_sim_set() accepts;
 * table has table_rows rows of ntable values, column vars[j].table_col for
 * a var with from_table; cols[] are valid columns of a muskx_sim_run()
 * row. Results (traj, values, status, msgs) describe samples first ..
 * first + count - 1 and are replaced as a whole by the next run.
 */
#ifndef MUSKX_ENSEMBLE_H
#define MUSKX_ENSEMBLE_H

#include <stddef.h>
#include <stdint.h>

#include "muskx.h"

typedef struct muskx__ens_var {
  char *name;
  int from_table;       /* 1: value from the samples table */
  size_t table_col;     /* its column there */
  muskx_distribution dist;
  double p1, p2;        /* as given */
  double mu, sigma;     /* LOGNORMAL: log-median and log-sd */
} muskx__ens_var;

/*
 * Configures one sample on sim: everything the sample needs before the
 * setup hook and the run, given the sample's values (nvars of them, in
 * vars order). The default applies each value with muskx_sim_set() after
 * muskx_sim_reset(); ensemble_scenario.c replaces it. Called concurrently
 * from worker threads with different sims: it may only read the ensemble.
 */
typedef muskx_status (*muskx__ens_apply_fn)(const muskx_ensemble *ens,
                                            muskx_sim *sim,
                                            const double *values);

struct muskx_ensemble {
  const muskx_model *m;
  muskx__ens_var *vars;
  int nvars, cap_vars;
  double *table; /* table_rows x ntable, row-major */
  size_t table_rows, ntable;

  muskx_ensemble_setup_fn setup;
  void *setup_ctx;
  muskx__ens_apply_fn apply;
  const muskx_scenario *scenario;

  int *cols; /* kept columns, in muskx_sim_run() row positions */
  int ncols;

  /* the last run */
  size_t first, count, ntimes, nfailed;
  double *traj;   /* count x ntimes x ncols */
  double *values; /* count x nvars */
  int *status;    /* count */
  char **msgs;    /* count; NULL for a sample without error */

  char errmsg[MUSKX_ERROR_MESSAGE_MAX];
};

/* ensemble.c */
/* The default muskx__ens_apply_fn: muskx_sim_reset(), then each value
   with muskx_sim_set(). */
muskx_status muskx__ens_apply_plain(const muskx_ensemble *e, muskx_sim *sim,
                                    const double *values);
muskx_status muskx__ens_err(muskx_ensemble *e, muskx_status st,
                            const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
