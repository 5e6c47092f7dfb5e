/*
 * fit.h -- the fit object (include/muskx.h, "Fitting"): the problem (a
 * residual or objective callback and the box), the options, the results
 * of the last run and its profiles. Shared by fit.c (set-up, results),
 * fit_starts.c (the Latin hypercube), fit_local.c (one local
 * optimisation), fit_pool.c (the thread pool) and fit_profile.c.
 *
 * Invariants: lower[j] <= upper[j]; starts_table has table_rows rows of
 * nparams values inside the box; the per-start arrays hold nstarts
 * entries and are replaced as a whole by the next run; the profiles
 * belong to the run they were computed from and are dropped with it.
 */
#ifndef MUSKX_FIT_H
#define MUSKX_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "muskx.h"

typedef struct muskx__fit_profile {
  size_t npoints, cap;
  double *values, *nllh; /* sorted by value once complete */
  double lower, upper;   /* CI ends; NaN where the profile did not cross */
  int fits, iters, evals; /* the inner optimisations' work (muskx_fit_profile_work) */
  int fallbacks;          /* points started or re-run at the zeroth-order start */
  int rechecks;           /* re-optimisations confirming a crossing (walk()) */
  int cleared;            /* crossings they refuted: the point was below */
  int end_lo, end_hi;     /* how each side ended (muskx_fit_side_end) */
} muskx__fit_profile;

struct muskx_fit {
  int n; /* parameters */
  muskx_fit_residual_fn resid;
  muskx_fit_objective_fn obj;
  void *ctx;
  size_t nres;
  double offset;
  double *lower, *upper; /* n each */
  double *starts_table;  /* table_rows x n, or NULL: drawn starts */
  size_t table_rows;
  double *first_start;   /* n, or NULL: start 0 of drawn starts is drawn */
  uint64_t seed;
  int nthreads; /* 0: one per online processor */
  double xtol, gtol, ftol;
  int maxiter;
  muskx_fit_method method; /* least squares: dogbox or projected LM */
  double stall;             /* dogbox: stop when DB_STALL_ITERS iterations
                               lowered the cost by less than this, or by
                               less than DB_STALL_SHARE of the start's
                               gain so far (0: never; the hybrid's) */
  double gn_stop;           /* dogbox, LM: stop when the Gauss-Newton
                               model promises a gain below this
                               (fit_gngain.c; 0: never; the hybrid's) */
  double gntol;             /* muskx_fit_set_gain_tolerance: the hybrid's
                               gn_stop in the starts' search */
  int restarts;             /* per start, from its best point so far
                               (fit_restart.c); 0: none */
  double restart_radius;    /* a restart's move, share of the box width */
  muskx_fit_accuracy_fn accuracy; /* search / full accuracy, or NULL */
  void *accuracy_ctx;
  int jac_accuracy;         /* muskx_fit_set_jacobian_accuracy */
  int jac_loose;            /* set on the copy a search runs with
                               (muskx__fit_search): its Jacobians at
                               MUSKX_FIT_ACCURACY_JACOBIAN, see
                               muskx__lsq_jacobian */
  muskx_progress_fn progress;
  void *progress_ctx;

  /* the last run */
  size_t nstarts;
  double *start, *theta; /* nstarts x n */
  double *nllh;          /* nstarts */
  int *iters, *evals, *exit;

  /* profiles of the last run (NULL when none) */
  muskx__fit_profile *prof; /* n */
  int *prof_sel;            /* n flags: which parameters muskx_fit_profile
                               profiles (NULL: all) */
  int prof_predict;         /* muskx_fit_set_profile_predictor: 1 first-order
                               starts (default), 0 zeroth-order */
  muskx_fit_profile_fn prof_cb; /* muskx_fit_set_profile_callback */
  void *prof_cb_ctx;
  int prof_busy;            /* muskx_fit_profile() is running (its callback
                               must not run or profile this fit) */
  double prof_threshold;    /* chi2_1(level) / 2 */
  double prof_min;

  char errmsg[MUSKX_ERROR_MESSAGE_MAX];
};

/* fit.c */
muskx_status muskx__fit_err(muskx_fit *f, muskx_status st, const char *fmt,
                            ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* fit_starts.c: nstarts Latin-hypercube points in the (finite) box,
   row-major into out (nstarts x n); a pure function of (seed, nstarts). */
muskx_status muskx__fit_lhs(const muskx_fit *f, size_t nstarts, double *out);
/* fit_starts.c: how often a drawn start whose callback fails at the start
   point is drawn again, and redraw number `attempt` (0, 1, ...) of start
   k into x (n): uniform in the box, a pure function of (seed, k, attempt)
   so the thread count does not matter. */
#define MUSKX__FIT_REDRAWS 5
void muskx__fit_redraw(const muskx_fit *f, size_t k, int attempt, double *x);

/* Shared by the local least-squares methods (fit_lsq.c). Residuals (and,
   when J != NULL, the Jacobian's columns of the n free parameters idx,
   row-major m x n) at the free values x, written into full/jfull first.
   0 on success, -1 when the callback fails or a value is not finite. */
int muskx__lsq_call(const muskx_fit *f, int worker, const int *idx, int n,
                    size_t m, double *full, double *jfull, const double *x,
                    double *r, double *J);
/* The free parameters' bounds, the start clamped into them, and which
   bound (-1 lower, 1 upper, 0 none) each start value sits on. */
void muskx__lsq_box_start(const muskx_fit *f, const int *idx, int n,
                          const double *full, double *lo, double *hi,
                          double *x, int *onb);
double muskx__lsq_half_sq(const double *r, size_t m); /* 0.5 |r|^2 */
double muskx__lsq_norm2(const double *a, int n);      /* |a| */
/* fit_gngain.c: 0.5 (|r|^2 - |r + J_F gn|^2) for the minimum-norm
   Gauss-Newton step gn over the nf free columns freev of J (m x n,
   row-major); NaN when LAPACK fails or memory runs out. */
double muskx__lsq_gn_gain(const double *J, const double *r, size_t m, int n,
                          const int *freev, int nf);
/* g = J' r (J row-major m x n) */
void muskx__lsq_gradient(const double *J, const double *r, size_t m, int n,
                         double *g);

/* fit_local.c: one local optimisation from x0 (n values, inside the
   box) with parameter `fixed` (-1: none) held at x0[fixed]. */
typedef struct muskx__fit_outcome {
  double nllh; /* at x; NaN when the start failed */
  int iters, evals;
  muskx_fit_exit exit;
  int start_failed; /* the callback failed at the start point itself */
  int restarts;     /* restarts run (fit_restart.c) */
} muskx__fit_outcome;

/* fit_lsq.c: the frame the least-squares methods share. A method keeps
   its own scratch beside it and chooses the step into `step`/`xn` (and
   the bounds xn lands on into onbn); the frame evaluates trial points
   (residuals only), moves to an accepted one (the Jacobian only there),
   and ends the run. */
typedef struct muskx__lsq {
  const muskx_fit *f;
  int worker, n;  /* free parameters */
  size_t m;       /* residuals */
  const int *idx; /* free -> full index */
  double *full, *jfull;
  double *lo, *hi, *x, *xn, *g, *step; /* n each; g = J'r at x */
  double *r, *rn, *J, *Jn;             /* m, m, m x n, m x n */
  double *rj; /* m: a loose Jacobian call's residuals (not used) */
  double *Jl; /* m x n: a loose Jacobian being checked */
  int loose;  /* Jacobians still at MUSKX_FIT_ACCURACY_JACOBIAN (f->jac_loose
                 until a check finds the loose one wrong) */
  int since_check; /* accepted steps since the last check */
  int *freev, *onb, *onbn; /* n each; onb: -1 lower, 1 upper, 0 inside */
  double cost;             /* 0.5 |r|^2 at x */
  int evals;
} muskx__lsq;
/* Allocates t for the nfree parameters idx of full (the start; clamped
   into the box) and evaluates the start with its Jacobian; on failure
   there out->start_failed (status OK). out->exit MAXITER from then on.
   muskx__lsq_close() in every case. */
muskx_status muskx__lsq_open(muskx__lsq *t, const muskx_fit *f, int worker,
                             const int *idx, int nfree, double *full,
                             muskx__fit_outcome *out);
/* Residuals (and the Jacobian when J != NULL) at x; 0 on success. */
int muskx__lsq_eval(muskx__lsq *t, const double *x, double *r, double *J);
/* The cost at the trial point xn (residuals into rn); INFINITY when the
   call fails. */
double muskx__lsq_trial_cost(muskx__lsq *t);
/* 1 (and out->exit XTOL on the first try, else NOPROGRESS) when `step`
   is below the step tolerance. */
int muskx__lsq_tiny_step(const muskx__lsq *t, int tries,
                         muskx__fit_outcome *out);
/* The Jacobian Jn at the accepted trial point xn, whose residuals rn the
   trial left; 0 on success. Usually one call with the Jacobian, which
   replaces rn. While t->loose the call runs at MUSKX_FIT_ACCURACY_JACOBIAN
   (a check: at both, muskx__lsq_checked_jacobian) and rn stays the
   trial's (fit_lsq_jacobian.c). */
int muskx__lsq_jacobian(muskx__lsq *t);
/* fit_lsq_jacobian.c: the Jacobian Jn at xn at the search's accuracy
   (residuals into r: rn at a start, else the unused rj), and the loose
   one beside it; t->loose becomes 0 when they disagree. 0 on success. */
int muskx__lsq_checked_jacobian(muskx__lsq *t, double *r);
/* Moves to xn (onbn, rn, Jn: the Jacobian already evaluated there) with
   the trial's cost costn; the gradient follows. */
void muskx__lsq_move(muskx__lsq *t, double costn);
/* The end of iteration it: records it; 1 when the run ends (stop, or no
   accepted step: out->exit NOPROGRESS). */
int muskx__lsq_iteration_end(muskx__fit_outcome *out, int it, int accepted,
                             int stop);
/* Writes the result into full and out (unless st failed or the start
   did) and frees t. */
void muskx__lsq_close(muskx__lsq *t, muskx_status st,
                      muskx__fit_outcome *out);
muskx_status muskx__fit_local(const muskx_fit *f, int worker, int fixed,
                              const double *x0, double *x,
                              muskx__fit_outcome *out);
/* muskx__fit_local of all parameters from x0, with two accuracies
   (muskx_fit_set_accuracy): the search at the cheaper one, the end
   point's nllh at the full one, so that every result a run compares or
   reports is at one accuracy. Without the callback: muskx__fit_local. */
muskx_status muskx__fit_search(const muskx_fit *f, int worker,
                               const double *x0, double *x,
                               muskx__fit_outcome *out);
/* fit_restart.c: nllh within this of the best start's counts as the
   same optimum (as muskx fit's "starts within 0.1 of the best"). */
#define MUSKX__FIT_SAME 0.1
/* Whether start k of the last run (f->nllh, f->iters) restarts in the
   next round, with start `best` the lowest so far (fit_restart.c). */
int muskx__fit_wants_restart(const muskx_fit *f, size_t k, size_t best);
/* fit_restart.c: restart a of start k from its best point x (out: its
   outcome so far), within f->maxiter iterations in all; x and out keep
   the lower of the two. */
muskx_status muskx__fit_restart(const muskx_fit *f, int worker, size_t k,
                                int a, double *x, muskx__fit_outcome *out);
/* fit_dogbox.c: rectangular trust-region dogleg on the nfree parameters
   idx[] of full (n values: the start on entry, fixed values in place;
   the result on return). */
muskx_status muskx__fit_dogbox(const muskx_fit *f, int worker, const int *idx,
                               int nfree, double *full,
                               muskx__fit_outcome *out);
/* fit_plm.c: projected Levenberg-Marquardt, same contract. */
muskx_status muskx__fit_plm(const muskx_fit *f, int worker, const int *idx,
                            int nfree, double *full, muskx__fit_outcome *out);
/* fit_fides.c: trust region after Fides (2-D subspace), same contract. */
muskx_status muskx__fit_fides(const muskx_fit *f, int worker, const int *idx,
                              int nfree, double *full,
                              muskx__fit_outcome *out);
/* nllh at x (n values) on worker; NaN when the callback fails. */
double muskx__fit_eval(const muskx_fit *f, int worker, const double *x);

/* fit_pool.c: runs task(arg, worker, k) for k = 0 .. ntasks - 1 on the
   fit's threads, reporting progress on the calling thread. Each task
   writes only its own result slots. ENOMEM/ESTATE when the pool cannot
   run, else the worst status a task returned (ENOMEM only). */
typedef muskx_status (*muskx__fit_task_fn)(void *arg, int worker, size_t k);
muskx_status muskx__fit_pool(muskx_fit *f, size_t ntasks,
                             muskx__fit_task_fn task, void *arg);
/* The worker count a pool of ntasks would use. */
int muskx__fit_workers(const muskx_fit *f, size_t ntasks);

/* fit_profile.c */
void muskx__fit_profiles_free(muskx_fit *f);

#endif
