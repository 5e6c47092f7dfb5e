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

  /* What a run keeps (issue 19): its trajectories while count x ntimes x
     ncols doubles fit `budget` bytes, else a sketch of k (qsketch.c). */
  size_t budget;
  int sketch_k;
  muskx_ensemble_member_fn member; /* per member, in sample order */
  /* the model's right-hand side and Jacobian as native code for the
     workers' sims (muskx_ensemble_set_native, vm_native.h), or NULL */
  struct muskx__native *native;
  void *member_ctx;

  /* the last run */
  size_t first, count, ntimes, nfailed;
  muskx_qsketch *sketch; /* non-NULL: streamed, trajectories not kept */
  /* their storage, kept from run to run: a run split into many chunk
     runs (muskx-mpi) reuses it instead of freeing and allocating the
     sketch's tens of MB each time, which fragments the heap */
  muskx_qsketch *sk_run, *sk_part;
  double *traj;   /* count x ntimes x ncols */
  double *values; /* count x nvars */
  int *status;    /* count */
  char **msgs;    /* count; NULL for a sample without error */

  char errmsg[MUSKX_ERROR_MESSAGE_MAX];
};

/* Members per chunk of a streamed run: a chunk's sketch starts empty and
   is merged into the run's in chunk order, chunks starting at multiples
   of this in absolute sample numbers, so that a run split over processes
   at chunk boundaries merges to the same bytes (mpi/muskx_mpi.c). */
#define MUSKX__ENS_CHUNK_PER_K 16
/* Default sketch size. */
#define MUSKX__ENS_DEFAULT_K 200

/* ensemble.c */
void muskx__ens_run_member(const muskx_ensemble *e, muskx_sim *sim,
                           uint64_t seed, const double *times, size_t ntimes,
                           double *buf, size_t i, double *traj, double *vals,
                           int *status, char **msg);
muskx_status muskx__ens_only_what_is_read(const muskx_ensemble *e,
                                          muskx_sim *sim);
/* ensemble_stream.c: runs samples first .. first + count - 1 into a
   sketch (e->sketch, already created and empty; e->sk_part, the chunk
   sketch, likewise) and the member hook,
   keeping no trajectory. times are in model units. */
muskx_status muskx__ens_run_streamed(muskx_ensemble *e, size_t first,
                                     size_t count, uint64_t seed,
                                     int nthreads, const double *times,
                                     size_t ntimes, muskx_progress_fn progress,
                                     void *ctx);

/* The default muskx__ens_apply_fn: muskx_sim_reset(), then each value
   with muskx_sim_set(). */
muskx_status muskx__ens_apply_plain(const muskx_ensemble *e, muskx_sim *sim,
                                    const double *values);
/* ensemble_scenario.c: EINVAL when a name the samples vary is one the
   scenario gives (its set:, or a phase), with the reason. */
muskx_status muskx__ens_scenario_clash(muskx_ensemble *e);
muskx_status muskx__ens_err(muskx_ensemble *e, muskx_status st,
                            const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
