/*
 * fit.c -- the fit object: problem, options, multi-start runs and their
 * results (include/muskx.h, "Fitting"; issue 15).
 *
 * Why results do not depend on the thread count: start k's point is a pure
 * function of (seed, nstarts, k) (fit_starts.c) or row k of the caller's
 * table; the local optimiser is deterministic; each start writes only its
 * own result slots. Which worker runs a start varies, what it computes
 * does not (given a callback that is a pure function of theta).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "fit.h"

muskx_status muskx__fit_err(muskx_fit *f, muskx_status st, const char *fmt,
                            ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(f->errmsg, sizeof f->errmsg, fmt, ap);
  va_end(ap);
  return st;
}

static muskx_status ok(muskx_fit *f) {
  f->errmsg[0] = '\0';
  return MUSKX_OK;
}

const char *muskx_fit_exit_name(muskx_fit_exit reason) {
  switch (reason) {
    case MUSKX_FIT_XTOL: return "xtol";
    case MUSKX_FIT_GTOL: return "gtol";
    case MUSKX_FIT_FTOL: return "ftol";
    case MUSKX_FIT_MAXITER: return "maxiter";
    case MUSKX_FIT_NOPROGRESS: return "noprogress";
    case MUSKX_FIT_FAILED: return "failed";
    case MUSKX_FIT_GNGAIN: return "gngain";
  }
  return "?";
}

#define FIT_MAX_PARAMS 100000

muskx_status muskx_fit_create(int nparams, muskx_fit **out) {
  if (out == NULL) return MUSKX_EINVAL;
  *out = NULL;
  if (nparams < 1 || nparams > FIT_MAX_PARAMS) return MUSKX_EINVAL;
  muskx_fit *f = muskx__calloc(1, sizeof *f);
  if (f == NULL) return MUSKX_ENOMEM;
  f->n = nparams;
  f->lower = muskx__calloc((size_t)nparams, sizeof *f->lower);
  f->upper = muskx__calloc((size_t)nparams, sizeof *f->upper);
  if (f->lower == NULL || f->upper == NULL) {
    muskx_fit_free(f);
    return MUSKX_ENOMEM;
  }
  for (int j = 0; j < nparams; j++) {
    f->lower[j] = -INFINITY;
    f->upper[j] = INFINITY;
  }
  f->xtol = 1e-8;
  f->gtol = 1e-8;
  f->ftol = 0;
  f->maxiter = 1000;
  f->method = MUSKX_FIT_HYBRID;
  f->prof_min = NAN;
  f->prof_predict = 1;
  f->restarts = 1; /* docs/fitting.md, "Restarts" */
  f->restart_radius = 0.3;
  *out = f;
  return MUSKX_OK;
}

static void results_free(muskx_fit *f) {
  muskx__fit_profiles_free(f);
  muskx__free(f->start);
  muskx__free(f->theta);
  muskx__free(f->nllh);
  muskx__free(f->iters);
  muskx__free(f->evals);
  muskx__free(f->exit);
  f->start = f->theta = f->nllh = NULL;
  f->iters = f->evals = f->exit = NULL;
  f->nstarts = 0;
}

void muskx_fit_free(muskx_fit *f) {
  if (f == NULL) return;
  results_free(f);
  muskx__free(f->lower);
  muskx__free(f->upper);
  muskx__free(f->starts_table);
  muskx__free(f->first_start);
  muskx__free(f->prof_sel);
  muskx__free(f);
}

const char *muskx_fit_errmsg(const muskx_fit *f) {
  return f == NULL ? "no fit (NULL handle)" : f->errmsg;
}

int muskx_fit_nparams(const muskx_fit *f) { return f == NULL ? 0 : f->n; }

/* ------------------------------------------------------------ set-up */

muskx_status muskx_fit_set_residuals(muskx_fit *f, size_t nres, double offset,
                                     muskx_fit_residual_fn fn, void *ctx) {
  if (f == NULL) return MUSKX_EINVAL;
  if (fn == NULL) return muskx__fit_err(f, MUSKX_EINVAL, "no residual function");
  if (nres == 0 || nres > SIZE_MAX / sizeof(double) / (size_t)f->n)
    return muskx__fit_err(f, MUSKX_EINVAL,
                          "%zu residuals: need at least one, and a Jacobian "
                          "of %zu x %d that fits in memory", nres, nres, f->n);
  if (!isfinite(offset))
    return muskx__fit_err(f, MUSKX_EINVAL, "the nllh offset is not finite");
  results_free(f);
  f->resid = fn;
  f->obj = NULL;
  f->ctx = ctx;
  f->nres = nres;
  f->offset = offset;
  return ok(f);
}

muskx_status muskx_fit_set_objective(muskx_fit *f, muskx_fit_objective_fn fn,
                                     void *ctx) {
  if (f == NULL) return MUSKX_EINVAL;
  if (fn == NULL)
    return muskx__fit_err(f, MUSKX_EINVAL, "no objective function");
  results_free(f);
  f->obj = fn;
  f->resid = NULL;
  f->ctx = ctx;
  f->nres = 0;
  f->offset = 0;
  return ok(f);
}

/* Is every row of table (rows x n) inside the box? Names the first that
   is not. */
static muskx_status check_inside(muskx_fit *f, const double *table,
                                 size_t rows) {
  for (size_t k = 0; k < rows; k++)
    for (int j = 0; j < f->n; j++) {
      double v = table[k * (size_t)f->n + (size_t)j];
      if (!(v >= f->lower[j] && v <= f->upper[j]))
        return muskx__fit_err(f, MUSKX_EINVAL,
                              "start %zu: parameter %d is %g, outside its "
                              "bounds [%g, %g]", k, j, v, f->lower[j],
                              f->upper[j]);
    }
  return MUSKX_OK;
}

muskx_status muskx_fit_set_bounds(muskx_fit *f, const double *lower,
                                  const double *upper) {
  if (f == NULL) return MUSKX_EINVAL;
  if (lower == NULL || upper == NULL)
    return muskx__fit_err(f, MUSKX_EINVAL, "no bounds given");
  for (int j = 0; j < f->n; j++)
    if (isnan(lower[j]) || isnan(upper[j]) || lower[j] > upper[j] ||
        lower[j] == INFINITY || upper[j] == -INFINITY)
      return muskx__fit_err(f, MUSKX_EINVAL,
                            "parameter %d: bounds [%g, %g] are empty or "
                            "not numbers", j, lower[j], upper[j]);
  results_free(f);
  memcpy(f->lower, lower, (size_t)f->n * sizeof *lower);
  memcpy(f->upper, upper, (size_t)f->n * sizeof *upper);
  if (f->starts_table != NULL) {
    muskx_status st = check_inside(f, f->starts_table, f->table_rows);
    if (st != MUSKX_OK) {
      muskx__free(f->starts_table);
      f->starts_table = NULL;
      f->table_rows = 0;
      return st;
    }
  }
  return ok(f);
}

muskx_status muskx_fit_set_starts(muskx_fit *f, const double *table,
                                  size_t nstarts) {
  if (f == NULL) return MUSKX_EINVAL;
  if (table == NULL) {
    muskx__free(f->starts_table);
    f->starts_table = NULL;
    f->table_rows = 0;
    return ok(f);
  }
  if (nstarts == 0)
    return muskx__fit_err(f, MUSKX_EINVAL, "the starts table is empty");
  if (nstarts > SIZE_MAX / sizeof(double) / (size_t)f->n)
    return muskx__fit_err(f, MUSKX_ENOMEM, "%zu starts are too many", nstarts);
  muskx_status st = check_inside(f, table, nstarts);
  if (st != MUSKX_OK) return st;
  double *copy = muskx__calloc(nstarts * (size_t)f->n, sizeof *copy);
  if (copy == NULL)
    return muskx__fit_err(f, MUSKX_ENOMEM, "out of memory for %zu starts",
                          nstarts);
  memcpy(copy, table, nstarts * (size_t)f->n * sizeof *copy);
  muskx__free(f->starts_table);
  f->starts_table = copy;
  f->table_rows = nstarts;
  return ok(f);
}

muskx_status muskx_fit_set_first_start(muskx_fit *f, const double *x) {
  if (f == NULL) return MUSKX_EINVAL;
  if (x == NULL) {
    muskx__free(f->first_start);
    f->first_start = NULL;
    return ok(f);
  }
  muskx_status st = check_inside(f, x, 1);
  if (st != MUSKX_OK) return st;
  double *copy = muskx__calloc((size_t)f->n, sizeof *copy);
  if (copy == NULL)
    return muskx__fit_err(f, MUSKX_ENOMEM, "out of memory for the first start");
  memcpy(copy, x, (size_t)f->n * sizeof *copy);
  muskx__free(f->first_start);
  f->first_start = copy;
  return ok(f);
}

muskx_status muskx_fit_set_seed(muskx_fit *f, unsigned long long seed) {
  if (f == NULL) return MUSKX_EINVAL;
  f->seed = (uint64_t)seed;
  return ok(f);
}

muskx_status muskx_fit_set_threads(muskx_fit *f, int nthreads) {
  if (f == NULL) return MUSKX_EINVAL;
  if (nthreads < 0 || nthreads > 1024)
    return muskx__fit_err(f, MUSKX_EINVAL, "%d threads: give 0 (one per "
                          "processor) to 1024", nthreads);
  f->nthreads = nthreads;
  return ok(f);
}

int muskx_fit_threads(const muskx_fit *f) {
  return f == NULL ? 0 : muskx__fit_workers(f, SIZE_MAX);
}

muskx_status muskx_fit_set_tolerances(muskx_fit *f, double xtol, double gtol,
                                      double ftol) {
  if (f == NULL) return MUSKX_EINVAL;
  if (!(xtol >= 0 && gtol >= 0 && ftol >= 0) || !isfinite(xtol) ||
      !isfinite(gtol) || !isfinite(ftol))
    return muskx__fit_err(f, MUSKX_EINVAL,
                          "tolerances xtol %g, gtol %g, ftol %g: each must "
                          "be a finite number >= 0", xtol, gtol, ftol);
  f->xtol = xtol;
  f->gtol = gtol;
  f->ftol = ftol;
  return ok(f);
}

muskx_status muskx_fit_set_max_iterations(muskx_fit *f, int maxiter) {
  if (f == NULL) return MUSKX_EINVAL;
  if (maxiter < 1)
    return muskx__fit_err(f, MUSKX_EINVAL, "at most %d iterations: need at "
                          "least 1", maxiter);
  f->maxiter = maxiter;
  return ok(f);
}

muskx_status muskx_fit_set_method(muskx_fit *f, muskx_fit_method method) {
  if (f == NULL) return MUSKX_EINVAL;
  if (method != MUSKX_FIT_DOGBOX && method != MUSKX_FIT_LM &&
      method != MUSKX_FIT_HYBRID && method != MUSKX_FIT_FIDES)
    return muskx__fit_err(f, MUSKX_EINVAL, "unknown local method %d: "
                          "MUSKX_FIT_DOGBOX, MUSKX_FIT_LM, MUSKX_FIT_HYBRID or "
                          "MUSKX_FIT_FIDES",
                          (int)method);
  f->method = method;
  return ok(f);
}

muskx_status muskx_fit_set_gain_tolerance(muskx_fit *f, double gntol) {
  if (f == NULL) return MUSKX_EINVAL;
  if (!(gntol >= 0) || !isfinite(gntol))
    return muskx__fit_err(f, MUSKX_EINVAL, "gain tolerance %g: give a "
                          "finite number >= 0", gntol);
  f->gntol = gntol;
  return ok(f);
}

muskx_status muskx_fit_set_restarts(muskx_fit *f, int restarts,
                                    double radius) {
  if (f == NULL) return MUSKX_EINVAL;
  if (restarts < 0 || restarts > 1000)
    return muskx__fit_err(f, MUSKX_EINVAL, "%d restarts per start: give 0 "
                          "to 1000", restarts);
  if (!(radius > 0 && radius <= 1))
    return muskx__fit_err(f, MUSKX_EINVAL, "restart radius %g: give a share "
                          "of the box width in (0, 1]", radius);
  f->restarts = restarts;
  f->restart_radius = radius;
  return ok(f);
}

muskx_status muskx_fit_set_accuracy(muskx_fit *f, muskx_fit_accuracy_fn fn,
                                    void *ctx) {
  if (f == NULL) return MUSKX_EINVAL;
  f->accuracy = fn;
  f->accuracy_ctx = ctx;
  return ok(f);
}

muskx_status muskx_fit_set_jacobian_accuracy(muskx_fit *f, int on) {
  if (f == NULL) return MUSKX_EINVAL;
  if (on != 0 && on != 1)
    return muskx__fit_err(f, MUSKX_EINVAL, "jacobian accuracy %d: give 0 "
                          "(off) or 1 (on)", on);
  f->jac_accuracy = on;
  return ok(f);
}

muskx_status muskx_fit_set_progress(muskx_fit *f, muskx_progress_fn fn,
                                    void *ctx) {
  if (f == NULL) return MUSKX_EINVAL;
  f->progress = fn;
  f->progress_ctx = ctx;
  return ok(f);
}

/* ------------------------------------------------------------ the run */

/* Start k's result slots. */
static void store(muskx_fit *f, size_t k, const muskx__fit_outcome *o) {
  f->nllh[k] = o->nllh;
  f->iters[k] = o->iters;
  f->evals[k] = o->evals;
  f->exit[k] = (int)o->exit;
}

static muskx_status run_start(void *arg, int worker, size_t k) {
  muskx_fit *f = arg;
  size_t n = (size_t)f->n;
  muskx__fit_outcome o;
  muskx_status st = muskx__fit_search(f, worker, f->start + k * n,
                                      f->theta + k * n, &o);
  /* A drawn start whose callback fails at the start point is drawn again
     (fit_starts.c); the start reported is the one that ran. A start from
     the caller's table (or the caller's first start) is kept as given. */
  int given = f->starts_table != NULL || (f->first_start != NULL && k == 0);
  for (int a = 0; st == MUSKX_OK && !given && o.start_failed &&
                  a < MUSKX__FIT_REDRAWS;
       a++) {
    muskx__fit_redraw(f, k, a, f->start + k * n);
    st = muskx__fit_search(f, worker, f->start + k * n, f->theta + k * n,
                           &o);
  }
  store(f, k, &o);
  return st;
}

/* The caller's progress over a whole run: each pool reports done of its
   own tasks; the caller sees done of nstarts x (1 + restarts) local
   fits, a start that a round skips counting as done. */
typedef struct run_progress {
  muskx_progress_fn fn;
  void *ctx;
  size_t offset, total, reported;
} run_progress;

static void report_run(void *ctx, size_t done, size_t total) {
  run_progress *p = ctx;
  (void)total;
  p->reported = p->offset + done;
  p->fn(p->ctx, p->reported, p->total);
}

/* One round of restarts (fit_restart.c) over the starts in `which`. */
typedef struct restart_round {
  muskx_fit *f;
  int a; /* the round */
  const size_t *which;
} restart_round;

static muskx_status run_restart(void *arg, int worker, size_t i) {
  restart_round *r = arg;
  muskx_fit *f = r->f;
  size_t k = r->which[i], n = (size_t)f->n;
  muskx__fit_outcome o;
  memset(&o, 0, sizeof o);
  o.nllh = f->nllh[k];
  o.iters = f->iters[k];
  o.evals = f->evals[k];
  o.exit = (muskx_fit_exit)f->exit[k];
  muskx_status st = muskx__fit_restart(f, worker, k, r->a, f->theta + k * n,
                                       &o);
  store(f, k, &o);
  return st;
}

/* Every start's local optimisation, then the restart rounds: round a
   runs restart a of the starts muskx__fit_wants_restart() picks from the
   results of round a - 1 (so the same whatever the thread count). */
static muskx_status run_all(muskx_fit *f, size_t nstarts, run_progress *p) {
  muskx_status st = muskx__fit_pool(f, nstarts, run_start, f);
  if (st != MUSKX_OK) return st;
  if (muskx_fit_best(f) == (size_t)-1)
    return muskx__fit_err(f, MUSKX_ENOTCONV, "all %zu starts failed: the "
                          "callback could not be evaluated at any start",
                          nstarts);
  size_t *which = muskx__calloc(nstarts, sizeof *which);
  if (which == NULL)
    return muskx__fit_err(f, MUSKX_ENOMEM, "out of memory for the restarts");
  restart_round r = {f, 0, which};
  for (int a = 0; a < f->restarts && st == MUSKX_OK; a++) {
    size_t best = muskx_fit_best(f), m = 0;
    for (size_t k = 0; k < nstarts; k++)
      if (muskx__fit_wants_restart(f, k, best)) which[m++] = k;
    r.a = a;
    p->offset = nstarts * (size_t)(a + 1) + (nstarts - m);
    if (m > 0) st = muskx__fit_pool(f, m, run_restart, &r);
  }
  muskx__free(which);
  return st;
}

/* With a gain tolerance the starts stop within about gntol of their
   optima, and with two accuracies they searched at the cheaper one; the
   best one goes on without the test at the full accuracy (on worker 0,
   after the pool: the same whatever the thread count), so the reported
   optimum is as exact as without either, for the price of one short
   local run. */
static muskx_status polish_best(muskx_fit *f) {
  size_t k = muskx_fit_best(f), n = (size_t)f->n;
  if ((f->gntol <= 0 && f->accuracy == NULL) || f->resid == NULL ||
      f->iters[k] >= f->maxiter)
    return MUSKX_OK;
  if (f->accuracy != NULL) f->accuracy(f->accuracy_ctx, 0, 1);
  muskx_fit g = *f;
  g.gntol = 0;
  g.maxiter = f->maxiter - f->iters[k];
  double *x = muskx__calloc(n, sizeof *x);
  if (x == NULL) return MUSKX_ENOMEM;
  muskx__fit_outcome o;
  muskx_status st = muskx__fit_local(&g, 0, -1, f->theta + k * n, x, &o);
  if (st == MUSKX_OK) {
    f->iters[k] += o.iters;
    f->evals[k] += o.evals;
    if (!isnan(o.nllh) && o.nllh <= f->nllh[k]) {
      memcpy(f->theta + k * n, x, n * sizeof *x);
      f->nllh[k] = o.nllh;
      f->exit[k] = (int)o.exit;
    }
  }
  muskx__free(x);
  return st;
}

static muskx_status results_alloc(muskx_fit *f, size_t nstarts) {
  size_t n = (size_t)f->n;
  if (nstarts > SIZE_MAX / sizeof(double) / n)
    return muskx__fit_err(f, MUSKX_ENOMEM, "%zu starts are too many", nstarts);
  results_free(f);
  f->start = muskx__calloc(nstarts * n, sizeof *f->start);
  f->theta = muskx__calloc(nstarts * n, sizeof *f->theta);
  f->nllh = muskx__calloc(nstarts, sizeof *f->nllh);
  f->iters = muskx__calloc(nstarts, sizeof *f->iters);
  f->evals = muskx__calloc(nstarts, sizeof *f->evals);
  f->exit = muskx__calloc(nstarts, sizeof *f->exit);
  if (f->start == NULL || f->theta == NULL || f->nllh == NULL ||
      f->iters == NULL || f->evals == NULL || f->exit == NULL) {
    results_free(f);
    return muskx__fit_err(f, MUSKX_ENOMEM, "out of memory for %zu starts",
                          nstarts);
  }
  f->nstarts = nstarts;
  return MUSKX_OK;
}

muskx_status muskx_fit_run(muskx_fit *f, size_t nstarts) {
  if (f == NULL) return MUSKX_EINVAL;
  if (f->prof_busy)
    return muskx__fit_err(f, MUSKX_ESTATE, "muskx_fit_run() called while "
                          "this fit's profiles run (from the profile "
                          "callback?)");
  if (f->resid == NULL && f->obj == NULL)
    return muskx__fit_err(f, MUSKX_EINVAL, "no problem: set residuals or an "
                          "objective first");
  if (nstarts == 0) return muskx__fit_err(f, MUSKX_EINVAL, "no starts to run");
  if (f->starts_table != NULL && nstarts > f->table_rows)
    return muskx__fit_err(f, MUSKX_EINVAL, "%zu starts asked, but the starts "
                          "table has %zu rows", nstarts, f->table_rows);
  if (f->starts_table == NULL)
    for (int j = 0; j < f->n; j++)
      if (!isfinite(f->lower[j]) || !isfinite(f->upper[j]))
        return muskx__fit_err(f, MUSKX_EINVAL,
                              "parameter %d has no finite bounds [%g, %g] to "
                              "draw starts in: set bounds or a starts table",
                              j, f->lower[j], f->upper[j]);
  muskx_status st = results_alloc(f, nstarts);
  if (st != MUSKX_OK) return st;
  size_t n = (size_t)f->n;
  if (f->starts_table != NULL) {
    memcpy(f->start, f->starts_table, nstarts * n * sizeof(double));
  } else if (f->first_start != NULL) {
    /* start 0 as given (inside bounds set since), then a hypercube of
       nstarts - 1 */
    if ((st = check_inside(f, f->first_start, 1)) != MUSKX_OK) {
      results_free(f);
      return st;
    }
    memcpy(f->start, f->first_start, n * sizeof(double));
    if (nstarts > 1 &&
        (st = muskx__fit_lhs(f, nstarts - 1, f->start + n)) != MUSKX_OK)
      return st;
  } else if ((st = muskx__fit_lhs(f, nstarts, f->start)) != MUSKX_OK) {
    return st;
  }

  run_progress p = {f->progress, f->progress_ctx, 0,
                    nstarts * (size_t)(1 + f->restarts), 0};
  if (p.fn != NULL) {
    f->progress = report_run;
    f->progress_ctx = &p;
  }
  st = run_all(f, nstarts, &p);
  f->progress = p.fn;
  f->progress_ctx = p.ctx;
  if (st == MUSKX_OK && p.fn != NULL && p.reported < p.total)
    p.fn(p.ctx, p.total, p.total);
  if (st == MUSKX_ENOTCONV) return st; /* the starts are kept */
  if (st != MUSKX_OK) {
    results_free(f);
    return st;
  }
  if ((st = polish_best(f)) != MUSKX_OK) {
    results_free(f);
    return muskx__fit_err(f, st, "out of memory polishing the best start");
  }
  return ok(f);
}

/* ------------------------------------------------------------ results */

size_t muskx_fit_nstarts(const muskx_fit *f) {
  return f == NULL ? 0 : f->nstarts;
}

size_t muskx_fit_best(const muskx_fit *f) {
  size_t best = (size_t)-1;
  for (size_t k = 0; f != NULL && k < f->nstarts; k++)
    if (!isnan(f->nllh[k]) && (best == (size_t)-1 || f->nllh[k] < f->nllh[best]))
      best = k;
  return best;
}

muskx_status muskx_fit_result(const muskx_fit *f, size_t k, double *start,
                              double *theta) {
  if (f == NULL || k >= f->nstarts) return MUSKX_EINVAL;
  size_t n = (size_t)f->n;
  if (start != NULL) memcpy(start, f->start + k * n, n * sizeof *start);
  if (theta != NULL) memcpy(theta, f->theta + k * n, n * sizeof *theta);
  return MUSKX_OK;
}

double muskx_fit_nllh(const muskx_fit *f, size_t k) {
  return f == NULL || k >= f->nstarts ? NAN : f->nllh[k];
}

int muskx_fit_iterations(const muskx_fit *f, size_t k) {
  return f == NULL || k >= f->nstarts ? -1 : f->iters[k];
}

int muskx_fit_evaluations(const muskx_fit *f, size_t k) {
  return f == NULL || k >= f->nstarts ? -1 : f->evals[k];
}

int muskx_fit_exit_reason(const muskx_fit *f, size_t k) {
  return f == NULL || k >= f->nstarts ? -1 : f->exit[k];
}
